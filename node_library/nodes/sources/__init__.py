"""Source nodes: files under a data root, PostgreSQL, REST APIs, S3 objects, sample datasets.

`NODES` lists the node types of this category; node_library.nodes registers them."""

from __future__ import annotations

from node_library.nodes.sources.csv_file import CsvFileNode
from node_library.nodes.sources.excel_file import ExcelFileNode
from node_library.nodes.sources.json_file import JsonFileNode
from node_library.nodes.sources.parquet_file import ParquetFileNode
from node_library.nodes.sources.postgres_query import PostgresQueryNode
from node_library.nodes.sources.rest_api import RestApiNode
from node_library.nodes.sources.s3_object import S3ObjectNode
from node_library.nodes.sources.sample_dataset import SampleDatasetNode

NODES = (
    CsvFileNode,
    ExcelFileNode,
    JsonFileNode,
    ParquetFileNode,
    PostgresQueryNode,
    RestApiNode,
    S3ObjectNode,
    SampleDatasetNode,
)
