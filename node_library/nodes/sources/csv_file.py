"""CSV file source: one delimited text file inside a data root, read into a dataframe.

Reading uses pandas' pyarrow engine (multithreaded; every option of this node is one it supports).
That engine also recognizes ISO-8601 timestamps by itself, so such columns arrive as datetimes even
when they are not listed in `parse_dates`; `parse_dates` adds the columns in other date formats and
fails loudly when a listed column is not dates. Without a header row the columns are named
`column_1`, `column_2`, ... and `columns` / `parse_dates` use those names.

Files compressed with gzip, bzip2 or xz (recognized by their first bytes, not their name) are
decompressed through `node_library.safety.file_limits.open_data_file`, which refuses past the
expanded-size and ratio caps; zip and zstd files are refused with a hint to extract them.

The schema before a run comes from the same reader on the same options: plain files up to
WHOLE_FILE_BYTES are read whole; larger ones through their first SAMPLE_ROWS rows, so a column whose
first rows differ from the rest (ints that gain a blank, say) can be inferred narrower than the run
produces. Results are cached by (file, size, mtime, options).

`read_csv_frame` is the plain function behind the node; the S3 source reads CSV objects with it.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import warnings
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
from pydantic import Field

from node_library import widgets
from node_library.contract import Issue, NodeError, error
from node_library.io.object_columns import object_columns
from node_library.node_kinds.file_source import (
    DataFileParams,
    DataFileSourceNode,
    missing_file_column,
    repeated_columns_issues,
    too_large,
    unreadable_file,
)
from node_library.node_kinds.sources import roles_param
from node_library.safety.file_limits import FileLimitError, compression_of, open_data_file
from node_library.safety.paths import file_stamp
from node_library.schema import Role, TableSchema, schema_of_frame

SAMPLE_ROWS = 1000
WHOLE_FILE_BYTES = 2 * 1024 * 1024
SAMPLE_MAX_CHARS = 16 * 1024 * 1024
_POSITIONAL = re.compile(r"column_([1-9][0-9]*)")


class CsvFileParams(DataFileParams):
    path: str = Field(
        "",
        max_length=1024,
        description="CSV file, relative to a data root (e.g. 'sales/2026.csv').",
    )
    delimiter: str = Field(
        ",",
        min_length=1,
        max_length=1,
        description="Character between fields: ',' ';' '|' or a tab.",
    )
    encoding: str = Field(
        "utf-8",
        min_length=1,
        max_length=40,
        description="Text encoding of the file, e.g. utf-8, latin-1, cp1252.",
    )
    header: bool = Field(
        True,
        description="The first row (after skip_rows) holds column names. "
        "Without it columns are named column_1, column_2, ...",
    )
    skip_rows: int = Field(
        0,
        ge=0,
        le=1_000_000,
        description="Lines to skip at the top of the file, before the header.",
    )
    parse_dates: list[str] = Field(
        default_factory=list,
        max_length=1000,
        description="Columns to parse as dates and times.",
        json_schema_extra=widgets.columns(),
    )
    columns: list[str] | None = Field(
        None,
        max_length=10_000,
        description="Columns to read, in this order; empty reads every column.",
        json_schema_extra=widgets.columns(),
    )
    roles: dict[str, Role] = roles_param()


# -- the reader -------------------------------------------------------------------------------


def read_csv_frame(
    source: Path | bytes,
    *,
    label: str,
    delimiter: str = ",",
    encoding: str = "utf-8",
    header: bool = True,
    skip_rows: int = 0,
    parse_dates: Sequence[str] = (),
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read CSV from a file or bytes; every problem becomes a NodeError naming `label`."""
    kwargs: dict[str, Any] = {
        "engine": "pyarrow",
        "sep": delimiter,
        "encoding": encoding,
        "skiprows": skip_rows or None,
    }
    if header:
        kwargs.update(
            header=0,
            usecols=list(columns) if columns else None,
            parse_dates=list(parse_dates) or None,
        )
    else:
        kwargs.update(header=None, parse_dates=[_position(c) for c in parse_dates] or None)

    def data() -> BinaryIO:
        # Compression is recognized by content and decompressed under the caps, never by the
        # name through pandas (which would expand a gzip bomb without bound).
        return io.BytesIO(source) if isinstance(source, bytes) else open_data_file(source, label)

    try:
        with warnings.catch_warnings(), data() as stream:
            # "could not infer format" for parse_dates columns: not actionable for the user.
            warnings.simplefilter("ignore", UserWarning)
            frame: pd.DataFrame = pd.read_csv(stream, **kwargs)
    except FileLimitError as exc:
        raise too_large(exc) from None
    except pd.errors.EmptyDataError:
        raise NodeError(
            error("empty_file", f"{label} is empty", "point to a file with data", param="path")
        ) from None
    except KeyError:
        with data() as stream:
            names = _header_names(stream, delimiter, encoding, header, skip_rows)
        raise _missing_columns(label, names, parse_dates, columns) from None
    except (UnicodeError, LookupError) as exc:  # undecodable bytes, unknown codec
        raise _encoding_error(label, encoding, str(exc)) from None
    except (pd.errors.ParserError, ValueError) as exc:
        with data() as stream:
            failure = _malformed(label, stream, str(exc), delimiter, encoding, header, skip_rows)
        raise failure from None
    except OSError as exc:
        raise unreadable_file(label, exc) from None

    if not header:
        frame.columns = [f"column_{i + 1}" for i in range(frame.shape[1])]
        if columns:
            missing = [c for c in columns if c not in frame.columns]
            if missing:
                raise _missing_columns(label, list(frame.columns), (), missing)
            frame = frame.loc[:, list(columns)]
    frame.columns = [str(c) for c in frame.columns]
    for name in object_columns(frame):
        values = frame[name].dropna()
        first = values.iloc[0] if len(values) else None
        if any(isinstance(v, bytes) for v in values.head(1000)):
            raise _encoding_error(
                label, encoding, f"column {name!r} has bytes that are not valid {encoding}"
            )
        # pyarrow types date-only columns as dates and clock times as times; pandas has neither.
        if isinstance(first, datetime.date) and not isinstance(first, datetime.datetime):
            frame[name] = pd.to_datetime(frame[name])
        elif isinstance(first, datetime.time):
            frame[name] = (
                frame[name]
                .map(lambda t: t.isoformat() if isinstance(t, datetime.time) else None)
                .astype("str")
            )
    for name in parse_dates:
        if name in frame.columns and not pd.api.types.is_datetime64_any_dtype(frame[name]):
            value = frame[name].dropna().head(1).tolist()
            shown = f" (e.g. {value[0]!r})" if value else ""
            raise NodeError(
                error(
                    "not_dates",
                    f"{label}: column {name!r} listed in parse_dates does not hold dates{shown}",
                    "remove it from parse_dates, or fix the values in the file",
                    param="parse_dates",
                )
            )
    return frame


def _position(name: str) -> int:
    match = _POSITIONAL.fullmatch(name)
    if not match:
        raise NodeError(
            error(
                "missing_column",
                f"without a header row columns are named "
                f"column_1, column_2, ...; {name!r} is not one of them",
                "use column_<number>, counting from 1",
                param="parse_dates",
            )
        )
    return int(match.group(1)) - 1


def _header_names(
    source: Any, delimiter: str, encoding: str, header: bool, skip_rows: int
) -> list[str]:
    try:
        names = pd.read_csv(
            source,
            sep=delimiter,
            encoding=encoding,
            nrows=0,
            header=0 if header else None,
            skiprows=skip_rows or None,
        ).columns
    except (ValueError, UnicodeError, LookupError):
        return []
    return [str(n) if header else f"column_{i + 1}" for i, n in enumerate(names)]


def _missing_columns(
    label: str, names: Sequence[str], parse_dates: Sequence[str], columns: Sequence[str] | None
) -> NodeError:
    for param, wanted in (("columns", columns or ()), ("parse_dates", parse_dates)):
        for name in wanted:
            if name not in names:
                return missing_file_column(label, name, names, param)
    return NodeError(
        error(
            "missing_column",
            f"{label} lacks a requested column",
            "check the columns and parse_dates lists",
            param="columns",
        )
    )


def _encoding_error(label: str, encoding: str, detail: str) -> NodeError:
    return NodeError(
        error(
            "bad_encoding",
            f"{label} cannot be read as {encoding}: {detail}",
            "set encoding to the file's real encoding, e.g. latin-1 or cp1252 "
            "for files saved by older Excel versions",
            param="encoding",
        )
    )


def _malformed(
    label: str,
    source: BinaryIO,
    detail: str,
    delimiter: str,
    encoding: str,
    header: bool,
    skip_rows: int,
) -> NodeError:
    located = _locate_bad_row(source, delimiter, encoding, skip_rows)
    if located:
        line, got, expected = located
        what = "the header has" if header else "the first row has"
        message = f"{label} is not valid CSV: line {line} has {got} fields but {what} {expected}"
    else:
        message = f"{label} could not be parsed as CSV: {detail.strip()}"
    shown = "a tab" if delimiter == "\t" else repr(delimiter)
    return NodeError(
        error(
            "malformed_csv",
            message,
            f"check that the delimiter is right (now {shown}), that quotes are balanced and that "
            "every row has as many fields as the header; use skip_rows to skip lines before the "
            "header",
            param="path",
        )
    )


def _locate_bad_row(
    source: BinaryIO, delimiter: str, encoding: str, skip_rows: int
) -> tuple[int, int, int] | None:
    """(line number, fields, expected fields) of the first row whose width differs."""
    try:
        with io.TextIOWrapper(source, encoding=encoding, newline="") as text:
            for _ in range(skip_rows):
                if not text.readline():
                    return None
            reader = csv.reader(text, delimiter=delimiter)
            expected: int | None = None
            for row in reader:
                if not row:
                    continue
                if expected is None:
                    expected = len(row)
                elif len(row) != expected:
                    return reader.line_num + skip_rows, len(row), expected
    except (OSError, UnicodeError, LookupError, csv.Error, FileLimitError):
        return None
    return None


# -- schema before a run ----------------------------------------------------------------------


def _sample_bytes(path: Path, label: str, encoding: str, max_lines: int) -> tuple[bytes, bool]:
    """The first `max_lines` lines re-encoded as UTF-8, and whether the file goes on."""
    lines: list[str] = []
    budget = SAMPLE_MAX_CHARS
    with io.TextIOWrapper(open_data_file(path, label), encoding=encoding, newline="") as handle:
        while len(lines) < max_lines and budget > 0:
            line = handle.readline(budget)
            if not line:
                return "".join(lines).encode("utf-8"), False
            budget -= len(line)
            lines.append(line)
        more = handle.read(1) != ""
    if budget <= 0 and lines and not lines[-1].endswith(("\n", "\r")):
        lines.pop()
    return "".join(lines).encode("utf-8"), more


@lru_cache(maxsize=256)
def _cached_schema(stamp: tuple[str, int, int], options_json: str, label: str) -> TableSchema:
    params = CsvFileParams.model_validate_json(options_json)
    path = Path(stamp[0])
    options = _reader_options(params)
    try:
        compressed = compression_of(path) is not None
    except OSError as exc:
        raise unreadable_file(label, exc) from None
    if stamp[1] <= WHOLE_FILE_BYTES and not compressed:
        return schema_of_frame(read_csv_frame(path, label=label, **options))
    head_lines = params.skip_rows + int(params.header) + SAMPLE_ROWS
    try:
        sample, more = _sample_bytes(path, label, params.encoding, head_lines)
    except FileLimitError as exc:
        raise too_large(exc) from None
    except (UnicodeError, LookupError) as exc:
        raise _encoding_error(label, params.encoding, str(exc)) from None
    except OSError as exc:
        raise unreadable_file(label, exc) from None
    options["encoding"] = "utf-8"
    lines = sample.splitlines(keepends=True)
    # A quoted field with line breaks may be cut at the end of the sample: drop lines until it
    # parses, a bounded number of times.
    for attempt in range(20):
        try:
            frame = read_csv_frame(b"".join(lines), label=label, **options)
            return schema_of_frame(frame.head(0))
        except NodeError as exc:
            if not more or exc.issue.code != "malformed_csv" or attempt == 19 or len(lines) < 3:
                raise
            lines.pop()
    raise AssertionError("unreachable")


def _reader_options(params: CsvFileParams) -> dict[str, Any]:
    return {
        "delimiter": params.delimiter,
        "encoding": params.encoding,
        "header": params.header,
        "skip_rows": params.skip_rows,
        "parse_dates": tuple(params.parse_dates),
        "columns": tuple(params.columns) if params.columns else None,
    }


def csv_schema(path: Path, params: CsvFileParams) -> TableSchema:
    """Columns and dtypes of the CSV as the node will read it (see the module docstring)."""
    return _cached_schema(file_stamp(path), params.model_dump_json(), repr(params.path))


# -- the node ---------------------------------------------------------------------------------


class CsvFileNode(DataFileSourceNode[CsvFileParams]):
    type_id = "sources.csv"
    display_name = "CSV file"
    description = "Read a CSV (or other delimited text) file from a data folder."
    tags = ("file", "csv", "tsv", "text")
    Params = CsvFileParams
    file_kind = "a CSV file"

    def read_schema(self, path: Path, params: CsvFileParams) -> TableSchema:
        return csv_schema(path, params)

    def read_frame(self, path: Path, params: CsvFileParams) -> pd.DataFrame:
        return read_csv_frame(path, label=repr(params.path), **_reader_options(params))

    def param_issues(self, params: CsvFileParams) -> list[Issue]:
        issues: list[Issue] = []
        if params.delimiter in ('"', "\n", "\r"):
            issues.append(
                error(
                    "invalid_delimiter",
                    f"{params.delimiter!r} cannot separate fields",
                    "use ',', ';', '|' or a tab",
                    param="delimiter",
                )
            )
        try:
            codecs.lookup(params.encoding)
        except LookupError:
            issues.append(
                error(
                    "unknown_encoding",
                    f"unknown encoding {params.encoding!r}",
                    "use e.g. utf-8, latin-1, cp1252 or utf-16",
                    param="encoding",
                )
            )
        if not params.header:
            issues.extend(
                error(
                    "missing_column",
                    f"without a header row columns are named column_1, "
                    f"column_2, ...; {name!r} is not one of them",
                    "use column_<number>, counting from 1",
                    param=param,
                )
                for param, names in (
                    ("columns", params.columns or []),
                    ("parse_dates", params.parse_dates),
                )
                for name in names
                if not _POSITIONAL.fullmatch(name)
            )
        issues.extend(repeated_columns_issues(params.columns))
        if params.columns:
            issues.extend(
                error(
                    "missing_column",
                    f"{name!r} is in parse_dates but not in columns",
                    "add it to columns, or remove it from parse_dates",
                    param="parse_dates",
                )
                for name in params.parse_dates
                if name not in params.columns
            )
        return issues
