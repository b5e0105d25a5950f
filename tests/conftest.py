"""Shared fixtures for the real services (see tests/services.py).

- `pg_url` (function scope): SQLAlchemy URL of a fresh, empty PostgreSQL database
  ("postgresql+psycopg://postgres@127.0.0.1:5432/canvas_test_<random>"), dropped afterwards.
- `s3_service` (session scope): a running SeaweedFS S3 gateway (`S3Service`: endpoint_url,
  access_key, secret_key, region, client(), create_bucket()). While it runs, AWS_ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY, AWS_REGION and AWS_DEFAULT_REGION are exported to os.environ, so code that
  uses boto3's standard credential chain (the S3 source node) reaches it; pass
  `NodeSettings(s3_endpoint_url=s3_service.endpoint_url)` for the endpoint.
- `local_http_server` (function scope): a `LocalHttpServer` on 127.0.0.1 with routes set by the
  test; loopback, so REST nodes refuse it unless 127.0.0.1 is in NodeSettings.net_allowlist.
- `data_root` (function scope): an empty folder to use as the only data root, and
  `settings_for(root, **overrides)` in tests.services to build NodeSettings around it.

With CI=true an unavailable service fails the test; otherwise the test is skipped.

Every process of the suite computes on one thread (OpenMP, OpenBLAS, MKL): the suite runs four
workers on two cores, and with a thread per core in each worker (and in each engine a worker
starts) the OpenMP runtimes of scikit-learn, XGBoost and LightGBM spin-waited for cores the other
workers held. tests/node_library/test_evaluate.py took 107 s of CPU that way and 16 s on one
thread. Results do not depend on it: each test compares runs made under the same setting.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import threadpoolctl

from tests.services import (
    POSTGRES_HOW,
    LocalHttpServer,
    S3Service,
    create_test_database,
    drop_test_database,
    exported_env,
    postgres_admin_display,
    postgres_available,
    service_unavailable,
    start_seaweedfs,
)


def pytest_configure(config: pytest.Config) -> None:
    """One compute thread per process (the module doc says why). `make test` sets the variables
    too; this covers a bare `pytest` (the variables reach libraries loaded later and every
    subprocess, threadpoolctl the runtimes already loaded, as numpy by pytest-randomly)."""
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    threadpoolctl.threadpool_limits(1)


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not postgres_available():
        service_unavailable(f"PostgreSQL ({postgres_admin_display()})", POSTGRES_HOW)
    name, url = create_test_database()
    try:
        yield url
    finally:
        drop_test_database(name)


@pytest.fixture(scope="session")
def s3_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Service]:
    service = start_seaweedfs(tmp_path_factory.mktemp("seaweedfs"))
    try:
        with exported_env(service.env()):
            yield service
    finally:
        service.stop()


@pytest.fixture
def local_http_server() -> Iterator[LocalHttpServer]:
    server = LocalHttpServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def data_root(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    return root


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every browser test carries the `e2e` marker (`make test-fast` leaves them out)."""
    for item in items:
        if item.path.parent.name == "e2e":
            item.add_marker(pytest.mark.e2e)
