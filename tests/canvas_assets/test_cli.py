"""The mlcanvas command in-process: tokens, import/export/list, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from canvas_assets.cli import main
from canvas_assets.services import CanvasServices

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CANVAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CANVAS_DATA_ROOTS", str(REPO / "data"))
    return tmp_path / "home"


def test_token_create_prints_only_the_secret_which_then_authenticates(home, capsys) -> None:
    assert main(["token", "create", "--name", "ci", "--role", "editor"]) == 0
    out = capsys.readouterr()
    secret = out.out.strip()
    assert secret.startswith("mlc_") and "\n" not in secret
    assert "shown only once" in out.err
    principal = CanvasServices.from_env().tokens.authenticate(secret)
    assert principal is not None and principal.role.value == "editor"

    assert main(["token", "list"]) == 0
    listing = capsys.readouterr().out
    assert "ci" in listing and secret not in listing
    assert main(["token", "revoke", principal.token_id]) == 0
    assert main(["token", "revoke", principal.token_id]) == 1
    assert "no active token" in capsys.readouterr().err


def test_a_bad_role_is_refused_by_the_parser(home, capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["token", "create", "--name", "x", "--role", "owner"])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_import_list_export_round_trip(home, tmp_path, capsys) -> None:
    source = REPO / "canvas_assets/examples/sales_by_region.json"
    assert main(["import", str(source)]) == 0
    assert main(["list"]) == 0
    assert "sales_by_region" in capsys.readouterr().out
    out = tmp_path / "out.json"
    assert main(["export", "sales_by_region", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["nodes"] == json.loads(source.read_text())["nodes"]


def test_unknown_workflow_is_a_clear_error(home, capsys) -> None:
    assert main(["status", "nope"]) == 1
    assert "no workflow with id or slug 'nope'" in capsys.readouterr().err
