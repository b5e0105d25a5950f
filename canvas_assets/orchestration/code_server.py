"""The one Dagster code server of `mlcanvas up`: Dagster's own code-server proxy, except that a
reload answers only once the server it replaced is gone.

`dagster code-server start` is a small proxy that loads the definitions in one child process
(`dagster api grpc`) and, on a reload, starts a fresh child, asks the old one to shut down and
answers at once. The old child then takes 1.5-3 s more to exit (most of it Python's garbage
collection of a 235 MB heap at interpreter exit; 3-5 s on a loaded 2-core machine), or up to
the gRPC grace period (60 s) when a call is still running in it. Meanwhile the API, which saw the
reload answered, may start the next one: while edits kept coming at about the debounce interval,
three children (about 700 MB) were alive at once here. Here a reload (the `ReloadCode` call the
webserver's `reloadRepositoryLocation` makes) returns when the replaced child has exited, or has
been killed RETIRE_GRACE_S after it was asked to stop (a child still executing runs is left to
finish them, as Dagster does). Reloads are served one at a time, and
the API asks for one at a time (dagster_reload.py), so at most two children exist at any moment
(the one serving and the one starting), and exactly one once a reload has answered.

A child of this server also sets CODE_SERVER_ENV, which tells canvas_assets.definitions that it
is loading in the code server: it then records the results the canvas reuses
(dagster_versions.py) and freezes its loaded heap (gc.freeze), which cuts the child's exit on
replacement from 1.4-2 s to about 0.6 s here.

This module drives Dagster's internal proxy classes (`DagsterProxyApiServicer`, its registry of
child processes, `DagsterGrpcServer`), pinned with dagster 1.13: an upgrade touches this file.
`up` runs it as a script, `python -P .../code_server.py code-server start -m MODULE
--location-name NAME --socket PATH` (the arguments of `dagster code-server start`), so that the
proxy imports only Dagster: imported as canvas_assets.orchestration.code_server it would load
the canvas_assets package (pandas, the node library), about 100 MB more in a process that
never needs them. So nothing here imports canvas_assets.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import threading
from typing import Any

DEFINITIONS_MODULE = "canvas_assets.definitions"
CODE_SERVER_ENV = "CANVAS_DAGSTER_CODE_SERVER"  # set to "1" in the children of this server
RETIRE_GRACE_S = 10.0  # time a replaced child gets to finish calls still running in it
HEARTBEAT_TTL_S = 30  # Dagster's default: a child whose proxy died unasked exits after this
log = logging.getLogger("dagster.code_server")


def _proxy_class() -> type[Any]:
    """Dagster's proxy servicer with a reload that retires the replaced child (module doc)."""
    from dagster._core.remote_representation.grpc_server_registry import ServerRegistryEntry
    from dagster._grpc.proxy_server import DagsterProxyApiServicer

    class RetiringProxyServicer(DagsterProxyApiServicer):
        retire_grace_s = RETIRE_GRACE_S

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self._reload_one_at_a_time = threading.Lock()
            super().__init__(*args, **kwargs)

        def _current_child(self) -> Any:
            """The GrpcServerProcess serving now, or None after a failed load."""
            entry = self._grpc_server_registry.get_grpc_server_entry(self._origin)
            return entry.process if isinstance(entry, ServerRegistryEntry) else None

        def ReloadCode(self, request: Any, context: Any) -> Any:  # the gRPC method name
            with self._reload_one_at_a_time:
                replaced = self._current_child()
                # Dagster's reload: the new child serves, the old one is asked to shut down
                reply = super().ReloadCode(request, context)  # type: ignore[no-untyped-call]
                if replaced is not None and replaced is not self._current_child():
                    retire(replaced, self.retire_grace_s)
                return reply

    return RetiringProxyServicer


def retire(server: Any, grace_s: float) -> None:
    """Wait until a child (a GrpcServerProcess) asked to shut down has exited. After `grace_s`
    it is killed, unless it still executes runs: then, as Dagster does, it is left to exit
    when they have finished. (Under `up` runs execute in the engine, not here, unless the
    instance's dagster.yaml names another run launcher.)"""
    process: subprocess.Popen[str] = server.server_process
    try:
        process.wait(grace_s)
        return
    except subprocess.TimeoutExpired:
        pass
    runs = _runs_in(server)
    if runs:
        log.info(
            "the replaced code server (pid %d) exits once its runs %s have finished",
            process.pid,
            ", ".join(runs),
        )
        return
    log.warning(
        "the replaced code server (pid %d) did not exit within %.0f s of being asked to;"
        " killing it",
        process.pid,
        grace_s,
    )
    process.kill()
    process.wait(10)


def _runs_in(server: Any) -> list[str]:
    """The runs a child executes, or [] when it no longer answers (it is shutting down)."""
    from dagster._core.errors import DagsterUserCodeUnreachableError
    from dagster._grpc.types import GetCurrentRunsResult
    from dagster._serdes import deserialize_value

    try:
        answer = server.create_client().get_current_runs()
    except DagsterUserCodeUnreachableError:
        return []
    return list(deserialize_value(answer, GetCurrentRunsResult).current_runs)


def serve(socket: str, module: str, location: str) -> None:
    """Serve the code location on a Unix socket until SIGINT or SIGTERM, as
    `dagster code-server start -m MODULE --location-name LOCATION --socket SOCKET` does."""
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
    from dagster._core.utils import FuturesAwareThreadPoolExecutor
    from dagster._grpc.server import DagsterGrpcServer
    from dagster._utils.interrupts import setup_interrupt_handlers
    from dagster._utils.log import configure_loggers

    os.environ[CODE_SERVER_ENV] = "1"  # inherited by the children, never seen by our callers
    setup_interrupt_handlers()  # SIGTERM acts as SIGINT: stop the children, then exit
    configure_loggers(log_level="INFO")
    description = f"canvas code server for module {module} in process {os.getpid()}"
    log.info("Starting %s", description)
    termination = threading.Event()
    servicer = _proxy_class()(
        loadable_target_origin=LoadableTargetOrigin(
            module_name=module, working_directory=os.getcwd()
        ),
        fixed_server_id=None,
        container_image=None,
        container_context=None,
        inject_env_vars_from_instance=False,
        location_name=location,
        log_level="INFO",
        startup_timeout=0,  # no limit: 1000 assets load in about 10 s, more on a busy machine
        server_termination_event=termination,
        instance_ref=None,
        logger=log,
        server_heartbeat=False,
        server_heartbeat_timeout=30,
        heartbeat_ttl=HEARTBEAT_TTL_S,
        defs_state_info=None,
    )
    server = DagsterGrpcServer(
        server_termination_event=termination,
        dagster_api_servicer=servicer,
        logger=log,
        threadpool_executor=FuturesAwareThreadPoolExecutor(max_workers=None),
        socket=socket,
    )
    log.info("Started %s", description)
    try:
        server.serve()  # type: ignore[no-untyped-call]  # Dagster's internal server, untyped
    except KeyboardInterrupt:
        log.info("%s was interrupted", description)
    finally:
        log.info("Shutting down %s", description)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="code_server.py",
        description="the Dagster code server of `mlcanvas up`: reloads answer once the replaced"
        " server has exited (canvas_assets/orchestration/code_server.py)",
    )
    parser.add_argument("command", nargs=2, metavar="code-server start")
    parser.add_argument("--socket", required=True, help="Unix socket to serve on")
    parser.add_argument("-m", "--module-name", required=True, help="module of the definitions")
    parser.add_argument("--location-name", required=True, help="the code location's name")
    args = parser.parse_args(argv)
    if args.command != ["code-server", "start"]:
        parser.error("the command is `code-server start`")
    serve(args.socket, args.module_name, args.location_name)


if __name__ == "__main__":  # run as a script by `mlcanvas up` (see the module doc)
    main(sys.argv[1:])
