"""Uploads of data files into the first data root, where the file source nodes read them.

`store_upload` copies an uploaded stream to a hidden temporary file in the data root (counting the
bytes: over the cap it stops and refuses), decides what the file is from its CONTENT (the name's
extension is only corrected, never trusted), has the source node that reads that kind validate it
and infer its columns, and only then moves it into `<folder>/<uuid12>_<sanitized name>`. A refused
upload leaves nothing behind: not the file, not the folder.

Accepted kinds:
- CSV / TSV: UTF-8 text (a byte order mark is dropped) without NUL or other control characters;
  the delimiter (',', ';', tab or '|') is sniffed from the first 64 KiB.
- JSON (a document) and JSON Lines (one value per line): UTF-8 text starting with '[' or '{';
  JSON Lines when the first lines each parse on their own.
- Parquet: the magic bytes PAR1 at the start and at the end.
- Excel .xlsx / .xlsm: a zip archive holding xl/workbook.xml (macros are never run).
Everything else (images, PDFs, archives, old .xls, random bytes, text in other encodings) is
refused with a message naming what it looks like.

The stored name is server-generated: twelve random hex digits, '_', and the original file name
reduced to its last path segment and to ASCII letters, digits, '.', '_' and '-' (so '../../x.csv'
becomes '<uuid12>_x.csv'), with the extension of the detected kind appended when it has another.
The folder is checked like a data path: relative, no '..', plain names only, and it must resolve
(symbolic links followed) inside the data root.

The size cap is CANVAS_UPLOAD_MAX_BYTES (default 200 MB), read at each upload so that a test or
an operator can change it without a restart; `UploadPolicy` can be passed instead.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import errno
import json
import logging
import os
import re
import shutil
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from node_library.contract import Severity
from node_library.registry import NodeRegistry
from node_library.safety.paths import resolved_roots
from node_library.schema import Column
from node_library.settings import NodeSettings

log = logging.getLogger(__name__)

ENV_MAX_BYTES = "CANVAS_UPLOAD_MAX_BYTES"
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_FOLDER = "uploads"
SNIFF_BYTES = 64 * 1024
COPY_CHUNK_BYTES = 1 << 20
JSON_LINES_SAMPLE = 20
MAX_FOLDER_DEPTH = 8
MAX_STEM_CHARS = 80
UTF8_BOM = b"\xef\xbb\xbf"
SAMPLE_MIN_LINES = 3
MAX_SAMPLE_CHARS = 16 * 1024 * 1024  # the CSV source's own sampling bound

_FOLDER_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,63}")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
ACCEPTED = "CSV, TSV, JSON or JSON Lines (UTF-8 text), Parquet, or Excel .xlsx"

# Recognized only to say what a refused file looks like; none of these is accepted.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office file (.xls or .doc)"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program (ELF)"),
    (b"MZ", "a Windows program"),
)


class UploadRefused(ValueError):
    """The upload is not stored; the message says why and the hint what to do."""

    def __init__(self, message: str, field: str | None = "file", hint: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.hint = hint


@dataclass(frozen=True)
class UploadPolicy:
    max_bytes: int = DEFAULT_MAX_BYTES

    @classmethod
    def from_env(cls) -> UploadPolicy:
        raw = os.environ.get(ENV_MAX_BYTES, "").strip()
        if not raw:
            return cls()
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value <= 0:
            log.warning(
                "%s=%r is not a positive integer; using %d", ENV_MAX_BYTES, raw, DEFAULT_MAX_BYTES
            )
            return cls()
        return cls(max_bytes=value)


@dataclass(frozen=True)
class FileKind:
    format: str  # csv, tsv, json, jsonl, parquet, xlsx
    extensions: tuple[str, ...]  # the first one is appended to names with another extension
    source_type: str
    source_params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredUpload:
    path: str  # relative to the first data root: what the source node's `path` param takes
    name: str  # the stored file name
    original_name: str
    size_bytes: int
    format: str
    source_type: str  # the node type that reads it
    source_params: dict[str, Any]  # its params, `path` included
    columns: tuple[Column, ...] | None  # None when they cannot be known before a run


def store_upload(
    stream: BinaryIO,
    filename: str | None,
    folder: str,
    settings: NodeSettings,
    registry: NodeRegistry,
    policy: UploadPolicy | None = None,
) -> StoredUpload:
    """Check and store one uploaded file (see the module docstring); raises UploadRefused."""
    policy = policy or UploadPolicy.from_env()
    parts = check_folder(folder)
    roots = resolved_roots(settings)
    if not roots:
        raise UploadRefused(
            "uploads have nowhere to go: no data roots are configured",
            field=None,
            hint="set CANVAS_DATA_ROOTS",
        )
    root = roots[0]
    _target_folder(root, parts, folder)
    token = uuid.uuid4().hex[:12]
    root.mkdir(parents=True, exist_ok=True)
    temp = root / f".upload-{token}.part"
    try:
        size = _copy_capped(stream, temp, policy.max_bytes)
        kind = detect_kind(temp, size)
        named = temp.with_name(f".upload-{token}{kind.extensions[0]}")
        os.replace(temp, named)
        temp = named
        columns = _check_with_source_node(temp, root, kind, filename, settings, registry)
        name = f"{token}_{safe_file_name(filename, kind.extensions)}"
        target = _target_folder(root, parts, folder)  # again: a folder may appear meanwhile
        target.mkdir(parents=True, exist_ok=True)
        if not target.resolve().is_relative_to(root):
            raise UploadRefused(f"folder {folder!r} leads outside the data root", field="folder")
        final = target / name
        _move(temp, final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    path = "/".join((*parts, name))
    return StoredUpload(
        path=path,
        name=name,
        original_name=filename or "",
        size_bytes=size,
        format=kind.format,
        source_type=kind.source_type,
        source_params={"path": path, **kind.source_params},
        columns=columns,
    )


# -- names and folders ------------------------------------------------------------------------


def check_folder(folder: str) -> tuple[str, ...]:
    """The folder's segments; refuses absolute paths, '..', and anything but plain names."""

    def refuse(reason: str) -> UploadRefused:
        return UploadRefused(
            f"folder {folder[:100]!r} {reason}",
            field="folder",
            hint="give a folder relative to the data root, e.g. 'uploads' or 'uploads/2026'",
        )

    text = folder.strip()
    if text.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:", text):
        raise refuse("is absolute; uploads go under the data root")
    if "\\" in text:
        raise refuse("contains a backslash; use '/' between folders")
    parts = tuple(p for p in text.split("/") if p)
    if any(p in (".", "..") for p in parts):
        raise refuse("has a '.' or '..' segment")
    if len(parts) > MAX_FOLDER_DEPTH:
        raise refuse(f"is more than {MAX_FOLDER_DEPTH} folders deep")
    for part in parts:
        if not _FOLDER_SEGMENT.fullmatch(part):
            raise refuse(
                f"has a segment {part[:70]!r} with characters other than letters, digits,"
                " '.', '_' and '-' (or starting with '.' or '-')"
            )
    return parts


def _target_folder(root: Path, parts: tuple[str, ...], folder: str) -> Path:
    target = root.joinpath(*parts)
    if not target.resolve().is_relative_to(root):  # an existing symlink inside the root
        raise UploadRefused(
            f"folder {folder!r} leads outside the data root through a symbolic link",
            field="folder",
            hint="choose another folder",
        )
    return target


def safe_file_name(original: str | None, extensions: tuple[str, ...] = ()) -> str:
    """The original name's last segment in ASCII letters, digits, '.', '_' and '-', never
    hidden, with the first of `extensions` appended when it ends with none of them."""
    name = (original or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
    name = re.sub(r"\.{2,}", ".", name)
    name = re.sub(r"_{2,}", "_", name).strip("._-")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem.strip("._-")[:MAX_STEM_CHARS] or "upload"
    suffix = f".{ext.lower()}" if ext and len(ext) <= 10 else ""
    if extensions and suffix not in extensions:
        stem, suffix = f"{stem}{suffix}"[:MAX_STEM_CHARS].strip("._-") or "upload", extensions[0]
    return f"{stem}{suffix}"


# -- copying ------------------------------------------------------------------------------------


def _copy_capped(stream: BinaryIO, temp: Path, max_bytes: int) -> int:
    """Copy to `temp` (created exclusively); a UTF-8 BOM is dropped. Refuses over `max_bytes`."""
    with contextlib.suppress(AttributeError, OSError):
        stream.seek(0)
    size = 0
    first = True
    with temp.open("xb") as out:
        while chunk := stream.read(COPY_CHUNK_BYTES):
            if first and chunk.startswith(UTF8_BOM):
                chunk = chunk[len(UTF8_BOM) :]
            first = False
            size += len(chunk)
            if size > max_bytes:
                raise UploadRefused(
                    f"the file is larger than the upload limit of {_size(max_bytes)}",
                    hint=f"upload a smaller file, or ask an admin to raise {ENV_MAX_BYTES}",
                )
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    if size == 0:
        raise UploadRefused("the file is empty", hint="upload a file with data")
    return size


def _move(temp: Path, final: Path) -> None:
    try:
        os.replace(temp, final)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        # The folder is on another file system: copy next to the target, then rename there.
        staged = final.with_name(f".{final.name}.part")
        shutil.copyfile(temp, staged)
        os.replace(staged, final)


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MB" if count >= 1024 * 1024 else f"{count:,} bytes"


# -- what the content is ----------------------------------------------------------------------


def detect_kind(path: Path, size: int) -> FileKind:
    """Which accepted kind the file's content is; UploadRefused for anything else."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
        handle.seek(max(0, size - 4))
        tail = handle.read(4)
    if head.startswith(b"PAR1"):
        if size >= 12 and tail == b"PAR1":
            return FileKind("parquet", (".parquet", ".pq", ".parq"), "sources.parquet")
        raise UploadRefused(
            "the file starts like Parquet but does not end with its footer: it is cut short",
            hint="upload the whole file again",
        )
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    text, whole = _utf8_text(path, head)
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        return _json_kind(text, whole)
    return _delimited_kind(text, whole)


def _zip_kind(path: Path) -> FileKind:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise UploadRefused(f"the file looks like a zip archive but is damaged: {exc}") from None
    if "xl/workbook.xml" in names:
        return FileKind("xlsx", (".xlsx", ".xlsm"), "sources.excel")
    what = "a Word document" if "word/document.xml" in names else "a zip archive"
    raise UploadRefused(f"the file is {what}, not a data file", hint=f"upload {ACCEPTED}")


def _utf8_text(path: Path, head: bytes) -> tuple[str, bool]:
    """Decode the whole file as UTF-8 (streamed); return a sample of its first lines as text,
    and whether the sample is the whole file.

    The sample is at least SNIFF_BYTES long and goes on to hold SAMPLE_MIN_LINES complete lines
    (at most MAX_SAMPLE_CHARS): a header of 20,000 columns is longer than SNIFF_BYTES, and cutting
    it would leave no complete line to sniff.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    parts: list[str] = []
    sampled = 0
    sampling = True
    skipped = False  # chunks read after the sample was complete
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(COPY_CHUNK_BYTES):
                text = decoder.decode(chunk)
                bad = _CONTROL.search(text)
                if bad:
                    raise _not_text(head, f"it holds a control character ({bad.group()!r})")
                if sampling:
                    parts.append(text)
                    sampled += len(text)
                    sampling = sampled < MAX_SAMPLE_CHARS and (
                        sampled < SNIFF_BYTES or _line_breaks(parts) < SAMPLE_MIN_LINES
                    )
                else:
                    skipped = True
                offset += len(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise _not_text(head, f"byte {offset + exc.start} is not UTF-8") from None
    sample = "".join(parts)
    if not skipped and len(sample) <= MAX_SAMPLE_CHARS:
        return sample, True
    # Keep SNIFF_BYTES, or the first SAMPLE_MIN_LINES lines when they are longer.
    ends = [
        m.end() for _, m in zip(range(SAMPLE_MIN_LINES), _LINE_BREAK.finditer(sample), strict=False)
    ]
    keep = max(SNIFF_BYTES, ends[-1] if ends else len(sample))
    return sample[:keep], False


def _line_breaks(parts: list[str]) -> int:
    return sum(len(_LINE_BREAK.findall(part)) for part in parts)


def _not_text(head: bytes, detail: str) -> UploadRefused:
    looks = next((what for magic, what in _SIGNATURES if head.startswith(magic)), None)
    if looks:
        message = f"the file is {looks}, not a data file"
    else:
        message = f"the file is neither text nor a Parquet or Excel file: {detail}"
    return UploadRefused(
        message, hint=f"upload {ACCEPTED}; save text files as UTF-8 (e.g. 'CSV UTF-8' in Excel)"
    )


def _complete_lines(text: str, whole: bool) -> list[str]:
    lines = text.splitlines()
    if not whole and lines and not text.endswith(("\n", "\r")):
        lines.pop()  # the sample cut the last line
    return [line for line in lines if line.strip()]


def _json_kind(text: str, whole: bool) -> FileKind:
    lines = _complete_lines(text, whole)[:JSON_LINES_SAMPLE]
    if len(lines) >= 2:
        try:
            values = [json.loads(line) for line in lines]
        except json.JSONDecodeError:
            values = []
        if values and all(isinstance(v, dict | list) for v in values):
            return FileKind("jsonl", (".jsonl", ".ndjson"), "sources.json", {"lines": True})
    if whole:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise UploadRefused(
                f"the file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
                hint="fix the file, or save it as JSON Lines (one record per line)",
            ) from None
    return FileKind("json", (".json",), "sources.json", {"lines": False})


def _delimited_kind(text: str, whole: bool) -> FileKind:
    lines = _complete_lines(text, whole)
    if not lines:
        raise UploadRefused("the file holds only blank lines", hint="upload a file with data")
    # The sniffer's cost grows with the sample: a few wide lines are as good as 200 narrow ones.
    taken: list[str] = []
    chars = 0
    for line in lines[:200]:
        if taken and chars + len(line) > SNIFF_BYTES:
            break
        taken.append(line)
        chars += len(line)
    sample = "\n".join(taken)
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        delimiter = best if counts[best] else ","
    if delimiter == "\t":
        return FileKind("tsv", (".tsv", ".tab", ".txt"), "sources.csv", {"delimiter": "\t"})
    return FileKind("csv", (".csv", ".txt"), "sources.csv", {"delimiter": delimiter})


# -- reading it the way the canvas will ----------------------------------------------------------


def _check_with_source_node(
    temp: Path,
    root: Path,
    kind: FileKind,
    filename: str | None,
    settings: NodeSettings,
    registry: NodeRegistry,
) -> tuple[Column, ...] | None:
    """Validate the file with the node that will read it, and return the columns it infers."""
    node_type = registry.get(kind.source_type)
    if node_type is None:
        raise UploadRefused(
            f"no {kind.source_type} node is installed to read {kind.format} files", field=None
        )
    relative = temp.relative_to(root).as_posix()
    params = node_type.Params.model_validate({"path": relative, **kind.source_params})
    shown = repr(filename or "the file")
    for issue in node_type.validate(params, {}, settings):
        if issue.severity is Severity.ERROR:
            raise UploadRefused(
                issue.message.replace(repr(relative), shown).replace(relative, shown),
                hint=issue.hint,
            )
    schema = node_type.infer_schema(params, {}, settings).get("data")
    return None if schema is None else tuple(schema.columns)
