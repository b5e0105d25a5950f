"""Export a table as a downloadable file: CSV, JSON, Parquet or Excel.

The output is a FileValue (name, bytes, media type); nothing is written to the server's disk, and
the name is only what the browser offers on download. It is still checked as a plain file name
(letters, digits, space, ".", "_" and "-"; no path separators, no ".."), because it ends up in a
Content-Disposition header and in users' download folders. The format's extension is added when it
is missing; a name ending with another format's extension is an issue.

Formats: CSV (UTF-8, comma separated, CRLF line ends, no index), JSON (an array of row objects,
ISO dates), Parquet (pyarrow, types preserved), Excel (.xlsx through openpyxl, one sheet; at most
1,048,575 data rows and 16,384 columns, the sheet's limits; time zones are dropped because Excel
has none, keeping the wall-clock time).

CSV and Excel files are opened by spreadsheets, which run a text cell starting with '=', '+', '-',
'@', a tab or a carriage return as a formula (formula injection). Unless `raw_values` is on, such
text cells and column names are neutralized (`node_library.safety.formulas`): prefixed with a
single quote in CSV; in Excel kept exactly but stored as quote-prefixed text instead of a formula.
Numbers and dates are never touched. Version 2 added `raw_values` (off: older exports that wrote
formulas now write text).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

import pandas as pd
from pandas.api import types as pdt
from pydantic import Field

from node_library import widgets
from node_library.contract import (
    ExecutionContext,
    Issue,
    NodeError,
    NodeParams,
    NodeType,
    Port,
    PortSchema,
    error,
)
from node_library.datatypes import DataType
from node_library.safety.formulas import formula_like_cells, formula_like_names, neutralize_frame
from node_library.settings import NodeSettings
from node_library.values import FileValue

Format = Literal["csv", "json", "parquet", "excel"]

EXTENSIONS: dict[str, str] = {
    "csv": ".csv",
    "json": ".json",
    "parquet": ".parquet",
    "excel": ".xlsx",
}
MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
    "excel": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Extensions that announce another format: "data.csv" exported as parquet would mislead.
_OTHER_EXTENSIONS = (*EXTENSIONS.values(), ".xls", ".tsv", ".txt", ".ndjson", ".pq", ".parq")
EXCEL_MAX_ROWS = 1_048_576 - 1  # the header takes one row of the sheet
EXCEL_MAX_COLUMNS = 16_384
_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9 ._-]*")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
CSV_CHUNK_ROWS = 200_000
# RFC 4180's CRLF: the csv writer quotes a field holding any character of the line end, so a lone
# carriage return inside a cell cannot start a new row (whose first cell could be a formula).
CSV_LINE_END = "\r\n"
EXCEL_CHUNK_ROWS = 20_000
Progress = Callable[[int, int], None]


class ExportParams(NodeParams):
    format: Format = Field("csv", description="File format of the export.")
    file_name: str = Field(
        "export",
        max_length=120,
        description="Download name: letters, digits, spaces, . _ -; the extension is added.",
    )
    sheet_name: str = Field(
        "data",
        min_length=1,
        max_length=31,
        description="Excel only: name of the sheet.",
        json_schema_extra=widgets.visible_when(format=["excel"]),
    )
    raw_values: bool = Field(
        False,
        description="CSV and Excel: write text starting with = + - @ as is. Off, such text is"
        " kept from running as a formula when the file is opened in a spreadsheet.",
        json_schema_extra=widgets.visible_when(format=["csv", "excel"]),
    )


def plain_file_name_issues(file_name: str) -> list[Issue]:
    """The `file_name` param is a plain download name: no folders, no "..", no odd characters."""
    name = file_name.strip()
    hint = 'use a plain name such as "sales_2026" (letters, digits, spaces, ".", "_", "-")'
    if not name:
        return [error("invalid_file_name", "the file name is empty", hint, param="file_name")]
    if "/" in name or "\\" in name or ".." in name or not _SAFE_NAME.fullmatch(name):
        return [
            error(
                "invalid_file_name",
                f"{file_name!r} is not a plain file name (no folders, no '..', no special "
                "characters)",
                hint,
                param="file_name",
            )
        ]
    return []


def file_name_issues(file_name: str, file_format: str) -> list[Issue]:
    issues = plain_file_name_issues(file_name)
    if issues:
        return issues
    lowered = file_name.strip().lower()
    wanted = EXTENSIONS[file_format]
    for extension in _OTHER_EXTENSIONS:
        if lowered.endswith(extension) and extension != wanted:
            return [
                error(
                    "extension_mismatch",
                    f"{file_name!r} ends with {extension} but the format is {file_format}",
                    f"remove {extension} from the name or change the format",
                    param="file_name",
                )
            ]
    return []


def export_file_name(file_name: str, file_format: str) -> str:
    name = file_name.strip()
    extension = EXTENSIONS[file_format]
    return name if name.lower().endswith(extension) else name + extension


class ExportNode(NodeType[ExportParams]):
    type_id = "outputs.export"
    version = 2
    migrations = {1: lambda params: {**params, "raw_values": False}}
    display_name = "Export file"
    category = "outputs"
    description = "Export a table as a CSV, JSON, Parquet or Excel file to download."
    tags = ("download", "save", "csv", "excel", "parquet", "json", "file")
    Params = ExportParams
    inputs = (Port("data", DataType.DATAFRAME, "Data"),)
    outputs = (Port("file", DataType.FILE, "File"),)

    def validate(
        self, params: ExportParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        issues = file_name_issues(params.file_name, params.format)
        if params.format == "excel":
            if _SHEET_FORBIDDEN.search(params.sheet_name):
                issues.append(
                    error(
                        "invalid_sheet_name",
                        f"Excel sheet names cannot contain [ ] : * ? / \\ ({params.sheet_name!r})",
                        "remove those characters",
                        param="sheet_name",
                    )
                )
            schema = inputs.get("data")
            if schema is not None and len(schema.columns) > EXCEL_MAX_COLUMNS:
                issues.append(_too_big(f"{len(schema.columns):,} columns", "columns"))
        return issues

    def input_schemas(self, inputs: Mapping[str, Any]) -> dict[str, PortSchema]:
        # validated on the params alone: `compute` checks the real frame's size, rows first
        return {}

    def compute(self, ctx: ExecutionContext, params: ExportParams, **inputs: Any) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["data"]
        if params.format == "excel" and len(frame) > EXCEL_MAX_ROWS:
            raise NodeError(_too_big(f"{len(frame):,} rows", "rows"))
        if params.format == "excel" and len(frame.columns) > EXCEL_MAX_COLUMNS:
            raise NodeError(_too_big(f"{len(frame.columns):,} columns", "columns"))
        file = export_frame(
            frame, params, lambda done, total: ctx.progress(done, total, "rows written")
        )
        ctx.log(f"exported {len(frame):,} rows to {file.name} ({len(file.content):,} bytes)")
        return {"file": file}


def _too_big(size: str, what: str) -> Issue:
    limit = EXCEL_MAX_ROWS if what == "rows" else EXCEL_MAX_COLUMNS
    return error(
        "too_large_for_excel",
        f"the table has {size}; an Excel sheet holds at most {limit:,} {what}",
        "export as CSV or Parquet, or sample or aggregate the rows first",
        param="format",
    )


def export_frame(
    frame: pd.DataFrame, params: ExportParams, progress: Progress | None = None
) -> FileValue:
    name = export_file_name(params.file_name, params.format)
    content = _encode(frame, params, progress or (lambda done, total: None))
    return FileValue(name, content, MEDIA_TYPES[params.format])


def _chunks(rows: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, rows)) for start in range(0, max(rows, 1), size)]


def _encode(frame: pd.DataFrame, params: ExportParams, progress: Progress) -> bytes:
    rows = len(frame)
    if params.format == "csv":
        text = io.StringIO()
        for start, stop in _chunks(rows, CSV_CHUNK_ROWS):
            part = frame.iloc[start:stop]
            if not params.raw_values:
                part = neutralize_frame(part)
            part.to_csv(text, index=False, header=start == 0, lineterminator=CSV_LINE_END)
            progress(stop, rows)
        return text.getvalue().encode("utf-8")
    if params.format == "json":
        text_json = frame.to_json(orient="records", date_format="iso", force_ascii=False)
        return (text_json or "[]").encode("utf-8")
    buffer = io.BytesIO()
    if params.format == "parquet":
        frame.to_parquet(buffer, index=False, engine="pyarrow")
        return buffer.getvalue()
    sheet = _without_time_zones(frame)
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        # openpyxl writes about 10,000 rows a second: report progress chunk by chunk.
        for start, stop in _chunks(rows, EXCEL_CHUNK_ROWS):
            part = sheet.iloc[start:stop]
            part.to_excel(
                writer,
                index=False,
                header=start == 0,
                startrow=0 if start == 0 else start + 1,
                sheet_name=params.sheet_name,
            )
            if not params.raw_values:
                _mark_as_text(writer.sheets[params.sheet_name], part, start, start == 0)
            progress(stop, rows)
    return buffer.getvalue()


def _mark_as_text(worksheet: Any, part: pd.DataFrame, start: int, header: bool) -> None:
    """Store the chunk's formula-like text cells as quote-prefixed text, not formulas."""
    # Sheet rows count from 1 and the header takes row 1: frame row r is sheet row r + 2.
    cells = [(start + row + 2, column + 1) for row, column in formula_like_cells(part)]
    if header:
        cells.extend((1, column + 1) for column in formula_like_names(part))
    for row, column in cells:
        cell = worksheet.cell(row=row, column=column)
        cell.data_type = "s"
        cell.quotePrefix = True


def _without_time_zones(frame: pd.DataFrame) -> pd.DataFrame:
    aware = [
        name
        for name, dtype in frame.dtypes.items()
        if pdt.is_datetime64_any_dtype(dtype) and getattr(dtype, "tz", None) is not None
    ]
    if not aware:
        return frame
    result = frame.copy(deep=False)
    for name in aware:
        result[name] = frame[name].dt.tz_localize(None)
    return result
