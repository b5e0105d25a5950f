"""Where the platform keeps its state, read from the environment once per process.

Embedded default (nothing to install): everything under CANVAS_HOME (default ./dagster_home):
the SQLite workflow store `canvas.db`, the Dagster instance (DAGSTER_HOME is the same folder) and
artifacts under `artifacts/`. Production points these elsewhere:
- CANVAS_DATABASE_URL: SQLAlchemy URL of the workflow store (e.g. postgresql+psycopg://...).
- CANVAS_ARTIFACTS: a folder, or s3://bucket/prefix for S3 and S3-compatible servers.
- CANVAS_S3_ENDPOINT_URL: endpoint of an S3-compatible server (SeaweedFS, MinIO, ...).
- DAGSTER_HOME: the Dagster instance folder (its dagster.yaml picks SQLite or PostgreSQL).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CanvasConfig:
    home: Path
    database_url: str
    artifacts: str
    s3_endpoint_url: str | None
    dagster_home: Path

    @classmethod
    def from_env(cls) -> CanvasConfig:
        env = os.environ
        home = Path(env.get("CANVAS_HOME", "dagster_home")).resolve()
        return cls(
            home=home,
            database_url=env.get("CANVAS_DATABASE_URL") or f"sqlite:///{home / 'canvas.db'}",
            artifacts=env.get("CANVAS_ARTIFACTS") or str(home / "artifacts"),
            s3_endpoint_url=env.get("CANVAS_S3_ENDPOINT_URL") or None,
            dagster_home=Path(env.get("DAGSTER_HOME") or home).resolve(),
        )
