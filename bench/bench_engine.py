"""Benchmark (not a test): the execution engine as the product runs it, against its targets ("Run"
to first node started p50 < 1 s; a fully cached re-run answers "nothing to do" in < 300 ms) and
against Dagster run in-process.

Starts what `mlcanvas up` starts, on a scratch home (embedded default: SQLite workflow store
and Dagster instance, artifacts on the local disk; --postgres: one scratch PostgreSQL database
for both): the GraphQL API (`python -m graphql_api.server`, a subprocess, every request with a
token) and the engine (`python -m canvas_assets.runs.engine`, a subprocess), and waits for "engine
ready". This process is the canvas: it talks HTTP GraphQL and follows runs on the `runEvents`
subscription (graphql-transport-ws, one socket kept open); the breakdowns come from the event
timestamps the API and the engine's workers write into the instance (one machine, one clock).
Figures are p50/p95 in ms unless said otherwise.

1. click -> first node: `applyGraphOps` changes the first transform's filter threshold (a value
   never used before, so there is always work), then `launchRun` (selection STALE, trigger
   MANUAL: what the canvas's Run button sends) until that node's step starts. --runs times, after
   one warm-up run shown apart. Breakdown: the launchRun answer; click -> run recorded (the API's
   first event of the run); run recorded -> RUN_START (engine poll, fork (from the engine's log
   line), then in the worker a fresh instance and the run's job rebuilt); RUN_START -> first
   STEP_START (Dagster's run start in the worker). The worker's two set-up costs are also timed
   in this process.
2. nothing to do: `launchRun` (STALE) on the same workflow, now fully fresh, --nothing times:
   round trip, and the number of runs the instance gained (must be 0).
3. per-node overhead: a chain of --chain tiny nodes (iris -> computed columns and filters),
   selection ALL through the engine (launch -> RUN_SUCCESS) against Dagster's in-process
   `dg.materialize` of the same assets (compiler.build_workflow_assets + CanvasIOManager, as the
   engine's in-process runs build them) in this process on the same instance, interleaved,
   --repeats times after one warm-up of each: ms per node and the ratio.
4. wide graph: sources.sample_dataset (digits) feeding --branches independent
   models.random_forest_classifier nodes (--trees trees each: fit plus storing the model, ~2-4 s
   per branch on a quiet machine here), selection ALL (every node runs, no result reused),
   launch -> RUN_SUCCESS. The running API and engine (default concurrency: the cores) against a
   second API and engine started with CANVAS_ENGINE_CONCURRENCY=1 on a second home holding the
   same workflow, runs interleaved (--wide-repeats each); then the first engine is restarted with
   the variable while its API keeps the default, to show which process's setting counts.
   Prints walls, summed step time, the most steps that ran at once and the speed-up.

The machine is shared: read the load averages printed at the start and the end.

    .venv/bin/python bench/bench_engine.py                 # ~3-4 min on 2 cores
    .venv/bin/python bench/bench_engine.py --quick         # smoke run, ~1.5 min
    .venv/bin/python bench/bench_engine.py --postgres      # store + instance on PostgreSQL
    .venv/bin/python bench/bench_engine.py --only click,nothing [--runs 20] [--nothing 20]
        [--branches 4] [--trees 400] [--wide-repeats 2] [--chain 10] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import dagster as dg
import httpx
from bench_api import (  # bench/ is on sys.path when run as a script
    APPLY,
    LAUNCH,
    REPO,
    Api,
    _events,
    _open_socket,
    gql,
    import_workflow,
    percentile,
    running_api,
    scratch_postgres,
)
from websockets.sync.client import ClientConnection

from canvas_assets import CanvasServices, Selection
from canvas_assets.outputs.io_manager import CanvasIOManager
from canvas_assets.planning.compiler import build_workflow_assets
from canvas_assets.planning.plan_source import PlanSource
from canvas_assets.runs.jobs import build_run_job, spec_for

CLICK_TARGET_MS = 1000.0  # p50
NOTHING_TARGET_MS = 300.0
CONCURRENCY_ENV = "CANVAS_ENGINE_CONCURRENCY"
RUN_END = (
    dg.DagsterEventType.RUN_SUCCESS,
    dg.DagsterEventType.RUN_FAILURE,
    dg.DagsterEventType.RUN_CANCELED,
)
SEPAL = "col('sepal length (cm)')"
PG = "postgresql"


# -- figures --------------------------------------------------------------------------------------


def p50(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def p95(samples: Sequence[float]) -> float:
    return percentile(samples, 0.95)


def row(label: str, samples: Sequence[float], target_ms: float | None = None) -> str:
    target = f"   p50/target {p50(samples) / target_ms:5.2f}" if target_ms else ""
    return (
        f"  {label:<50} p50 {p50(samples):8.1f} ms   p95 {p95(samples):8.1f} ms{target}"
        f"   (n={len(samples)})"
    )


@dataclass
class Summary:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, metric: str, value: str, target: str = "", verdict: str = "") -> None:
        self.rows.append((metric, value, target, verdict))

    def print(self) -> None:
        print("summary")
        print(f"  {'metric':<48} {'measured':<26} {'target':<12} verdict")
        for metric, value, target, verdict in self.rows:
            print(f"  {metric:<48} {value:<26} {target:<12} {verdict}")


def meets(ok: bool) -> str:
    return "meets" if ok else "MISSES"


# -- the product's processes ----------------------------------------------------------------------


@dataclass(frozen=True)
class Home:
    """Where one API + engine pair keeps its state: a folder, and with --postgres a scratch
    PostgreSQL database for the workflow store and the Dagster instance."""

    path: Path
    pg_database: str | None = None

    def engine_env(self) -> dict[str, str]:
        """What bench_api.running_api gives the API process, for the engine."""
        env = {
            "CANVAS_HOME": str(self.path),
            "DAGSTER_HOME": str(self.path),
            "CANVAS_DATA_ROOTS": str((REPO / "data").resolve()),
        }
        if self.pg_database:
            env["CANVAS_DATABASE_URL"] = (
                f"{PG}+psycopg://postgres@127.0.0.1:5432/{self.pg_database}"
            )
            env["CANVAS_DAGSTER_PG_URL"] = f"{PG}://postgres@127.0.0.1:5432/{self.pg_database}"
        return env


@contextmanager
def scratch_home(path: Path, postgres: bool) -> Iterator[Home]:
    if not postgres:
        yield Home(path)
        return
    with scratch_postgres() as database:
        yield Home(path, database)


@dataclass
class EngineProcess:
    """`python -m canvas_assets.runs.engine` in a subprocess; its output is kept for error messages
    and for the moment it forked each run's worker."""

    proc: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)

    def drain(self) -> None:
        assert self.proc.stdout is not None
        for text in self.proc.stdout:
            self.lines.append(text.rstrip())
            if text.startswith("engine ready"):
                self.ready.set()

    def forked_at(self, run_id: str) -> float | None:
        """When the engine logged "run <id> started in worker" (epoch s, ms resolution): right
        after the fork and the worker tag's write."""
        needle = f"run {run_id} started in worker"
        for text in reversed(self.lines):
            if needle in text:
                return datetime.strptime(text[:23], "%Y-%m-%d %H:%M:%S,%f").timestamp()
        return None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


@contextmanager
def running_engine(home: Home, extra_env: dict[str, str]) -> Iterator[EngineProcess]:
    """An engine on `home` (the environment running_api gives the API, plus `extra_env`), ready."""
    env = {**os.environ, **home.engine_env(), **extra_env}
    for name in ("CANVAS_ARTIFACTS", "CANVAS_NODE_MODULES"):
        env.pop(name, None)
    if not home.pg_database:
        env.pop("CANVAS_DATABASE_URL", None)
    if CONCURRENCY_ENV not in extra_env:
        env.pop(CONCURRENCY_ENV, None)
    started = time.perf_counter()
    proc = subprocess.Popen(  # our own module, fixed arguments
        [sys.executable, "-m", "canvas_assets.runs.engine"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    engine = EngineProcess(proc)
    threading.Thread(target=engine.drain, daemon=True).start()
    try:
        if not engine.ready.wait(120):
            raise RuntimeError("the engine did not start:\n" + "\n".join(engine.lines[-40:]))
        given = f" ({', '.join(f'{k}={v}' for k, v in extra_env.items())})" if extra_env else ""
        print(f"  engine ready after {time.perf_counter() - started:.1f} s{given}")
        yield engine
    finally:
        engine.stop()
        errors = [ln for ln in engine.lines if "Traceback" in ln or " ERROR " in ln]
        if errors:
            print(f"  engine log: {len(errors)} error lines, e.g. {errors[0][:300]}")


@contextmanager
def exported(values: dict[str, str]) -> Iterator[None]:
    """This process's environment with `values` set, restored afterwards."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def running_api_with(home: Home, extra_env: dict[str, str]) -> Iterator[Api]:
    """bench_api.running_api (it copies this process's environment) with `extra_env` added. The
    Dagster instance of `api.services` is created here while the environment names this
    home's database (a PostgreSQL instance reads its URL from the environment)."""
    given = {**home.engine_env(), **extra_env}
    saved = {k: os.environ.get(k) for k in (*given, CONCURRENCY_ENV)}

    def restore() -> None:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    if CONCURRENCY_ENV not in extra_env:
        os.environ.pop(CONCURRENCY_ENV, None)
    os.environ.update(given)
    try:
        with running_api(home.path, home.pg_database) as api:
            _ = api.services.instance
            restore()
            yield api
    finally:
        restore()


# -- workflows ------------------------------------------------------------------------------------


def _node(node_id: str, type_id: str, **params: object) -> dict[str, Any]:
    return {"id": node_id, "type": type_id, "params": params}


def _edge(src: str, dst: str, src_port: str = "data", dst_port: str = "data") -> dict[str, Any]:
    return {
        "id": f"{src}_{dst}",
        "source": src,
        "source_port": src_port,
        "target": dst,
        "target_port": dst_port,
    }


def click_workflow(threshold: float) -> dict[str, Any]:
    """iris -> filter (the param the benchmark changes) -> computed column -> sort."""
    return {
        "slug": "bench_click",
        "name": "Benchmark click to first node",
        "nodes": [
            _node("iris", "sources.sample_dataset", dataset="iris"),
            _node("keep", "transforms.filter_rows", expression=f"{SEPAL} > {threshold}"),
            _node("ratio", "transforms.computed_column", name="ratio", expression=f"{SEPAL} / 2"),
            _node("ordered", "transforms.sort", by=[{"column": "ratio", "descending": True}]),
        ],
        "edges": [_edge("iris", "keep"), _edge("keep", "ratio"), _edge("ratio", "ordered")],
    }


def wide_workflow(branches: int, trees: int) -> dict[str, Any]:
    """digits feeding `branches` independent random forests (single-threaded each)."""
    forests = [
        _node(f"forest_{i}", "models.random_forest_classifier", n_estimators=trees, random_state=i)
        for i in range(branches)
    ]
    return {
        "slug": "bench_wide",
        "name": "Benchmark wide graph",
        "nodes": [_node("digits", "sources.sample_dataset", dataset="digits"), *forests],
        "edges": [_edge("digits", f["id"], dst_port="train") for f in forests],
    }


def chain_workflow(length: int) -> dict[str, Any]:
    """iris -> (computed column, filter) alternating: `length` tiny nodes in all."""
    nodes = [_node("n0", "sources.sample_dataset", dataset="iris")]
    for i in range(1, length):
        if i % 2:
            nodes.append(
                _node(
                    f"n{i}", "transforms.computed_column", name=f"c{i}", expression=f"target + {i}"
                )
            )
        else:
            nodes.append(_node(f"n{i}", "transforms.filter_rows", expression=f"target > {-i}"))
    edges = [_edge(f"n{i - 1}", f"n{i}") for i in range(1, length)]
    return {"slug": "bench_chain", "name": "Benchmark tiny chain", "nodes": nodes, "edges": edges}


# -- runs -----------------------------------------------------------------------------------------


@dataclass
class RunTimes:
    """Event-log timestamps (epoch s) of one run, written by the API and the engine's worker."""

    recorded: float  # the API's first event of the run (written right after the run row)
    recorded_last: float  # the API's last event of the launch (one planned event per asset)
    run_start: float
    first_step: float
    end: float
    status: str
    max_parallel: int  # the most steps running at the same time
    step_seconds: float  # the sum of the steps' durations


def run_times(services: CanvasServices, run_id: str) -> RunTimes:
    records = services.instance.get_records_for_run(run_id, limit=100_000).records
    entries = [r.event_log_entry for r in records]
    by_type: dict[dg.DagsterEventType, list[float]] = {}
    for entry in entries:
        if entry.dagster_event_type is not None:
            by_type.setdefault(entry.dagster_event_type, []).append(float(entry.timestamp))
    planned = by_type.get(dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED, [])
    recorded = min(planned) if planned else min(float(e.timestamp) for e in entries)
    ends = [(t, kind) for kind in RUN_END for t in by_type.get(kind, [])]
    if not ends:
        raise RuntimeError(f"run {run_id} has not ended")
    end, kind = min(ends)
    edges = sorted(
        [(t, 1) for t in by_type.get(dg.DagsterEventType.STEP_START, [])]
        + [(t, -1) for kind in _STEP_END for t in by_type.get(kind, [])]
    )
    running = most = 0
    for _, delta in edges:
        running += delta
        most = max(most, running)
    return RunTimes(
        recorded=recorded,
        recorded_last=max(planned) if planned else recorded,
        run_start=min(by_type[dg.DagsterEventType.RUN_START]),
        first_step=min(by_type[dg.DagsterEventType.STEP_START]),
        end=end,
        status=kind.name,
        max_parallel=most,
        step_seconds=sum(
            e.dagster_event.step_success_data.duration_ms / 1000
            for e in entries
            if e.dagster_event is not None
            and e.dagster_event_type == dg.DagsterEventType.STEP_SUCCESS
        ),
    )


_STEP_END = (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE)


def launch(client: httpx.Client, workflow_id: str, selection: str) -> dict[str, Any]:
    given = {"workflowId": workflow_id, "selection": selection, "trigger": "MANUAL"}
    result: dict[str, Any] = gql(client, LAUNCH, {"i": given})["launchRun"]
    if result["__typename"] != "RunLaunched":
        raise RuntimeError(f"launch refused: {result}")
    return result


def wait_finished(services: CanvasServices, run_id: str, timeout: float = 300) -> RunTimes:
    deadline = time.monotonic() + timeout
    while True:
        run = services.instance.get_run_by_id(run_id)
        if run is not None and run.is_finished:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"run {run_id} did not finish within {timeout:g} s")
        time.sleep(0.02)
    times = run_times(services, run_id)
    if times.status != "RUN_SUCCESS":
        raise RuntimeError(f"run {run_id} ended {times.status}")
    return times


def timed_run(api: Api, client: httpx.Client, workflow_id: str) -> tuple[float, RunTimes]:
    """Launch every node (selection ALL) and wait for the end; returns (click epoch, times)."""
    click = time.time()
    launched = launch(client, workflow_id, "ALL")
    return click, wait_finished(api.services, launched["runId"])


# -- 1. click -> first node -----------------------------------------------------------------------


@dataclass
class ClickSample:
    http_ms: float  # launchRun answered
    recorded_ms: float  # click -> run recorded
    planned_ms: float  # click -> the API's last planned event
    pickup_ms: float  # run recorded -> RUN_START
    fork_ms: float  # run recorded -> the engine logged the worker's fork
    worker_ms: float  # RUN_START -> first STEP_START
    first_step_ms: float  # click -> first STEP_START (event timestamp)
    seen_ms: float  # click -> first `started` on runEvents (client clock)
    whole_ms: float  # click -> run_finished seen


def one_click(
    api: Api,
    engine: EngineProcess,
    client: httpx.Client,
    ws: ClientConnection,
    workflow_id: str,
    revision: int,
    k: int,
) -> tuple[ClickSample, int]:
    ops = [
        {
            "op": "update_params",
            "node_id": "keep",
            "params": {"expression": f"{SEPAL} > {4 + k / 10_000:.4f}"},
        }
    ]
    given = {"workflowId": workflow_id, "baseRevision": revision, "ops": ops}
    applied = gql(client, APPLY, {"i": given})["applyGraphOps"]
    if applied["__typename"] != "OpsApplied":
        raise RuntimeError(f"edit refused: {applied}")
    click_wall, click = time.time(), time.perf_counter()
    launched = launch(client, workflow_id, "STALE")
    answered = time.perf_counter()
    if launched["nothingToDo"] or launched["nodes"][0] != "keep":
        raise RuntimeError(f"expected a run starting at `keep`: {launched}")
    seen: float | None = None
    status = None
    for event in _events(ws, launched["runId"]):
        if event["kind"] == "started" and seen is None:
            seen = time.perf_counter()
        if event["kind"] == "run_finished":
            status = event["status"]
    finished = time.perf_counter()
    if seen is None or status != "SUCCESS":
        raise RuntimeError(f"run {launched['runId']} ended {status} without a start")
    times = run_times(api.services, launched["runId"])
    forked = engine.forked_at(launched["runId"])
    return (
        ClickSample(
            http_ms=(answered - click) * 1000,
            recorded_ms=(times.recorded - click_wall) * 1000,
            planned_ms=(times.recorded_last - click_wall) * 1000,
            pickup_ms=(times.run_start - times.recorded) * 1000,
            fork_ms=(forked - times.recorded) * 1000 if forked else float("nan"),
            worker_ms=(times.first_step - times.run_start) * 1000,
            first_step_ms=(times.first_step - click_wall) * 1000,
            seen_ms=(seen - click) * 1000,
            whole_ms=(finished - click) * 1000,
        ),
        applied["revision"],
    )


def bench_click(home: Home, api: Api, engine: EngineProcess, runs: int, summary: Summary) -> str:
    print(
        "1. click -> first node: applyGraphOps (new filter threshold), then launchRun STALE"
        " (4-node chain on iris, 3 stale)"
    )
    with api.client() as client, _open_socket(api) as ws:
        created = import_workflow(client, click_workflow(4.0))
        workflow_id, revision = created["id"], created["revision"]
        launch(client, workflow_id, "ALL")  # the source's result, so every later run is 3 nodes
        _wait_all_done(api.services, "bench_click")
        samples: list[ClickSample] = []
        for k in range(runs + 1):
            sample, revision = one_click(api, engine, client, ws, workflow_id, revision, k + 1)
            if k == 0:  # the first run after start-up (lazy imports, first job build): apart
                print(
                    f"  {'first run, click -> first step started':<50}"
                    f" {sample.first_step_ms:8.1f} ms"
                )
                continue
            samples.append(sample)
    first = [s.first_step_ms for s in samples]
    print(row("launchRun HTTP answer (API plans, records the run)", [s.http_ms for s in samples]))
    print(row("  click -> run recorded (API's first event)", [s.recorded_ms for s in samples]))
    print(row("  click -> API's last planned event", [s.planned_ms for s in samples]))
    print(row("  run recorded -> RUN_START (engine pickup, fork)", [s.pickup_ms for s in samples]))
    print(row("    of which run recorded -> worker forked", [s.fork_ms for s in samples]))
    print(row("  RUN_START -> first STEP_START (worker)", [s.worker_ms for s in samples]))
    print(row("click -> first step started (event time)", first, CLICK_TARGET_MS))
    print(row("click -> first `started` seen on runEvents", [s.seen_ms for s in samples]))
    print(row("click -> run_finished seen (3 nodes)", [s.whole_ms for s in samples]))
    early = sum(s.pickup_ms + s.recorded_ms < s.http_ms for s in samples)
    print(f"  runs started by the engine before launchRun answered: {early} of {len(samples)}")
    with exported(home.engine_env()):  # a PostgreSQL instance reads its URL from there
        instance_ms, job_ms = worker_costs(api.services, "bench_click")
    print(
        f"  what a worker does before RUN_START, timed in this process (median of 5):"
        f" DagsterInstance.from_ref {instance_ms:.0f} ms, build_run_job (store read, plan,"
        f" assets, job) {job_ms:.0f} ms"
    )
    summary.add(
        "click -> first step started, p50 / p95",
        f"{p50(first):.0f} / {p95(first):.0f} ms",
        "p50 < 1000",
        meets(p50(first) < CLICK_TARGET_MS),
    )
    seen = [s.seen_ms for s in samples]
    summary.add(
        "click -> `started` on runEvents, p50 / p95",
        f"{p50(seen):.0f} / {p95(seen):.0f} ms",
        "p50 < 1000",
        meets(p50(seen) < CLICK_TARGET_MS),
    )
    return str(workflow_id)


def worker_costs(services: CanvasServices, slug: str) -> tuple[float, float]:
    """Medians (ms) of the two things an engine worker does before its run starts."""
    prepared = services.prepare_run(slug, None, Selection.ALL, force=True)
    stored = prepared.stored
    spec = spec_for(prepared.plan, stored.id, stored.revision, prepared.to_run, "local")
    ref = services.instance.get_ref()
    instance_ms, job_ms = [], []
    for _ in range(5):
        start = time.perf_counter()
        with dg.DagsterInstance.from_ref(ref) as instance:
            instance.get_run_by_id("0" * 36)
        instance_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        build_run_job(services, spec)
        job_ms.append((time.perf_counter() - start) * 1000)
    return p50(instance_ms), p50(job_ms)


def _wait_all_done(services: CanvasServices, slug: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        runs = services.instance.get_runs(dg.RunsFilter(tags={"canvas/workflow": slug}))
        if runs and all(r.is_finished for r in runs):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"runs of {slug} did not finish")
        time.sleep(0.05)


# -- 2. nothing to do -----------------------------------------------------------------------------


def bench_nothing(api: Api, workflow_id: str, repeat: int, summary: Summary) -> None:
    print("2. nothing to do: launchRun STALE on the same workflow, every node fresh")
    instance = api.services.instance
    before = instance.get_runs_count()
    samples = []
    with api.client() as client:
        for k in range(repeat + 3):
            start = time.perf_counter()
            result = launch(client, workflow_id, "STALE")
            ms = (time.perf_counter() - start) * 1000
            if not result["nothingToDo"] or result["runId"] is not None:
                raise RuntimeError(f"expected nothing to do: {result}")
            if k >= 3:  # three warm-ups
                samples.append(ms)
    created = instance.get_runs_count() - before
    print(row("launchRun -> nothingToDo (HTTP round trip)", samples, NOTHING_TARGET_MS))
    print(f"  runs created by {repeat + 3} nothing-to-do launches: {created} (expected 0)")
    summary.add(
        "nothing to do, p50 / p95",
        f"{p50(samples):.0f} / {p95(samples):.0f} ms",
        "< 300",
        meets(p95(samples) < NOTHING_TARGET_MS),
    )
    summary.add("runs created by nothing-to-do launches", str(created), "0", meets(created == 0))


# -- 3. per-node overhead -------------------------------------------------------------------------


def materialize_once(services: CanvasServices, slug: str) -> float:
    """Dagster in-process over the same assets, IO manager and instance the engine uses."""
    stored = services.store.get(slug)
    plan = services.plan(stored)
    started = time.perf_counter()
    plans = PlanSource(pinned={plan.slug: plan})
    assets = build_workflow_assets(plan.workflow, services.registry, services.settings, plans)
    result = dg.materialize(
        assets,
        resources={"io_manager": CanvasIOManager(services.artifacts, plans, handoff=True)},
        instance=services.instance,
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        tags={"canvas/workflow": slug, "canvas/trigger": "bench"},
    )
    elapsed = time.perf_counter() - started
    if not result.success:
        raise RuntimeError("dg.materialize failed")
    return elapsed


def bench_chain(api: Api, length: int, repeats: int, summary: Summary) -> None:
    print(
        f"3. per-node overhead: a chain of {length} tiny nodes (iris, computed columns, filters),"
        f" interleaved, {repeats} repeats after one warm-up each"
    )
    services = api.services
    engine, direct = [], []
    with api.client() as client:
        workflow_id = str(import_workflow(client, chain_workflow(length))["id"])
        for k in range(repeats + 1):
            click, times = timed_run(api, client, workflow_id)
            wall = materialize_once(services, "bench_chain")
            if k:
                engine.append(times.end - click)
                direct.append(wall)
    e_ms, d_ms = p50(engine) * 1000 / length, p50(direct) * 1000 / length
    print(
        f"  {'engine: launchRun ALL -> RUN_SUCCESS':<50} {p50(engine) * 1000:7.0f} ms"
        f"   {e_ms:6.1f} ms/node   runs {[f'{x * 1000:.0f}' for x in engine]}"
    )
    print(
        f"  {'dg.materialize in this process':<50} {p50(direct) * 1000:7.0f} ms"
        f"   {d_ms:6.1f} ms/node   runs {[f'{x * 1000:.0f}' for x in direct]}"
    )
    print(
        f"  ratio engine / materialize {e_ms / d_ms:5.2f}x; the engine's fixed cost per run"
        f" (HTTP, planning, recording, pickup, fork) {(p50(engine) - p50(direct)) * 1000:.0f} ms"
    )
    summary.add(
        f"per node, {length}-node tiny chain",
        f"{e_ms:.0f} vs {d_ms:.0f} ms ({e_ms / d_ms:.2f}x)",
        "",
        "engine vs dg.materialize",
    )


# -- 4. wide graph --------------------------------------------------------------------------------


@dataclass
class WideResult:
    label: str
    walls: list[float] = field(default_factory=list)  # launch -> RUN_SUCCESS, s
    steps: list[float] = field(default_factory=list)  # sum of the step durations, s
    parallel: int = 0  # the most steps that ran at once

    def add(self, api: Api, workflow_id: str) -> None:
        with api.client() as client:
            click, times = timed_run(api, client, workflow_id)
        self.walls.append(times.end - click)
        self.steps.append(times.step_seconds)
        self.parallel = max(self.parallel, times.max_parallel)

    def print(self) -> None:
        print(
            f"  {self.label:<50} {p50(self.walls):6.2f} s   step time {p50(self.steps):6.2f} s"
            f"   at most {self.parallel} steps at once   runs {[f'{w:.2f}' for w in self.walls]}"
        )


def bench_wide(
    home: Home, api: Api, engine: EngineProcess, args: argparse.Namespace, summary: Summary
) -> None:
    """The running API and engine (default concurrency) against a second API and engine given
    CANVAS_ENGINE_CONCURRENCY=1 on a second home with the same workflow, runs interleaved;
    then the first home's engine restarted with the variable, the API left as it is."""
    cores = os.cpu_count() or 1
    print(
        f"4. wide graph: digits -> {args.branches} random forests of {args.trees} trees,"
        f" selection ALL, launch -> RUN_SUCCESS, {cores} cores, {args.wide_repeats} interleaved"
        " runs each"
    )
    document = wide_workflow(args.branches, args.trees)
    serial_env = {CONCURRENCY_ENV: "1"}
    default = WideResult("default concurrency (the cores)")
    serial = WideResult(f"{CONCURRENCY_ENV}=1: API and engine")
    with (
        scratch_home(home.path.with_name("serial"), args.postgres) as serial_home,
        running_api_with(serial_home, serial_env) as serial_api,
        running_engine(serial_home, serial_env),
    ):
        with api.client() as client, serial_api.client() as serial_client:
            default_id = str(import_workflow(client, document)["id"])
            serial_id = str(import_workflow(serial_client, document)["id"])
        for _ in range(args.wide_repeats):
            default.add(api, default_id)
            serial.add(serial_api, serial_id)
    default.print()
    serial.print()
    speedup = p50(serial.walls) / p50(default.walls)
    ideal = min(args.branches, cores)
    print(
        f"  speed-up of the default concurrency over one step at a time: {speedup:.2f}x"
        f" (ideal ~{ideal}x for the forests on {cores} cores; the source runs alone)"
    )
    print(
        f"  outside the steps (one at a time: wall - step time): "
        f"{p50(serial.walls) - p50(serial.steps):.2f} s per run (launch, worker and step"
        f" processes starting, run end); steps ran {p50(default.steps) / p50(serial.steps):.2f}x"
        " longer each at the default concurrency"
    )
    summary.add(
        f"wide graph, {args.branches} branches: speed-up",
        f"{speedup:.2f}x ({p50(serial.walls):.1f} -> {p50(default.walls):.1f} s)",
        f"~{ideal}x ideal",
        f"at most {default.parallel} vs {serial.parallel} steps at once",
    )
    if args.no_engine_only:
        return
    engine.stop()
    alone = WideResult(f"{CONCURRENCY_ENV}=1: engine alone")
    with running_engine(home, serial_env):
        alone.add(api, default_id)
    alone.print()
    if alone.parallel > 1:
        print(
            f"  with {CONCURRENCY_ENV}=1 given to the engine alone, {alone.parallel} steps still"
            " ran at once: the API process fixes a run's concurrency when it records the run"
            " (run_jobs.spec_for), so the engine's setting is never read"
        )
    summary.add(
        f"{CONCURRENCY_ENV}=1 on the engine alone",
        f"{alone.parallel} steps at once",
        "1",
        meets(alone.parallel == 1),
    )


# -- main -----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="click -> first node runs")
    parser.add_argument("--nothing", type=int, default=20, help="nothing-to-do launches")
    parser.add_argument("--branches", type=int, default=4, help="parallel branches (wide graph)")
    parser.add_argument("--trees", type=int, default=400, help="trees per branch (wide graph)")
    parser.add_argument("--wide-repeats", type=int, default=2, help="runs per concurrency")
    parser.add_argument("--chain", type=int, default=10, help="nodes of the tiny chain")
    parser.add_argument("--repeats", type=int, default=5, help="tiny chain repetitions")
    parser.add_argument(
        "--no-engine-only",
        action="store_true",
        help="skip the wide run with CANVAS_ENGINE_CONCURRENCY=1 given to the engine alone",
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: fewer, smaller runs")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="store and Dagster instance on scratch PostgreSQL databases at 127.0.0.1:5432",
    )
    parser.add_argument("--only", default="click,nothing,wide,chain")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.nothing, args.trees, args.repeats = 5, 5, 150, 2
        args.wide_repeats = 1
    parts = set(args.only.split(","))
    if "nothing" in parts:
        parts.add("click")  # it re-launches the workflow part 1 leaves fresh
    load = os.getloadavg()
    print(
        f"bench_engine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f}"
        f" {load[2]:.2f} at start (CPU shared with other work: compare within this run),"
        f" {'PostgreSQL' if args.postgres else 'SQLite'} store and instance, API and engine in"
        " their own processes"
    )
    summary = Summary()
    with (
        tempfile.TemporaryDirectory(prefix="bench_engine_") as tmp,
        scratch_home(Path(tmp) / "home", args.postgres) as home,
    ):
        run_all(home, parts, args, summary)
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    summary.print()


def run_all(home: Home, parts: set[str], args: argparse.Namespace, summary: Summary) -> None:
    with ExitStack() as processes:
        api = processes.enter_context(running_api_with(home, {}))
        engine = processes.enter_context(running_engine(home, {}))
        if "click" in parts:
            workflow_id = bench_click(home, api, engine, args.runs, summary)
            if "nothing" in parts:
                bench_nothing(api, workflow_id, args.nothing, summary)
        if "chain" in parts:
            bench_chain(api, args.chain, args.repeats, summary)
        if "wide" in parts:
            bench_wide(home, api, engine, args, summary)


if __name__ == "__main__":
    main()
