"""Benchmark (not a test): the memory of `mlcanvas up` while someone keeps editing.

Starts `mlcanvas up` (API, engine, code server, Dagster UI and daemon) on a scratch home, imports
a two-node workflow (iris -> train/test split) over the API and, once the Dagster UI shows it,
changes the split's test size every --every seconds (2 s by default, about the API's debounce
before it reloads the Dagster UI's code location, so reloads follow each other) for --minutes
minutes (3 by default). Every --sample seconds (10) it sums the resident memory (VmRSS) of every
process below `up` and counts them, the code server children (`dagster api grpc`) among them, and
the edits made so far, and once more 15 s after the last edit. It prints that series, the
start/end ratio of the summed memory and the most code server children seen (counted every
0.2 s in between). Figures only: it
asserts nothing. The machine is shared: read the load averages printed at the start and the end.
With --baseline REV it first runs the same edits on a git worktree of REV (say, the commit
before a change to the code server) and prints both summaries side by side.

    .venv/bin/python bench/bench_idle_memory.py                 # ~4 min
    .venv/bin/python bench/bench_idle_memory.py --baseline 07a570d   # ~8 min, side by side
    .venv/bin/python bench/bench_idle_memory.py --minutes 1 --every 2 --sample 10 [--no-daemon]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = {
    "slug": "idle_memory",
    "name": "Idle memory",
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
        }
    ],
}
APPLY = """mutation($i: ApplyGraphOpsInput!) { applyGraphOps(input: $i) {
    __typename ... on OpsApplied { revision } } }"""
LOADED = "{ workspaceOrError { ... on Workspace { locationEntries { loadStatus } } } }"
SETTLE_S = 15.0  # after the last edit, before the last sample
ASSET = """{ assetNodes(assetKeys: [{path: ["idle_memory", "split", "train"]}]) { id } }"""


@dataclass(frozen=True)
class Sample:
    seconds: float
    edits: int
    rss_mb: float
    processes: int
    code_servers: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tree(root: int) -> dict[int, tuple[str, int]]:
    """pid -> (command line, resident kB) of every live process below `root`."""
    table: dict[int, tuple[int, str, int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if fields[0] == "Z":
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            rss = next(
                int(line.split()[1])
                for line in (entry / "status").read_text().splitlines()
                if line.startswith("VmRSS:")
            )
        except (OSError, StopIteration, ValueError):
            continue
        table[int(entry.name)] = (int(fields[1]), command, rss)
    below: dict[int, tuple[str, int]] = {}
    frontier = {root}
    while frontier:
        frontier = {pid for pid, (ppid, _, _) in table.items() if ppid in frontier}
        below.update({pid: table[pid][1:] for pid in frontier})
    return below


def code_servers(processes: dict[int, tuple[str, int]]) -> int:
    return sum(1 for command, _ in processes.values() if "api grpc" in command)


class Stack:
    """`mlcanvas up` on a scratch home, reached over its API."""

    def __init__(self, home: Path, daemon: bool, repo: Path = REPO) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CANVAS_", "DAGSTER_"))}
        env.update(
            CANVAS_HOME=str(home), DAGSTER_HOME=str(home), CANVAS_DATA_ROOTS=str(REPO / "data")
        )
        env["PYTHONPATH"] = str(repo)  # a baseline worktree's packages, not the installed ones
        self.port = free_port()
        self.api = f"http://127.0.0.1:{self.port}"
        self.log = home.parent / "up.log"
        command = [sys.executable, "-m", "canvas_assets.cli", "up", "--api-port", str(self.port)]
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                command + ([] if daemon else ["--no-daemon"]),
                env=env,
                cwd=repo,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def post(self, path: str, query: str, variables: dict[str, Any] | None = None) -> Any:
        answer = httpx.post(
            f"{self.api}{path}", json={"query": query, "variables": variables or {}}, timeout=60
        )
        body = answer.json()
        if body.get("errors"):
            raise RuntimeError(f"{path} answered {body['errors']!r:.500}")
        return body["data"]

    def wait(self, ready: Any, what: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"`mlcanvas up` exited while waiting for {what}: see {self.log}")
            try:
                if ready():
                    return
            except (httpx.HTTPError, ValueError, RuntimeError, KeyError, TypeError):
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"no {what} after {timeout:.0f} s: see {self.log}")
            time.sleep(0.5)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def measure(stack: Stack, minutes: float, every: float, sample_s: float) -> list[Sample]:
    imported = stack.post(
        "/graphql",
        "mutation($d: JSON!) { importWorkflow(document: $d) { ... on Workflow { id revision } } }",
        {"d": WORKFLOW},
    )["importWorkflow"]
    workflow_id, revision = imported["id"], imported["revision"]
    stack.wait(
        lambda: stack.post("/dagster/graphql", ASSET)["assetNodes"], "the workflow in Dagster"
    )
    time.sleep(5)  # the reload that showed it has finished replacing the code server

    samples: list[Sample] = []
    edits = 0
    most = [0]
    stop = threading.Event()

    def count_code_servers() -> None:
        while not stop.is_set():
            most[0] = max(most[0], code_servers(tree(stack.proc.pid)))
            time.sleep(0.2)

    counter = threading.Thread(target=count_code_servers, daemon=True)
    counter.start()
    started = time.monotonic()
    next_sample = next_edit = started
    while True:
        now = time.monotonic()
        if now >= next_sample:
            processes = tree(stack.proc.pid)
            samples.append(
                Sample(
                    seconds=now - started,
                    edits=edits,
                    rss_mb=sum(rss for _, rss in processes.values()) / 1024,
                    processes=len(processes),
                    code_servers=code_servers(processes),
                )
            )
            next_sample += sample_s
            if now - started >= minutes * 60:
                break
        if now >= next_edit and now - started < minutes * 60:
            size = round(0.2 + 0.01 * (edits % 10), 2)
            op = {"op": "update_params", "node_id": "split", "params": {"test_size": size}}
            applied = stack.post(
                "/graphql",
                APPLY,
                {"i": {"workflowId": workflow_id, "baseRevision": revision, "ops": [op]}},
            )["applyGraphOps"]
            revision = applied["revision"]
            edits += 1
            next_edit += every
        time.sleep(max(0.0, min(next_sample, next_edit) - time.monotonic()))
    stop.set()
    counter.join(5)
    print(f"most code server children seen at once (counted every 0.2 s): {most[0]}")
    time.sleep(SETTLE_S)  # the edits have stopped: the trailing reload, then nothing
    processes = tree(stack.proc.pid)
    settled = Sample(
        seconds=time.monotonic() - started,
        edits=edits,
        rss_mb=sum(rss for _, rss in processes.values()) / 1024,
        processes=len(processes),
        code_servers=code_servers(processes),
    )
    return [*samples, settled]


def run(repo: Path, args: argparse.Namespace) -> list[Sample]:
    """Start `up` from `repo`, edit for the given minutes, stop it; the samples."""
    print(f"load averages at the start: {os.getloadavg()}  ({repo})")
    with tempfile.TemporaryDirectory(prefix="bench-idle-memory-") as scratch:
        stack = Stack(Path(scratch) / "home", daemon=not args.no_daemon, repo=repo)
        try:
            stack.wait(
                lambda: (
                    stack.post("/dagster/graphql", LOADED)["workspaceOrError"]["locationEntries"][
                        0
                    ]["loadStatus"]
                    == "LOADED"
                ),
                "Dagster UI behind the API",
            )
            samples = measure(stack, args.minutes, args.every, args.sample)
        finally:
            stack.stop()
    print(f"load averages at the end: {os.getloadavg()}")
    return samples


def report(title: str, samples: list[Sample], every: float) -> str:
    print(f"\n{title}\n{'s':>6} {'edits':>6} {'RSS MB':>8} {'processes':>10} {'code servers':>13}")
    *editing, settled = samples
    for s in samples:
        note = f"  ({SETTLE_S:g} s after the last edit)" if s is settled else ""
        print(
            f"{s.seconds:6.0f} {s.edits:6d} {s.rss_mb:8.0f} {s.processes:10d}"
            f" {s.code_servers:13d}{note}"
        )
    first, last = editing[0], editing[-1]
    return (
        f"start {first.rss_mb:.0f} MB, end {last.rss_mb:.0f} MB"
        f" ({last.rss_mb / first.rss_mb:.2f}x), peak {max(s.rss_mb for s in editing):.0f} MB,"
        f" most code servers sampled {max(s.code_servers for s in editing)},"
        f" {settled.rss_mb:.0f} MB {SETTLE_S:g} s after the last of {last.edits} edits"
        f" (one every {every:g} s)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="how long to keep editing")
    parser.add_argument("--every", type=float, default=2.0, help="seconds between edits")
    parser.add_argument("--sample", type=float, default=10.0, help="seconds between samples")
    parser.add_argument("--no-daemon", action="store_true", help="start `up` without the daemon")
    parser.add_argument("--baseline", metavar="REV", help="first run the same on this git revision")
    args = parser.parse_args(argv)

    summaries: list[tuple[str, str]] = []
    if args.baseline:
        with tempfile.TemporaryDirectory(prefix="bench-idle-baseline-") as scratch:
            tree_dir = Path(scratch) / "repo"
            subprocess.run(
                ["git", "worktree", "add", "--detach", str(tree_dir), args.baseline],
                cwd=REPO,
                check=True,
                capture_output=True,
            )
            try:
                samples = run(tree_dir, args)
                summaries.append(
                    (f"baseline {args.baseline}", report("baseline", samples, args.every))
                )
            finally:
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(tree_dir)], cwd=REPO, check=False
                )
    samples = run(REPO, args)
    summaries.append(("this checkout", report("this checkout", samples, args.every)))
    print("\nRSS of the process tree below `up`:")
    for title, line in summaries:
        print(f"  {title:>20}: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
