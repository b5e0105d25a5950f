"""What a starting `mlcanvas worker` checks and prints: a broker setting it cannot use, settings
that keep workers on other machines from seeing this machine's runs and results, and a store or
artifacts it cannot reach now."""

from __future__ import annotations

import contextlib
from typing import Any

from canvas_assets.runs.scale_out.settings import CELERY_BROKER_ENV


def broker_problem(broker: str) -> str:
    """What is wrong with the broker setting (a missing client library), or ""."""
    scheme = broker.split("://", 1)[0].lower() if "://" in broker else ""
    if not scheme:
        return f"{CELERY_BROKER_ENV}={broker!r} is not a URL; use e.g. redis://host:6379/0"
    if scheme in ("redis", "rediss"):
        try:
            import redis  # noqa: F401  (imported only to learn whether it is installed)
        except ImportError:
            return (
                f"{CELERY_BROKER_ENV} is a Redis URL but the `redis` package is missing;"
                " reinstall with `make install`"
            )
    return ""


def environment_warnings(config: Any) -> list[str]:
    """What keeps workers on other machines from seeing this machine's runs and results."""
    warnings = []
    if not str(config.artifacts).startswith("s3://"):
        warnings.append(
            "CANVAS_ARTIFACTS is a local folder: only workers on this machine see the outputs;"
            " use s3://bucket/prefix across machines"
        )
    if str(config.database_url).startswith("sqlite"):
        warnings.append(
            "the workflow store is SQLite: only workers on this machine can read it;"
            " set CANVAS_DATABASE_URL to PostgreSQL across machines"
        )
    yaml_file = config.dagster_home / "dagster.yaml"
    with contextlib.suppress(OSError):
        if "postgres" not in yaml_file.read_text():
            warnings.append(
                f"{yaml_file} keeps runs in SQLite: only workers on this machine see them;"
                " use dagster_home/postgres/dagster.yaml across machines"
            )
    return warnings


def reachability_warnings(services: Any) -> list[str]:
    """The store and the artifacts this worker cannot reach now (its steps would fail). Checked
    before the pool forks, so the connections are closed again: pool processes open their own."""
    warnings = []
    try:
        services.store.list(limit=1)
    except Exception as exc:
        warnings.append(
            f"the workflow store is unreachable ({_first_line(exc)}); steps fail until it is:"
            " check CANVAS_DATABASE_URL (the same as the engine's)"
        )
    finally:
        if "store" in vars(services):  # created (cached_property), so dispose its pool
            services.store.dispose()
    try:
        services.artifacts.backend.exists("canvas-worker-probe")
    except Exception as exc:
        warnings.append(f"the artifacts are unreachable, so steps fail: {_first_line(exc)}")
    return warnings


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def url_display(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # shown only; a malformed URL fails later with its own message
        return "(unparsable URL)"
