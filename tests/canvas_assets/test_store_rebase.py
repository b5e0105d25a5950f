"""Automatic rebase (opt-in) in the workflow store, on SQLite and on the real PostgreSQL: a batch
with a stale base that touches nothing the batches since touched goes on top of the current
revision; anything overlapping stays a Conflict; the result is re-checked on the current document;
and under contention no edit is lost or applied twice. Also the pure key functions of graph_ops
that decide what overlaps."""

from __future__ import annotations

import random
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest

from canvas_assets.storage import workflow_store as store_module
from canvas_assets.storage.errors import Conflict
from canvas_assets.storage.operation_log import KIND_OPS
from canvas_assets.storage.workflow_store import OpsResult, WorkflowStore
from node_library.graph import Edge, Node, Position, Workflow, load_workflow
from node_library.graph_ops import (
    AddEdgeOp,
    AddNodeOp,
    GraphOp,
    MoveNodesOp,
    OpError,
    RemoveEdgeOp,
    RemoveNodeOp,
    RenameWorkflowOp,
    SetLabelOp,
    UpdateParamsOp,
    apply_ops,
    overlapping_keys,
    touched_keys,
)
from tests.canvas_assets.toy_nodes import chain_workflow, toy_registry


@pytest.fixture
def chain() -> Workflow:
    return load_workflow(chain_workflow("alpha"))


def move(node_id: str, x: float, y: float = 0) -> MoveNodesOp:
    return MoveNodesOp(positions={node_id: Position(x=x, y=y)})


def add(node_id: str, node_type: str = "toy.numbers") -> AddNodeOp:
    return AddNodeOp(node=Node(id=node_id, type=node_type))


def connect(edge_id: str, source: str, target: str) -> AddEdgeOp:
    return AddEdgeOp(
        edge=Edge(id=edge_id, source=source, source_port="data", target=target, target_port="data")
    )


def overlap(mine: list[GraphOp], theirs: list[GraphOp], before: Workflow) -> set[str]:
    return overlapping_keys(touched_keys(mine, before), touched_keys(theirs, before))


# -- what overlaps (pure) -----------------------------------------------------------------------


def test_moves_of_different_nodes_do_not_overlap_but_a_move_and_a_removal_do(
    chain: Workflow,
) -> None:
    assert not overlap([move("numbers", 1)], [move("other", 2)], chain)
    assert overlap([move("numbers", 1)], [move("numbers", 2)], chain) == {"node:numbers/position"}
    assert overlap([move("numbers", 1)], [RemoveNodeOp(node_id="numbers")], chain)
    assert overlap([RemoveNodeOp(node_id="numbers")], [move("numbers", 1)], chain)


def test_different_properties_of_one_node_are_independent_but_its_removal_is_not(
    chain: Workflow,
) -> None:
    params = UpdateParamsOp(node_id="add_one", params={"amount": 2})
    label = SetLabelOp(node_id="add_one", label="Plus one")
    assert not overlap([params], [move("add_one", 5)], chain)
    assert not overlap([params], [label], chain)
    assert overlap([params], [params], chain)
    for op in (params, label, move("add_one", 5)):
        assert overlap([op], [RemoveNodeOp(node_id="add_one")], chain)


def test_removing_a_node_touches_its_edges_and_the_input_slots_they_fed(chain: Workflow) -> None:
    keys = touched_keys([RemoveNodeOp(node_id="add_one")], chain)
    assert {"edge:e1", "edge:e2", "node:add_ten/input:data", "node:numbers/edge:e1"} <= keys
    # someone removing edge e2 meanwhile, or wiring into the freed input, overlaps
    assert overlap([RemoveEdgeOp(edge_id="e2")], [RemoveNodeOp(node_id="add_one")], chain)
    # an edge added earlier in the same batch is removed with the node, so it is touched too
    keys = touched_keys([connect("e9", "other", "split"), RemoveNodeOp(node_id="other")], chain)
    assert "edge:e9" in keys and "node:split/input:data" in keys


def test_edges_overlap_on_their_id_their_input_slot_and_the_removal_of_either_end(
    chain: Workflow,
) -> None:
    before = apply_ops(chain, [add("x", "toy.add"), add("y", "toy.add")])
    into_x = connect("a", "numbers", "x")
    assert overlap([into_x], [connect("b", "other", "x")], before) == {"node:x/input:data"}
    assert overlap([into_x], [connect("a", "other", "y")], before) == {"edge:a"}
    assert overlap([into_x], [RemoveNodeOp(node_id="numbers")], before)
    assert overlap([into_x], [RemoveNodeOp(node_id="x")], before)
    # fan-out from one source, and wiring next to a moved node, are independent
    assert not overlap([into_x], [connect("b", "numbers", "y")], before)
    assert not overlap([into_x], [move("numbers", 3), move("x", 4)], before)


def test_workflow_level_edits_overlap_only_with_the_same_kind(chain: Workflow) -> None:
    rename = RenameWorkflowOp(name="Renamed")
    assert overlap([rename], [RenameWorkflowOp(name="Other")], chain) == {"workflow/name"}
    assert not overlap([rename], [move("numbers", 1)], chain)


def test_edge_ids_containing_a_slash_cannot_pose_as_a_node_part(chain: Workflow) -> None:
    odd = touched_keys([connect("numbers/position", "numbers", "add_ten")], chain)
    assert "node:numbers/position" not in odd
    assert not overlapping_keys(odd, {"node:numbers/position"})


# -- the store ----------------------------------------------------------------------------------


def test_two_clients_moving_different_nodes_from_one_base_both_succeed_with_auto_rebase(
    store: WorkflowStore,
) -> None:
    store.create(load_workflow(chain_workflow("alpha")))
    first = store.apply_ops("alpha", 1, [move("numbers", 10)], "ann", "b-ann", auto_rebase=True)
    assert first.stored.revision == 2 and first.rebased_over == []
    second = store.apply_ops("alpha", 1, [move("other", 20)], "bob", "b-bob", auto_rebase=True)
    assert second.stored.revision == 3 and not second.replayed
    assert [(b.revision, b.author, b.batch_id) for b in second.rebased_over] == [
        (2, "ann", "b-ann")
    ]
    final = store.get("alpha").workflow
    assert final.node("numbers").position.x == 10  # type: ignore[union-attr]
    assert final.node("other").position.x == 20  # type: ignore[union-attr]
    assert final == second.stored.workflow
    # the log holds bob's batch at the revision it went to, so replaying it gives the document
    log = store.ops_since("alpha", 0)
    assert [(b.revision, b.batch_id) for b in log] == [(1, None), (2, "b-ann"), (3, "b-bob")]


def test_without_auto_rebase_a_stale_base_is_still_a_conflict(store: WorkflowStore) -> None:
    store.create(load_workflow(chain_workflow("alpha")))
    store.apply_ops("alpha", 1, [move("numbers", 10)], "ann")
    with pytest.raises(Conflict) as caught:
        store.apply_ops("alpha", 1, [move("other", 20)], "bob")
    assert caught.value.current_revision == 2 and "revision 2, not 1" in str(caught.value)


def test_moving_a_node_another_client_removed_is_a_conflict(store: WorkflowStore) -> None:
    created = store.create(load_workflow(chain_workflow("alpha")))
    removed: list[GraphOp] = [RemoveNodeOp(node_id="other")]
    store.apply_ops("alpha", 1, removed, "ann", auto_rebase=True)
    with pytest.raises(Conflict) as caught:
        store.apply_ops("alpha", 1, [move("other", 5)], "bob", "mine", auto_rebase=True)
    conflict = caught.value
    assert conflict.current_revision == 2
    assert [(b.revision, b.ops) for b in conflict.ops_since] == [(2, removed)]
    assert "node:other/position" in str(conflict)
    assert store.get("alpha").revision == 2
    assert [b.batch_id for b in store.ops_since(created.id, 1)] == [None]  # nothing written


def test_two_edges_into_one_input_from_one_base_refuse_the_second(store: WorkflowStore) -> None:
    store.create(load_workflow(chain_workflow("alpha")))
    store.apply_ops("alpha", 1, [add("x", "toy.add")], "ann")
    store.apply_ops("alpha", 2, [connect("a", "numbers", "x")], "ann", auto_rebase=True)
    with pytest.raises(Conflict) as caught:
        store.apply_ops("alpha", 2, [connect("b", "other", "x")], "bob", auto_rebase=True)
    assert "node:x/input:data" in str(caught.value)
    edges = [e.id for e in store.get("alpha").workflow.edges if e.target == "x"]
    assert edges == ["a"]


def test_a_rebase_that_would_close_a_cycle_is_refused_as_an_op_error(
    store: WorkflowStore,
) -> None:
    registry = toy_registry()
    store.create(load_workflow(chain_workflow("alpha")))
    store.apply_ops("alpha", 1, [add("p", "toy.add"), add("q", "toy.add")], "ann")
    first = store.apply_ops(
        "alpha", 2, [connect("pq", "p", "q")], "ann", registry=registry, auto_rebase=True
    )
    assert first.stored.revision == 3
    # from the same base, q -> p is fine on its own, but closes p -> q -> p on the current one
    with pytest.raises(OpError) as caught:
        store.apply_ops(
            "alpha", 2, [connect("qp", "q", "p")], "bob", registry=registry, auto_rebase=True
        )
    assert caught.value.code == "cycle" and caught.value.index == 0
    assert store.get("alpha").revision == 3


def test_a_batch_that_keeps_losing_the_race_is_rebased_under_the_lock(
    store: WorkflowStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "_LOCK_FREE_ATTEMPTS", 0)  # straight to the last resort
    store.create(load_workflow(chain_workflow("alpha")))
    store.apply_ops("alpha", 1, [move("numbers", 10)], "ann", "b-ann", auto_rebase=True)
    second = store.apply_ops("alpha", 1, [move("other", 20)], "bob", "b-bob", auto_rebase=True)
    assert second.stored.revision == 3 and [b.revision for b in second.rebased_over] == [2]
    assert store.get("alpha").workflow == second.stored.workflow
    with pytest.raises(Conflict):
        store.apply_ops("alpha", 1, [RemoveNodeOp(node_id="numbers")], "cyd", auto_rebase=True)
    again = store.apply_ops("alpha", 1, [move("other", 20)], "bob", "b-bob", auto_rebase=True)
    assert again.replayed and again.stored.revision == 3


def test_a_document_replaced_since_the_base_is_always_a_conflict(store: WorkflowStore) -> None:
    store.create(load_workflow(chain_workflow("alpha")))
    current = store.get("alpha")
    store.save(current.workflow.model_copy(update={"name": "Imported"}), 1, author="cli")
    with pytest.raises(Conflict) as caught:
        store.apply_ops("alpha", 1, [move("other", 5)], "bob", auto_rebase=True)
    assert "replaced the whole document" in str(caught.value)
    assert store.get("alpha").revision == 2


def test_a_base_revision_the_workflow_never_had_is_a_conflict(store: WorkflowStore) -> None:
    store.create(load_workflow(chain_workflow("alpha")))
    for bad_base in (0, 7):
        with pytest.raises(Conflict):
            store.apply_ops("alpha", bad_base, [move("other", 5)], "bob", auto_rebase=True)
    assert store.get("alpha").revision == 1


def test_a_retried_rebased_batch_is_applied_once_and_reports_the_same_rebase(
    store: WorkflowStore,
) -> None:
    store.create(load_workflow(chain_workflow("alpha")))
    store.apply_ops("alpha", 1, [move("numbers", 1)], "ann", "b-ann")
    store.apply_ops("alpha", 2, [move("numbers", 2)], "ann", "b-ann-2")
    ops: list[GraphOp] = [move("other", 5)]
    first = store.apply_ops("alpha", 1, ops, "bob", "b-bob", auto_rebase=True)
    store.apply_ops("alpha", 4, [move("numbers", 3)], "ann")
    again = store.apply_ops("alpha", 1, ops, "bob", "b-bob", auto_rebase=True)
    assert again.replayed and again.stored.revision == first.stored.revision == 4
    assert [b.revision for b in again.rebased_over] == [b.revision for b in first.rebased_over]
    assert [b.revision for b in first.rebased_over] == [2, 3]
    assert Counter(b.batch_id for b in store.ops_since("alpha", 0))["b-bob"] == 1


# -- contention ---------------------------------------------------------------------------------

THREADS = 8
BATCHES = 25


@dataclass
class EditorLog:
    applied: dict[str, OpsResult] = field(default_factory=dict)  # batch id -> result
    conflicted: list[str] = field(default_factory=list)
    renames: set[str] = field(default_factory=set)  # batch ids of the batches that rename
    bases: dict[str, int] = field(default_factory=dict)  # batch id -> base revision sent


def test_auto_rebase_never_loses_or_duplicates_an_op_under_contention(
    store: WorkflowStore,
) -> None:
    """8 threads x 25 batches on one workflow, never re-reading before a batch: each sends its
    last known revision, so most batches are rebased. Each thread moves its own node and adds
    its own nodes (never overlapping) and now and then renames the workflow (overlapping every
    other thread's renames: those may conflict, and are not retried). Threads lose the race for
    the write lock too, and then rebase again."""
    document = chain_workflow("busy")
    document["nodes"] += [{"id": f"anchor_{t}", "type": "toy.numbers"} for t in range(THREADS)]
    created = store.create(load_workflow(document))
    registry = toy_registry()
    start = threading.Barrier(THREADS)
    logs = [EditorLog() for _ in range(THREADS)]
    errors: list[BaseException] = []

    def editor(t: int) -> None:
        rng = random.Random(t)
        log = logs[t]
        base = 1
        try:
            start.wait()
            for k in range(BATCHES):
                ops: list[GraphOp] = [move(f"anchor_{t}", k, t), add(f"t{t}_{k}")]
                batch_id = str(uuid.uuid4())
                if rng.random() < 0.2:
                    ops.append(RenameWorkflowOp(name=f"renamed by {t} at {k}"))
                    log.renames.add(batch_id)
                log.bases[batch_id] = base
                try:
                    result = store.apply_ops(
                        "busy", base, ops, f"editor {t}", batch_id, registry, auto_rebase=True
                    )
                except Conflict as conflict:
                    log.conflicted.append(batch_id)
                    base = conflict.current_revision
                    continue
                log.applied[batch_id] = result
                base = result.stored.revision
        except BaseException as exc:
            errors.append(exc)
            start.abort()

    threads = [threading.Thread(target=editor, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)

    applied = {i: r for log in logs for i, r in log.applied.items()}
    conflicted = {i for log in logs for i in log.conflicted}
    assert len(applied) + len(conflicted) == THREADS * BATCHES
    assert sum(1 for r in applied.values() if r.rebased_over) > THREADS  # rebasing happened
    # only overlapping batches conflict: losing the race for the write lock never does
    assert conflicted <= {i for log in logs for i in log.renames}
    log_rows = store.ops_since(created.id, 0)
    logged = [b for b in log_rows if b.kind == KIND_OPS]
    # every applied batch exactly once, at the revision its client was told; nothing else
    assert Counter(b.batch_id for b in logged) == Counter(list(applied))
    assert all(applied[b.batch_id].stored.revision == b.revision for b in logged)  # type: ignore[index]
    assert not conflicted & {b.batch_id for b in logged}
    assert [b.revision for b in log_rows] == list(range(1, len(logged) + 2))
    # a rebased batch reports exactly the batches between its base and its revision
    for log in logs:
        for batch_id, result in log.applied.items():
            between = range(log.bases[batch_id] + 1, result.stored.revision)
            assert [b.revision for b in result.rebased_over] == list(between)
    # the log replayed from the first version gives every stored version, and the final state
    replayed = store.version(created.id, 1)
    for batch in logged:
        replayed = apply_ops(replayed, batch.ops)
        assert replayed == store.version(created.id, batch.revision)
    final = store.get("busy").workflow
    assert replayed == final
    nodes = {n.id: n for n in final.nodes}
    assert len(nodes) == len(final.nodes)
    for t, log in enumerate(logs):
        mine = [b for b in logged if b.author == f"editor {t}"]
        assert [b.batch_id for b in mine] == list(log.applied)  # in the thread's own order
        added = {f"t{t}_{k}" for k in range(BATCHES)} & set(nodes)
        assert len(added) == len(log.applied)
        if mine:  # the anchor sits where the thread's last acknowledged move put it
            last = mine[-1].ops[0]
            assert isinstance(last, MoveNodesOp)
            assert nodes[f"anchor_{t}"].position == last.positions[f"anchor_{t}"]
