"""`mlcanvas up` supervises its processes: the restart policy with a fake clock and fake
processes, then the real stack: a killed engine comes back while the API answers, the Dagster UI
has no TCP port, edits never leave more than two code server children alive and exactly one once
the Dagster UI shows the last edit, an edit that was run and then undone shows as synced in the
Dagster UI, and SIGTERM stops every child."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from canvas_assets.orchestration.dagster_ui import sockets_for
from canvas_assets.orchestration.supervisor import ChildSpec, Supervisor, describe_exit
from canvas_assets.planning.plan import code_version
from node_library.registry import NodeRegistry
from tests.services import REPO, free_port

pytestmark = pytest.mark.integration  # starts engines and other product processes

# -- the policy, without processes or waiting -------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class FakeProc:
    pid: int
    code: int | None = None
    signals: list[int] = field(default_factory=list)
    stops_on: frozenset[int] = frozenset({signal.SIGTERM, signal.SIGINT, signal.SIGKILL})

    def poll(self) -> int | None:
        return self.code


class FakeWorld:
    """Spawns FakeProcs and delivers signals to them."""

    def __init__(self) -> None:
        self.procs: list[FakeProc] = []
        self.clock = FakeClock()

    def spawn(self, spec: ChildSpec) -> FakeProc:
        proc = FakeProc(pid=100 + len(self.procs))
        self.procs.append(proc)
        return proc

    def signal(self, pid: int, signum: int) -> None:
        for proc in self.procs:
            if proc.pid == pid and proc.code is None:
                proc.signals.append(signum)
                if signum in proc.stops_on:
                    proc.code = -signum

    def supervisor(self) -> Supervisor:
        return Supervisor(self.spawn, clock=self.clock, send_signal=self.signal)


def _restart_delays(
    world: FakeWorld, supervisor: Supervisor, deaths: int, ran_s: float
) -> list[float]:
    """Kill the child `deaths` times after it ran `ran_s`; the delay before each restart."""
    delays = []
    for _ in range(deaths):
        world.clock.now += ran_s
        world.procs[-1].code = 1
        supervisor.check()
        died_at, count = world.clock.now, len(world.procs)
        while len(world.procs) == count:
            world.clock.now += 0.5
            supervisor.check()
        delays.append(world.clock.now - died_at)
    return delays


def test_a_child_that_keeps_dying_restarts_after_delays_doubling_from_one_to_thirty_seconds() -> (
    None
):
    world = FakeWorld()
    supervisor = world.supervisor()
    supervisor.start(ChildSpec("engine", ("engine",)))
    assert _restart_delays(world, supervisor, 7, ran_s=2) == [1, 2, 4, 8, 16, 30, 30]
    assert supervisor.restarts("engine") == 7


def test_a_child_that_ran_a_minute_before_dying_restarts_after_one_second_again() -> None:
    world = FakeWorld()
    supervisor = world.supervisor()
    supervisor.start(ChildSpec("engine", ("engine",)))
    assert _restart_delays(world, supervisor, 4, ran_s=2) == [1, 2, 4, 8]
    assert _restart_delays(world, supervisor, 2, ran_s=61) == [1, 1]


def test_a_death_and_the_restart_are_logged_with_the_signal_and_other_children_run_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    world = FakeWorld()
    supervisor = world.supervisor()
    supervisor.start(ChildSpec("api", ("api",)))
    supervisor.start(ChildSpec("engine", ("engine",)))
    api, engine = world.procs
    with caplog.at_level(logging.WARNING, logger="canvas_assets.orchestration.supervisor"):
        world.clock.now += 5
        engine.code = -signal.SIGKILL
        supervisor.check()
        world.clock.now += 1
        supervisor.check()
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "engine (pid 101) died with signal SIGKILL after 5.0 s; restarting in 1 s",
        "engine restarted (pid 102, restart 1)",
    ]
    assert api.code is None and api.signals == [] and supervisor.pid("api") == 100
    assert supervisor.pid("engine") == 102
    assert describe_exit(3) == "exit code 3"


def test_stop_signals_every_child_and_kills_the_ones_that_outlive_the_grace() -> None:
    world = FakeWorld()
    supervisor = world.supervisor()
    supervisor.start(ChildSpec("code-server", ("cs",), signal.SIGINT))
    supervisor.start(ChildSpec("api", ("api",)))
    code_server, api = world.procs
    api.stops_on = frozenset({signal.SIGKILL})  # hangs on SIGTERM

    def sleep(seconds: float) -> None:
        world.clock.now += seconds

    codes = supervisor.stop(grace_s=3, sleep=sleep)
    assert code_server.signals == [signal.SIGINT]
    assert api.signals == [signal.SIGTERM, signal.SIGKILL]
    assert codes == {"api": -signal.SIGKILL, "code-server": -signal.SIGINT}
    assert 3 <= world.clock.now - 1000 < 3.5
    world.clock.now += 100
    supervisor.check()  # nothing comes back after a stop
    assert len(world.procs) == 2


# -- the real stack -----------------------------------------------------------------------------


@dataclass
class UpStack:
    proc: subprocess.Popen[bytes]
    log: Path
    api: str
    home: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def children(self) -> dict[int, str]:
        """pid -> command line of every process below `up` (children and their children)."""
        table: dict[int, tuple[int, str]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            state = stat.rsplit(")", 1)[1].split()[0]
            if state != "Z":
                table[int(entry.name)] = (ppid, cmdline)
        below, frontier = {}, {self.proc.pid}
        while frontier:
            frontier = {pid for pid, (ppid, _) in table.items() if ppid in frontier}
            below.update({pid: table[pid][1] for pid in frontier})
        return below

    def pids(self, marker: str) -> list[int]:
        return [pid for pid, cmd in self.children().items() if marker in cmd]


def _wait(condition: Callable[[], bool], timeout: float, what: str, stack: UpStack) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert stack.proc.poll() is None, (
            f"up exited while waiting for {what}:\n{stack.output()[-4000:]}"
        )
        assert time.monotonic() < deadline, (
            f"timed out waiting for {what}:\n{stack.output()[-4000:]}"
        )
        time.sleep(0.3)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _dagster_loaded(api: str) -> bool:
    query = "{ workspaceOrError { ... on Workspace { locationEntries { loadStatus } } } }"
    try:
        body = httpx.post(f"{api}/dagster/graphql", json={"query": query}, timeout=10).json()
    except (httpx.HTTPError, ValueError):
        return False
    entries = (body.get("data") or {}).get("workspaceOrError", {}).get("locationEntries") or []
    return bool(entries) and entries[0]["loadStatus"] == "LOADED"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UpStack]:
    root = tmp_path_factory.mktemp("up")
    home = root / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CANVAS_", "DAGSTER_"))}
    env.update(CANVAS_HOME=str(home), DAGSTER_HOME=str(home), CANVAS_DATA_ROOTS=str(REPO / "data"))
    port = free_port()
    log = root / "up.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "canvas_assets.cli",
                "up",
                "--api-port",
                str(port),
                "--grace",
                "10",
            ],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    stack = UpStack(proc, log, f"http://127.0.0.1:{port}", home)
    try:
        _wait(lambda: _dagster_loaded(stack.api), 240, "the Dagster UI behind the API", stack)
        yield stack
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(40)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def test_up_serves_the_dagster_ui_through_the_api_and_the_webserver_has_no_tcp_port(
    stack: UpStack,
) -> None:
    assert f"Dagster UI (lineage, runs):  {stack.api}/dagster/" in stack.output()
    page = httpx.get(f"{stack.api}/dagster/", timeout=30)
    assert page.status_code == 200 and "<html" in page.text.lower()
    sockets = sockets_for(stack.home)
    assert sockets.webserver.is_socket() and sockets.code_server.is_socket()
    assert oct(sockets.folder.stat().st_mode & 0o777) == "0o700"
    (ui,) = stack.pids("canvas_assets.orchestration.dagster_ui")
    (code_server,) = stack.pids("code-server start")
    inodes = {
        os.readlink(f"/proc/{pid}/fd/{fd}")
        for pid in (ui, code_server)
        for fd in os.listdir(f"/proc/{pid}/fd")
        if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
    }
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                listening.add(f"socket:[{fields[9]}]")
    assert not inodes & listening, "the Dagster webserver or code server listens on TCP"


class Sampler:
    """Counts processes every 0.1 s in a thread: the largest count seen and the series."""

    def __init__(self, count: Callable[[], int]) -> None:
        self.count = count
        self.series: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        started = time.monotonic()
        while not self._stop.is_set():
            self.series.append((round(time.monotonic() - started, 1), self.count()))
            time.sleep(0.1)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join(10)
        return max(n for _, n in self.series)


PROBE = {
    "slug": "reload_probe",
    "name": "Reload probe",
    "nodes": [
        {"id": "flowers", "type": "sources.sample_dataset", "params": {"dataset": "iris"}},
        {"id": "split", "type": "split.train_test_split", "params": {"test_size": 0.25}},
    ],
    "edges": [
        {
            "id": "e1",
            "source": "flowers",
            "source_port": "data",
            "target": "split",
            "target_port": "data",
        },
    ],
}
APPLY = """mutation($i: ApplyGraphOpsInput!) { applyGraphOps(input: $i) {
    __typename ... on OpsApplied { revision } } }"""
ASSETS = """query($keys: [AssetKeyInput!]) { assetNodes(assetKeys: $keys) {
    assetKey { path } opVersion staleStatus staleCauses { reason } } }"""
SPLIT_TRAIN = {"path": ["reload_probe", "split", "train"]}


class Canvas:
    """`mlcanvas up` on a temporary home, driven over its API like the canvas does."""

    def __init__(self, stack: UpStack) -> None:
        self.stack, self.api = stack, stack.api
        imported = self.gql(
            "mutation($d: JSON!) { importWorkflow(document: $d) {"
            " ... on Workflow { id revision } } }",
            {"d": PROBE},
        )["importWorkflow"]
        self.workflow_id, self.revision = imported["id"], imported["revision"]

    def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = httpx.post(
            f"{self.api}/graphql", json={"query": query, "variables": variables or {}}, timeout=60
        ).json()
        assert "errors" not in body, body
        return dict(body["data"])

    def dagster(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = httpx.post(
            f"{self.api}/dagster/graphql",
            json={"query": query, "variables": variables or {}},
            timeout=60,
        ).json()
        assert "errors" not in body, body
        return dict(body["data"])

    def set_test_size(self, value: float) -> None:
        op = {"op": "update_params", "node_id": "split", "params": {"test_size": value}}
        applied = self.gql(
            APPLY,
            {"i": {"workflowId": self.workflow_id, "baseRevision": self.revision, "ops": [op]}},
        )["applyGraphOps"]
        assert applied["__typename"] == "OpsApplied", applied
        self.revision = applied["revision"]

    def run_stale(self) -> None:
        launched = self.gql(
            "mutation($i: LaunchRunInput!) { launchRun(input: $i) {"
            " ... on RunLaunched { runId } } }",
            {"i": {"workflowId": self.workflow_id, "selection": "STALE"}},
        )["launchRun"]
        run_id = launched["runId"]
        deadline = time.monotonic() + 120
        while True:
            run = self.gql(
                "query($id: ID!) { run(id: $id) { ... on Run { status } } }", {"id": run_id}
            )["run"]
            if run["status"] in ("SUCCESS", "FAILURE", "CANCELED"):
                break
            assert time.monotonic() < deadline, f"run {run_id} still {run['status']}"
            time.sleep(0.3)
        assert run["status"] == "SUCCESS", self.stack.output()[-3000:]

    def split_train(self) -> dict[str, Any]:
        """The split node's train asset in the Dagster UI ({} until the UI shows it)."""
        nodes = self.dagster(ASSETS, {"keys": [SPLIT_TRAIN]})["assetNodes"]
        return dict(nodes[0]) if nodes else {}

    def wait_for_dagster_version(self, test_size: float, timeout: float = 120) -> float:
        """Seconds until the Dagster UI shows split's code version for `test_size`."""
        split = NodeRegistry.from_entry_points().get("split.train_test_split")
        assert split is not None
        wanted = code_version(split, split.Params.model_validate({"test_size": test_size}))
        started = time.monotonic()
        while self.split_train().get("opVersion") != wanted:
            assert self.stack.proc.poll() is None, self.stack.output()[-3000:]
            assert time.monotonic() - started < timeout, "the Dagster UI never showed the edit"
            time.sleep(0.2)
        return time.monotonic() - started

    def code_server_children(self) -> int:
        return len([p for p, cmd in self.stack.children().items() if "api grpc" in cmd])

    def wait_for_one_code_server(self, timeout: float) -> float:
        """Seconds until exactly one code server child is alive."""
        started = time.monotonic()
        while (count := self.code_server_children()) != 1:
            assert time.monotonic() - started < timeout, f"{count} code server children"
            time.sleep(0.1)
        return time.monotonic() - started


@pytest.fixture(scope="module")
def canvas(stack: UpStack) -> Canvas:
    canvas = Canvas(stack)
    canvas.wait_for_dagster_version(0.25)
    return canvas


def test_editing_keeps_at_most_two_code_servers_and_one_once_the_ui_shows_the_last_edit(
    canvas: Canvas,
) -> None:
    canvas.wait_for_one_code_server(20)
    sampler = Sampler(canvas.code_server_children)
    # edits 2.2 s apart, just over the API's 2 s debounce: each one asks for a reload while the
    # one before is running, so reloads go back to back (before, three children were alive at
    # such times, and replaced ones lingered for seconds after each reload)
    values = [0.2, 0.22, 0.24, 0.33]
    for value in values:
        canvas.set_test_size(value)
        time.sleep(2.2)
    shown = canvas.wait_for_dagster_version(0.33) + 2.2  # the trailing reload shows it
    # the UI shows a new child's definitions as soon as it serves; its reload answers once the
    # child it replaced is gone, and the trailing reload may still be starting one more
    one = shown + canvas.wait_for_one_code_server(20)
    most = sampler.stop()
    assert most <= 2, sampler.series
    print(
        f"last edit shown in the Dagster UI after {shown:.1f} s, one code server after {one:.1f} s"
    )


def test_an_edit_run_and_undone_shows_as_synced_in_the_dagster_ui(canvas: Canvas) -> None:
    canvas.set_test_size(0.25)
    canvas.run_stale()
    canvas.set_test_size(0.3)
    canvas.run_stale()
    canvas.wait_for_dagster_version(0.3)
    assert canvas.split_train()["staleStatus"] == "FRESH"

    canvas.set_test_size(0.25)  # the undo: the canvas reuses the first run's result
    statuses = canvas.gql(
        "query($id: ID!) { nodeStatuses(workflowId: $id) {"
        " ... on NodeStatuses { nodes { nodeId state } } } }",
        {"id": canvas.workflow_id},
    )["nodeStatuses"]["nodes"]
    assert {n["nodeId"]: n["state"] for n in statuses} == {"flowers": "fresh", "split": "fresh"}
    canvas.wait_for_dagster_version(0.25)

    node = canvas.split_train()
    assert node["staleStatus"] == "FRESH", node  # before: STALE, "has a new code version"


def test_a_killed_engine_is_restarted_while_the_api_answers_and_sigterm_stops_every_child(
    stack: UpStack,
) -> None:
    (engine,) = stack.pids("canvas_assets.cli engine")
    os.kill(engine, signal.SIGKILL)
    assert _answers(f"{stack.api}/healthz")
    _wait(
        lambda: [p for p in stack.pids("canvas_assets.cli engine") if p != engine] != [],
        30,
        "a new engine",
        stack,
    )
    assert re.search(rf"engine \(pid {engine}\) died with signal SIGKILL", stack.output())
    assert re.search(r"engine restarted \(pid \d+, restart 1\)", stack.output())
    assert _answers(f"{stack.api}/healthz") and _dagster_loaded(stack.api)

    children = stack.children()
    assert len(children) >= 5, children
    stack.proc.send_signal(signal.SIGTERM)
    assert stack.proc.wait(40) == 0, stack.output()[-3000:]
    alive = [pid for pid in children if Path(f"/proc/{pid}").exists() and not _zombie(pid)]
    assert alive == [], {pid: children[pid] for pid in alive}
    assert not _answers(f"{stack.api}/healthz")


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
