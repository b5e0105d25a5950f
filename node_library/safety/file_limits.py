"""Caps on what a data file may expand to, checked before any parser sees the data.

A small file can claim a huge table: an .xlsx is a zip archive (a 130 KB one held a 2M-row
sheet), gzip text expands without bound, and a Parquet file's pages are compressed. The file
sources call these checks first, on validation, upload and run alike, so neither the API process
(schema inference, upload checks) nor a run worker parses a bomb:

- `check_xlsx`: reads the zip's central directory only. Refuses when the members' declared sizes
  add up to more than `max_expanded_bytes`, when a large member (over RATIO_FLOOR_BYTES expanded)
  compresses better than `max_ratio`:1, or when a sheet's `<dimension ref="A1:Z2000000">` claims
  more rows or cells than the caps (or than an Excel sheet can hold). Python's zipfile stops a
  member at its declared size (and fails its CRC), so the declared sizes bound what a reader gets.
- `open_data_file`: the file as a binary stream; gzip, bzip2 and xz (recognized by content, not
  name) are decompressed through a reader that refuses past `max_expanded_bytes` or `max_ratio`.
- `check_parquet`: the footer's row count, column count and uncompressed size, no data read.

Limits come from the environment at each call (so an operator or a test changes them without a
restart): CANVAS_MAX_EXPANDED_BYTES (default 1 GiB), CANVAS_MAX_ROWS (10,000,000),
CANVAS_MAX_CELLS (100,000,000) and CANVAS_MAX_EXPANSION_RATIO (100). The defaults keep a table
under about 1 GB in pandas (100M float cells are 800 MB) while leaving ten times the 1M-row
pipelines we benchmark. A refusal is a `FileLimitError` naming the file, the cap and its setting.
"""

from __future__ import annotations

import bz2
import gzip
import io
import logging
import lzma
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

ENV_MAX_EXPANDED_BYTES = "CANVAS_MAX_EXPANDED_BYTES"
ENV_MAX_ROWS = "CANVAS_MAX_ROWS"
ENV_MAX_CELLS = "CANVAS_MAX_CELLS"
ENV_MAX_RATIO = "CANVAS_MAX_EXPANSION_RATIO"
DEFAULT_MAX_EXPANDED_BYTES = 1024**3
DEFAULT_MAX_ROWS = 10_000_000
DEFAULT_MAX_CELLS = 100_000_000
DEFAULT_MAX_RATIO = 100
# Small members may compress absurdly well (an empty sheet, repeated styles) without harm.
RATIO_FLOOR_BYTES = 10 * 1024 * 1024
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
DIMENSION_SCAN_BYTES = 64 * 1024
_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,3})?\$?([0-9]{1,9})?"
    rb"(?::\$?([A-Z]{1,3})?\$?([0-9]{1,9})?)?\""
)
_SHEET_MEMBER = re.compile(r"xl/worksheets/[^/]+\.xml")
_COMPRESSED: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"PK\x03\x04", "zip"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
_OPENERS: dict[str, Callable[[BinaryIO], io.BufferedIOBase]] = {
    "gzip": lambda raw: gzip.GzipFile(fileobj=raw, mode="rb"),
    "bzip2": lambda raw: bz2.BZ2File(raw, mode="rb"),
    "xz": lambda raw: lzma.LZMAFile(raw, mode="rb"),  # noqa: SIM115 (the reader closes it)
}


class FileLimitError(ValueError):
    """A file expands beyond a cap; the message names the cap and `hint` the setting."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class FileLimits:
    max_expanded_bytes: int = DEFAULT_MAX_EXPANDED_BYTES
    max_rows: int = DEFAULT_MAX_ROWS
    max_cells: int = DEFAULT_MAX_CELLS
    max_ratio: int = DEFAULT_MAX_RATIO

    @classmethod
    def from_env(cls) -> FileLimits:
        return cls(
            max_expanded_bytes=_positive(ENV_MAX_EXPANDED_BYTES, DEFAULT_MAX_EXPANDED_BYTES),
            max_rows=_positive(ENV_MAX_ROWS, DEFAULT_MAX_ROWS),
            max_cells=_positive(ENV_MAX_CELLS, DEFAULT_MAX_CELLS),
            max_ratio=_positive(ENV_MAX_RATIO, DEFAULT_MAX_RATIO),
        )


def _positive(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip().replace("_", "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        log.warning("%s=%r is not a positive integer; using %d", name, raw, default)
        return default
    return value


def _raise_hint(setting: str) -> str:
    return f"use a smaller file, or ask an admin to raise {setting} if the file is genuine"


def _mb(count: int) -> str:
    return f"{count / 1024 / 1024:,.0f} MB"


def check_table_size(label: str, rows: int, columns: int, limits: FileLimits, how: str) -> None:
    """Refuse a table of `rows` x `columns` over the row or cell cap; `how` says who claims it."""
    if rows > limits.max_rows:
        raise FileLimitError(
            f"{label} {how} {rows:,} rows, more than the limit of {limits.max_rows:,} rows",
            _raise_hint(ENV_MAX_ROWS),
        )
    if rows * columns > limits.max_cells:
        raise FileLimitError(
            f"{label} {how} {rows:,} rows x {columns:,} columns = {rows * columns:,} cells, more"
            f" than the limit of {limits.max_cells:,} cells",
            _raise_hint(ENV_MAX_CELLS),
        )


# -- xlsx ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class XlsxFacts:
    expanded_bytes: int  # all members together, as declared
    largest_sheet_bytes: int  # the largest worksheet's XML, expanded


def check_xlsx(path: Path, label: str, limits: FileLimits | None = None) -> XlsxFacts:
    """Check a workbook's declared sizes and sheet dimensions (module docstring); FileLimitError.

    A file that is not a zip archive passes: the Excel reader reports it as damaged.
    """
    limits = limits or FileLimits.from_env()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return XlsxFacts(0, 0)
    with archive:
        members = archive.infolist()
        total = sum(m.file_size for m in members)
        if total > limits.max_expanded_bytes:
            raise FileLimitError(
                f"{label} expands to {_mb(total)} when unzipped (an .xlsx is a zip archive),"
                f" more than the limit of {_mb(limits.max_expanded_bytes)}",
                _raise_hint(ENV_MAX_EXPANDED_BYTES),
            )
        for member in members:
            _check_ratio(label, member.filename, member.file_size, member.compress_size, limits)
        sheets = [m for m in members if _SHEET_MEMBER.fullmatch(m.filename)]
        for member in sheets:
            _check_dimension(archive, member, label, limits)
    return XlsxFacts(total, max((m.file_size for m in sheets), default=0))


def _check_ratio(label: str, name: str, expanded: int, packed: int, limits: FileLimits) -> None:
    if expanded > RATIO_FLOOR_BYTES and expanded > limits.max_ratio * max(packed, 1):
        raise FileLimitError(
            f"{label} looks like a decompression bomb: {name} expands"
            f" {expanded // max(packed, 1):,} times ({_mb(expanded)}), more than the limit of"
            f" {limits.max_ratio}:1",
            _raise_hint(ENV_MAX_RATIO),
        )


def _check_dimension(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, label: str, limits: FileLimits
) -> None:
    try:
        with archive.open(member) as handle:
            head = handle.read(DIMENSION_SCAN_BYTES)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        return  # damaged or encrypted: the Excel reader reports it
    match = _DIMENSION.search(head)
    if not match:
        return
    first_col, first_row, last_col, last_row = (g.decode() if g else "" for g in match.groups())
    rows = int(last_row or first_row or 1) - int(first_row or 1) + 1
    columns = _column_number(last_col or first_col or "A") - _column_number(first_col or "A") + 1
    sheet = member.filename.rsplit("/", 1)[-1]
    if rows > EXCEL_MAX_ROWS or columns > EXCEL_MAX_COLUMNS:
        raise FileLimitError(
            f"{label}: {sheet} claims {max(rows, 0):,} rows x {max(columns, 0):,} columns, more"
            f" than an Excel sheet can hold ({EXCEL_MAX_ROWS:,} x {EXCEL_MAX_COLUMNS:,})",
            "the workbook is damaged or forged: save it again from Excel or LibreOffice",
        )
    check_table_size(label, max(rows, 0), max(columns, 0), limits, f"({sheet}) claims")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


# -- compressed text ----------------------------------------------------------------------------


def compression_of(path: Path) -> str | None:
    """ "gzip", "bzip2", "xz", "zip" or "zstd" by the file's first bytes; None for plain files."""
    with path.open("rb") as handle:
        head = handle.read(8)
    return next((name for magic, name in _COMPRESSED if head.startswith(magic)), None)


def open_data_file(path: Path, label: str, limits: FileLimits | None = None) -> BinaryIO:
    """The file's bytes, decompressed when it is gzip, bzip2 or xz, through a capped reader.

    zip and zstd are refused (pandas would open them by name); the caller closes the stream.
    """
    limits = limits or FileLimits.from_env()
    kind = compression_of(path)
    if kind is None:
        return path.open("rb")
    opener = _OPENERS.get(kind)
    if opener is None:
        raise FileLimitError(
            f"{label} is a {kind} archive, not a text file",
            f"extract the file from the {kind} archive and point to it instead",
        )
    raw = path.open("rb")
    try:
        return io.BufferedReader(_CappedReader(opener(raw), raw, label, kind, limits))
    except BaseException:
        raw.close()
        raise


class _CappedReader(io.RawIOBase):
    """Decompressed bytes of `inner`, refused past the expanded-size or ratio cap."""

    def __init__(
        self, inner: io.BufferedIOBase, raw: BinaryIO, label: str, kind: str, limits: FileLimits
    ) -> None:
        self._inner = inner
        self._raw = raw
        self._label = label
        self._kind = kind
        self._limits = limits
        self._expanded = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]  # bytes-like in
        data = self._inner.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        self._expanded += count
        limits = self._limits
        if self._expanded > limits.max_expanded_bytes:
            raise FileLimitError(
                f"{self._label} expands to more than {_mb(limits.max_expanded_bytes)} when"
                f" decompressed ({self._kind}), the limit",
                _raise_hint(ENV_MAX_EXPANDED_BYTES),
            )
        if self._expanded > RATIO_FLOOR_BYTES:
            packed = max(self._raw.tell(), 1)
            if self._expanded > limits.max_ratio * packed:
                raise FileLimitError(
                    f"{self._label} looks like a decompression bomb: its first {_mb(packed)}"
                    f" of {self._kind} data expand {self._expanded // packed:,} times, more than"
                    f" the limit of {limits.max_ratio}:1",
                    _raise_hint(ENV_MAX_RATIO),
                )
        return count

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            self._raw.close()
            super().close()


# -- parquet ----------------------------------------------------------------------------------


def check_parquet_footer(
    label: str, rows: int, columns: int, uncompressed_bytes: int, limits: FileLimits | None = None
) -> None:
    """Refuse a Parquet file whose footer claims more rows, cells or bytes than the caps."""
    limits = limits or FileLimits.from_env()
    check_table_size(label, rows, columns, limits, "holds")
    if uncompressed_bytes > limits.max_expanded_bytes:
        raise FileLimitError(
            f"{label} holds {_mb(uncompressed_bytes)} of data once its pages are decompressed,"
            f" more than the limit of {_mb(limits.max_expanded_bytes)}",
            _raise_hint(ENV_MAX_EXPANDED_BYTES),
        )
