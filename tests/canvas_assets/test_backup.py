"""`mlcanvas backup` and `mlcanvas restore` in-process: a run's results come back fresh in another
home, an older backup is upgraded, and a restore never overwrites a store by accident."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from canvas_assets.cli import main
from canvas_assets.services import CanvasServices

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "canvas_assets/examples/sales_by_region.json"


def use_home(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    monkeypatch.setenv("CANVAS_HOME", str(home))
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("CANVAS_DATA_ROOTS", str(REPO / "data"))
    monkeypatch.delenv("CANVAS_DATABASE_URL", raising=False)
    monkeypatch.delenv("CANVAS_ARTIFACTS", raising=False)


def snapshot() -> dict[str, object]:
    services = CanvasServices.from_env()
    try:
        stored = services.store.get("sales_by_region")
        return {
            "document": stored.workflow.model_dump(),
            "revision": stored.revision,
            "log": [(b.revision, b.kind, b.author) for b in services.store.ops_since(stored.id, 0)],
            "tokens": [(t.id, t.name, t.role.value) for t in services.tokens.list()],
            "status": {
                n: s.state.value for n, s in services.statuses(services.plan(stored)).items()
            },
            "runs": len(services.instance.get_run_records()),
        }
    finally:
        services.store.dispose()


def test_a_backup_restored_into_a_fresh_home_gives_the_same_workflows_history_and_fresh_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_home(monkeypatch, tmp_path / "one")
    assert main(["import", str(EXAMPLE)]) == 0
    assert main(["token", "create", "--name", "ci", "--role", "editor"]) == 0
    secret = capsys.readouterr().out.splitlines()[-1]
    assert main(["run", "sales_by_region"]) == 0
    before = snapshot()
    assert set(before["status"].values()) == {"fresh"} and before["runs"] == 1

    backup = tmp_path / "backup.zip"
    assert main(["backup", "-o", str(backup), "--with-artifacts"]) == 0
    with zipfile.ZipFile(backup) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = archive.namelist()
    assert manifest["tables"]["canvas_workflows"] == 1
    assert manifest["artifacts"]["count"] > 0 and manifest["dagster_files"]
    assert secret not in backup.read_bytes().decode("latin-1")  # only the token's hash is kept
    assert any(n.startswith("artifacts/sales_by_region/") for n in names)

    use_home(monkeypatch, tmp_path / "two")
    capsys.readouterr()
    assert main(["restore", str(backup)]) == 0
    assert snapshot() == before
    assert CanvasServices.from_env().tokens.authenticate(secret) is not None
    assert main(["status", "sales_by_region"]) == 0
    assert "stale" not in capsys.readouterr().out


def test_a_backup_of_the_embedded_default_restores_into_a_postgresql_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_url: str
) -> None:
    # the way from a laptop to a team server: the same workflows, history, tokens and fresh
    # results, with the store now in PostgreSQL
    use_home(monkeypatch, tmp_path / "one")
    assert main(["import", str(EXAMPLE)]) == 0
    assert main(["token", "create", "--name", "ci", "--role", "viewer"]) == 0
    assert main(["run", "sales_by_region"]) == 0
    before = snapshot()
    backup = tmp_path / "backup.zip"
    assert main(["backup", "-o", str(backup), "--with-artifacts"]) == 0

    use_home(monkeypatch, tmp_path / "two")
    monkeypatch.setenv("CANVAS_DATABASE_URL", pg_url)
    assert main(["restore", str(backup)]) == 0
    assert snapshot() == before
    assert set(before["status"].values()) == {"fresh"}  # type: ignore[union-attr]


def test_a_restore_refuses_a_store_that_has_data_unless_forced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_home(monkeypatch, tmp_path / "one")
    assert main(["import", str(EXAMPLE)]) == 0
    backup = tmp_path / "backup.zip"
    assert main(["backup", "-o", str(backup)]) == 0

    use_home(monkeypatch, tmp_path / "two")
    other = json.loads(EXAMPLE.read_text()) | {"slug": "other", "id": ""}
    (tmp_path / "other.json").write_text(json.dumps(other))
    assert main(["import", str(tmp_path / "other.json")]) == 0
    capsys.readouterr()
    assert main(["restore", str(backup)]) == 1
    err = capsys.readouterr().err
    assert "is not empty" in err and "--force" in err
    assert [s.workflow.slug for s in CanvasServices.from_env().store.list()] == ["other"]

    assert main(["restore", "--force", str(backup)]) == 0
    assert [s.workflow.slug for s in CanvasServices.from_env().store.list()] == ["sales_by_region"]


def test_a_backup_of_a_first_release_store_is_restored_at_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from canvas_assets.storage import migrations
    from tests.canvas_assets.test_migrations import LEGACY_SECRET, load_first_release

    use_home(monkeypatch, tmp_path / "one")
    (tmp_path / "one").mkdir()
    load_first_release(f"sqlite:///{tmp_path / 'one' / 'canvas.db'}")
    backup = tmp_path / "backup.zip"
    assert main(["backup", "-o", str(backup)]) == 0  # backing up before `db upgrade` works

    use_home(monkeypatch, tmp_path / "two")
    assert main(["restore", str(backup)]) == 0
    services = CanvasServices.from_env()
    assert migrations.status(services.store.engine).state is migrations.SchemaState.CURRENT
    assert services.store.get("legacy_sales").revision == 2
    assert services.tokens.authenticate(LEGACY_SECRET) is not None


def test_a_damaged_or_foreign_file_is_refused_with_what_is_wrong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_home(monkeypatch, tmp_path / "home")
    (tmp_path / "not.zip").write_text("hello")
    assert main(["restore", str(tmp_path / "not.zip")]) == 1
    assert "pass a file from `mlcanvas backup`" in capsys.readouterr().err

    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        manifest = {
            "format": "mlcanvas-backup",
            "format_version": 1,
            "schema_revision": "0001",
            "tables": {},
            "dagster_files": ["history/../../escape.db"],
        }
        archive.writestr("manifest.json", json.dumps(manifest))
    assert main(["restore", str(evil)]) == 1
    assert "outside history/ and schedules/" in capsys.readouterr().err
    assert not (tmp_path / "home" / "canvas.db").exists()
