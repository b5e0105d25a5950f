"""Excel file source: one sheet of an .xlsx / .xlsm workbook inside a data root.

Read with openpyxl through pandas (read-only, cached values of formulas, no external links). Older
.xls workbooks need xlrd, which is not a dependency: save them as .xlsx. The header row is counted
like Excel counts rows (1 = the first row; rows above it are skipped); with header_row 0 the
columns are named column_1, column_2, ...

Before openpyxl opens the workbook, `node_library.safety.file_limits.check_xlsx` reads the zip's
central directory and the sheets' declared dimensions, and refuses a workbook that expands past the
caps (a decompression bomb, or a sheet claiming millions of rows): on validation, upload and run.

The schema before a run comes from the same reader on the first SAMPLE_ROWS rows (the whole sheet
when the largest sheet's XML is at most WHOLE_SHEET_XML_BYTES once unzipped), cached by (file,
size, mtime, options). The compressed size says nothing about the work: a 130 KB workbook can
hold two million rows.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
from pydantic import Field

from node_library.checks import did_you_mean
from node_library.contract import Issue, NodeError, error
from node_library.node_kinds.file_source import DataFileParams, DataFileSourceNode, too_large
from node_library.safety.file_limits import FileLimitError, XlsxFacts, check_xlsx
from node_library.safety.paths import file_stamp
from node_library.schema import TableSchema, schema_of_frame

SAMPLE_ROWS = 1000
WHOLE_SHEET_XML_BYTES = 4 * 1024 * 1024
EXCEL_HINT = (
    "open the file in Excel or LibreOffice and save it again as .xlsx; older .xls "
    "workbooks are not supported"
)


class ExcelFileParams(DataFileParams):
    path: str = Field(
        "", max_length=1024, description="Excel workbook (.xlsx, .xlsm), relative to a data root."
    )
    sheet: int | str = Field(0, description="Sheet name, or its position counting from 0.")
    header_row: int = Field(
        1,
        ge=0,
        le=1_048_576,
        description="Row number holding the column names (1 = first row; "
        "rows above it are skipped); 0 when the sheet has no header row.",
    )


def _unreadable(label: str, detail: str) -> NodeError:
    return NodeError(
        error(
            "malformed_excel",
            f"{label} is not a readable Excel workbook: {detail}",
            EXCEL_HINT,
            param="path",
        )
    )


def sheet_names(path: Path, label: str) -> list[str]:
    try:
        with pd.ExcelFile(path, engine="openpyxl") as workbook:
            return [str(n) for n in workbook.sheet_names]
    except Exception as exc:  # openpyxl raises many kinds of errors for damaged files
        raise _unreadable(label, _describe(exc)) from None


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    if "zip" in type(exc).__name__.lower() or "zip file" in text.lower():
        return (
            "it is not a complete .xlsx file (an .xlsx is a zip archive; this one cannot be opened)"
        )
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _check_sheet(sheet: int | str, names: list[str], label: str) -> None:
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise NodeError(
                error(
                    "sheet_not_found",
                    f"{label} has {len(names)} sheet(s); there is no sheet at position {sheet}",
                    "sheets: " + ", ".join(f"{i}={n!r}" for i, n in enumerate(names[:20])),
                    param="sheet",
                )
            )
    elif sheet not in names:
        guess = did_you_mean(sheet, names)
        raise NodeError(
            error(
                "sheet_not_found",
                f"{label} has no sheet named {sheet!r}",
                f"did you mean {guess!r}?"
                if guess
                else "sheets: " + ", ".join(repr(n) for n in names[:20]),
                param="sheet",
            )
        )


def checked_workbook(path: Path, label: str) -> XlsxFacts:
    """The workbook's sizes once unzipped; a NodeError when they are over the caps."""
    try:
        return check_xlsx(path, label)
    except FileLimitError as exc:
        raise too_large(exc) from None


def read_excel_frame(
    path: Path, params: ExcelFileParams, nrows: int | None = None, *, checked: bool = False
) -> pd.DataFrame:
    """One sheet as a frame; `checked` when `checked_workbook` has just passed for this file."""
    label = repr(params.path)
    if not checked:
        checked_workbook(path, label)
    _check_sheet(params.sheet, sheet_names(path, label), label)
    try:
        frame = pd.read_excel(
            path,
            sheet_name=params.sheet,
            engine="openpyxl",
            nrows=nrows,
            header=params.header_row - 1 if params.header_row else None,
        )
    except Exception as exc:  # openpyxl raises many kinds of errors for damaged files
        raise _unreadable(label, _describe(exc)) from None
    if not params.header_row:
        frame.columns = [f"column_{i + 1}" for i in range(frame.shape[1])]
    frame.columns = [str(c) for c in frame.columns]
    return frame


@lru_cache(maxsize=128)
def _cached_schema(stamp: tuple[str, int, int], options_json: str) -> TableSchema:
    params = ExcelFileParams.model_validate_json(options_json)
    path = Path(stamp[0])
    facts = checked_workbook(path, repr(params.path))
    nrows = None if facts.largest_sheet_bytes <= WHOLE_SHEET_XML_BYTES else SAMPLE_ROWS
    return schema_of_frame(read_excel_frame(path, params, nrows, checked=True).head(0))


def excel_schema(path: Path, params: ExcelFileParams) -> TableSchema:
    return _cached_schema(file_stamp(path), params.model_dump_json())


class ExcelFileNode(DataFileSourceNode[ExcelFileParams]):
    type_id = "sources.excel"
    display_name = "Excel file"
    description = "Read one sheet of an Excel workbook (.xlsx) from a data folder."
    tags = ("file", "excel", "xlsx", "spreadsheet")
    Params = ExcelFileParams
    file_kind = "an .xlsx file"

    def read_schema(self, path: Path, params: ExcelFileParams) -> TableSchema:
        return excel_schema(path, params)

    def read_frame(self, path: Path, params: ExcelFileParams) -> pd.DataFrame:
        return read_excel_frame(path, params)

    def param_issues(self, params: ExcelFileParams) -> list[Issue]:
        if isinstance(params.sheet, int) and params.sheet < 0:
            return [
                error(
                    "invalid_param",
                    "sheet positions count from 0",
                    "use 0 for the first sheet, or the sheet's name",
                    param="sheet",
                )
            ]
        return []
