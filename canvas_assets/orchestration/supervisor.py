"""Keeps the processes of `mlcanvas up` running: restarts a child that dies, with backoff.

A `Supervisor` owns a list of named children (the code server, the Dagster UI, the daemon, the
engine, the API). When one exits, whatever the reason (a crash, `kill -9`, the OOM killer), the
death is logged with its exit code or signal and the child is started again after a delay that
starts at 1 s and doubles up to 30 s; a child that had run for 60 s or more before dying starts
again from 1 s. The other children are not touched: the API keeps answering while the engine
restarts. `stop()` ends them all: the stop signal of each child (SIGTERM, or SIGINT for Dagster's
processes, which clean up their own code servers on it) goes to its process group, then SIGKILL
after a grace period.

The clock, the spawner and the sleeper are injected, so the policy is tested without real
processes or real waiting; `spawn_process` is the real spawner. Each child gets its own session
(process group), so the terminal's Ctrl-C reaches only `up`, which then stops the children in
order, and SIGKILL reaches a child's own subprocesses too.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChildSpec:
    """One supervised process: a name for logs, its command line, and how it is asked to stop."""

    name: str
    argv: tuple[str, ...]
    stop_signal: signal.Signals = signal.SIGTERM


class Child(Protocol):
    """What the supervisor needs of a running process (subprocess.Popen has it)."""

    @property
    def pid(self) -> int: ...

    def poll(self) -> int | None: ...


@dataclass(frozen=True)
class Backoff:
    """Delay before restart number n of a child that keeps dying quickly."""

    initial_s: float = 1.0
    factor: float = 2.0
    maximum_s: float = 30.0
    reset_after_s: float = 60.0  # a child that ran this long had a clean slate

    def delay(self, failures: int) -> float:
        return float(min(self.initial_s * self.factor ** max(failures - 1, 0), self.maximum_s))


@dataclass
class _Slot:
    spec: ChildSpec
    proc: Child | None = None
    started_at: float = 0.0
    failures: int = 0  # deaths in a row, each after less than reset_after_s of running
    restart_at: float | None = None
    restarts: int = 0
    pids: list[int] = field(default_factory=list)  # every pid this child has had


def describe_exit(code: int) -> str:
    """'exit code 1' or 'signal SIGKILL' from a Popen return code."""
    if code >= 0:
        return f"exit code {code}"
    try:
        return f"signal {signal.Signals(-code).name}"
    except ValueError:
        return f"signal {-code}"


def spawn_process(
    env: Mapping[str, str], cwd: Path | None = None
) -> Callable[[ChildSpec], subprocess.Popen[bytes]]:
    """The real spawner: each child in its own session, inheriting our stdout and stderr."""

    def spawn(spec: ChildSpec) -> subprocess.Popen[bytes]:
        return subprocess.Popen(  # noqa: S603  # our own commands, never user text
            list(spec.argv), env=dict(env), cwd=cwd, start_new_session=True
        )

    return spawn


def _signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


class Supervisor:
    """Starts, watches, restarts and stops a set of children; used from one thread."""

    def __init__(
        self,
        spawn: Callable[[ChildSpec], Child],
        *,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.monotonic,
        send_signal: Callable[[int, int], None] = _signal_group,
    ) -> None:
        self._spawn = spawn
        self.backoff = backoff or Backoff()
        self._clock = clock
        self._send_signal = send_signal
        self._slots: dict[str, _Slot] = {}

    def start(self, spec: ChildSpec) -> Child:
        """Start a new child now (names are unique)."""
        if spec.name in self._slots:
            raise ValueError(f"a child named {spec.name!r} is already supervised")
        slot = _Slot(spec)
        self._slots[spec.name] = slot
        self._launch(slot)
        assert slot.proc is not None
        return slot.proc

    def pid(self, name: str) -> int | None:
        slot = self._slots[name]
        return slot.proc.pid if slot.proc is not None else None

    def restarts(self, name: str) -> int:
        return self._slots[name].restarts

    def check(self) -> None:
        """Notice deaths and start the children whose restart is due; call it regularly."""
        now = self._clock()
        for slot in self._slots.values():
            if slot.proc is not None:
                code = slot.proc.poll()
                if code is None:
                    continue
                ran = now - slot.started_at
                slot.failures = 1 if ran >= self.backoff.reset_after_s else slot.failures + 1
                delay = self.backoff.delay(slot.failures)
                log.warning(
                    "%s (pid %d) died with %s after %.1f s; restarting in %.0f s",
                    slot.spec.name,
                    slot.proc.pid,
                    describe_exit(code),
                    ran,
                    delay,
                )
                slot.proc, slot.restart_at = None, now + delay
            if slot.restart_at is not None and now >= slot.restart_at:
                slot.restarts += 1
                self._launch(slot)
                assert slot.proc is not None
                log.warning(
                    "%s restarted (pid %d, restart %d)",
                    slot.spec.name,
                    slot.proc.pid,
                    slot.restarts,
                )

    def run(self, stop: threading.Event, interval_s: float = 0.5) -> None:
        """Supervise until `stop` is set (by a signal handler, for example)."""
        while not stop.is_set():
            self.check()
            stop.wait(interval_s)

    def stop(
        self, grace_s: float = 15.0, sleep: Callable[[float], None] = time.sleep
    ) -> dict[str, int | None]:
        """Stop every child: its stop signal, then SIGKILL after `grace_s`; their exit codes.

        Children stop in the reverse order of their start (the API before the Dagster UI before
        the code server it talks to), all signalled at once so the grace period is shared."""
        slots = list(self._slots.values())[::-1]
        for slot in slots:
            slot.restart_at = None
            if slot.proc is not None and slot.proc.poll() is None:
                self._send_signal(slot.proc.pid, slot.spec.stop_signal)
        deadline = self._clock() + grace_s
        while any(s.proc is not None and s.proc.poll() is None for s in slots):
            if self._clock() >= deadline:
                for slot in slots:
                    if slot.proc is not None and slot.proc.poll() is None:
                        log.warning(
                            "%s (pid %d) did not stop within %.0f s; killing it",
                            slot.spec.name,
                            slot.proc.pid,
                            grace_s,
                        )
                        self._send_signal(slot.proc.pid, signal.SIGKILL)
                break
            sleep(0.1)
        for slot in slots:
            # whatever a child left in its group (a run worker, a code server) goes with it
            if slot.proc is not None:
                self._send_signal(slot.proc.pid, signal.SIGKILL)
        return {s.spec.name: s.proc.poll() if s.proc else None for s in slots}

    def _launch(self, slot: _Slot) -> None:
        slot.proc = self._spawn(slot.spec)
        slot.started_at = self._clock()
        slot.restart_at = None
        slot.pids.append(slot.proc.pid)

    def children(self) -> Sequence[tuple[str, int | None]]:
        """(name, pid or None while waiting to restart) for each child, in start order."""
        return [(s.spec.name, s.proc.pid if s.proc else None) for s in self._slots.values()]
