"""Explainable caching through real Dagster runs: fresh / stale / missing with reasons, exactly
which nodes execute, and results reused when a param is set back."""

from __future__ import annotations

import pytest

from canvas_assets.planning.status import State
from canvas_assets.services import CanvasServices, RunRefused, Selection
from node_library.graph import load_workflow
from tests.canvas_assets.toy_nodes import EXECUTIONS, chain_workflow


def _store(services: CanvasServices, document: dict) -> str:
    return services.store.create(load_workflow(document)).workflow.slug


def _edit(services: CanvasServices, slug: str, node_id: str, **params: object) -> None:
    stored = services.store.get(slug)
    workflow = stored.workflow.model_copy(deep=True)
    node = workflow.node(node_id)
    assert node is not None
    node.params.update(params)
    services.store.save(workflow, stored.revision)


def _states(services: CanvasServices, slug: str) -> dict[str, tuple[str, str]]:
    statuses = services.statuses(services.plan(services.store.get(slug)))
    return {n: (s.state.value, s.reason) for n, s in statuses.items()}


def test_first_run_executes_every_node_and_records_lineage(toy_services: CanvasServices) -> None:
    slug = _store(toy_services, chain_workflow())
    assert {s for s, _ in _states(toy_services, slug).values()} == {"missing"}

    report = toy_services.run(slug)

    assert report.success and report.run_id
    assert set(report.executed) == {"numbers", "add_one", "add_ten", "split", "other"}
    assert report.executed.index("numbers") < report.executed.index("add_one")
    assert all(EXECUTIONS[n] == 1 for n in report.executed)
    assert report.nodes["add_ten"].rows_out == 5
    assert report.nodes["split"].status == "succeeded"
    run = toy_services.instance.get_run_by_id(report.run_id)
    assert run is not None and run.tags["canvas/workflow"] == slug
    assert {s for s, _ in _states(toy_services, slug).values()} == {"fresh"}


def test_second_run_with_nothing_changed_executes_no_node(toy_services: CanvasServices) -> None:
    slug = _store(toy_services, chain_workflow())
    toy_services.run(slug)
    EXECUTIONS.clear()

    report = toy_services.run(slug)

    assert report.nothing_to_do and report.run_id is None
    assert not EXECUTIONS
    assert {n.status for n in report.nodes.values()} == {"fresh"}


def test_changing_a_param_reruns_exactly_that_node_and_its_downstream(
    toy_services: CanvasServices,
) -> None:
    slug = _store(toy_services, chain_workflow())
    toy_services.run(slug)
    EXECUTIONS.clear()

    _edit(toy_services, slug, "add_one", amount=2)
    states = _states(toy_services, slug)
    assert states["numbers"][0] == "fresh" and states["other"][0] == "fresh"
    assert states["add_one"] == ("stale", "params changed")
    # transitive: downstream is stale at once, before anything re-runs
    assert states["add_ten"] == ("stale", "upstream add_one changed")
    assert states["split"] == ("stale", "upstream add_ten changed")

    report = toy_services.run(slug)
    assert set(report.executed) == {"add_one", "add_ten", "split"}
    assert dict(EXECUTIONS) == {"add_one": 1, "add_ten": 1, "split": 1}
    assert report.nodes["numbers"].status == "fresh"
    frame = toy_services.artifacts.read(_ref(toy_services, slug, "add_ten", "data"))
    assert list(frame["x"]) == [12, 13, 14, 15, 16]


def test_setting_a_param_back_makes_everything_fresh_without_running(
    toy_services: CanvasServices,
) -> None:
    slug = _store(toy_services, chain_workflow())
    toy_services.run(slug)
    _edit(toy_services, slug, "add_one", amount=2)
    toy_services.run(slug)
    EXECUTIONS.clear()

    _edit(toy_services, slug, "add_one", amount=1)
    states = _states(toy_services, slug)
    assert {s for s, _ in states.values()} == {"fresh"}
    assert "earlier result" in states["add_one"][1]
    report = toy_services.run(slug)
    assert report.nothing_to_do and not EXECUTIONS


def test_cache_survives_a_restart_of_the_services(toy_services: CanvasServices, tmp_path) -> None:
    from tests.canvas_assets.conftest import make_services

    slug = _store(toy_services, chain_workflow())
    toy_services.run(slug)
    restarted = make_services(tmp_path)  # same folders, new objects, new instance
    assert {s for s, _ in _states(restarted, slug).values()} == {"fresh"}


def test_source_file_change_marks_the_source_stale(toy_services: CanvasServices) -> None:
    data = toy_services.settings.data_roots[0]
    (data / "lines.txt").write_text("a\nb\n")
    slug = _store(
        toy_services,
        {
            "slug": "files",
            "name": "Files",
            "nodes": [{"id": "lines", "type": "toy.text_file", "params": {"path": "lines.txt"}}],
        },
    )
    toy_services.run(slug)
    assert _states(toy_services, slug)["lines"][0] == "fresh"

    (data / "lines.txt").write_text("a\nb\nc\n")
    assert _states(toy_services, slug)["lines"] == ("stale", "source data changed")
    report = toy_services.run(slug)
    assert report.nodes["lines"].rows_out == 3


def test_run_up_to_a_node_runs_its_upstream_only(toy_services: CanvasServices) -> None:
    slug = _store(toy_services, chain_workflow())
    report = toy_services.run(slug, node="add_one", selection=Selection.UPSTREAM)
    assert set(report.executed) == {"numbers", "add_one"}
    states = _states(toy_services, slug)
    assert states["add_ten"][0] == "missing" and states["other"][0] == "missing"


def test_run_only_a_node_whose_input_has_no_result_is_refused(toy_services: CanvasServices) -> None:
    slug = _store(toy_services, chain_workflow())
    with pytest.raises(RunRefused, match=r"'numbers'.*no result"):
        toy_services.run(slug, node="add_one", selection=Selection.ONLY)
    assert not EXECUTIONS


def test_force_recomputes_fresh_nodes(toy_services: CanvasServices) -> None:
    slug = _store(toy_services, chain_workflow())
    toy_services.run(slug)
    report = toy_services.run(slug, node="add_one", selection=Selection.ONLY, force=True)
    assert report.executed == ["add_one"] and EXECUTIONS["add_one"] == 2


def test_failing_node_reports_its_error_and_skips_downstream(toy_services: CanvasServices) -> None:
    document = chain_workflow()
    document["nodes"][1]["params"]["fail"] = True
    slug = _store(toy_services, document)

    report = toy_services.run(slug)

    assert not report.success
    assert report.nodes["add_one"].status == "failed"
    assert "asked to fail" in report.nodes["add_one"].message
    assert report.nodes["add_ten"].status == "skipped"
    assert report.nodes["split"].status == "skipped"
    assert report.nodes["other"].status == "succeeded"
    states = _states(toy_services, slug)
    assert states["add_one"][0] == "missing" and states["numbers"][0] == "fresh"


def test_invalid_workflow_is_refused_before_anything_runs(toy_services: CanvasServices) -> None:
    from canvas_assets.planning.plan import PlanError

    document = chain_workflow()
    document["nodes"][1]["params"]["column"] = "y"
    slug = _store(toy_services, document)
    with pytest.raises(PlanError) as caught:
        toy_services.run(slug)
    assert caught.value.issues[0].code == "missing_column"
    assert not EXECUTIONS
    assert toy_services.instance.get_runs() == []


def test_multi_output_node_stores_each_port_as_its_own_asset(toy_services: CanvasServices) -> None:
    import dagster as dg

    slug = _store(toy_services, chain_workflow())
    toy_services.run(slug)
    events = toy_services.instance.get_latest_materialization_events(
        [
            dg.AssetKey([slug, "split", "head"]),
            dg.AssetKey([slug, "split", "stats"]),
            dg.AssetKey([slug, "add_ten"]),
        ]
    )
    assert all(e is not None for e in events.values())
    stats = toy_services.artifacts.read(_ref(toy_services, slug, "split", "stats"))
    assert stats == {"rows": 5}


def _ref(services: CanvasServices, slug: str, node_id: str, port: str):
    from canvas_assets.storage.artifacts import ArtifactRef

    plan = services.plan(services.store.get(slug))
    assert services.statuses(plan)[node_id].state is State.FRESH
    return ArtifactRef(slug, node_id, plan.nodes[node_id].cache_key, port)
