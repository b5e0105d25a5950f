"""End to end through real components: the `mlcanvas` CLI (its main() here, then the installed
command in its own process), a real
dagster-webserver showing the compiled lineage and the CLI's materializations, and the
production configuration (Dagster instance and workflow store on PostgreSQL, artifacts on
SeaweedFS S3)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from canvas_assets.cli import main as cli_main

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CANVAS_", "DAGSTER_"))}
    env.update(
        CANVAS_HOME=str(home), DAGSTER_HOME=str(home), CANVAS_DATA_ROOTS=str(REPO / "data"), **extra
    )
    return env


def mlcanvas(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "mlcanvas"), *args],
        env=env,
        cwd=REPO,
        text=True,
        capture_output=True,
        timeout=300,
    )


def _graphql(port: int | str, query: str, variables: dict | None = None) -> dict:
    """GraphQL on 127.0.0.1:port (the API), or at a path such as "8000/dagster" (its proxy)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    assert "errors" not in body, body
    return body["data"]


def _run_id(output: str) -> str:
    match = re.search(r"run ([0-9a-f-]{36}) succeeded", output)
    assert match, output
    return match.group(1)


def _in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path
) -> Callable[..., tuple[int, str, str]]:
    """`mlcanvas ARGS` run by its main() in this process, under the environment `_env(home)`
    gives a subprocess: (exit code, stdout, stderr). The subprocess tests below run the installed
    command itself; here each call saves the seconds of importing everything again."""
    for name in [k for k in os.environ if k.startswith(("CANVAS_", "DAGSTER_"))]:
        monkeypatch.delenv(name)
    for name, value in _env(home).items():
        if name.startswith(("CANVAS_", "DAGSTER_")):
            monkeypatch.setenv(name, value)

    def run(*args: str) -> tuple[int, str, str]:
        code = cli_main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_cli_runs_an_example_then_says_every_node_is_fresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    mlcanvas_main = _in_process(monkeypatch, capsys, tmp_path / "home")
    assert "sales_by_region" in mlcanvas_main("examples")[1]

    code, first, errors = mlcanvas_main("run", "sales_by_region")
    assert code == 0, errors
    for node in ("orders", "non_empty", "revenue", "totals", "chart"):
        assert re.search(rf"^{node}\s+succeeded\s+\d+\.\d+s", first, re.M), first
    assert re.search(r"^totals\s+succeeded\s+\S+\s+4\b", first, re.M)  # 4 regions

    code, second, _ = mlcanvas_main("run", "sales_by_region")
    assert code == 0
    assert "nothing to do" in second
    status = mlcanvas_main("status", "sales_by_region")[1]
    assert status.count(" fresh ") == 5, status


def test_cli_validate_reports_issues_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    mlcanvas_main = _in_process(monkeypatch, capsys, tmp_path / "home")
    document = json.loads((REPO / "canvas_assets/examples/sales_by_region.json").read_text())
    document["nodes"][2]["params"]["expression"] = "units * unit_prise"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document))
    code, out, _ = mlcanvas_main("validate", str(path))
    assert code == 1
    assert "unit_prise" in out and "unit_price" in out  # did-you-mean

    path.write_text("{not json")
    code, _, errors = mlcanvas_main("validate", str(path))
    assert code == 1 and "not valid JSON" in errors


def _wait_loaded(port: int | str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            data = _graphql(
                port,
                """{ workspaceOrError { ... on Workspace {
                locationEntries { name loadStatus } } } }""",
            )
            entries = data["workspaceOrError"]["locationEntries"]
            if entries and entries[0]["loadStatus"] == "LOADED":
                return
        except OSError:
            pass
        assert process.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, "webserver did not load the code location"
        time.sleep(0.25)


LAUNCH = """mutation($p: ExecutionParams!) { launchRun(executionParams: $p) {
    __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }"""


def test_mlcanvas_up_serves_lineage_materializations_and_ui_launched_runs(tmp_path: Path) -> None:
    """What `make run` starts: the Dagster UI shows each workflow's lineage as drawn and the
    CLI's materializations; a run launched from the UI goes through the daemon's queue and a run
    worker that rebuilds the pinned graph; SIGTERM stops everything."""
    env = _env(tmp_path / "home")
    mlcanvas(env, "examples")
    run = mlcanvas(env, "run", "sales_by_region")
    assert run.returncode == 0, run.stderr
    run_id = _run_id(run.stdout)

    log_path = tmp_path / "up.log"
    log = log_path.open("w")
    api_port = _free_port()
    port = f"{api_port}/dagster"  # the Dagster UI, served only through the API
    up = subprocess.Popen(
        [str(BIN / "mlcanvas"), "up", "--api-port", str(api_port)],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_loaded(port, up, log_path)
        api = _graphql(api_port, "{ nodeTypes { typeId } }")  # loopback: local admin
        assert "sources.csv" in {t["typeId"] for t in api["nodeTypes"]}
        data = _graphql(
            port,
            """{ assetNodes(group: {groupName: "sales_by_region",
            repositoryName: "__repository__", repositoryLocationName: "visual_ml_canvas"}) {
            assetKey { path } dependencyKeys { path } } }""",
        )
        lineage = {
            "/".join(n["assetKey"]["path"]): sorted(
                "/".join(d["path"]) for d in n["dependencyKeys"]
            )
            for n in data["assetNodes"]
        }
        assert lineage == {
            "sales_by_region/orders": [],
            "sales_by_region/non_empty": ["sales_by_region/orders"],
            "sales_by_region/revenue": ["sales_by_region/non_empty"],
            "sales_by_region/totals": ["sales_by_region/revenue"],
            "sales_by_region/chart": ["sales_by_region/totals"],
        }
        data = _graphql(
            port,
            """{ assetOrError(assetKey: {path: ["sales_by_region", "chart"]}) {
            ... on Asset { assetMaterializations(limit: 1) { runId } } } }""",
        )
        assert data["assetOrError"]["assetMaterializations"][0]["runId"] == run_id

        keys = [
            {"path": ["iris_enriched", n]} for n in ("iris", "species", "joined", "table", "export")
        ]
        launched = _graphql(
            port,
            LAUNCH,
            {
                "p": {
                    "selector": {
                        "repositoryLocationName": "visual_ml_canvas",
                        "repositoryName": "__repository__",
                        "jobName": "__ASSET_JOB",
                        "assetSelection": keys,
                    }
                }
            },
        )["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        ui_run = launched["run"]["runId"]
        deadline = time.monotonic() + 150
        status = ""
        while time.monotonic() < deadline and status not in ("SUCCESS", "FAILURE", "CANCELED"):
            time.sleep(0.5)
            status = _graphql(
                port,
                f"""{{ runOrError(runId: "{ui_run}") {{
                ... on Run {{ status }} }} }}""",
            )["runOrError"]["status"]
        assert status == "SUCCESS", log_path.read_text()[-4000:]
        fresh = mlcanvas(env, "status", "iris_enriched")
        assert fresh.stdout.count(" fresh ") == 5, fresh.stdout
    finally:
        up.send_signal(signal.SIGTERM)
        try:
            up.wait(timeout=45)
        except subprocess.TimeoutExpired:
            up.kill()
            raise
        finally:
            log.close()
    assert up.returncode == 0
    with pytest.raises(OSError):
        _graphql(port, "{ __typename }")


def test_production_setup_stores_runs_in_postgres_and_artifacts_in_s3(
    tmp_path: Path, pg_url: str, s3_service
) -> None:
    import psycopg

    home = tmp_path / "dagster_pg"
    home.mkdir()
    shutil.copy(REPO / "dagster_home/postgres/dagster.yaml", home / "dagster.yaml")
    bucket = f"canvas-{uuid.uuid4().hex[:8]}"
    s3_service.client().create_bucket(Bucket=bucket)
    plain_pg = pg_url.replace("postgresql+psycopg://", "postgresql://")
    env = _env(
        home,
        CANVAS_DATABASE_URL=pg_url,
        CANVAS_DAGSTER_PG_URL=plain_pg,
        CANVAS_ARTIFACTS=f"s3://{bucket}/artifacts",
        CANVAS_S3_ENDPOINT_URL=s3_service.endpoint_url,
    )

    assert mlcanvas(env, "examples").returncode == 0
    first = mlcanvas(env, "run", "iris_enriched")
    assert first.returncode == 0, first.stderr + first.stdout
    run_id = _run_id(first.stdout)
    assert re.search(r"^joined\s+succeeded\s+\S+\s+150\b", first.stdout, re.M), first.stdout

    listed = s3_service.client().list_objects_v2(Bucket=bucket, Prefix="artifacts/iris_enriched/")
    keys = [o["Key"] for o in listed.get("Contents", [])]
    for node, ext in (("iris", "parquet"), ("joined", "parquet"), ("export", "bin")):
        assert any(
            re.match(rf"artifacts/iris_enriched/{node}/[0-9a-f]{{32}}/\w+\.{ext}$", k) for k in keys
        ), keys
    with psycopg.connect(plain_pg) as conn:
        assert conn.execute(
            "select count(*) from runs where run_id = %s", (run_id,)
        ).fetchone() == (1,)
        assert conn.execute("select count(*) from canvas_workflows").fetchone()[0] >= 2

    second = mlcanvas(env, "run", "iris_enriched")
    assert "nothing to do" in second.stdout, second.stdout + second.stderr
