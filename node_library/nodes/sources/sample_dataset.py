"""Sample datasets shipped with scikit-learn, as a dataframe with the target as the last column.

The target column (named by `target_column`) has the target role in the output schema, so models
and metrics downstream find it, and feature nodes leave it alone, without being told."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import pandas as pd
from pydantic import Field

from node_library import widgets
from node_library.contract import ExecutionContext, NodeParams, PortSchema
from node_library.io.sample_columns import SAMPLE_COLUMNS
from node_library.node_kinds.sources import SourceNode
from node_library.schema import Column, Dtype, Role, TableSchema
from node_library.settings import NodeSettings

DatasetName = Literal["iris", "wine", "breast_cancer", "diabetes", "digits"]


class SampleDatasetParams(NodeParams):
    dataset: DatasetName = Field("iris", description="Which bundled scikit-learn dataset to load.")
    target_column: str = Field(
        "target",
        min_length=1,
        description="Name of the column that holds the target (it gets the target role).",
        json_schema_extra=widgets.text(),
    )


def load_sample(dataset: str, target_column: str = "target") -> pd.DataFrame:
    from sklearn import datasets

    loader = getattr(datasets, f"load_{dataset}")
    bunch = loader(as_frame=True)
    frame: pd.DataFrame = bunch.frame.copy()
    frame.columns = [str(c) for c in frame.columns]
    return frame.rename(columns={"target": target_column})


class SampleDatasetNode(SourceNode[SampleDatasetParams]):
    type_id = "sources.sample_dataset"
    display_name = "Sample dataset"
    description = "Load a small dataset bundled with scikit-learn (iris, wine, digits, ...)."
    tags = ("example", "sklearn", "demo")
    Params = SampleDatasetParams

    _schemas: ClassVar[dict[tuple[str, str], TableSchema]] = {}

    def infer_schema(
        self, params: SampleDatasetParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        key = (params.dataset, params.target_column)
        if key not in self._schemas:
            # Known without importing scikit-learn (checked against the real frames in the tests).
            self._schemas[key] = TableSchema(
                columns=tuple(
                    Column(name=params.target_column, dtype=Dtype(dtype), role=Role.TARGET)
                    if name == "target"
                    else Column(name=name, dtype=Dtype(dtype))
                    for name, dtype in SAMPLE_COLUMNS[params.dataset]
                )
            )
        return {"data": self._schemas[key]}

    def compute(
        self, ctx: ExecutionContext, params: SampleDatasetParams, **inputs: Any
    ) -> dict[str, Any]:
        return {"data": load_sample(params.dataset, params.target_column)}
