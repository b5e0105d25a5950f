"""Dagster's staleness agrees with the canvas when the canvas reuses a stored result: real runs in
a real Dagster instance, staleness read with Dagster's own resolver over the code location's
asset graph (what the Dagster UI shows as Synced / Unsynced)."""

from __future__ import annotations

import logging
from typing import Any

import dagster as dg
import pytest
from dagster._core.definitions.data_version import CachingStaleStatusResolver
from dagster._core.loader import LoadingContextForTest

import canvas_assets.definitions as definitions
from canvas_assets.definitions import build_definitions
from canvas_assets.orchestration.code_server import CODE_SERVER_ENV
from canvas_assets.orchestration.dagster_versions import (
    REUSED_FROM_RUN,
    record_reused_results,
    sync_reused_results,
    unsynced_workflows,
)
from canvas_assets.services import CanvasServices
from canvas_assets.storage.artifacts import ArtifactRef
from node_library.graph import load_workflow
from node_library.registry import default_registry
from tests.canvas_assets.toy_nodes import EXECUTIONS, NODE_MODULE, chain_workflow
from tests.services import canvas_env


def _edit(services: CanvasServices, slug: str, node_id: str, **params: object) -> None:
    stored = services.store.get(slug)
    workflow = stored.workflow.model_copy(deep=True)
    node = workflow.node(node_id)
    assert node is not None
    node.params.update(params)
    services.store.save(workflow, stored.revision)


def _graph(services: CanvasServices) -> Any:
    """The asset graph a freshly loaded code location shows (as after a reload)."""
    return build_definitions(services).resolve_asset_graph()


def _dagster(services: CanvasServices) -> dict[str, str]:
    """asset -> FRESH / STALE (with Dagster's causes) / MISSING, as the Dagster UI says it."""
    graph = _graph(services)
    resolver = CachingStaleStatusResolver(
        services.instance, graph, LoadingContextForTest(services.instance)
    )
    view = {}
    for key in graph.materializable_asset_keys:
        causes = "; ".join(c.reason for c in resolver.get_stale_causes(key))
        view[key.to_user_string()] = resolver.get_status(key).value + (
            f": {causes}" if causes else ""
        )
    return view


def _canvas(services: CanvasServices, slug: str) -> dict[str, str]:
    statuses = services.statuses(services.plan(services.store.get(slug)))
    return {node_id: status.state.value for node_id, status in statuses.items()}


def _all_fresh(services: CanvasServices) -> dict[str, str]:
    return {key: "FRESH" for key in _dagster(services)}


def _latest(services: CanvasServices, key: str) -> dg.EventLogEntry:
    entry = services.instance.get_latest_materialization_event(dg.AssetKey(key.split("/")))
    assert entry is not None
    return entry


@pytest.fixture
def chain(toy_services: CanvasServices) -> str:
    slug = toy_services.store.create(load_workflow(chain_workflow())).workflow.slug
    first = toy_services.run(slug)
    assert first.success and _dagster(toy_services) == _all_fresh(toy_services)
    return slug


def test_undoing_an_edit_that_was_run_makes_the_asset_synced_again(
    toy_services: CanvasServices, chain: str
) -> None:
    services = toy_services
    first_run = _latest(services, "toy_chain/add_one").run_id
    _edit(services, chain, "add_one", amount=2)
    assert services.run(chain).success
    EXECUTIONS.clear()
    _edit(services, chain, "add_one", amount=1)  # the undo

    # the canvas reuses the first run's results at once; Dagster compares with its latest
    # materialization, which is the run of amount=2
    assert set(_canvas(services, chain).values()) == {"fresh"}
    assert _dagster(services)["toy_chain/add_one"] == "STALE: has a new code version"

    recorded = sync_reused_results(services, _graph(services))

    assert recorded == {chain: ["add_one", "add_ten", "split"]}
    assert _dagster(services) == _all_fresh(services)
    assert set(_canvas(services, chain).values()) == {"fresh"}
    assert not EXECUTIONS  # nothing ran
    reused = _latest(services, "toy_chain/add_one")
    assert reused.run_id == "" and reused.asset_materialization is not None
    assert reused.asset_materialization.metadata[REUSED_FROM_RUN].value == first_run
    assert "Nothing was recomputed" in (reused.asset_materialization.description or "")
    # what the canvas shows of the last run (duration, rows) is the first run's, not lost
    last = services.statuses(services.plan(services.store.get(chain)))["add_ten"].last
    assert last["rows_out"] == 5 and last["duration_s"] is not None

    # recorded once: the next load finds nothing to record
    assert unsynced_workflows(services.instance, _graph(services)) == []
    assert sync_reused_results(services, _graph(services)) == {}

    # and a redo (amount=2 again) reuses the second run's results the same way
    _edit(services, chain, "add_one", amount=2)
    assert sync_reused_results(services, _graph(services)) == {
        chain: ["add_one", "add_ten", "split"]
    }
    assert _dagster(services) == _all_fresh(services)
    assert not EXECUTIONS


def test_undoing_an_edit_that_was_not_run_leaves_nothing_to_record(
    toy_services: CanvasServices, chain: str
) -> None:
    _edit(toy_services, chain, "add_ten", amount=3)
    assert _dagster(toy_services)["toy_chain/add_ten"] == "STALE: has a new code version"
    assert sync_reused_results(toy_services, _graph(toy_services)) == {}  # a stale node: no
    _edit(toy_services, chain, "add_ten", amount=10)

    assert _dagster(toy_services) == _all_fresh(toy_services)
    assert unsynced_workflows(toy_services.instance, _graph(toy_services)) == []


def test_a_result_whose_upstream_is_not_current_is_not_claimed_current(
    toy_services: CanvasServices, chain: str
) -> None:
    services = toy_services
    first = services.plan(services.store.get(chain)).nodes["add_one"].cache_key
    _edit(services, chain, "add_one", amount=2)
    assert services.run(chain).success
    # the first add_one result is gone (retention), the first add_ten result is still stored
    services.artifacts.backend.delete(
        [f"{ArtifactRef(chain, 'add_one', first, 'data').base}.meta.json"]
    )
    _edit(services, chain, "add_one", amount=1)

    canvas = _canvas(services, chain)
    assert canvas["add_one"] == "stale" and canvas["add_ten"] == "fresh"
    assert record_reused_results(services, services.store.get(chain)) == []
    assert _dagster(services)["toy_chain/add_one"] == "STALE: has a new code version"


def test_the_code_server_load_records_reuse_and_other_loads_do_not(
    toy_services: CanvasServices,
    chain: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    request: pytest.FixtureRequest,
) -> None:
    services = toy_services
    _edit(services, chain, "add_one", amount=2)
    assert services.run(chain).success
    _edit(services, chain, "add_one", amount=1)
    for name, value in canvas_env(services, NODE_MODULE).items():
        monkeypatch.setenv(name, value)
    default_registry.cache_clear()  # CanvasServices.from_env() reads the toy nodes' module
    request.addfinalizer(default_registry.cache_clear)
    frozen: list[bool] = []
    monkeypatch.setattr(definitions.gc, "freeze", lambda: frozen.append(True))

    monkeypatch.delenv(CODE_SERVER_ENV, raising=False)
    definitions.defs()  # the webserver, the daemon or a test loading the definitions
    assert _dagster(services)["toy_chain/add_one"] == "STALE: has a new code version"
    assert frozen == []

    monkeypatch.setenv(CODE_SERVER_ENV, "1")
    definitions.defs()  # the code server's child, after a reload
    assert _dagster(services) == _all_fresh(services)
    assert frozen == [True]

    def broken(*_: object) -> None:
        raise OSError("the store is not reachable")

    monkeypatch.setattr(definitions, "sync_reused_results", broken)
    with caplog.at_level(logging.ERROR, logger="canvas_assets.definitions"):
        loaded = definitions.defs()  # a failure to record never fails the load
    assert loaded.resolve_asset_graph().materializable_asset_keys
    assert "could not record the reused results in Dagster" in caplog.text
    assert frozen == [True, True]
