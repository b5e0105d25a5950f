"""S3 object source: one CSV or Parquet object from S3 or an S3-compatible store (SeaweedFS, MinIO).

The endpoint comes from NodeSettings.s3_endpoint_url (CANVAS_S3_ENDPOINT_URL; unset means AWS
itself) and credentials from boto3's standard chain: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
(and AWS_REGION or AWS_DEFAULT_REGION) in the server's environment, never from the workflow.
Connecting is bounded (CONNECT_TIMEOUT_S, no retries) so an unreachable endpoint is reported in
seconds. The object is parsed with the same readers as the CSV and Parquet file sources (CSV with
their default options). The fingerprint is the object's ETag, read with a HEAD request.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any, Literal

import pandas as pd
from pydantic import Field

from node_library.checks import did_you_mean
from node_library.contract import ExecutionContext, Issue, NodeError, NodeParams, PortSchema, error
from node_library.node_kinds.sources import SourceNode
from node_library.nodes.sources.csv_file import read_csv_frame
from node_library.nodes.sources.parquet_file import read_parquet_frame
from node_library.settings import NodeSettings

CONNECT_TIMEOUT_S = 3
FORMATS_BY_SUFFIX = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_DENIED = frozenset(
    {
        "AccessDenied",
        "403",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "Forbidden",
        "InvalidToken",
        "ExpiredToken",
    }
)


class S3ObjectParams(NodeParams):
    bucket: str = Field("", max_length=63, description="Bucket name.")
    key: str = Field(
        "", max_length=1024, description="Object key inside the bucket, e.g. 'sales/2026.parquet'."
    )
    format: Literal["auto", "csv", "parquet"] = Field(
        "auto", description="File format; auto picks it from the key's extension."
    )


def object_format(params: S3ObjectParams) -> str | None:
    if params.format != "auto":
        return params.format
    return FORMATS_BY_SUFFIX.get(PurePosixPath(params.key).suffix.lower())


def _endpoint_text(settings: NodeSettings) -> str:
    return settings.s3_endpoint_url or "AWS S3 (no CANVAS_S3_ENDPOINT_URL set)"


def s3_client(settings: NodeSettings) -> Any:
    """A boto3 S3 client for the configured endpoint, with short connect timeouts, no retries."""
    env = os.environ
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
    return _client(
        settings.s3_endpoint_url,
        region,
        float(settings.http_timeout_s),
        env.get("AWS_ACCESS_KEY_ID"),
        env.get("AWS_SECRET_ACCESS_KEY"),
        env.get("AWS_SESSION_TOKEN"),
    )


@lru_cache(maxsize=8)
def _client(
    endpoint: str | None,
    region: str,
    read_timeout: float,
    access_key: str | None,
    secret_key: str | None,
    session_token: str | None,
) -> Any:
    # The credentials are part of the cache key only so that a changed environment is honoured.
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=read_timeout,
        retries={"max_attempts": 1, "mode": "standard"},
        s3={"addressing_style": "path"} if endpoint else {},
    )
    session = boto3.session.Session()
    return session.client("s3", endpoint_url=endpoint, region_name=region, config=config)


def s3_error(
    exc: Exception, params: S3ObjectParams, settings: NodeSettings, client: Any = None
) -> NodeError:
    """A NodeError that says what went wrong with the S3 request and how to fix it."""
    from botocore.exceptions import (
        ClientError,
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        PartialCredentialsError,
        ReadTimeoutError,
    )

    endpoint = _endpoint_text(settings)
    where = f"s3://{params.bucket}/{params.key}"
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError, ConnectionClosedError)):
        return NodeError(
            error(
                "s3_unreachable",
                f"could not reach the S3 endpoint {endpoint} to read {where}",
                "check CANVAS_S3_ENDPOINT_URL (now "
                f"{endpoint}) and that the S3 service is running and reachable "
                "from the server",
                param="bucket",
            )
        )
    if isinstance(exc, ReadTimeoutError):
        return NodeError(
            error(
                "s3_timeout",
                f"the S3 endpoint {endpoint} did not answer in time for {where}",
                "try again; check the S3 service's load",
                param="bucket",
            )
        )
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return NodeError(
            error(
                "s3_no_credentials",
                f"no S3 credentials to read {where}",
                "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the server's environment",
                param="bucket",
            )
        )
    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code == "NoSuchBucket" or (
            code in ("404", "NotFound")
            and client is not None
            and not _bucket_exists(client, params.bucket)
        ):
            return NodeError(
                error(
                    "s3_bucket_not_found",
                    f"bucket {params.bucket!r} does not exist at {endpoint}",
                    _bucket_hint(client, params.bucket),
                    param="bucket",
                )
            )
        if code in ("NoSuchKey", "404", "NotFound"):
            return NodeError(
                error(
                    "s3_key_not_found",
                    f"{where} does not exist",
                    _key_hint(client, params),
                    param="key",
                )
            )
        if code in _DENIED:
            return NodeError(
                error(
                    "s3_access_denied",
                    f"access to {where} was denied ({code})",
                    "check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and the bucket's permissions",
                    param="bucket",
                )
            )
        return NodeError(
            error(
                "s3_error",
                f"S3 refused to read {where}: {code or exc}",
                "check the bucket, key and credentials",
                param="key",
            )
        )
    return NodeError(
        error(
            "s3_error",
            f"reading {where} from {endpoint} failed: {exc}",
            "check CANVAS_S3_ENDPOINT_URL, the bucket and the key",
            param="key",
        )
    )


def _bucket_exists(client: Any, bucket: str) -> bool:
    try:
        client.head_bucket(Bucket=bucket)
    except Exception:  # any failure means we cannot confirm it exists
        return False
    return True


def _bucket_hint(client: Any, bucket: str) -> str:
    try:
        names = [b["Name"] for b in client.list_buckets().get("Buckets", [])]
    except Exception:  # listing buckets is often not permitted; the plain hint still helps
        return "check the bucket name"
    guess = did_you_mean(bucket, names)
    if guess:
        return f"did you mean {guess!r}?"
    return "buckets: " + ", ".join(names[:20]) if names else "no buckets are visible"


def _key_hint(client: Any, params: S3ObjectParams) -> str:
    folder = str(PurePosixPath(params.key).parent)
    prefix = "" if folder == "." else folder + "/"
    try:
        listing = client.list_objects_v2(Bucket=params.bucket, Prefix=prefix, MaxKeys=1000)
        keys = [o["Key"] for o in listing.get("Contents", [])]
    except Exception:  # listing may not be permitted
        return "check the key (keys are case-sensitive)"
    guess = did_you_mean(params.key, keys)
    return f"did you mean {guess!r}?" if guess else "check the key (keys are case-sensitive)"


def read_s3_object(params: S3ObjectParams, settings: NodeSettings) -> pd.DataFrame:
    kind = object_format(params)
    if kind is None:
        raise NodeError(_format_issue(params))
    client = s3_client(settings)
    try:
        response = client.get_object(Bucket=params.bucket, Key=params.key)
        content: bytes = response["Body"].read()
    except Exception as exc:  # botocore raises many types; s3_error maps the known ones
        raise s3_error(exc, params, settings, client) from None
    label = f"s3://{params.bucket}/{params.key}"
    try:
        if kind == "parquet":
            return read_parquet_frame(content, label=label)
        return read_csv_frame(content, label=label)
    except NodeError as exc:
        issue = exc.issue
        raise NodeError(
            issue.model_copy(update={"param": "key"}) if issue.param == "path" else issue
        ) from None


def _format_issue(params: S3ObjectParams) -> Issue:
    suffix = PurePosixPath(params.key).suffix or "no extension"
    return error(
        "unknown_format",
        f"cannot tell the format of {params.key!r} from {suffix!r}",
        "set format to csv or parquet",
        param="format",
    )


class S3ObjectNode(SourceNode[S3ObjectParams]):
    type_id = "sources.s3_object"
    display_name = "S3 object"
    description = "Read a CSV or Parquet object from S3 or an S3-compatible store."
    tags = ("s3", "object storage", "cloud", "csv", "parquet")
    Params = S3ObjectParams

    def validate(
        self, params: S3ObjectParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        issues: list[Issue] = []
        if not params.bucket:
            issues.append(
                error("missing_param", "no bucket given", "enter the bucket name", param="bucket")
            )
        elif not _BUCKET_NAME.match(params.bucket) or ".." in params.bucket:
            issues.append(
                error(
                    "invalid_bucket",
                    f"{params.bucket!r} is not a valid bucket name",
                    "bucket names are 3-63 lowercase letters, digits, '.' and '-'",
                    param="bucket",
                )
            )
        if not params.key:
            issues.append(
                error(
                    "missing_param",
                    "no object key given",
                    "enter the key, e.g. 'sales/2026.csv'",
                    param="key",
                )
            )
        elif object_format(params) is None:
            issues.append(_format_issue(params))
        endpoint = settings.s3_endpoint_url
        if endpoint and not endpoint.startswith(("http://", "https://")):
            issues.append(
                error(
                    "bad_s3_endpoint",
                    f"the S3 endpoint {endpoint!r} is not an http(s) URL",
                    "set CANVAS_S3_ENDPOINT_URL to e.g. http://127.0.0.1:8333",
                )
            )
        return issues

    def infer_schema(
        self, params: S3ObjectParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        return {"data": None}  # known only by downloading the object

    def compute(
        self, ctx: ExecutionContext, params: S3ObjectParams, **inputs: Any
    ) -> dict[str, Any]:
        frame = read_s3_object(params, ctx.settings)
        ctx.log(
            f"read {len(frame)} rows and {frame.shape[1]} columns from "
            f"s3://{params.bucket}/{params.key}"
        )
        return {"data": frame}

    def fingerprint(self, params: S3ObjectParams, settings: NodeSettings) -> str | None:
        """The object's ETag; None when it cannot be read (the run then reports why)."""
        try:
            head = s3_client(settings).head_object(Bucket=params.bucket, Key=params.key)
        except Exception:  # unreachable, missing or forbidden: no marker
            return None
        etag = str(head.get("ETag", "")).strip('"')
        return f"etag:{etag}" if etag else None
