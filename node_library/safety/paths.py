"""Confinement of user-supplied file paths to the configured data roots, and file fingerprints.

A file source names its file relative to a data root (`NodeSettings.data_roots`). The path is first
checked as text (no absolute paths, no `..` segments, no backslashes, no NUL or control characters,
and the same again after decoding percent-escapes once, so `%2e%2e/x.csv` is refused), then joined
to each root and resolved with every symbolic link followed; the result must still lie inside that
resolved root. A name that merely contains two dots (`sales..final.csv`) is an ordinary file name.

Residual risk: someone who can write inside a data root could swap a checked file for a symlink
between the check and the read. Callers open the *resolved* path returned here, which narrows the
window to a swap of a parent folder; the data roots are meant to be written by trusted users only.
"""

from __future__ import annotations

import difflib
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import unquote

from node_library.contract import Issue, NodeError, error
from node_library.settings import NodeSettings

PATH_HINT = "give a path relative to a data root, with '/' between folders, e.g. 'sales/2026.csv'"


class DataPathError(ValueError):
    """A user-supplied data path that cannot be read; the message names the path and the roots."""

    code = "bad_path"

    def __init__(self, path: str, reason: str, roots: Sequence[Path], hint: str = PATH_HINT):
        self.path = path
        self.reason = reason
        self.roots = tuple(roots)
        self.hint = hint
        super().__init__(f"path {path!r} {reason} (data roots: {_roots_text(self.roots)})")

    def to_issue(self, param: str = "path") -> Issue:
        return error(self.code, str(self), self.hint, param=param)


class UnsafePathError(DataPathError):
    """The path points (or could point) outside the data roots: refused without touching it."""

    code = "unsafe_path"


class DataFileNotFoundError(DataPathError):
    """The path is safe but no data root holds such a file."""

    code = "file_not_found"

    def __init__(self, path: str, roots: Sequence[Path], suggestions: Sequence[str] = ()):
        self.suggestions = tuple(suggestions)
        if self.suggestions:
            hint = "did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
        else:
            hint = "put the file under one of the data roots, or fix the path"
        super().__init__(path, "does not exist in any data root", roots, hint)


class NotAFileError(DataPathError):
    """The path exists but is a folder (or a device, pipe or socket), not a regular file."""

    code = "not_a_file"

    def __init__(self, path: str, roots: Sequence[Path]):
        super().__init__(path, "is not a regular file", roots, "point to a file inside the folder")


def resolve_data_path(relative: str, settings: NodeSettings) -> Path:
    """The real, symlink-free path of `relative` inside the first data root that holds it.

    Raises UnsafePathError for anything that could leave the roots, DataFileNotFoundError (with
    did-you-mean suggestions from the same folder) when no root holds the file, and NotAFileError
    for folders and special files.
    """
    roots = resolved_roots(settings)
    check_path_text(relative, roots)
    if not roots:
        raise UnsafePathError(
            relative,
            "cannot be read: no data roots are configured",
            roots,
            "set CANVAS_DATA_ROOTS to the folders that file sources may read",
        )
    for root in roots:
        candidate = root / relative
        try:
            real = candidate.resolve(strict=True)
        except FileNotFoundError:
            # A dangling symlink that points outside is refused rather than reported as missing.
            if not candidate.resolve().is_relative_to(root):
                raise UnsafePathError(
                    relative, "is a symbolic link that leads outside the data root", roots
                ) from None
            continue
        except (OSError, RuntimeError) as exc:  # symlink loops, permissions
            raise UnsafePathError(relative, f"cannot be resolved ({exc})", roots) from None
        if not real.is_relative_to(root):
            raise UnsafePathError(
                relative,
                "leads outside the data root through a symbolic link",
                roots,
                "copy the file into the data root instead of linking to it",
            )
        if not real.is_file():
            raise NotAFileError(relative, roots)
        return real
    raise DataFileNotFoundError(relative, roots, _suggestions(relative, roots))


def data_path_issues(
    relative: str, settings: NodeSettings, param: str = "path"
) -> tuple[Path | None, list[Issue]]:
    """`resolve_data_path` for `validate`: the resolved path, or None and one Issue on `param`."""
    try:
        return resolve_data_path(relative, settings), []
    except DataPathError as exc:
        return None, [exc.to_issue(param)]


def require_data_path(relative: str, settings: NodeSettings, param: str = "path") -> Path:
    """`resolve_data_path` for `execute`: refusals become a NodeError on `param`."""
    try:
        return resolve_data_path(relative, settings)
    except DataPathError as exc:
        raise NodeError(exc.to_issue(param)) from None


def check_path_text(relative: str, roots: Sequence[Path]) -> None:
    """The checks of `relative` as text that `resolve_data_path` makes first (UnsafePathError),
    for callers that resolve something other than a file themselves (a folder to list)."""
    _check_text(relative, relative, roots, decoded=False)
    decoded = unquote(relative)
    if decoded != relative:
        _check_text(relative, decoded, roots, decoded=True)


def resolved_roots(settings: NodeSettings) -> tuple[Path, ...]:
    return tuple(dict.fromkeys(Path(r).resolve() for r in settings.data_roots))


def _roots_text(roots: Sequence[Path]) -> str:
    return ", ".join(str(r) for r in roots) or "none configured"


def _check_text(original: str, text: str, roots: Sequence[Path], *, decoded: bool) -> None:
    def refuse(reason: str) -> UnsafePathError:
        if decoded:
            reason = f"{reason} once its percent-escapes are decoded (to {text!r})"
        return UnsafePathError(original, reason, roots)

    if not text.strip():
        raise refuse("is empty")
    if "\x00" in text:
        raise refuse("contains a NUL byte")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise refuse("contains control characters")
    if "\\" in text:
        raise refuse("contains a backslash; use '/' between folders")
    if PurePosixPath(text).is_absolute() or PureWindowsPath(text).drive:
        raise refuse("is absolute; file sources take paths relative to a data root")
    if text == "~" or text.startswith("~/"):
        raise refuse("starts with '~'; home folders are not expanded")
    if ".." in text.split("/"):
        raise refuse("has a '..' segment that climbs out of its folder")


def _suggestions(relative: str, roots: Sequence[Path]) -> list[str]:
    parts = PurePosixPath(relative)
    names: set[str] = set()
    for root in roots:
        folder = (root / parts.parent).resolve()
        if folder.is_relative_to(root) and folder.is_dir():
            try:
                names.update(p.name for _, p in zip(range(1000), folder.iterdir(), strict=False))
            except OSError:
                continue
    matches = difflib.get_close_matches(parts.name, sorted(names), n=3, cutoff=0.5)
    prefix = "" if str(parts.parent) == "." else f"{parts.parent}/"
    return [prefix + m for m in matches]


# -- fingerprints ----------------------------------------------------------------------------

_HASH_CACHE_SIZE = 512
_hash_cache: OrderedDict[tuple[str, int, int], str] = OrderedDict()
_hash_lock = threading.Lock()


def file_sha256(path: Path) -> str:
    """sha256 of the file's content, cached in-process by (path, size, mtime_ns)."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    with _hash_lock:
        if key in _hash_cache:
            _hash_cache.move_to_end(key)
            return _hash_cache[key]
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    value = digest.hexdigest()
    with _hash_lock:
        _hash_cache[key] = value
        while len(_hash_cache) > _HASH_CACHE_SIZE:
            _hash_cache.popitem(last=False)
    return value


def file_stamp(path: Path) -> tuple[str, int, int]:
    """(path, size, mtime_ns): a cheap key for caches of things computed from a file."""
    stat = path.stat()
    return (str(path), stat.st_size, stat.st_mtime_ns)


def data_file_fingerprint(relative: str, settings: NodeSettings) -> str | None:
    """ "sha256:<hex>" of a data file's content; None when it cannot be read (a run says why)."""
    try:
        return "sha256:" + file_sha256(resolve_data_path(relative, settings))
    except (DataPathError, OSError):
        return None
