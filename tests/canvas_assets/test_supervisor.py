"""`mlcanvas up` supervises its processes: the restart policy with a fake clock and fake
processes, then the real stack (a killed engine comes back while the API answers, reloads keep
one code server, the Dagster UI has no TCP port, SIGTERM stops every child)."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from canvas_assets.orchestration.dagster_reload import DagsterReloader
from canvas_assets.orchestration.dagster_ui import sockets_for
from canvas_assets.orchestration.supervisor import ChildSpec, Supervisor, describe_exit
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


def test_reloads_replace_the_one_code_server_instead_of_adding_processes(stack: UpStack) -> None:
    reloader = DagsterReloader(socket=str(sockets_for(stack.home).webserver))
    dagster_servers = ("dagster api grpc", "code-server start")
    counts = []
    for _ in range(3):
        reloader._reload()  # the call the debounced thread makes
        assert reloader.last_result == "ok"
        counts.append(len([p for m in dagster_servers for p in stack.pids(m)]))
    assert max(counts) <= 3  # the proxy, its child, and for a moment the child being replaced
    _wait(
        lambda: len([p for m in dagster_servers for p in stack.pids(m)]) <= 2,
        30,
        "the replaced code servers to exit",
        stack,
    )


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
