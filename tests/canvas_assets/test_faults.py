"""Faults during runs, with real services: the S3 server stopped during a write, the disk full
during a write, the engine and a run's worker killed at once, PostgreSQL restarted during a run.
Each asserts what the product promises: the node fails with an error that says what and where,
nothing half-written counts as a stored result, and the next run succeeds without restarting
anything but the part that died."""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import numpy as np
import pandas as pd
import pytest
from pydantic import BaseModel, ConfigDict, Field

from canvas_assets.config import CanvasConfig
from canvas_assets.planning.status import State
from canvas_assets.runs.engine import WORKER_TAG
from canvas_assets.runs.launcher import RunLauncher
from canvas_assets.services import CanvasServices, Selection
from canvas_assets.storage.artifacts import ArtifactError, ArtifactRef
from node_library.contract import ExecutionContext, NodeType, Port, PortSchema
from node_library.datatypes import DataType
from node_library.graph import load_workflow
from node_library.registry import NodeRegistry
from node_library.schema import Dtype, TableSchema
from node_library.settings import NodeSettings
from tests.canvas_assets.conftest import make_services
from tests.canvas_assets.engine_runs import (
    executed_nodes,
    run_events,
    store_workflow,
    wait_for,
    wide_workflow,
)
from tests.canvas_assets.toy_nodes import NODE_MODULE, NODES
from tests.services import (
    REPO,
    exported_env,
    restartable_s3,
    start_engine,
    start_private_postgres,
    start_seaweedfs,
    tiny_disk,
)

pytestmark = pytest.mark.integration  # starts engines and other product processes

# What a `fault.inject` node does when it runs, by name; each action runs once (the retry after
# the fault must not hit it again).
FAULTS: dict[str, Callable[[], None]] = {}


class InjectParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fault: str = Field(description="name of the fault in FAULTS")


class InjectNode(NodeType[InjectParams]):
    """Passes its input through after causing a fault (stopping a server, ...)."""

    type_id = "fault.inject"
    display_name = "Inject a fault"
    category = "toy"
    description = "Causes a fault, then passes the data through."
    Params = InjectParams
    inputs = (Port("data", DataType.DATAFRAME),)
    outputs = (Port("data", DataType.DATAFRAME),)

    def infer_schema(
        self, params: InjectParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        return {"data": inputs.get("data")}

    def execute(self, ctx: ExecutionContext, params: InjectParams, **inputs: Any) -> dict[str, Any]:
        FAULTS.pop(params.fault, lambda: None)()
        return {"data": inputs["data"]}


class NoiseParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rows: int = Field(1000, ge=1, le=10_000_000, description="rows of random floats")


class NoiseNode(NodeType[NoiseParams]):
    """Random floats: Parquet cannot compress them, so the stored size is about 8 bytes a row."""

    type_id = "fault.noise"
    display_name = "Noise"
    category = "toy"
    description = "Random floats in column x."
    Params = NoiseParams
    outputs = (Port("data", DataType.DATAFRAME),)

    def infer_schema(
        self, params: NoiseParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        return {"data": TableSchema.of(x=Dtype.FLOAT)}

    def execute(self, ctx: ExecutionContext, params: NoiseParams, **inputs: Any) -> dict[str, Any]:
        return {"data": pd.DataFrame({"x": np.random.default_rng(0).random(params.rows)})}


def _registry() -> NodeRegistry:
    return NodeRegistry([*NODES, InjectNode, NoiseNode])


def _edge(source: str, target: str) -> dict[str, str]:
    return {
        "id": f"{source}-{target}",
        "source": source,
        "source_port": "data",
        "target": target,
        "target_port": "data",
    }


def _states(services: CanvasServices, slug: str) -> dict[str, State]:
    plan = services.plan(services.store.get(slug))
    return {node_id: status.state for node_id, status in services.statuses(plan).items()}


def _no_half_results(services: CanvasServices) -> None:
    """Every stored meta file has its data file, and a fresh node's result reads back."""
    keys = {o.key for o in services.artifacts.backend.list_objects()}
    for key in keys:
        if key.endswith(".meta.json"):
            base = key.removesuffix(".meta.json")
            assert any(k.startswith(base + ".") and k != key for k in keys), key


@pytest.fixture
def private_s3(tmp_path: Path) -> Iterator[Any]:
    """A SeaweedFS of this test's own (the session's serves other tests and must stay up)."""
    s3 = restartable_s3(start_seaweedfs(tmp_path / "seaweedfs"))
    try:
        with exported_env(s3.service.env()):
            yield s3
    finally:
        s3.stop()


def test_s3_stopped_during_a_write_fails_the_node_naming_s3_and_caches_nothing_partial(
    tmp_path: Path, private_s3: Any
) -> None:
    s3 = private_s3
    bucket = s3.service.create_bucket()
    endpoint = s3.service.endpoint_url
    services = make_services(
        tmp_path, _registry(), artifacts=f"s3://{bucket}/cache", endpoint=endpoint
    )
    slug = "s3_fault"
    services.store.create(
        load_workflow(
            {
                "slug": slug,
                "name": "S3 fault",
                "nodes": [
                    {"id": "numbers", "type": "toy.numbers", "params": {"rows": 50}},
                    {"id": "cut", "type": "fault.inject", "params": {"fault": "stop_s3"}},
                    {"id": "after", "type": "toy.add", "params": {}},
                ],
                "edges": [_edge("numbers", "cut"), _edge("cut", "after")],
            },
            services.registry,
        )
    )
    assert services.run(slug, node="numbers", selection=Selection.ONLY).success
    FAULTS["stop_s3"] = s3.stop  # S3 goes away while `cut` runs, before its output is stored

    report = services.run(slug)

    assert not report.success
    failed = report.nodes["cut"]
    assert failed.status == "failed", report.nodes
    assert "s3://" in failed.message and endpoint in failed.message
    assert "could not write" in failed.message and "CANVAS_S3_ENDPOINT_URL" in failed.message
    assert s3.service.secret_key not in failed.message
    # while S3 is down, asking for the status is a clear error too, not a hang or a "missing"
    with pytest.raises(ArtifactError, match=f"could not check s3://{bucket}/.* at {endpoint}"):
        _states(services, slug)

    s3.start()
    states = _states(services, slug)
    assert states["numbers"] is State.FRESH
    assert states["cut"] is not State.FRESH and states["after"] is not State.FRESH, states
    _no_half_results(services)

    again = services.run(slug)
    assert again.success, again.nodes
    assert set(_states(services, slug).values()) == {State.FRESH}
    _no_half_results(services)


def test_a_full_disk_fails_the_node_naming_the_folder_and_leaves_no_partial_files(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "artifacts"
    with tiny_disk(folder, "2m"):
        services = make_services(tmp_path, _registry(), artifacts=str(folder))
        slug = "disk_fault"
        services.store.create(
            load_workflow(
                {
                    "slug": slug,
                    "name": "Disk fault",
                    # about 800 KB of Parquet, more than the ballast leaves free
                    "nodes": [{"id": "noise", "type": "fault.noise", "params": {"rows": 100_000}}],
                },
                services.registry,
            )
        )
        ballast = folder / "ballast"
        ballast.write_bytes(b"\0" * (1536 * 1024))

        report = services.run(slug)

        assert not report.success
        failed = report.nodes["noise"]
        assert failed.status == "failed"
        assert "No space left on device" in failed.message, failed.message
        assert str(folder.resolve()) in failed.message and "CANVAS_ARTIFACTS" in failed.message
        assert _states(services, slug)["noise"] is not State.FRESH
        leftovers = [p.name for p in folder.rglob("*") if p.is_file() and p != ballast]
        assert leftovers == [], leftovers  # neither a temp file nor a data file without meta

        ballast.unlink()  # space freed
        again = services.run(slug)
        assert again.success, again.nodes
        assert _states(services, slug)["noise"] is State.FRESH
        assert not [p for p in folder.rglob(".tmp-*")]
        services.store.dispose()


def test_the_engine_and_a_worker_killed_at_once_leave_a_failed_run_then_a_run_succeeds(
    toy_services: CanvasServices,
) -> None:
    store_workflow(toy_services, wide_workflow(seconds=60, branches=1, slug="doomed"))
    first = start_engine(toy_services, node_modules=NODE_MODULE).wait_ready()
    launcher = RunLauncher(toy_services)
    run_id = launcher.launch("doomed", Selection.ALL).run_id
    assert run_id
    wait_for(lambda: "b0" in executed_nodes(toy_services, run_id), 30, "the sleeping node")
    run = toy_services.instance.get_run_by_id(run_id)
    assert run is not None
    worker = int(run.tags[WORKER_TAG].rsplit(":", 1)[1])

    os.kill(first.proc.pid, signal.SIGKILL)
    os.killpg(worker, signal.SIGKILL)
    first.proc.wait(10)

    second = start_engine(toy_services, node_modules=NODE_MODULE)
    try:
        events = run_events(toy_services, run_id, timeout=60)
        finished = events[-1]
        assert finished.status == "FAILURE"
        assert f"worker process {worker} is gone" in finished.message, finished.message

        stored = toy_services.store.get("doomed")
        quick = stored.workflow.model_copy(deep=True)
        quick.nodes[1].params["seconds"] = 0.1
        toy_services.store.save(quick, stored.revision)
        again = launcher.launch("doomed", Selection.ALL).run_id
        assert again
        assert run_events(toy_services, again, timeout=60)[-1].status == "SUCCESS"
    finally:
        second.stop()


def test_a_dead_worker_left_as_a_zombie_counts_as_gone() -> None:
    """Where nothing reaps an orphaned worker (a container's PID 1 that is not an init), a worker
    killed together with its engine stays a zombie; the next engine must still fail its run."""
    import subprocess

    from canvas_assets.runs.engine import worker_alive

    child = subprocess.Popen(["true"])
    # wait for it to end without reaping it: it stays a zombie of this process
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
    try:
        assert not worker_alive(child.pid)
        assert worker_alive(os.getpid())
    finally:
        child.wait()


def test_postgres_restarted_during_a_run_ends_the_run_and_every_service_reconnects(
    tmp_path: Path,
) -> None:
    server = start_private_postgres()
    engine = None
    services: CanvasServices | None = None
    try:
        store_url = server.create_database("canvas")
        dagster_url = server.create_database("dagster").replace("postgresql+psycopg", "postgresql")
        home = tmp_path / "home"
        home.mkdir()
        shutil.copy(REPO / "dagster_home/postgres/dagster.yaml", home / "dagster.yaml")
        env = {"CANVAS_DAGSTER_PG_URL": dagster_url}
        with exported_env(env):
            config = CanvasConfig(
                home=home,
                database_url=store_url,
                artifacts=str(home / "artifacts"),
                s3_endpoint_url=None,
                dagster_home=home,
            )
            data = tmp_path / "data"
            data.mkdir()
            services = CanvasServices(
                config, _registry(), NodeSettings(data_roots=(data.resolve(),))
            )
            store_workflow(services, wide_workflow(seconds=3, branches=1, slug="pg_fault"))
            engine = start_engine(services, node_modules=NODE_MODULE, extra_env=env).wait_ready()
            launcher = RunLauncher(services)
            run_id = launcher.launch("pg_fault", Selection.ALL).run_id
            assert run_id
            wait_for(lambda: "b0" in executed_nodes(services, run_id), 30, "the sleeping node")

            server.restart()  # while b0 sleeps: every open connection is cut

            deadline = time.monotonic() + 60
            status = None
            while time.monotonic() < deadline:
                run = services.instance.get_run_by_id(run_id)
                assert run is not None
                status = run.status
                if run.is_finished:
                    break
                time.sleep(0.1)
            assert status in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE), status
            plan = services.plan(services.store.get("pg_fault"))
            for node_id, node_status in services.statuses(plan).items():
                if node_status.state is State.FRESH:  # a fresh result is whole and readable
                    ref = ArtifactRef("pg_fault", node_id, node_status.cache_key, "data")
                    assert len(services.artifacts.read(ref)) == 5
            _no_half_results(services)

            # the same store, instance and engine serve the next run: nothing was restarted
            assert services.store.get("pg_fault").workflow.slug == "pg_fault"
            again = launcher.launch("pg_fault", Selection.ALL).run_id
            assert again
            assert run_events(services, again, timeout=60)[-1].status == "SUCCESS"
            assert set(_states(services, "pg_fault").values()) == {State.FRESH}
    finally:
        if engine is not None:
            engine.stop()
        if services is not None:
            services.instance.dispose()
            services.store.dispose()
        server.stop()
