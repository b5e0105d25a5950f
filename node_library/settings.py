"""Settings that nodes need at validation and run time: data roots, network policy, named
connections and S3 access. Read from the environment so that every process (CLI, code server, run
workers, Celery workers) sees the same values without passing them around.

Environment:
- CANVAS_DATA_ROOTS: folders that file sources may read, separated by os.pathsep (default ./data).
- CANVAS_NET_ALLOWLIST: comma-separated hosts or CIDR ranges that REST sources may reach even
  though they are private, loopback or link-local.
- CANVAS_CONNECTION_<NAME>: a SQLAlchemy URL for the named SQL connection <name> (lowercase).
- CANVAS_SECRET_<NAME>: the value of the named secret <name> (lowercase) that params refer to by
  name (node_library.secrets); values are SecretStr, so they never show in a repr or a dump.
- CANVAS_DATABASE_URL, CANVAS_DAGSTER_PG_URL: the platform's own databases (the workflow store and
  the Dagster instance; canvas_assets owns them). Read here only so that the SQL source can refuse a
  connection that points at them (`platform_database_urls`); node_library never connects to them.
- CANVAS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION: S3 access.
- CANVAS_SQL_STATEMENT_TIMEOUT_MS (default 30000), CANVAS_HTTP_TIMEOUT_S (default 30): limits of
  the SQL and REST sources.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from node_library.secrets import SECRET_ENV_PREFIX, remember_secret_values

CONNECTION_PREFIX = "CANVAS_CONNECTION_"
# Environment variables naming the platform's own databases, which no SQL connection may target.
PLATFORM_DATABASE_ENV = ("CANVAS_DATABASE_URL", "CANVAS_DAGSTER_PG_URL")


class NodeSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    data_roots: tuple[Path, ...] = (Path("data"),)
    net_allowlist: tuple[str, ...] = ()
    connections: dict[str, str] = Field(default_factory=dict, repr=False)
    secrets: dict[str, SecretStr] = Field(default_factory=dict, repr=False)
    # {environment variable: URL} of the platform's own databases (PLATFORM_DATABASE_ENV)
    platform_database_urls: dict[str, str] = Field(default_factory=dict, repr=False)
    s3_endpoint_url: str | None = None
    sql_statement_timeout_ms: int = Field(30_000, ge=100, le=3_600_000)
    http_timeout_s: float = Field(30.0, gt=0, le=600)

    @classmethod
    def from_env(cls) -> NodeSettings:
        env = os.environ
        roots = [r for r in env.get("CANVAS_DATA_ROOTS", "data").split(os.pathsep) if r]
        allow = [h.strip() for h in env.get("CANVAS_NET_ALLOWLIST", "").split(",") if h.strip()]
        connections = {
            key[len(CONNECTION_PREFIX) :].lower(): value
            for key, value in env.items()
            if key.startswith(CONNECTION_PREFIX)
        }
        secrets = {
            key[len(SECRET_ENV_PREFIX) :].lower(): value
            for key, value in env.items()
            if key.startswith(SECRET_ENV_PREFIX) and value
        }
        remember_secret_values(secrets.values())  # masked in every message of this process
        return cls(
            data_roots=tuple(Path(r).resolve() for r in roots),
            net_allowlist=tuple(allow),
            connections=connections,
            secrets={name: SecretStr(value) for name, value in secrets.items()},
            platform_database_urls={
                name: env[name] for name in PLATFORM_DATABASE_ENV if env.get(name)
            },
            s3_endpoint_url=env.get("CANVAS_S3_ENDPOINT_URL") or None,
            sql_statement_timeout_ms=int(env.get("CANVAS_SQL_STATEMENT_TIMEOUT_MS", "30000")),
            http_timeout_s=float(env.get("CANVAS_HTTP_TIMEOUT_S", "30")),
        )
