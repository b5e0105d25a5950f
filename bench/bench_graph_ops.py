"""Benchmark (not a test): graph operations on a 500-node workflow, in memory and through the store.

Builds chains of built-in nodes (sources.sample_dataset -> transforms.filter_rows ->
transforms.sort -> ...) from `default_registry()`, then times, p50/p95 in ms:
- `apply_ops`, `apply_ops_checked` (= apply + validate_workflow) and `invert_ops` for typical
  canvas batches (move one node, drag 50 nodes, connect a new node, edit params, delete a node);
- `WorkflowStore.apply_ops` on SQLite (a temp file) and PostgreSQL (a scratch database created
  and dropped here): one client in a loop, then 8 threads editing one workflow (flat out, and
  paced at ~10 batches/s each), rebasing on Conflict: latency of a successful batch, retries
  included.

    .venv/bin/python bench/bench_graph_ops.py [--nodes 500] [--repeat 200]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from canvas_assets.storage.errors import Conflict
from canvas_assets.storage.workflow_store import WorkflowStore
from node_library.graph import Edge, Node, Position, Workflow
from node_library.graph_ops import (
    AddEdgeOp,
    AddNodeOp,
    GraphOp,
    MoveNodesOp,
    RemoveNodeOp,
    UpdateParamsOp,
    apply_ops,
    apply_ops_checked,
    invert_ops,
)
from node_library.registry import NodeRegistry, default_registry
from node_library.validation import validate_workflow

CHAIN = ("transforms.filter_rows", "transforms.sort")
PARAMS: dict[str, dict[str, Any]] = {
    "sources.sample_dataset": {"dataset": "iris"},
    "transforms.filter_rows": {"expression": "target > 0"},
    "transforms.sort": {"by": [{"column": "target", "descending": True}]},
}


def build_workflow(nodes: int, chain_length: int = 10) -> Workflow:
    """Chains of `chain_length` nodes: a sample dataset, then filter and sort alternating."""
    node_list: list[Node] = []
    edges: list[Edge] = []
    for i in range(nodes):
        chain, step = divmod(i, chain_length)
        node_type = "sources.sample_dataset" if step == 0 else CHAIN[(step - 1) % 2]
        node_list.append(
            Node(
                id=f"n{i}",
                type=node_type,
                params=dict(PARAMS[node_type]),
                position=Position(x=step * 220, y=chain * 120),
            )
        )
        if step:
            edges.append(
                Edge(
                    id=f"e{i}",
                    source=f"n{i - 1}",
                    source_port="data",
                    target=f"n{i}",
                    target_port="data",
                )
            )
    return Workflow(slug="bench_ops", name="Bench ops", nodes=node_list, edges=edges)


def batches(workflow: Workflow) -> dict[str, list[GraphOp]]:
    last = workflow.nodes[-1].id
    middle = workflow.nodes[len(workflow.nodes) // 2].id
    return {
        "move 1 node": [MoveNodesOp(positions={"n1": Position(x=5, y=5)})],
        "drag 50 nodes": [
            MoveNodesOp(
                positions={
                    n.id: Position(x=n.position.x + 10, y=n.position.y) for n in workflow.nodes[:50]
                }
            )
        ],
        "add node + edge": [
            AddNodeOp(
                node=Node(
                    id="extra",
                    type="transforms.filter_rows",
                    params=PARAMS["transforms.filter_rows"],
                )
            ),
            AddEdgeOp(
                edge=Edge(
                    id="e_extra",
                    source=last,
                    source_port="data",
                    target="extra",
                    target_port="data",
                )
            ),
        ],
        "edit params": [UpdateParamsOp(node_id="n2", params={"expression": "target > 1"})],
        "delete a node": [RemoveNodeOp(node_id=middle)],
    }


def timed(fn: Callable[[], object], repeat: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def line(label: str, samples: Sequence[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"  {label:<44} p50 {p50:8.3f} ms   p95 {p95:8.3f} ms   (n={len(samples)})"


def bench_in_memory(workflow: Workflow, registry: NodeRegistry, repeat: int) -> None:
    print(f"in memory, {len(workflow.nodes)} nodes / {len(workflow.edges)} edges")
    print(
        line(
            "validate_workflow alone",
            timed(lambda: validate_workflow(workflow, registry), repeat // 4),
        )
    )
    for name, ops in batches(workflow).items():
        print(line(f"apply_ops: {name}", timed(partial(apply_ops, workflow, ops), repeat)))
        print(line(f"invert_ops: {name}", timed(partial(invert_ops, workflow, ops), repeat)))
        checked = partial(apply_ops_checked, workflow, ops, registry)
        print(line(f"apply_ops_checked: {name}", timed(checked, repeat // 4)))
    text = workflow.model_dump_json()
    print(
        line(
            "document parse (load_workflow)",
            timed(lambda: Workflow.model_validate_json(text), repeat // 4),
        )
    )
    print(line("document dump (model_dump_json)", timed(workflow.model_dump_json, repeat // 4)))
    print(f"  document size {len(text) / 1024:.0f} KiB")


def bench_store(
    label: str, url: str, workflow: Workflow, registry: NodeRegistry, repeat: int
) -> None:
    store = WorkflowStore(url)
    try:
        created = store.create(workflow)
        revision = created.revision
        counter = iter(range(10**9))

        def one(checked: bool) -> None:
            nonlocal revision
            k = next(counter)
            ops: list[GraphOp] = [MoveNodesOp(positions={"n1": Position(x=k, y=0)})]
            result = store.apply_ops(
                created.id,
                revision,
                ops,
                author="bench",
                batch_id=str(uuid.uuid4()),
                registry=registry if checked else None,
            )
            revision = result.stored.revision

        print(f"store on {label}")
        print(line("apply_ops move 1 node (1 client)", timed(lambda: one(False), repeat)))
        print(
            line("apply_ops move 1 node, checked (1 client)", timed(lambda: one(True), repeat // 4))
        )
        print(line("get (read + parse)", timed(lambda: store.get(created.id), repeat // 4)))
        print(
            line(
                "ops_since (last 20 batches)",
                timed(lambda: store.ops_since(created.id, revision - 20), repeat // 4),
            )
        )
        contended(store, created.id, threads=8, per_thread=max(5, repeat // 20), pace_ms=0)
        contended(store, created.id, threads=8, per_thread=max(5, repeat // 10), pace_ms=100)
    finally:
        store.dispose()


def contended(
    store: WorkflowStore, workflow_id: str, threads: int, per_thread: int, pace_ms: float
) -> None:
    """`threads` editors of one workflow; each waits 0..2*pace_ms between batches (0: flat out)."""
    samples: list[float] = []
    conflicts = 0
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def editor(t: int) -> None:
        nonlocal conflicts
        rng = random.Random(t)
        base = store.get(workflow_id).revision
        barrier.wait()
        for k in range(per_thread):
            if pace_ms:
                time.sleep(rng.uniform(0, 2 * pace_ms) / 1000)
            ops: list[GraphOp] = [MoveNodesOp(positions={f"n{t}": Position(x=k, y=t)})]
            batch_id = str(uuid.uuid4())
            start = time.perf_counter()
            while True:
                try:
                    base = store.apply_ops(
                        workflow_id, base, ops, author=f"t{t}", batch_id=batch_id
                    ).stored.revision
                    break
                except Conflict as conflict:
                    with lock:
                        conflicts += 1
                    base = conflict.current_revision  # moves of distinct nodes commute
            with lock:
                samples.append((time.perf_counter() - start) * 1000)

    workers = [threading.Thread(target=editor, args=(t,)) for t in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - start
    pace = f"every ~{pace_ms:g} ms" if pace_ms else "flat out"
    print(line(f"{threads} editors x {per_thread} batches, {pace}", samples))
    print(f"  {'':<44} {len(samples) / elapsed:8.1f} batches/s, {conflicts} conflicts retried")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()

    registry = default_registry()
    workflow = build_workflow(args.nodes)
    assert validate_workflow(workflow, registry).ok, "the bench workflow must be valid"
    bench_in_memory(workflow, registry, args.repeat)

    with tempfile.TemporaryDirectory() as tmp:
        bench_store(
            "SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", workflow, registry, args.repeat
        )

    admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    name = f"bench_graph_ops_{secrets.token_hex(4)}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        print(f"store on PostgreSQL: skipped ({exc.orig})")
        return
    try:
        url = (
            sa.engine.make_url(args.postgres)
            .set(database=name)
            .render_as_string(hide_password=False)
        )
        bench_store("PostgreSQL", url, workflow, registry, args.repeat)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
