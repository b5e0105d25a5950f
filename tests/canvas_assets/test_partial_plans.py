"""One node with errors blocks only itself and what reads from it: the valid part of the workflow
keeps its cache keys, runs (in this process and in the engine), re-executes from a failure and
reports its statuses; a run that needs the broken node is refused, naming only that node."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from canvas_assets.planning.plan import UPSTREAM_INVALID, NodeName, PlanError, build_plan
from canvas_assets.planning.status import State
from canvas_assets.runs.events import RunEventKind
from canvas_assets.runs.launcher import RunLauncher
from canvas_assets.services import CanvasServices, Selection
from node_library.graph import load_workflow
from tests.canvas_assets.engine_runs import executed_nodes, run_events, store_workflow
from tests.canvas_assets.toy_nodes import EXECUTIONS

SLUG = "toy_partial"
VALID = ["numbers", "add_one", "split"]


def _edge(edge_id: str, source: str, target: str) -> dict[str, str]:
    return {
        "id": edge_id,
        "source": source,
        "source_port": "data",
        "target": target,
        "target_port": "data",
    }


def partial_workflow() -> dict[str, Any]:
    """numbers -> add_one -> split (valid), and numbers -> chart -> after_chart, where chart
    names a misspelled column."""
    return {
        "slug": SLUG,
        "name": "Partly broken",
        "nodes": [
            {"id": "numbers", "type": "toy.numbers", "params": {"rows": 5}},
            {"id": "add_one", "type": "toy.add", "params": {"amount": 1}},
            {"id": "split", "type": "toy.split", "params": {"rows": 2}},
            {
                "id": "chart",
                "type": "toy.add",
                "label": "Sales chart",
                "params": {"column": "revenu"},
            },
            {"id": "after_chart", "type": "toy.add", "params": {"amount": 2}},
        ],
        "edges": [
            _edge("e1", "numbers", "add_one"),
            _edge("e2", "add_one", "split"),
            _edge("e3", "numbers", "chart"),
            _edge("e4", "chart", "after_chart"),
        ],
    }


def without_broken_branch(document: dict[str, Any]) -> dict[str, Any]:
    trimmed = copy.deepcopy(document)
    trimmed["nodes"] = [n for n in trimmed["nodes"] if n["id"] not in ("chart", "after_chart")]
    trimmed["edges"] = [e for e in trimmed["edges"] if e["target"] not in ("chart", "after_chart")]
    return trimmed


def test_the_valid_branch_keeps_the_cache_keys_it_has_without_the_broken_node(
    toy_services: CanvasServices,
) -> None:
    registry, settings = toy_services.registry, toy_services.settings
    broken = load_workflow(partial_workflow(), registry)
    plan = build_plan(broken, registry, settings, partial=True)
    alone = build_plan(
        load_workflow(without_broken_branch(partial_workflow()), registry), registry, settings
    )

    assert plan.order == VALID
    assert {n: plan.nodes[n].cache_key for n in VALID} == {
        n: alone.nodes[n].cache_key for n in VALID
    }
    assert list(plan.blocked) == ["chart", "after_chart"]
    assert [(i.code, i.node_id, i.param) for i in plan.blocked["chart"]] == [
        ("missing_column", "chart", "column")
    ]
    assert plan.blocked_by["chart"] == ()
    (upstream,) = plan.blocked["after_chart"]
    assert upstream.code == UPSTREAM_INVALID and upstream.node_id == "after_chart"
    assert '"Sales chart" (chart)' in upstream.message
    assert upstream.hint == 'fix "Sales chart" (chart) first'
    assert plan.blocked_by["after_chart"] == (NodeName("chart", "Sales chart"),)

    # the default stays all-or-nothing (the Dagster code location and retention rely on it)
    with pytest.raises(PlanError) as caught:
        build_plan(broken, registry, settings)
    assert [i.node_id for i in caught.value.issues] == ["chart"]


def test_a_cycle_blocks_only_the_nodes_in_and_after_it(toy_services: CanvasServices) -> None:
    document = partial_workflow()
    document["nodes"][3]["params"] = {}  # chart is fine now
    document["nodes"].append({"id": "loop", "type": "toy.add", "params": {}})
    document["edges"] += [_edge("e5", "after_chart", "loop"), _edge("e6", "loop", "chart")]
    document["edges"] = [e for e in document["edges"] if e["id"] != "e3"]  # chart reads loop
    plan = build_plan(
        load_workflow(document, toy_services.registry),
        toy_services.registry,
        toy_services.settings,
        partial=True,
    )
    assert plan.order == VALID
    assert set(plan.blocked) == {"chart", "after_chart", "loop"}
    causes = plan.refusal(["loop"])
    assert causes is not None and [i.code for i in causes.issues] == ["cycle"]


def test_up_to_here_on_the_valid_branch_runs_and_statuses_say_what_is_invalid(
    toy_services: CanvasServices,
) -> None:
    store_workflow(toy_services, partial_workflow())
    report = toy_services.run(SLUG, node="split", selection=Selection.UPSTREAM)
    assert report.success, report.nodes
    assert report.executed == VALID
    assert set(EXECUTIONS) == set(VALID)

    statuses = toy_services.statuses(toy_services.plan(toy_services.store.get(SLUG)))
    assert list(statuses) == ["numbers", "add_one", "chart", "split", "after_chart"]
    assert {n: statuses[n].state for n in VALID} == dict.fromkeys(VALID, State.FRESH)
    chart = statuses["chart"]
    assert chart.state is State.INVALID and chart.cache_key == ""
    assert chart.reason == chart.issues[0].message and "'revenu'" in chart.reason
    after = statuses["after_chart"]
    assert after.state is State.INVALID
    assert after.reason == 'upstream node "Sales chart" (chart) has errors, so this node cannot run'
    assert after.blocked_by == (NodeName("chart", "Sales chart"),)

    # run all needs the broken chart: refused, naming it (and not the node after it)
    with pytest.raises(PlanError) as caught:
        toy_services.run(SLUG, selection=Selection.ALL)
    assert [(i.code, i.node_id) for i in caught.value.issues] == [("missing_column", "chart")]


@pytest.mark.parametrize(
    ("selection", "node", "nodes"),
    [
        (Selection.UPSTREAM, "after_chart", None),
        (Selection.ONLY, "after_chart", None),
        (Selection.NODES, None, ["split", "after_chart"]),
    ],
)
def test_a_run_that_needs_the_broken_node_is_refused_naming_only_what_it_needs(
    toy_services: CanvasServices,
    selection: Selection,
    node: str | None,
    nodes: list[str] | None,
) -> None:
    document = partial_workflow()
    # a second mistake, in a node none of these runs needs
    document["nodes"].append({"id": "typo", "type": "toy.add", "params": {"column": "xx"}})
    document["edges"].append(_edge("e9", "numbers", "typo"))
    store_workflow(toy_services, document)
    with pytest.raises(PlanError) as caught:
        toy_services.run(SLUG, node=node, selection=selection, nodes=nodes)
    assert [(i.code, i.node_id) for i in caught.value.issues] == [("missing_column", "chart")]
    assert not EXECUTIONS
    assert toy_services.instance.get_runs() == []

    with pytest.raises(PlanError) as everything:
        toy_services.run(SLUG, selection=Selection.STALE)
    assert {i.node_id for i in everything.value.issues} == {"chart", "typo"}


@pytest.mark.integration  # a real engine process
def test_the_engine_runs_the_valid_branch_and_re_executes_it_from_a_failure(
    served: CanvasServices,
) -> None:
    document = partial_workflow()
    document["nodes"][1]["params"]["fail"] = True  # add_one fails at run time
    store_workflow(served, document)
    launcher = RunLauncher(served)

    failed = launcher.launch(SLUG, Selection.UPSTREAM, node="split")
    assert failed.run_id and failed.prepared.to_run == VALID
    assert run_events(served, failed.run_id)[-1].status == "FAILURE"
    assert executed_nodes(served, failed.run_id) == {"numbers", "add_one"}

    stored = served.store.get(SLUG)
    served.apply_graph_ops(
        SLUG,
        stored.revision,
        [{"op": "update_params", "node_id": "add_one", "params": {"amount": 1}}],
        author="test",
    )
    again = launcher.reexecute_from_failure(failed.run_id)
    assert again.run_id and again.prepared.to_run == ["add_one", "split"]
    events = run_events(served, again.run_id)
    assert events[-1].kind is RunEventKind.RUN_FINISHED and events[-1].status == "SUCCESS"
    assert executed_nodes(served, again.run_id) == {"add_one", "split"}

    statuses = served.statuses(served.plan(served.store.get(SLUG)))
    assert {n: s.state for n, s in statuses.items()} == {
        "numbers": State.FRESH,
        "add_one": State.FRESH,
        "split": State.FRESH,
        "chart": State.INVALID,
        "after_chart": State.INVALID,
    }
    with pytest.raises(PlanError) as caught:
        launcher.launch(SLUG, Selection.ALL)
    assert {i.node_id for i in caught.value.issues} == {"chart"}
