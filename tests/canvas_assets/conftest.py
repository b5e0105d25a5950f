from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from canvas_assets.config import CanvasConfig
from canvas_assets.services import CanvasServices
from canvas_assets.storage.workflow_store import WorkflowStore
from node_library.settings import NodeSettings
from tests.canvas_assets.toy_nodes import EXECUTIONS, NODE_MODULE, toy_registry
from tests.services import EngineProcess, empty_services, start_engine


def make_services(
    tmp_path: Path,
    registry=None,
    artifacts: str | None = None,
    endpoint: str | None = None,
    database_url: str | None = None,
) -> CanvasServices:
    home = tmp_path / "home"
    data = tmp_path / "data"
    data.mkdir(parents=True, exist_ok=True)
    config = CanvasConfig(
        home=home,
        database_url=database_url or f"sqlite:///{home / 'canvas.db'}",
        artifacts=artifacts or str(home / "artifacts"),
        s3_endpoint_url=endpoint,
        dagster_home=home,
    )
    settings = NodeSettings(data_roots=(data.resolve(),), s3_endpoint_url=endpoint)
    return CanvasServices(config, registry or toy_registry(), settings)


@pytest.fixture
def toy_services(tmp_path: Path) -> CanvasServices:
    EXECUTIONS.clear()
    services = make_services(tmp_path)
    yield services
    services.store.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WorkflowStore]:
    """A workflow store on SQLite and on the real PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'canvas.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    store = WorkflowStore(url)
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def _module_engine(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[CanvasServices, EngineProcess]]:
    services = make_services(tmp_path_factory.mktemp("engine"))
    process = start_engine(services, node_modules=NODE_MODULE).wait_ready()
    yield services, process
    process.stop_soon()
    services.store.dispose()


@pytest.fixture
def served(_module_engine: tuple[CanvasServices, EngineProcess]) -> CanvasServices:
    """Toy services with a real engine process executing their runs (the toy nodes installed).
    The engine is shared by the module's tests; each finds the services empty (no workflows,
    runs or results)."""
    services, process = _module_engine
    empty_services(services, process, services.settings, *services.settings.data_roots)
    EXECUTIONS.clear()
    return services
