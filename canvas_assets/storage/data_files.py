"""The files under the data roots as the canvas's file browser shows them: one folder's entries,
and a preview of one data file read the way its source node reads it.

Confinement is the file sources' own (`node_library.safety.paths`): a folder or file is named
relative to the data roots, checked as text first (no absolute paths, no '..', no backslashes,
nothing that decodes to those), then resolved with every symbolic link followed, and refused when
it leads outside its root. A listing leaves out hidden entries (names starting with '.', such as
uploads still being checked) and symbolic links that lead outside the root, since no source could
read them. With several data roots a folder's listing merges the roots, and a name in an earlier
root hides the same name in later ones (a source reads the first root that holds its path).

What a file is comes from its name here (the browser lists many files and opens none of them):
.csv and .tsv/.tab (also gzip, bzip2 or xz compressed, e.g. .csv.gz), .parquet/.pq/.parq,
.xlsx/.xlsm, .json, .jsonl/.ndjson. Other files are listed with no kind and cannot be previewed.

A preview validates the file with its source node (the same issues a workflow would show), takes
the columns and dtypes from the node's `infer_schema`, and reads the first rows with the node's
own reader on a bounded part of the file: the first lines of a CSV, the first record batch of a
Parquet file written back as a small Parquet file, the first rows of the sheet, the first records
of a JSON Lines file. A JSON document must be parsed whole to reach a record, so over
MAX_DOCUMENT_PREVIEW_BYTES it shows its columns (when known) and no rows. A CSV's delimiter is
sniffed from its first 64 KiB; the options the preview read with come back as `source_params`,
ready for the node.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from canvas_assets.outputs.json_cells import cell
from node_library.contract import NodeError, Severity, error
from node_library.io.json_records import records_frame
from node_library.node_kinds.file_source import too_large
from node_library.nodes.sources.csv_file import CsvFileParams, read_csv_frame
from node_library.nodes.sources.excel_file import ExcelFileParams, read_excel_frame
from node_library.nodes.sources.json_file import JsonFileParams, read_json_records
from node_library.nodes.sources.parquet_file import ParquetFileParams, read_parquet_frame
from node_library.registry import NodeRegistry
from node_library.safety.file_limits import FileLimitError, open_data_file
from node_library.safety.paths import (
    DataPathError,
    check_path_text,
    resolve_data_path,
    resolved_roots,
)
from node_library.schema import Column, schema_of_frame
from node_library.settings import NodeSettings

MAX_ENTRIES = 1000
DEFAULT_PREVIEW_ROWS = 20
MAX_PREVIEW_ROWS = 100
SNIFF_BYTES = 64 * 1024
MAX_CSV_PREVIEW_BYTES = 4 * 1024 * 1024
MAX_DOCUMENT_PREVIEW_BYTES = 64 * 1024 * 1024
COMPRESSION_SUFFIXES = (".gz", ".bz2", ".xz")
ROOTS_HINT = "set CANVAS_DATA_ROOTS to the folders that file sources may read"


class DataFileError(ValueError):
    """A folder or file the browser cannot show; the message says why, the hint what to do."""

    def __init__(self, message: str, field: str | None = "path", hint: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.hint = hint


@dataclass(frozen=True)
class DataFileKind:
    kind: str  # csv, tsv, parquet, excel, json, jsonl
    source_type: str  # the node type that reads it
    options: tuple[tuple[str, Any], ...] = ()  # its params besides the path


_KINDS: dict[str, DataFileKind] = {
    ".csv": DataFileKind("csv", "sources.csv"),
    ".tsv": DataFileKind("tsv", "sources.csv", (("delimiter", "\t"),)),
    ".tab": DataFileKind("tsv", "sources.csv", (("delimiter", "\t"),)),
    ".parquet": DataFileKind("parquet", "sources.parquet"),
    ".pq": DataFileKind("parquet", "sources.parquet"),
    ".parq": DataFileKind("parquet", "sources.parquet"),
    ".xlsx": DataFileKind("excel", "sources.excel"),
    ".xlsm": DataFileKind("excel", "sources.excel"),
    ".json": DataFileKind("json", "sources.json", (("lines", False),)),
    ".jsonl": DataFileKind("jsonl", "sources.json", (("lines", True),)),
    ".ndjson": DataFileKind("jsonl", "sources.json", (("lines", True),)),
}
KNOWN_KINDS = (
    ".csv, .tsv (also .gz, .bz2 or .xz compressed), .parquet, .xlsx, .json and .jsonl files"
)


def kind_of_name(name: str) -> DataFileKind | None:
    """What a file is by its name (see the module docstring); None for other files."""
    suffixes = [s.lower() for s in PurePosixPath(name).suffixes]
    if suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        suffixes.pop()
        found = _KINDS.get(suffixes[-1]) if suffixes else None
        return found if found is not None and found.source_type == "sources.csv" else None
    return _KINDS.get(suffixes[-1]) if suffixes else None


@dataclass(frozen=True)
class DataFileEntry:
    name: str
    path: str  # relative to the data roots, '/' between folders: what a source's path takes
    is_folder: bool
    size_bytes: int | None  # None for folders
    modified: datetime
    kind: DataFileKind | None  # None for folders and files no source reads


@dataclass(frozen=True)
class DataFolder:
    folder: str  # '' for the top of the data roots
    parent: str | None  # None at the top
    entries: tuple[DataFileEntry, ...]  # folders first, then files, by name
    total_entries: int  # before the cut at MAX_ENTRIES
    roots: int  # how many data roots the listing merges


@dataclass(frozen=True)
class DataFilePreview:
    path: str
    name: str
    size_bytes: int
    modified: datetime
    kind: DataFileKind
    source_params: dict[str, Any]  # the node's params the preview read with, path included
    columns: tuple[Column, ...] | None  # as the node infers them; None: known after a run
    rows: list[list[Any]]  # the first rows, JSON-safe, in the order of `columns`
    note: str | None  # why no rows are shown, when there are none to show for a reason


# -- listing ------------------------------------------------------------------------------------


def list_data_folder(
    folder: str, settings: NodeSettings, max_entries: int = MAX_ENTRIES
) -> DataFolder:
    """The entries of `folder` (relative to the data roots; '' for their top)."""
    roots = resolved_roots(settings)
    if not roots:
        raise DataFileError("no data roots are configured", field=None, hint=ROOTS_HINT)
    parts = _folder_parts(folder, roots)
    shown = "/".join(parts)
    seen: dict[str, tuple[Path, os.DirEntry[str]]] = {}
    is_file = False
    listed = False
    for root in roots:
        real = _resolve_folder(root, parts, shown)
        if real is None:
            continue
        if not real.is_dir():
            is_file = is_file or real.is_file()
            continue
        listed = True
        try:
            with os.scandir(real) as children:
                for child in children:
                    if not child.name.startswith(".") and child.name not in seen:
                        seen[child.name] = (root, child)
        except OSError as exc:
            raise DataFileError(
                f"folder {shown!r} cannot be read: {exc.strerror or exc}",
                field="folder",
                hint="check that the server may read the folder (permissions)",
            ) from None
    if not listed:
        if is_file:
            raise DataFileError(
                f"{shown!r} is a file, not a folder",
                field="folder",
                hint="list the folder that holds it, or preview the file",
            )
        raise DataFileError(
            f"folder {shown!r} does not exist in any data root",
            field="folder",
            hint="list the top of the data roots ('') and open folders from there",
        )
    found = [e for root, child in seen.values() if (e := _entry(root, child, parts)) is not None]
    found.sort(key=lambda e: (not e.is_folder, e.name.lower(), e.name))
    return DataFolder(
        folder=shown,
        parent=None if not parts else "/".join(parts[:-1]),
        entries=tuple(found[:max_entries]),
        total_entries=len(found),
        roots=len(roots),
    )


def _folder_parts(folder: str, roots: tuple[Path, ...]) -> tuple[str, ...]:
    text = folder.rstrip("/")
    if not text.strip():
        return ()
    try:
        check_path_text(text, roots)
    except DataPathError as exc:
        raise DataFileError(
            f"folder {exc.path!r} {exc.reason}",
            field="folder",
            hint="give a folder relative to the data roots, e.g. 'uploads' or 'sales/2026'",
        ) from None
    return tuple(p for p in text.split("/") if p and p != ".")


def _resolve_folder(root: Path, parts: tuple[str, ...], shown: str) -> Path | None:
    """The real path of the folder in `root`; None when this root has no such folder."""
    candidate = root.joinpath(*parts)
    try:
        real = candidate.resolve(strict=True)
    except FileNotFoundError:
        if not candidate.resolve().is_relative_to(root):
            raise _outside(shown) from None
        return None
    except (OSError, RuntimeError) as exc:  # symlink loops, permissions
        raise DataFileError(
            f"folder {shown!r} cannot be resolved ({exc})", field="folder"
        ) from None
    if not real.is_relative_to(root):
        raise _outside(shown)
    return real


def _outside(shown: str) -> DataFileError:
    return DataFileError(
        f"folder {shown!r} leads outside the data root through a symbolic link",
        field="folder",
        hint="copy the files into the data root instead of linking to them",
    )


def _entry(root: Path, child: os.DirEntry[str], parts: tuple[str, ...]) -> DataFileEntry | None:
    """One listed entry; None for what no source could read (links out, sockets, vanished)."""
    try:
        real = Path(child.path).resolve(strict=True)
        if not real.is_relative_to(root):
            return None
        stat = real.stat()
    except (OSError, RuntimeError):
        return None
    is_folder = real.is_dir()
    if not is_folder and not real.is_file():
        return None
    return DataFileEntry(
        name=child.name,
        path="/".join((*parts, child.name)),
        is_folder=is_folder,
        size_bytes=None if is_folder else stat.st_size,
        modified=datetime.fromtimestamp(stat.st_mtime, UTC),
        kind=None if is_folder else kind_of_name(child.name),
    )


# -- preview ------------------------------------------------------------------------------------


def preview_data_file(
    path: str,
    settings: NodeSettings,
    registry: NodeRegistry,
    rows: int = DEFAULT_PREVIEW_ROWS,
) -> DataFilePreview:
    """The columns and first `rows` rows of a data file as its source node reads them."""
    if not 1 <= rows <= MAX_PREVIEW_ROWS:
        raise DataFileError(
            f"rows must be between 1 and {MAX_PREVIEW_ROWS}, got {rows}",
            field="rows",
            hint="a preview shows the first rows; a run reads them all",
        )
    try:
        real = resolve_data_path(path, settings)
    except DataPathError as exc:
        raise DataFileError(str(exc), hint=exc.hint) from None
    name = PurePosixPath(path).name
    kind = kind_of_name(name)
    if kind is None:
        raise DataFileError(
            f"{name!r} is not a data file the file sources read",
            hint=f"choose one of the {KNOWN_KINDS}",
        )
    node_type = registry.get(kind.source_type)
    if node_type is None:
        raise DataFileError(
            f"no {kind.source_type} node is installed to read {kind.kind} files", field=None
        )
    options = dict(kind.options)
    if kind.kind == "csv":
        options["delimiter"] = _sniff_delimiter(real, repr(path))
    params = node_type.Params.model_validate({"path": path, **options})
    for issue in node_type.validate(params, {}, settings):
        if issue.severity is Severity.ERROR:
            raise DataFileError(issue.message, field=issue.param or "path", hint=issue.hint)
    try:
        schema = node_type.infer_schema(params, {}, settings).get("data")
        frame, note = _first_rows(real, params, rows)
    except NodeError as exc:
        raise DataFileError(
            exc.issue.message, field=exc.issue.param or "path", hint=exc.issue.hint
        ) from None
    columns = tuple(schema.columns) if schema is not None else None
    if frame is not None:
        names = [str(c) for c in frame.columns]
        if columns is not None and set(names) == {c.name for c in columns}:
            frame = frame.loc[:, [c.name for c in columns]]
        elif columns is None or not columns:
            columns = tuple(schema_of_frame(frame).columns)
    stat = real.stat()
    return DataFilePreview(
        path=path,
        name=name,
        size_bytes=stat.st_size,
        modified=datetime.fromtimestamp(stat.st_mtime, UTC),
        kind=kind,
        source_params=params.model_dump(mode="json", include={"path", *options}),
        columns=columns,
        rows=[] if frame is None else [[cell(v) for v in row] for row in _records(frame)],
        note=note,
    )


def _records(frame: pd.DataFrame) -> list[list[Any]]:
    return [list(row) for row in frame.astype(object).itertuples(index=False, name=None)]


def _sniff_delimiter(path: Path, label: str) -> str:
    """The delimiter of a CSV from its first SNIFF_BYTES (',' when nothing else is clear)."""
    try:
        with open_data_file(path, label) as stream:
            head = stream.read(SNIFF_BYTES)
    except (OSError, FileLimitError):
        return ","  # the node's validation says what is wrong with the file
    lines = head.decode("utf-8", errors="replace").splitlines()
    if len(head) == SNIFF_BYTES and len(lines) > 1:
        lines.pop()  # cut short
    sample = "\n".join(line for line in lines[:200] if line.strip())
    if not sample:
        return ","
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.splitlines()[0]
        counts = {d: first.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


Rows = tuple[pd.DataFrame | None, str | None]  # the first rows, or None and why not
Reader = Callable[[Path, Any, int], Rows]


def _first_rows(path: Path, params: BaseModel, rows: int) -> Rows:
    reader = _READERS.get(type(params))
    if reader is None:  # a plugin replaced the built-in source with its own params
        return None, "this source node reads the file its own way; no rows are previewed"
    return reader(path, params, rows)


def _csv_rows(path: Path, params: CsvFileParams, rows: int) -> Rows:
    label = repr(params.path)
    wanted = params.skip_rows + int(params.header) + rows
    lines: list[bytes] = []
    budget = MAX_CSV_PREVIEW_BYTES
    try:
        with open_data_file(path, label) as stream:
            while len(lines) < wanted and budget > 0:
                line = stream.readline(budget)
                if not line:
                    break
                budget -= len(line)
                lines.append(line)
            more = bool(stream.read(1))
    except FileLimitError as exc:
        raise too_large(exc) from None
    # A quoted field with line breaks may be cut at the end of the sample: drop lines until it
    # parses, a bounded number of times (as the node's schema inference does).
    for attempt in range(20):
        try:
            frame = read_csv_frame(
                b"".join(lines),
                label=label,
                delimiter=params.delimiter,
                encoding=params.encoding,
                header=params.header,
                skip_rows=params.skip_rows,
                parse_dates=params.parse_dates,
                columns=params.columns,
            )
            return frame.head(rows), None
        except NodeError as exc:
            if not more or exc.issue.code != "malformed_csv" or attempt == 19 or len(lines) < 3:
                raise
            lines.pop()
    raise AssertionError("unreachable")


def _parquet_rows(path: Path, params: ParquetFileParams, rows: int) -> Rows:
    label = repr(params.path)
    try:
        parquet = pq.ParquetFile(path)
        columns = list(params.columns) if params.columns else None
        batch = next(parquet.iter_batches(batch_size=rows, columns=columns), None)
        schema = parquet.schema_arrow
        if columns:
            schema = pa.schema([schema.field(c) for c in columns], metadata=schema.metadata)
        table = pa.Table.from_batches([batch] if batch is not None else [], schema=schema)
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
    except (pa.ArrowException, OSError, ValueError, KeyError) as exc:
        raise NodeError(
            error(
                "malformed_parquet",
                f"{label} is not a readable Parquet file: {exc}",
                "check that the file is Parquet and was written completely",
                param="path",
            )
        ) from None
    # The node's own reader on the first rows, so dtypes and index handling are the node's.
    return read_parquet_frame(buffer.getvalue(), label=label).head(rows), None


def _excel_rows(path: Path, params: ExcelFileParams, rows: int) -> Rows:
    return read_excel_frame(path, params, nrows=rows), None


def _json_rows(path: Path, params: JsonFileParams, rows: int) -> Rows:
    if not params.lines and path.stat().st_size > MAX_DOCUMENT_PREVIEW_BYTES:
        limit = MAX_DOCUMENT_PREVIEW_BYTES // (1024 * 1024)
        return None, (
            f"a JSON document over {limit} MB is parsed whole only by a run; no rows are previewed"
        )
    return records_frame(read_json_records(path, params, limit=rows)), None


_READERS: dict[type, Reader] = {
    CsvFileParams: _csv_rows,
    ParquetFileParams: _parquet_rows,
    ExcelFileParams: _excel_rows,
    JsonFileParams: _json_rows,
}
