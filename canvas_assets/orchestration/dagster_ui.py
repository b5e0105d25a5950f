"""Where the Dagster side of `mlcanvas up` listens: Unix sockets, never TCP ports.

The Dagster webserver has no authentication and executes GraphQL mutations sent as GET from any
origin, so a browser page must not be able to reach it. `mlcanvas up` therefore runs:

- ONE code server (`python -P .../code_server.py code-server start --socket ...`,
  code_server.py): Dagster's small proxy process that loads canvas_assets.definitions in one child
  process and, on a reload, starts a fresh child and stops the old one, answering once the old
  one has exited. The webserver and the daemon both reach it through the generated workspace file
  (`grpc_server: {socket, location_name}`), so they start no code servers of their own: before,
  each reload of the webserver started another 240-660 MB process, and the daemon ran its own.
- the Dagster webserver (`python -m canvas_assets.orchestration.dagster_ui`), built the way
  `dagster-webserver` builds it but served by uvicorn on a Unix socket under the path prefix
  /dagster. The API proxies /dagster/ to it with its own authentication and Origin checks
  (graphql_api/dagster_proxy.py) and reloads it over the same socket (dagster_reload.py).

The sockets live in a folder only our user can enter (mode 0700): `$DAGSTER_HOME/run`, or, when
that path is too long for a Unix socket (108 bytes), a folder under the temporary directory named
after the user and a hash of DAGSTER_HOME. This module is also the one place that uses the
webserver's internal app factory, so a Dagster upgrade touches it alone.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import socket
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from canvas_assets.orchestration import code_server
from canvas_assets.orchestration.code_server import DEFINITIONS_MODULE
from canvas_assets.orchestration.dagster_reload import LOCATION_NAME
from canvas_assets.orchestration.dagster_reload import SOCKET_PATH_PREFIX as PATH_PREFIX

_MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes with its terminator; leave room


@dataclass(frozen=True)
class DagsterSockets:
    """The runtime folder of one DAGSTER_HOME and the files `up` creates in it."""

    folder: Path

    @property
    def webserver(self) -> Path:
        return self.folder / "webserver.sock"

    @property
    def code_server(self) -> Path:
        return self.folder / "code-server.sock"

    @property
    def workspace(self) -> Path:
        return self.folder / "workspace.yaml"


def sockets_for(dagster_home: Path) -> DagsterSockets:
    """The socket folder for `dagster_home`, created with mode 0700 and checked to be ours."""
    folder = dagster_home.resolve() / "run"
    if len(str(folder / "code-server.sock")) > _MAX_SOCKET_PATH:
        digest = hashlib.sha256(str(dagster_home.resolve()).encode()).hexdigest()[:12]
        folder = Path(tempfile.gettempdir()) / f"mlcanvas-{os.getuid()}-{digest}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise RuntimeError(
            f"{folder} is not a folder owned by this user; remove it and start again"
        )
    os.chmod(folder, 0o700)
    return DagsterSockets(folder)


def write_workspace(sockets: DagsterSockets) -> Path:
    """The workspace file that points the webserver and the daemon at the one code server."""
    sockets.workspace.write_text(
        "# Written by `mlcanvas up`: the webserver and the daemon use the one code server.\n"
        "load_from:\n"
        "  - grpc_server:\n"
        f"      socket: {str(sockets.code_server)!r}\n"
        f"      location_name: {LOCATION_NAME}\n"
    )
    return sockets.workspace


def code_server_command(python: str, sockets: DagsterSockets) -> list[str]:
    return [
        python,
        "-P",  # run as a script, importing Dagster only (code_server.py)
        code_server.__file__,
        "code-server",
        "start",
        "-m",
        DEFINITIONS_MODULE,
        "--location-name",
        LOCATION_NAME,
        "--socket",
        str(sockets.code_server),
    ]


def webserver_command(python: str, sockets: DagsterSockets) -> list[str]:
    return [
        python,
        "-m",
        "canvas_assets.orchestration.dagster_ui",
        "--socket",
        str(sockets.webserver),
        "-w",
        str(sockets.workspace),
    ]


def claim_socket(path: Path) -> None:
    """Remove a socket file left by a process that died; refuse one that still answers."""
    if not path.exists():
        return
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(path))
    except OSError:
        path.unlink()
        return
    finally:
        probe.close()
    raise RuntimeError(f"another server is listening on {path}; stop it first")


def serve(socket_path: Path, workspace: Path, path_prefix: str = PATH_PREFIX) -> None:
    """Run the Dagster webserver on a Unix socket until SIGINT or SIGTERM."""
    import uvicorn
    from dagster import DagsterInstance
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import WorkspaceFileTarget
    from dagster_webserver.app import create_app_from_workspace_process_context
    from dagster_webserver.version import __version__

    claim_socket(socket_path)
    with contextlib.ExitStack() as stack:
        instance = stack.enter_context(DagsterInstance.get())
        # the settings `dagster-webserver` applies by default (statement timeout, pool recycle)
        instance.optimize_for_webserver(15000, 3600, 20)
        context = stack.enter_context(
            WorkspaceProcessContext(
                instance,
                version=__version__,
                read_only=False,
                workspace_load_target=WorkspaceFileTarget(paths=[str(workspace)]),
            )
        )
        app = create_app_from_workspace_process_context(context, path_prefix)
        print(f"Dagster UI serving {path_prefix} on unix:{socket_path}", flush=True)
        uvicorn.run(app, uds=str(socket_path), log_level="warning")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="canvas_assets.orchestration.dagster_ui",
        description="the Dagster webserver on a Unix socket",
    )
    parser.add_argument("--socket", type=Path, required=True, help="Unix socket to listen on")
    parser.add_argument("-w", "--workspace", type=Path, required=True, help="workspace file")
    parser.add_argument("--path-prefix", default=PATH_PREFIX)
    args = parser.parse_args(argv)
    serve(args.socket, args.workspace, args.path_prefix)


if __name__ == "__main__":
    main()
