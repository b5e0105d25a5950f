"""The shell around the product: `mlcanvas nodes`, what `mlcanvas run` prints when it finishes
(metrics, exported files, the nodes' own error messages), `mlcanvas output`, the page `/` serves
while the canvas is not built, the URLs `up` prints, and `make`'s Chromium step."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import re
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import httpx
import pandas as pd
import pytest
from pydantic import BaseModel

from canvas_assets.cli import main
from canvas_assets.cli.formatting import cell_text, node_message, number
from canvas_assets.cli.nodes import type_text
from canvas_assets.cli.processes import CANVAS_INDEX, url_lines
from canvas_assets.services import CanvasServices
from graphql_api.app import FRONTEND_DIR, create_app
from node_library.contract import ExecutionContext, PortSchema
from node_library.graph import load_workflow
from node_library.nodes import CATEGORIES
from node_library.nodes.outputs.export import ExportNode
from node_library.registry import NodeRegistry, default_registry
from node_library.schema import Dtype, TableSchema
from node_library.settings import NodeSettings
from tests.canvas_assets.conftest import make_services
from tests.canvas_assets.toy_nodes import NODES, NumbersNode, NumbersParams

REPO = Path(__file__).resolve().parents[2]


class BoomNode(NumbersNode):
    """A node whose code raises a plain exception (not a NodeError)."""

    type_id = "toy.boom"
    display_name = "Boom"

    def infer_schema(
        self, params: NumbersParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        return {"data": TableSchema.of(x=Dtype.INTEGER)}

    def execute(
        self, ctx: ExecutionContext, params: NumbersParams, **inputs: Any
    ) -> dict[str, Any]:
        raise ValueError("column 'x' holds text where numbers belong")


@pytest.fixture
def services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CanvasServices]:
    """The toy nodes, a failing one and the real export node, behind every CanvasServices the
    CLI makes."""
    services = make_services(tmp_path, registry=NodeRegistry([*NODES, BoomNode, ExportNode]))
    monkeypatch.setattr(CanvasServices, "from_env", classmethod(lambda cls: services))
    monkeypatch.delenv("CANVAS_CSV_RAW", raising=False)
    yield services
    services.store.dispose()


def _edge(source: str, source_port: str, target: str, target_port: str = "data") -> dict[str, str]:
    return {
        "id": f"{source}_{target}",
        "source": source,
        "source_port": source_port,
        "target": target,
        "target_port": target_port,
    }


def _store(services: CanvasServices, nodes: list[dict[str, Any]], edges=()) -> str:
    document = {"slug": "shell", "name": "Shell", "nodes": nodes, "edges": list(edges)}
    services.store.create(load_workflow(document, services.registry))
    return "shell"


def _results_workflow(services: CanvasServices) -> str:
    """numbers (5 rows) -> split (head + stats metrics), numbers -> export (CSV)."""
    return _store(
        services,
        [
            {"id": "numbers", "type": "toy.numbers", "params": {"rows": 5}},
            {"id": "split", "type": "toy.split", "params": {"rows": 2}},
            {"id": "export", "type": "outputs.export", "params": {"file_name": "numbers"}},
        ],
        [_edge("numbers", "data", "split"), _edge("numbers", "data", "export")],
    )


# -- mlcanvas nodes ---------------------------------------------------------------------------


def test_nodes_lists_each_category_in_palette_order_with_ports_and_params(capsys) -> None:
    assert main(["nodes"]) == 0
    out = capsys.readouterr().out
    registry = default_registry()
    headers = re.findall(r"^(\w+): (\d+) node types?$", out, re.M)
    assert [c for c, _ in headers] == [
        c for c in CATEGORIES if any(t.category == c for t in registry)
    ]
    assert sum(int(n) for _, n in headers) == len(registry)
    for node_type in registry:
        assert re.search(
            rf"^  {re.escape(node_type.type_id)}  {re.escape(node_type.display_name)}$", out, re.M
        )
    block = out[out.index("  split.train_test_split") :]
    assert (
        "    inputs:  data (dataframe)\n    outputs: train (dataframe), test (dataframe)" in block
    )
    assert re.search(r"^    param\s+required\s+default\s+type$", block, re.M)
    assert re.search(
        r'^    method\s+no\s+"random"\s+"random" \| "stratified" \| "time-ordered"$', block, re.M
    )
    assert re.search(r"^    test_size\s+no\s+0\.25\s+float$", block, re.M)
    # an optional input port says so
    assert "model_c (model_spec, optional)" in out


def test_nodes_filters_by_category_and_an_unknown_one_lists_the_categories(capsys) -> None:
    assert main(["nodes", "models"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("models: ")
    listed = re.findall(r"^  (\w+\.\w+)  ", out, re.M)
    assert listed and all(t.startswith("models.") for t in listed)
    assert len(listed) == sum(1 for t in default_registry() if t.category == "models")

    assert main(["nodes", "modles"]) == 2
    err = capsys.readouterr().err
    assert "no node category 'modles'" in err
    assert "the categories: " + ", ".join(CATEGORIES) in err


def test_nodes_json_is_the_same_listing(capsys) -> None:
    assert main(["nodes", "split", "--json"]) == 0
    (group,) = json.loads(capsys.readouterr().out)
    assert group["category"] == "split"
    (split,) = group["node_types"]
    assert split["type_id"] == "split.train_test_split" and split["label"] == "Train/test split"
    assert split["inputs"] == [{"name": "data", "kind": "dataframe", "required": True}]
    assert split["outputs"] == [
        {"name": "train", "kind": "dataframe"},
        {"name": "test", "kind": "dataframe"},
    ]
    params = {p["name"]: p for p in split["params"]}
    assert params["test_size"] == {
        "name": "test_size",
        "type": "float",
        "default": 0.25,
        "required": False,
    }


def test_nodes_shows_a_required_param_without_default(services, capsys) -> None:
    assert main(["nodes", "toy"]) == 0
    assert re.search(r"^    path\s+yes\s+-\s+str$", capsys.readouterr().out, re.M)
    assert main(["nodes", "toy", "--json"]) == 0
    (group,) = json.loads(capsys.readouterr().out)
    (text_file,) = [t for t in group["node_types"] if t["type_id"] == "toy.text_file"]
    assert text_file["params"] == [
        {"name": "path", "type": "str", "default": None, "required": True}
    ]


class _Entry(BaseModel):
    column: str


def test_param_types_read_as_in_a_workflow_file() -> None:
    assert type_text(int) == "int"
    assert type_text(list[str] | None) == "list[str] | null"
    assert type_text(Literal["sqrt", "log2"] | None) == '"sqrt" | "log2" | null'
    assert type_text(dict[str, Literal["a", "b"]]) == 'dict[str, "a" | "b"]'
    assert type_text(list[_Entry]) == "list[_Entry object]"
    assert type_text(Any) == "any"


# -- mlcanvas run: results and errors ---------------------------------------------------------


def test_run_prints_metrics_and_exported_files_below_the_node_summary(services, capsys) -> None:
    slug = _results_workflow(services)
    assert main(["run", slug]) == 0
    out = capsys.readouterr().out
    summary, _, results = out.partition("\n\n")
    assert re.search(r"^node\s+status\s+duration\s+rows out\s+message$", summary, re.M)
    assert re.search(r"^run [0-9a-f-]{36} succeeded", summary, re.M)
    assert re.search(r"^numbers\s+succeeded\s+\S+s\s+5\b", summary, re.M)
    assert "metrics from node 'split', port 'stats':\n  metric  value\n  rows    5" in results
    match = re.search(r"^  export\s+numbers\.csv\s+\S+ B\s+(/\S+)$", results, re.M)
    assert match, results
    written = pd.read_csv(Path(match.group(1)))
    assert written["x"].tolist() == [0, 1, 2, 3, 4]

    # nothing to run: the results still come at the end
    assert main(["run", slug]) == 0
    again = capsys.readouterr().out
    assert "nothing to do" in again
    assert "  rows    5" in again and match.group(1) in again


def test_run_shows_each_failing_node_own_message_without_internal_prefixes(
    services, capsys
) -> None:
    slug = _store(
        services,
        [
            {"id": "numbers", "type": "toy.numbers", "params": {}},
            {"id": "add", "type": "toy.add", "params": {"fail": True}},
            {"id": "boom", "type": "toy.boom", "params": {}},
        ],
        [_edge("numbers", "data", "add")],
    )
    assert main(["run", slug]) == 1
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines() if line}
    assert rows["boom"].endswith("ValueError: column 'x' holds text where numbers belong")
    assert rows["add"].endswith("[toy_failure] fail: asked to fail (fix: set fail to false)")
    assert "dagster" not in out and "Failure:" not in out and "executing op" not in out
    assert re.search(r"^run [0-9a-f-]{36} FAILED", out, re.M)


def test_node_message_drops_the_prefixes_of_the_layers_between() -> None:
    assert node_message("dagster._core.definitions.events.Failure: [bad] x: no (fix: y)") == (
        "[bad] x: no (fix: y)"
    )
    assert node_message("Failure: the file is empty") == "the file is empty"
    assert (
        node_message("dagster._core.errors.DagsterExecutionStepExecutionError: Failure: oops\n")
        == "oops"
    )
    assert node_message("node_library.contract.NodeError: [c] m") == "[c] m"
    assert node_message("KeyError: 'region'") == "KeyError: 'region'"
    assert node_message("line one\n  line two") == "line one line two"


def test_numbers_and_cells_for_people() -> None:
    assert number(0.986013986013986) == "0.986014"
    assert number(1234567.89) == "1234567.89"
    assert number(3.0) == "3"
    assert number(float("nan")) == "nan"
    assert cell_text(None) == "" and cell_text(True) == "True"
    assert cell_text("a\nb") == "a\\nb"
    assert cell_text("x" * 100, width=10) == "x" * 9 + "…"
    assert cell_text({"a": [1, 2]}) == '{"a": [1, 2]}'


# -- mlcanvas output --------------------------------------------------------------------------


def test_output_prints_a_table_as_text_csv_and_json_lines(services, capsys) -> None:
    slug = _results_workflow(services)
    assert main(["run", slug]) == 0
    capsys.readouterr()

    assert main(["output", slug, "numbers"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "shell/numbers data (dataframe): 5 rows, 1 columns",
        "x",
        *[str(i) for i in range(5)],
    ]

    assert main(["output", slug, "numbers", "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[2:] == [
        "0",
        "1",
        "... 3 more rows (--limit N shows more; --csv or --json prints every row)",
    ]

    assert main(["output", slug, "split", "--port", "head", "--csv"]) == 0
    assert capsys.readouterr().out == "x\r\n0\r\n1\r\n"
    assert main(["output", slug, "numbers", "--csv", "--limit", "0"]) == 0
    assert capsys.readouterr().out == "x\r\n"

    assert main(["output", slug, "numbers", "--json", "--limit", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == [{"x": 0}, {"x": 1}, {"x": 2}]


def test_output_csv_is_written_as_the_download_writes_it(services, capsys, monkeypatch) -> None:
    (services.settings.data_roots[0] / "lines.txt").write_text('=HYPERLINK("x")\nplain\n')
    slug = _store(
        services, [{"id": "lines", "type": "toy.text_file", "params": {"path": "lines.txt"}}]
    )
    assert main(["run", slug]) == 0
    capsys.readouterr()
    assert main(["output", slug, "lines", "--csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows == [["line"], ['\'=HYPERLINK("x")'], ["plain"]]  # formula kept from running
    monkeypatch.setenv("CANVAS_CSV_RAW", "1")
    assert main(["output", slug, "lines", "--csv"]) == 0
    assert list(csv.reader(io.StringIO(capsys.readouterr().out)))[1] == ['=HYPERLINK("x")']


def test_output_prints_metrics_as_a_table_and_a_file_as_its_path(services, capsys) -> None:
    slug = _results_workflow(services)
    assert main(["run", slug]) == 0
    capsys.readouterr()

    assert main(["output", slug, "split", "--port", "stats"]) == 0
    assert capsys.readouterr().out == "metric  value\nrows    5\n"
    assert main(["output", slug, "split", "--port", "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"rows": 5}
    assert main(["output", slug, "split", "--port", "stats", "--csv"]) == 0
    assert capsys.readouterr().out == "metric,value\r\nrows,5\r\n"

    assert main(["output", slug, "export"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.is_file() and path.is_relative_to(services.config.home / "artifacts")
    assert pd.read_csv(path)["x"].tolist() == [0, 1, 2, 3, 4]
    assert main(["output", slug, "export", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["name"] == "numbers.csv" and info["path"] == str(path)
    assert info["size_bytes"] == path.stat().st_size
    assert main(["output", slug, "export", "--csv"]) == 2
    assert "has no CSV form" in capsys.readouterr().err


def test_output_before_a_run_names_the_run_to_do(services, capsys) -> None:
    slug = _results_workflow(services)
    assert main(["output", slug, "split"]) == 1
    err = capsys.readouterr().err
    assert "node 'split' has no result for its current params and inputs (missing" in err
    assert "run `mlcanvas run shell` first" in err


def test_output_of_an_unknown_node_or_port_names_the_valid_ones(services, capsys) -> None:
    slug = _results_workflow(services)
    assert main(["output", slug, "nope"]) == 2
    assert "has no node 'nope'; its nodes: numbers, split, export" in capsys.readouterr().err
    assert main(["output", slug, "split", "--port", "tail"]) == 2
    err = capsys.readouterr().err
    assert "has no output port 'tail'" in err and "head, stats" in err


# -- the canvas page and `up`'s URLs ----------------------------------------------------------


def test_root_says_how_to_build_the_canvas_until_it_is_built(tmp_path: Path) -> None:
    services = make_services(tmp_path, registry=NodeRegistry(NODES))
    dist = tmp_path / "dist"
    app = create_app(services, local_admin=True, frontend_dir=dist)

    async def requests() -> dict[str, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            answers = {
                "/": await client.get("/"),
                "deep link": await client.get("/workflows/shell"),
                "/healthz": await client.get("/healthz"),
                "/graphql": await client.post(
                    "/graphql", json={"query": "{ nodeTypes { typeId } }"}
                ),
            }
            # built while the server runs: served from the next request on
            dist.mkdir()
            (dist / "index.html").write_text("<html><body>the canvas</body></html>")
            answers["built"] = await client.get("/")
            return answers

    try:
        answers = asyncio.run(requests())
    finally:
        services.store.dispose()
    page = answers["/"]
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    assert "The canvas is not built" in page.text
    assert "make frontend" in page.text and "make run" in page.text
    assert 'href="/graphql"' in page.text and 'href="/dagster/"' in page.text
    assert answers["deep link"].status_code == 503
    assert answers["/healthz"].status_code == 200
    assert answers["/graphql"].status_code == 200 and "toy.numbers" in answers["/graphql"].text
    assert answers["built"].status_code == 200 and "the canvas" in answers["built"].text


def test_up_prints_the_canvas_url_first_with_a_note_while_it_is_not_built() -> None:
    built = url_lines("127.0.0.1", 8000, canvas_built=True)
    assert built == [
        "Canvas: http://127.0.0.1:8000/",
        "GraphQL API (and GraphiQL):  http://127.0.0.1:8000/graphql",
        "Dagster UI (lineage, runs):  http://127.0.0.1:8000/dagster/",
    ]
    first = url_lines("127.0.0.1", 8000, canvas_built=False)[0]
    assert first.startswith("Canvas: http://127.0.0.1:8000/ (not built yet")
    assert "make frontend" in first and "make run" in first
    # `up` checks the file the API serves
    assert CANVAS_INDEX == FRONTEND_DIR / "index.html"


# -- make test's Chromium step ----------------------------------------------------------------


def _make_chromium(**variables: str) -> subprocess.CompletedProcess[str]:
    overrides = [f"{k}={v}" for k, v in variables.items()]
    # a make of its own: under `make test` the suite inherits the outer make's jobserver
    # settings, and a nested make warns about them on stderr
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return subprocess.run(
        ["make", "--no-print-directory", "chromium", *overrides],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_make_stops_at_once_with_the_command_when_chromium_is_missing(tmp_path: Path) -> None:
    # APT_GET empty: the machine cannot install it itself (never apt-get from a test)
    missing = _make_chromium(CHROMIUM=str(tmp_path / "chromium"), APT_GET="")
    assert missing.returncode != 0
    assert "sudo apt-get install -y --no-install-recommends chromium" in missing.stderr
    assert "playwright" not in missing.stdout + missing.stderr

    present = _make_chromium(CHROMIUM="/bin/sh", APT_GET="")
    assert present.returncode == 0 and present.stdout == "" and present.stderr == ""

    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^suite: .*\bchromium\b", makefile, re.M)
    assert re.search(r"^test: .*\bchromium\b", makefile, re.M)
