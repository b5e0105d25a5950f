"""The Dagster UI follows edits: graph and schedule mutations over our API make a real
dagster-webserver reload our code location (debounced, one at a time), runs do not, and a
webserver that is down is logged, not raised. The code server of `mlcanvas up` answers a reload
once the child it replaced has exited (test_supervisor.py drives it under a real `up`)."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from dagster._core.errors import DagsterUserCodeUnreachableError
from dagster._grpc.client import DagsterGrpcClient
from dagster._grpc.server import wait_for_grpc_server
from dagster._grpc.types import GetCurrentRunsResult
from dagster._serdes import serialize_value

from canvas_assets.orchestration.code_server import retire
from canvas_assets.orchestration.dagster_reload import DagsterReloader
from canvas_assets.orchestration.dagster_ui import code_server_command, sockets_for
from canvas_assets.services import CanvasServices
from graphql_api.app import create_app
from node_library.graph import load_workflow
from tests.canvas_assets.conftest import make_services
from tests.canvas_assets.test_schedule_daemon import DAGSTER_YAML, WORKSPACE_YAML
from tests.canvas_assets.test_supervisor import Sampler
from tests.canvas_assets.toy_nodes import NODE_MODULE, chain_workflow
from tests.services import REPO, canvas_env, closed_port, free_port

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

DAGSTER_VIEW = """{
  assetNodes { assetKey { path } }
  schedulesOrError(repositorySelector: {repositoryLocationName: "visual_ml_canvas",
                                        repositoryName: "__repository__"}) {
    ... on Schedules { results { name cronSchedule executionTimezone
                                 scheduleState { status } } } } }"""


def _post(url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return dict(json.loads(response.read()))


@pytest.fixture
def services(tmp_path: Path) -> Iterator[CanvasServices]:
    services = make_services(tmp_path)
    services.config.dagster_home.mkdir(parents=True, exist_ok=True)
    (services.config.dagster_home / "dagster.yaml").write_text(DAGSTER_YAML)
    _ = services.instance
    yield services
    services.store.dispose()


@pytest.fixture
def webserver(services: CanvasServices, tmp_path: Path) -> Iterator[str]:
    workspace = tmp_path / "workspace.yaml"
    workspace.write_text(WORKSPACE_YAML)
    port = free_port()
    log = tmp_path / "webserver.log"
    env = {**os.environ, **canvas_env(services, NODE_MODULE)}
    with open(log, "w") as out:
        proc = subprocess.Popen(  # the real Dagster webserver, from this venv
            [
                str(Path(sys.executable).with_name("dagster-webserver")),
                "-w",
                str(workspace),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/server_info", timeout=2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"dagster-webserver did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.25)
    yield url
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@pytest.fixture
def api(services: CanvasServices, webserver: str) -> Iterator[tuple[str, DagsterReloader]]:
    reloader = DagsterReloader(url=webserver, debounce_seconds=1.5)
    app = create_app(services, local_admin=True, frontend_dir=None, reloader=reloader)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/graphql", reloader
    server.should_exit = True
    thread.join(10)


def test_graph_and_schedule_edits_reload_the_dagster_ui_once_after_the_last_edit(
    api: tuple[str, DagsterReloader], webserver: str
) -> None:
    url, reloader = api
    dagster = f"{webserver}/graphql"
    assert _post(dagster, DAGSTER_VIEW)["data"]["assetNodes"] == []

    imported = _post(
        url,
        "mutation($d: JSON!) { importWorkflow(document: $d) { ... on Workflow { id } } }",
        {"d": chain_workflow()},
    )
    workflow_id = imported["data"]["importWorkflow"]["id"]
    created = _post(
        url,
        """mutation($i: ScheduleInput!) { createSchedule(input: $i) {
            ... on Schedule { id } } }""",
        {"i": {"workflowId": workflow_id, "cron": "0 6 * * *", "timezone": "Europe/Berlin"}},
    )
    schedule_id = created["data"]["createSchedule"]["id"]
    assert reloader.reloads == 0  # debounced: nothing yet, and the answers did not wait
    assert reloader.wait_idle(60)
    assert reloader.reloads == 1 and reloader.last_result == "ok"

    view = _post(dagster, DAGSTER_VIEW)["data"]
    keys = {"/".join(n["assetKey"]["path"]) for n in view["assetNodes"]}
    assert {"toy_chain/numbers", "toy_chain/add_ten", "toy_chain/split/head"} <= keys
    (schedule,) = view["schedulesOrError"]["results"]
    assert schedule["name"] == f"canvas_toy_chain_{schedule_id[:8]}"
    assert (schedule["cronSchedule"], schedule["executionTimezone"]) == (
        "0 6 * * *",
        "Europe/Berlin",
    )
    assert schedule["scheduleState"]["status"] == "RUNNING"

    _post(
        url,
        """mutation($id: ID!) { updateSchedule(id: $id, input: {enabled: false}) {
            __typename } }""",
        {"id": schedule_id},
    )
    assert reloader.wait_idle(60) and reloader.reloads == 2
    (schedule,) = _post(dagster, DAGSTER_VIEW)["data"]["schedulesOrError"]["results"]
    assert schedule["scheduleState"]["status"] == "STOPPED"

    # running is not an edit: the click-to-run path never asks Dagster for anything
    launched = _post(
        url,
        """mutation($i: LaunchRunInput!) { launchRun(input: $i) { __typename } }""",
        {"i": {"workflowId": workflow_id, "selection": "ALL"}},
    )
    assert launched["data"]["launchRun"]["__typename"] == "RunLaunched"
    time.sleep(1.0)
    assert reloader.reloads == 2


def test_a_burst_of_requests_makes_one_reload_and_a_down_webserver_is_only_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    reloader = DagsterReloader(url=f"http://127.0.0.1:{closed_port()}", debounce_seconds=0.3)
    with caplog.at_level(logging.WARNING, logger="canvas_assets.orchestration.dagster_reload"):
        for _ in range(5):
            reloader.request()
            time.sleep(0.05)
        assert reloader.wait_idle(30)
    assert reloader.reloads == 1
    assert "not reachable" in reloader.last_result
    assert any("Dagster UI not refreshed" in r.getMessage() for r in caplog.records)


# -- the code server of `mlcanvas up` ------------------------------------------------------------


def _children(pid: int) -> list[int]:
    """The live (not zombie) child processes of `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def test_a_reload_of_the_code_server_answers_once_the_replaced_child_is_gone(
    services: CanvasServices, tmp_path: Path
) -> None:
    services.store.create(load_workflow(chain_workflow()))
    sockets = sockets_for(tmp_path / "run-home")
    env = {**os.environ, **canvas_env(services, NODE_MODULE)}
    command = code_server_command(sys.executable, sockets)
    with open(tmp_path / "code-server.log", "w") as out:
        proc = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        client = DagsterGrpcClient(socket=str(sockets.code_server))
        wait_for_grpc_server(proc, client, command, timeout=120)
        (first,) = _children(proc.pid)
        sampler = Sampler(lambda: len(_children(proc.pid)))
        serving = []
        for _ in range(2):
            client.reload_code(timeout=120)
            serving.append(_children(proc.pid))  # right as the reload answers
        most = sampler.stop()
        assert all(len(pids) == 1 for pids in serving), serving  # the replaced one is gone
        assert len({first, *(pids[0] for pids in serving)}) == 3  # each reload a new child
        assert most <= 2, sampler.series  # the serving child and the one starting
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


class FakeChild:
    """A GrpcServerProcess stand-in: a real process, and the answer to GetCurrentRuns."""

    def __init__(self, seconds: float, runs: list[str] | None) -> None:
        self.server_process = subprocess.Popen(["sleep", str(seconds)], text=True)
        self.runs = runs

    def create_client(self) -> Any:
        runs = self.runs

        class Client:
            def get_current_runs(self) -> str:
                if runs is None:
                    raise DagsterUserCodeUnreachableError("shutting down")
                return serialize_value(
                    GetCurrentRunsResult(current_runs=runs, serializable_error_info=None)
                )

        return Client()


def test_a_replaced_child_is_killed_after_the_grace_unless_it_still_executes_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    quick = FakeChild(0.1, runs=None)
    retire(quick, grace_s=5)
    assert quick.server_process.returncode == 0  # exited by itself

    stuck = FakeChild(60, runs=None)  # no longer answers: stuck in its shutdown
    with caplog.at_level(logging.WARNING, logger="dagster.code_server"):
        retire(stuck, grace_s=0.2)
    assert stuck.server_process.returncode == -signal.SIGKILL
    assert f"(pid {stuck.server_process.pid}) did not exit within 0 s" in caplog.text

    running = FakeChild(60, runs=["run-1"])
    retire(running, grace_s=0.2)
    try:
        assert running.server_process.poll() is None  # left to finish its run
    finally:
        running.server_process.kill()
        running.server_process.wait()
