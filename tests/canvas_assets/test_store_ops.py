"""The operation log of the workflow store, on SQLite and on the real PostgreSQL: batches against a
base revision, conflicts that carry the batches since, idempotent retries, and no lost or
duplicated edit under real contention."""

from __future__ import annotations

import threading
import uuid
from collections import Counter

import pytest

from canvas_assets.storage.errors import Conflict, NotFound, StoreError
from canvas_assets.storage.operation_log import KIND_CREATE, KIND_OPS, KIND_REPLACE
from canvas_assets.storage.workflow_store import OpsResult, WorkflowStore
from node_library.graph import Edge, Node, Position, load_workflow
from node_library.graph_ops import (
    AddEdgeOp,
    AddNodeOp,
    GraphOp,
    MoveNodesOp,
    OpError,
    RemoveNodeOp,
    RenameWorkflowOp,
    UpdateParamsOp,
)
from tests.canvas_assets.toy_nodes import chain_workflow, toy_registry


def add(node_id: str, node_type: str = "toy.numbers", x: float = 0) -> AddNodeOp:
    return AddNodeOp(node=Node(id=node_id, type=node_type, position=Position(x=x)))


def test_a_batch_becomes_the_next_revision_and_is_logged_with_its_author(
    store: WorkflowStore,
) -> None:
    created = store.create(load_workflow(chain_workflow("alpha")), author="ann")
    ops: list[GraphOp] = [
        add("more"),
        MoveNodesOp(positions={"numbers": Position(x=10, y=20)}),
        RenameWorkflowOp(name="Edited"),
    ]
    result = store.apply_ops("alpha", 1, ops, author="bob", batch_id="b-1")
    assert isinstance(result, OpsResult) and not result.replayed
    assert result.stored.revision == 2 and result.applied == ops
    current = store.get("alpha")
    assert current.revision == 2 and current.workflow == result.stored.workflow
    assert current.workflow.node("more") is not None and current.workflow.name == "Edited"
    assert store.version(created.id, 1) == created.workflow  # history is kept
    log = store.ops_since(created.id, 0)
    assert [(b.revision, b.kind, b.author, b.batch_id) for b in log] == [
        (1, KIND_CREATE, "ann", None),
        (2, KIND_OPS, "bob", "b-1"),
    ]
    assert log[1].ops == ops
    assert store.list(search="edited")[0].workflow.slug == "alpha"  # the name column follows


def test_a_stale_base_revision_is_a_conflict_carrying_the_batches_since(
    store: WorkflowStore,
) -> None:
    store.create(load_workflow(chain_workflow("alpha")))
    first: list[GraphOp] = [add("a1")]
    second: list[GraphOp] = [MoveNodesOp(positions={"a1": Position(x=5)})]
    store.apply_ops("alpha", 1, first, author="ann")
    store.apply_ops("alpha", 2, second, author="bob")
    with pytest.raises(Conflict) as caught:
        store.apply_ops("alpha", 1, [add("mine")], author="cyd")
    conflict = caught.value
    assert conflict.current_revision == 3
    assert "revision 3, not 1" in str(conflict)
    assert [(b.revision, b.author, b.ops) for b in conflict.ops_since] == [
        (2, "ann", first),
        (3, "bob", second),
    ]
    assert store.get("alpha").workflow.node("mine") is None
    assert store.ops_since("alpha", 2) == conflict.ops_since[1:]
    # the client rebases on the current revision and succeeds
    assert store.apply_ops("alpha", 3, [add("mine")], author="cyd").stored.revision == 4


def test_a_retried_batch_id_returns_the_stored_result_without_applying_twice(
    store: WorkflowStore,
) -> None:
    store.create(load_workflow(chain_workflow("alpha")))
    ops: list[GraphOp] = [add("once")]
    first = store.apply_ops("alpha", 1, ops, author="ann", batch_id="retry-me")
    store.apply_ops("alpha", 2, [add("later")], author="bob")
    # the client timed out and sends the same batch with its old base revision
    again = store.apply_ops("alpha", 1, ops, author="ann", batch_id="retry-me")
    assert again.replayed
    assert again.stored.revision == first.stored.revision == 2
    assert again.stored.workflow == first.stored.workflow
    assert again.applied == ops
    assert store.get("alpha").revision == 3
    assert [b.batch_id for b in store.ops_since("alpha", 1)] == ["retry-me", None]


def test_a_batch_id_reused_for_other_ops_is_refused(store: WorkflowStore) -> None:
    store.create(load_workflow(chain_workflow("alpha")))
    store.apply_ops("alpha", 1, [add("a")], author="ann", batch_id="same")
    with pytest.raises(StoreError, match="already used for other ops"):
        store.apply_ops("alpha", 2, [add("b")], author="ann", batch_id="same")
    assert store.get("alpha").revision == 2


def test_a_batch_id_is_scoped_to_its_workflow(store: WorkflowStore) -> None:
    store.create(load_workflow(chain_workflow("alpha")))
    store.create(load_workflow(chain_workflow("beta")))
    store.apply_ops("alpha", 1, [add("a")], author="ann", batch_id="b-1")
    assert not store.apply_ops("beta", 1, [add("a")], author="ann", batch_id="b-1").replayed


def test_an_op_error_propagates_unchanged_and_writes_nothing(store: WorkflowStore) -> None:
    created = store.create(load_workflow(chain_workflow("alpha")))
    with pytest.raises(OpError) as caught:
        store.apply_ops(
            "alpha", 1, [add("fine"), RemoveNodeOp(node_id="ghost")], author="ann", batch_id="x"
        )
    assert (caught.value.index, caught.value.code) == (1, "missing_node")
    current = store.get("alpha")
    assert current.revision == 1 and current.workflow == created.workflow
    assert [b.revision for b in store.ops_since("alpha", 0)] == [1]
    # the batch id was not consumed by the refused batch
    assert not store.apply_ops("alpha", 1, [add("fine")], author="ann", batch_id="x").replayed


def test_with_a_registry_structural_errors_are_refused_and_param_issues_returned(
    store: WorkflowStore,
) -> None:
    store.create(load_workflow(chain_workflow("alpha")))
    registry = toy_registry()
    stats_into_data = AddEdgeOp(
        edge=Edge(id="bad", source="split", source_port="stats", target="x", target_port="data")
    )
    with pytest.raises(OpError) as caught:
        store.apply_ops(
            "alpha", 1, [add("x", "toy.add"), stats_into_data], author="ann", registry=registry
        )
    assert (caught.value.index, caught.value.code) == (1, "port_type_mismatch")
    assert store.get("alpha").revision == 1
    result = store.apply_ops(
        "alpha",
        1,
        [UpdateParamsOp(node_id="add_one", params={"column": "nope"})],
        author="ann",
        registry=registry,
    )
    assert result.stored.revision == 2
    assert result.validation is not None
    assert [(i.node_id, i.code) for i in result.validation.errors] == [
        ("add_one", "missing_column")
    ]


def test_save_and_create_are_logged_so_the_log_is_the_complete_history(
    store: WorkflowStore,
) -> None:
    created = store.create(load_workflow(chain_workflow("alpha")))
    store.apply_ops("alpha", 1, [add("a")], author="ann")
    current = store.get("alpha")
    store.save(current.workflow.model_copy(update={"name": "Imported"}), 2, author="cli")
    log = store.ops_since("alpha", 0)
    assert [(b.revision, b.kind, b.author) for b in log] == [
        (1, KIND_CREATE, ""),
        (2, KIND_OPS, "ann"),
        (3, KIND_REPLACE, "cli"),
    ]
    assert log[2].ops == []
    assert store.version(created.id, 3).name == "Imported"


def test_ops_of_an_unknown_workflow_are_not_found(store: WorkflowStore) -> None:
    with pytest.raises(NotFound):
        store.apply_ops("ghost", 1, [add("a")], author="ann")
    with pytest.raises(NotFound):
        store.ops_since("ghost", 0)


def test_deleting_a_workflow_removes_its_log(store: WorkflowStore) -> None:
    created = store.create(load_workflow(chain_workflow("alpha")))
    store.apply_ops("alpha", 1, [add("a")], author="ann", batch_id="b")
    store.delete("alpha")
    store.create(load_workflow({**chain_workflow("alpha"), "id": created.id}))
    assert [b.revision for b in store.ops_since(created.id, 0)] == [1]
    assert not store.apply_ops("alpha", 1, [add("a")], author="ann", batch_id="b").replayed


THREADS = 8
BATCHES = 25


def test_concurrent_editors_lose_and_duplicate_no_edit(store: WorkflowStore) -> None:
    """8 threads x 25 batches against one workflow, each retrying on Conflict."""
    document = chain_workflow("busy")
    document["nodes"] += [{"id": f"anchor_{t}", "type": "toy.numbers"} for t in range(THREADS)]
    created = store.create(load_workflow(document))
    start = threading.Barrier(THREADS)
    conflicts = Counter[int]()
    batch_ids: list[list[str]] = [[] for _ in range(THREADS)]
    errors: list[BaseException] = []

    def editor(t: int) -> None:
        try:
            base = store.get("busy").revision
            start.wait()  # every editor's first batch starts from the same revision
            for k in range(BATCHES):
                batch_id = str(uuid.uuid4())
                ops: list[GraphOp] = [
                    add(f"t{t}_{k}", x=k),
                    MoveNodesOp(positions={f"anchor_{t}": Position(x=k, y=t)}),
                ]
                while True:
                    try:
                        result = store.apply_ops(
                            "busy", base, ops, author=f"editor {t}", batch_id=batch_id
                        )
                    except Conflict as conflict:
                        conflicts[t] += 1
                        since = [b.revision for b in conflict.ops_since]
                        assert since == list(range(base + 1, conflict.current_revision + 1))
                        base = store.get("busy").revision  # re-read, then re-apply
                        continue
                    batch_ids[t].append(batch_id)
                    base = result.stored.revision
                    break
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

    successes = THREADS * BATCHES
    final = store.get("busy")
    assert final.revision == 1 + successes
    assert sum(conflicts.values()) >= THREADS - 1  # the first round alone conflicts 7 times
    nodes = {n.id: n for n in final.workflow.nodes}
    assert len(final.workflow.nodes) == len(nodes)  # no node twice
    for t in range(THREADS):
        for k in range(BATCHES):
            assert f"t{t}_{k}" in nodes
        assert nodes[f"anchor_{t}"].position == Position(x=BATCHES - 1, y=t)

    log = store.ops_since(created.id, 0)
    assert [b.revision for b in log] == list(range(1, successes + 2))
    logged = [b for b in log if b.kind == KIND_OPS]
    assert len(logged) == successes
    added = Counter(op.node.id for b in logged for op in b.ops if isinstance(op, AddNodeOp))
    assert set(added.values()) == {1} and len(added) == successes
    assert Counter(b.batch_id for b in logged) == Counter(i for ids in batch_ids for i in ids)
    for b in logged:  # each thread's batches appear in its own order
        t = int(b.author.split()[-1])
        assert b.batch_id in batch_ids[t]
    for t in range(THREADS):
        mine = [b.batch_id for b in logged if b.author == f"editor {t}"]
        assert mine == batch_ids[t]


def test_concurrent_retries_of_one_batch_apply_it_exactly_once(store: WorkflowStore) -> None:
    store.create(load_workflow(chain_workflow("busy")))
    start = threading.Barrier(THREADS)
    results: list[OpsResult] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def retry() -> None:
        try:
            start.wait()
            result = store.apply_ops("busy", 1, [add("only_once")], author="ann", batch_id="b")
            with lock:
                results.append(result)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=retry) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sorted(r.replayed for r in results) == [False] + [True] * (THREADS - 1)
    assert {r.stored.revision for r in results} == {2}
    assert store.get("busy").revision == 2
    assert [b.batch_id for b in store.ops_since("busy", 1)] == ["b"]


def test_two_store_instances_editing_one_workflow_never_read_a_stale_document(
    store: WorkflowStore,
) -> None:
    """Each process keeps its last parsed document; an edit made elsewhere must be seen."""
    other = WorkflowStore(store.engine.url.render_as_string(hide_password=False))
    try:
        store.create(load_workflow(chain_workflow("alpha")))
        for k in range(6):
            writer = store if k % 2 == 0 else other
            writer.apply_ops("alpha", k + 1, [add(f"n{k}")], author="ann")
        final = other.get("alpha").workflow
        assert [n.id for n in final.nodes][-6:] == [f"n{k}" for k in range(6)]
    finally:
        other.dispose()


def test_changing_a_returned_document_in_place_does_not_leak_into_the_next_batch(
    store: WorkflowStore,
) -> None:
    store.create(load_workflow(chain_workflow("alpha")))
    result = store.apply_ops("alpha", 1, [add("a")], author="ann")
    result.stored.workflow.nodes.clear()  # a careless caller
    result.stored.workflow.name = "garbage"
    after = store.apply_ops("alpha", 2, [add("b")], author="ann").stored.workflow
    assert after.name == "Toy chain"
    assert [n.id for n in after.nodes] == [
        "numbers",
        "add_one",
        "add_ten",
        "split",
        "other",
        "a",
        "b",
    ]


def test_the_validation_answering_an_edit_uses_the_servers_settings_not_the_environment(
    tmp_path, monkeypatch
) -> None:
    # a server whose secrets (or data roots) are set in code must answer an edit with the same
    # issues as the validate query: the secret below exists only in the services' settings
    from pydantic import SecretStr

    from node_library.registry import default_registry
    from tests.canvas_assets.conftest import make_services

    monkeypatch.delenv("CANVAS_SECRET_GITHUB", raising=False)
    services = make_services(tmp_path, registry=default_registry())
    services.settings = services.settings.model_copy(
        update={"secrets": {"github": SecretStr("ghp_not_a_real_token_1234567890abcdef")}}
    )
    stored = services.import_workflow({"slug": "rest", "name": "REST", "nodes": [], "edges": []})
    node = {
        "id": "api",
        "type": "sources.rest_api",
        "type_version": 2,
        "params": {
            "url": "https://api.github.com/repos",
            "auth": "bearer",
            "auth_secret": "github",
        },
    }
    result = services.apply_graph_ops(
        stored.id, stored.revision, [{"op": "add_node", "node": node}], author="t"
    )
    assert result.validation is not None
    codes = {issue.code for issue in result.validation.issues}
    assert "missing_secret" not in codes, result.validation.issues
    assert codes == {i.code for i in services.validate(result.stored.workflow).issues}
    services.store.dispose()
