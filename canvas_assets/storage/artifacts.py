"""Immutable, cache-key-addressed artifact storage on a local folder or S3, with typed codecs.

Layout: `<workflow slug>/<node id>/<cache key>/<port>.<ext>` plus `<port>.meta.json`, written
last, so a result exists exactly when its meta file does. Objects are never overwritten in place:
the same cache key always holds the same result, which is what makes "change a param back and get
the old result instantly" safe. Formats: Parquet for dataframes and series, JSON for metrics, json,
plots, model specs and the empty model of a model node without training data, native formats for
XGBoost (.ubj) and LightGBM (.txt) and skops for scikit-learn models, raw bytes for files.
Nothing is ever unpickled: skops loads only types it is told to trust.

Backends also list and delete objects, for retention (maintenance/retention.py): listing pages
through the whole store with each object's size and modification time, deleting goes in the order
given (the caller deletes the meta files first, so a half-deleted result never counts as present),
in batches of 1000 on S3.

A model is a node_library FittedModel stored as one zip (format "canvas-model"): `model.json` holds
the ModelMeta of the model and of each fitted step and says which file holds which estimator;
each estimator is in its native format (skops, XGBoost UBJSON with the sklearn wrapper's marker so
it loads back as XGBClassifier/XGBRegressor, LightGBM text loaded back as LightGBMBoosterModel,
which predicts exactly like the fitted wrapper; the PyTorch MLP as config JSON + weights in an .npz
read with allow_pickle=False). The artifact meta carries `meta.to_json()` as
"model" for previews.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

import pandas as pd

from node_library.datatypes import DataType
from node_library.ml.fitted import FittedModel, ModelMeta
from node_library.ml.model_files import (
    ModelFileError,
    class_name,
    decode_estimator,
    encode_estimator,
)
from node_library.schema import schema_of_frame
from node_library.values import FileValue


class ArtifactError(Exception):
    """The artifact store cannot be reached or holds something unreadable."""


@dataclass(frozen=True)
class StoredObject:
    """One stored object: its key (relative to the backend's root, `/`-separated), its size in
    bytes and when it was last written (seconds since the epoch)."""

    key: str
    size: int
    modified: float


class Backend(Protocol):
    def put(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def describe(self) -> str: ...
    def list_objects(self, prefix: str = "") -> Iterator[StoredObject]: ...
    def delete(self, keys: Sequence[str]) -> None: ...


class LocalBackend:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path(self, key: str) -> Path:
        """The file of `key`, confined to the root (a key that escapes it is refused)."""
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise ArtifactError(f"artifact key {key!r} escapes the artifact root")
        return path

    def put(self, key: str, data: bytes) -> None:
        path = self.path(key)
        tmp = ""
        try:
            for attempt in range(3):
                path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
                    break
                except FileNotFoundError:
                    # garbage collection removed the emptied folder between mkdir and here
                    if attempt == 2:
                        raise
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)  # atomic: readers see the old object or the whole new one
        except OSError as exc:
            # a full disk (or a read-only one) must not leave a partial temp file behind, and
            # the operator needs the folder, not just "[Errno 28]"
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            raise ArtifactError(
                f"could not write artifact {key!r} in the artifacts folder {self.root}:"
                f" {exc.strerror or exc}; free space there or point CANVAS_ARTIFACTS at a"
                " larger disk"
            ) from exc

    def get(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError as exc:
            raise ArtifactError(f"artifact {key!r} is missing from {self.root}") from exc

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def describe(self) -> str:
        return str(self.root)

    def list_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        """Every regular file under `prefix`; symbolic links (never written by us) are left out."""
        top = self.path(prefix) if prefix else self.root
        for folder, dirs, files in os.walk(top):
            dirs.sort()
            for name in sorted(files):
                path = Path(folder, name)
                try:
                    stat = path.lstat()
                except FileNotFoundError:  # deleted while we walked
                    continue
                if path.is_symlink() or not path.is_file():
                    continue
                key = path.relative_to(self.root).as_posix()
                yield StoredObject(key, stat.st_size, stat.st_mtime)

    def delete(self, keys: Sequence[str]) -> None:
        """Delete in the order given (a missing key is not an error), then the folders that are
        left empty, up to the root."""
        folders: set[Path] = set()
        for key in keys:
            path = self.path(key)
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                raise ArtifactError(
                    f"could not delete artifact {key!r} in {self.root}: {exc}"
                ) from exc
            folders.add(path.parent)
        for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
            while folder != self.root and folder.is_relative_to(self.root):
                try:
                    folder.rmdir()
                except OSError:  # not empty (or already gone): its parents are not empty either
                    break
                folder = folder.parent


class S3Backend:
    def __init__(self, bucket: str, prefix: str, endpoint_url: str | None) -> None:
        import boto3
        from botocore.config import Config

        self.bucket, self.prefix, self.endpoint_url = bucket, prefix.strip("/"), endpoint_url
        # a session of its own: boto3's default session keeps the credentials it found first
        # for the life of the process, so a second store (another endpoint) would sign with them
        self.client = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url,
            config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 2}),
        )

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def _fail(self, action: str, key: str, exc: Exception) -> ArtifactError:
        where = self.endpoint_url or "AWS S3"
        return ArtifactError(
            f"could not {action} s3://{self.bucket}/{self._key(key)} at {where}: {exc}; check"
            " CANVAS_ARTIFACTS, CANVAS_S3_ENDPOINT_URL and the AWS credentials"
        )

    def put(self, key: str, data: bytes) -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)
        except Exception as exc:
            raise self._fail("write", key, exc) from exc

    def get(self, key: str) -> bytes:
        try:
            body: bytes = self.client.get_object(Bucket=self.bucket, Key=self._key(key))[
                "Body"
            ].read()
        except Exception as exc:
            raise self._fail("read", key, exc) from exc
        return body

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise self._fail("check", key, exc) from exc
        except Exception as exc:
            raise self._fail("check", key, exc) from exc
        return True

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def list_objects(self, prefix: str = "", page_size: int = 1000) -> Iterator[StoredObject]:
        """Every object under `prefix`, page by page (list_objects_v2 continuation tokens)."""
        full = self._key(prefix)
        strip = f"{self.prefix}/" if self.prefix else ""
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=full, PaginationConfig={"PageSize": page_size}
            )
            for page in pages:
                for item in page.get("Contents", []):
                    key = str(item["Key"])
                    if not key.startswith(strip):
                        continue
                    yield StoredObject(
                        key.removeprefix(strip), int(item["Size"]), item["LastModified"].timestamp()
                    )
        except ArtifactError:
            raise
        except Exception as exc:
            raise self._fail("list", prefix, exc) from exc

    def delete(self, keys: Sequence[str], batch_size: int = 1000) -> None:
        """Delete in the order given, in batches (S3 takes at most 1000 keys per request)."""
        for start in range(0, len(keys), batch_size):
            batch = keys[start : start + batch_size]
            try:
                answer = self.client.delete_objects(
                    Bucket=self.bucket,
                    Delete={"Objects": [{"Key": self._key(k)} for k in batch], "Quiet": True},
                )
            except Exception as exc:
                raise self._fail("delete", batch[0], exc) from exc
            errors = answer.get("Errors") or []
            if errors:
                first = errors[0]
                raise ArtifactError(
                    f"could not delete {len(errors)} of {len(batch)} objects in"
                    f" s3://{self.bucket}/{self.prefix}, first {first.get('Key')!r}:"
                    f" {first.get('Code')} {first.get('Message', '')}; check that the"
                    " credentials may delete (s3:DeleteObject)"
                )


def open_backend(location: str, endpoint_url: str | None = None) -> Backend:
    """A folder path, or s3://bucket/prefix (with an optional S3-compatible endpoint)."""
    if location.startswith("s3://"):
        parsed = urlparse(location)
        if not parsed.netloc:
            raise ArtifactError(
                f"CANVAS_ARTIFACTS={location!r} names no bucket; use s3://bucket/prefix"
            )
        return S3Backend(parsed.netloc, parsed.path, endpoint_url)
    return LocalBackend(Path(location))


@dataclass(frozen=True)
class ArtifactRef:
    workflow: str
    node_id: str
    cache_key: str
    port: str

    @property
    def base(self) -> str:
        return f"{self.workflow}/{self.node_id}/{self.cache_key}/{self.port}"


class ArtifactStore:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def exists(self, ref: ArtifactRef) -> bool:
        return self.backend.exists(f"{ref.base}.meta.json")

    def read_meta(self, ref: ArtifactRef) -> dict[str, Any]:
        meta: dict[str, Any] = json.loads(self.backend.get(f"{ref.base}.meta.json"))
        return meta

    def write(self, ref: ArtifactRef, data_type: DataType, value: Any) -> dict[str, Any]:
        """Encode and store a value; returns its meta (format, size, rows, schema, ...)."""
        data, meta = encode(data_type, value)
        self.backend.put(f"{ref.base}.{meta['ext']}", data)
        meta.update(bytes=len(data), data_type=data_type.value)
        self.backend.put(f"{ref.base}.meta.json", json.dumps(meta).encode())
        return meta

    def read(self, ref: ArtifactRef) -> Any:
        meta = self.read_meta(ref)
        return decode(
            DataType(meta["data_type"]), self.backend.get(f"{ref.base}.{meta['ext']}"), meta
        )


def encode(data_type: DataType, value: Any) -> tuple[bytes, dict[str, Any]]:
    if data_type in (DataType.DATAFRAME, DataType.SERIES):
        frame = value.to_frame() if isinstance(value, pd.Series) else value
        if not isinstance(frame, pd.DataFrame):
            raise ArtifactError(f"expected a {data_type.value}, got {type(value).__name__}")
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return buffer.getvalue(), {
            "format": "parquet",
            "ext": "parquet",
            "rows": len(frame),
            "schema": schema_of_frame(frame).model_dump(mode="json"),
            "series_name": str(value.name) if isinstance(value, pd.Series) else None,
        }
    if data_type in (DataType.METRICS, DataType.JSON, DataType.PLOT, DataType.MODEL_SPEC):
        return json.dumps(value, default=_json_default).encode(), {"format": "json", "ext": "json"}
    if data_type is DataType.MODEL and value is None:
        # a model node without training data outputs its spec only (node_library.node_kinds.
        # models); its empty model reads back as None, which the nodes after it refuse
        return b"null", {"format": "json", "ext": "json", "empty": True}
    if data_type is DataType.FILE:
        if not isinstance(value, FileValue):
            raise ArtifactError(f"expected a FileValue, got {type(value).__name__}")
        return value.content, {
            "format": "bytes",
            "ext": "bin",
            "name": value.name,
            "media_type": value.media_type,
        }
    if data_type is DataType.MODEL:
        return _encode_model(value)
    raise ArtifactError(f"no codec for data type {data_type}")


def decode(data_type: DataType, data: bytes, meta: dict[str, Any]) -> Any:
    fmt = meta["format"]
    if fmt == "parquet":
        frame = pd.read_parquet(io.BytesIO(data))
        if data_type is DataType.SERIES:
            series = frame.iloc[:, 0]
            return series.rename(meta.get("series_name"))
        return frame
    if fmt == "json":
        return json.loads(data)
    if fmt == "bytes":
        return FileValue(meta["name"], data, meta.get("media_type", "application/octet-stream"))
    return _decode_model(fmt, data, meta)


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


MODEL_FORMAT = "canvas-model"
_MANIFEST = "model.json"


def _encode_model(model: Any) -> tuple[bytes, dict[str, Any]]:
    """A FittedModel as one zip: `model.json` (the meta of the model and of each step, and which
    file holds which estimator in which format) plus one native file per estimator."""
    if not isinstance(model, FittedModel):
        raise ArtifactError(
            f"a model output must be a FittedModel (node_library.ml.fitted), not a"
            f" {type(model).__name__}"
        )
    files: dict[str, bytes] = {}
    root = _encode_fitted(model, files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            _MANIFEST, json.dumps({"version": 1, "model": root}, default=_json_default)
        )
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue(), {
        "format": MODEL_FORMAT,
        "ext": "zip",
        "class": class_name(model.estimator),
        "estimator_format": root["format"],
        "model": json.loads(json.dumps(model.meta.to_json(), default=_json_default)),
    }


def _encode_fitted(model: Any, files: dict[str, bytes]) -> dict[str, Any]:
    data, fmt, ext = encode_estimator(model.estimator)
    name = f"estimator-{len(files)}.{ext}"
    files[name] = data
    return {
        "meta": model.meta.to_json(),
        "format": fmt,
        "file": name,
        "class": class_name(model.estimator),
        "steps": [_encode_fitted(step, files) for step in model.steps],
    }


def _decode_model(fmt: str, data: bytes, meta: dict[str, Any]) -> Any:
    if fmt != MODEL_FORMAT:
        raise ArtifactError(f"unknown artifact format {fmt!r}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            manifest = json.loads(archive.read(_MANIFEST))
            return _decode_fitted(manifest["model"], archive)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ArtifactError(f"the stored model is unreadable: {exc}") from exc


def _decode_fitted(node: dict[str, Any], archive: zipfile.ZipFile) -> Any:
    meta = ModelMeta.from_json(node["meta"])
    fmt, data = node["format"], archive.read(node["file"])
    # decode_estimator trusts only scikit-learn's, numpy's and scipy's own types in a skops
    # file, so a planted object cannot run code; a refusal comes back as ModelFileError.
    try:
        estimator = decode_estimator(fmt, data, str(node.get("class", "")), meta)
    except ModelFileError as exc:
        raise ArtifactError(f"the stored model is unreadable: {exc}") from exc
    steps = tuple(_decode_fitted(step, archive) for step in node.get("steps", []))
    return FittedModel(estimator, meta, steps)
