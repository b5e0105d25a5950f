"""Artifact retention and garbage collection on a local folder and on real S3 (SeaweedFS): what is
referenced stays, the rest goes by age and size, and a half-done collection never leaves a result
that counts as present."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
import pytest

from canvas_assets.cli import main
from canvas_assets.maintenance.retention import (
    PIN_PROVIDERS,
    PINS_FILE,
    ResultKey,
    RetentionError,
    RetentionPolicy,
    collect_garbage,
)
from canvas_assets.services import CanvasServices
from canvas_assets.storage.artifacts import (
    ArtifactError,
    ArtifactRef,
    ArtifactStore,
    Backend,
    LocalBackend,
    S3Backend,
    StoredObject,
    open_backend,
)
from node_library.datatypes import DataType
from node_library.graph import load_workflow
from tests.canvas_assets.conftest import make_services
from tests.canvas_assets.toy_nodes import EXECUTIONS, chain_workflow

DAY = 86_400.0
LATER = 40 * DAY  # "now" 40 days on: every stored result is past a 30-day age limit
ONLY_CURRENT = RetentionPolicy(days=30, keep_revisions=1)


@pytest.fixture(params=["local", "s3"])
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CanvasServices]:
    EXECUTIONS.clear()
    if request.param == "local":
        made = make_services(tmp_path)
    else:
        s3 = request.getfixturevalue("s3_service")
        bucket = s3.create_bucket()
        made = make_services(tmp_path, artifacts=f"s3://{bucket}/runs", endpoint=s3.endpoint_url)
    yield made
    made.store.dispose()


@pytest.fixture
def local(tmp_path: Path) -> Iterator[CanvasServices]:
    EXECUTIONS.clear()
    made = make_services(tmp_path)
    yield made
    made.store.dispose()


@pytest.fixture(scope="module")
def _generations_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, set[Any]]:
    """`_two_generations` run once per module on the local backend; tests get a copy."""
    folder = tmp_path_factory.mktemp("generations")
    made = make_services(folder)
    slug, old = _two_generations(made)
    made.store.dispose()
    made.instance.dispose()
    return folder, slug, old


@pytest.fixture
def generations(
    _generations_template: tuple[Path, str, set[Any]], tmp_path: Path
) -> Iterator[tuple[CanvasServices, str, set[ResultKey]]]:
    """A local home holding the two generations of `_two_generations` (copied, mtimes kept)."""
    folder, slug, old = _generations_template
    shutil.copytree(folder, tmp_path, dirs_exist_ok=True)
    made = make_services(tmp_path)
    yield made, slug, old
    made.store.dispose()


def _edit(services: CanvasServices, slug: str, node_id: str, **params: object) -> None:
    stored = services.store.get(slug)
    workflow = stored.workflow.model_copy(deep=True)
    node = workflow.node(node_id)
    assert node is not None
    node.params.update(params)
    services.store.save(workflow, stored.revision)


def _keys(services: CanvasServices, slug: str) -> dict[str, str]:
    plan = services.plan(services.store.get(slug))
    return {node_id: node.cache_key for node_id, node in plan.nodes.items()}


def _two_generations(services: CanvasServices) -> tuple[str, set[ResultKey]]:
    """The chain run with add_one's amount 1, then 2, then set back to 1 (fresh without a run):
    returns the slug and the results of amount 2, which no current node references."""
    slug = services.store.create(load_workflow(chain_workflow())).workflow.slug
    assert services.run(slug).success
    _edit(services, slug, "add_one", amount=2)
    assert services.run(slug).success
    old = {
        ResultKey(slug, n, k)
        for n, k in _keys(services, slug).items()
        if n in ("add_one", "add_ten", "split")
    }
    _edit(services, slug, "add_one", amount=1)
    return slug, old


def _stored(services: CanvasServices) -> dict[str, StoredObject]:
    return {o.key: o for o in services.artifacts.backend.list_objects()}


def _results(services: CanvasServices) -> set[ResultKey]:
    return {ResultKey(*key.split("/")[:3]) for key in _stored(services)}


def _states(services: CanvasServices, slug: str) -> dict[str, tuple[str, str]]:
    statuses = services.statuses(services.plan(services.store.get(slug)))
    return {n: (s.state.value, s.cache_key) for n, s in statuses.items()}


def _doomed(report: Any) -> set[ResultKey]:
    return {d.result.key for d in report.doomed}


def _age(services: CanvasServices, key: ResultKey, days: float) -> None:
    backend = services.artifacts.backend
    assert isinstance(backend, LocalBackend)
    when = time.time() - days * DAY
    for path in backend.path(str(key)).iterdir():
        os.utime(path, (when, when))


def test_dry_run_lists_exactly_the_unreferenced_results_and_gc_frees_those_bytes(
    services: CanvasServices,
) -> None:
    slug, old = _two_generations(services)
    before, states = _stored(services), _states(services, slug)
    assert {s for s, _ in states.values()} == {"fresh"}

    dry = collect_garbage(services, ONLY_CURRENT, dry_run=True, now=time.time() + LATER)

    assert _doomed(dry) == old
    assert {d.reason for d in dry.doomed} == {"older than 30 days"}
    doomed_objects = {k: o for k, o in before.items() if ResultKey(*k.split("/")[:3]) in old}
    assert dry.freed_bytes == sum(o.size for o in doomed_objects.values()) > 0
    assert dry.per_workflow() == {slug: (3, dry.freed_bytes)}
    assert dry.kept["current node"] == 5 and not dry.deleted
    assert _stored(services) == before  # a dry run deletes nothing

    done = collect_garbage(services, ONLY_CURRENT, dry_run=False, now=time.time() + LATER)

    assert done.deleted and _doomed(done) == old
    after = _stored(services)
    assert set(after) == set(before) - set(doomed_objects)
    assert sum(o.size for o in before.values()) - sum(o.size for o in after.values()) == (
        done.freed_bytes
    )
    assert _states(services, slug) == states  # every current node is still fresh
    again = collect_garbage(services, ONLY_CURRENT, dry_run=True, now=time.time() + LATER)
    assert not again.doomed


def test_results_of_recent_revisions_stay_so_undo_finds_them(
    generations: tuple[CanvasServices, str, set[ResultKey]],
) -> None:
    local, _slug, _old = generations  # revisions: amount 1, then 2, then 1 again

    report = collect_garbage(
        local, replace(ONLY_CURRENT, keep_revisions=3), dry_run=False, now=time.time() + LATER
    )

    assert not report.doomed
    assert report.kept["recent revision"] == 3


def test_pinned_results_survive_from_the_option_and_from_the_pins_file(
    generations: tuple[CanvasServices, str, set[ResultKey]],
) -> None:
    local, slug, old = generations
    by_node = {k.node_id: k for k in old}
    (local.config.home / PINS_FILE).write_text(
        f"# kept for the audit\n{slug}/add_ten/{by_node['add_ten'].cache_key}  # comment\n"
    )
    policy = ONLY_CURRENT.with_pins([f"{slug}/add_one/{by_node['add_one'].cache_key}"])

    report = collect_garbage(local, policy, dry_run=False, now=time.time() + LATER)

    assert _doomed(report) == {by_node["split"]}
    assert report.kept["pinned"] == 2
    assert {by_node["add_one"], by_node["add_ten"]} <= _results(local)


def test_a_bad_pin_is_refused_naming_where_it_is_and_nothing_is_deleted(
    generations: tuple[CanvasServices, str, set[ResultKey]],
) -> None:
    local, _slug, _old = generations
    before = _stored(local)
    (local.config.home / PINS_FILE).write_text("ok_workflow\nwf/../../etc\n")

    with pytest.raises(RetentionError, match=r"retention-pins.txt line 2: 'wf/../../etc'"):
        collect_garbage(local, ONLY_CURRENT, dry_run=False, now=time.time() + LATER)
    with pytest.raises(RetentionError, match="--keep: 'a//b' is not a pin"):
        ONLY_CURRENT.with_pins(["a//b"])
    assert _stored(local) == before


def test_results_younger_than_the_age_limit_or_the_in_flight_window_stay(
    generations: tuple[CanvasServices, str, set[ResultKey]],
) -> None:
    local, _slug, old = generations

    within_age = collect_garbage(local, ONLY_CURRENT, dry_run=True, now=time.time() + 7200)
    no_age_limit = collect_garbage(local, replace(ONLY_CURRENT, days=0), dry_run=True)
    no_window = collect_garbage(
        local, replace(ONLY_CURRENT, days=0, in_flight_hours=0), dry_run=True
    )

    assert not within_age.doomed and within_age.kept["within the age and size limits"] == 3
    assert not no_age_limit.doomed and no_age_limit.kept["too new (may be being written)"] == 3
    assert _doomed(no_window) == old


def test_the_size_limit_deletes_the_oldest_unreferenced_results_first(
    generations: tuple[CanvasServices, str, set[ResultKey]],
) -> None:
    local, _slug, old = generations
    by_node = {k.node_id: k for k in old}
    for days, node in ((3, "add_one"), (2, "add_ten"), (1, "split")):
        _age(local, by_node[node], days)
    total = sum(o.size for o in _stored(local).values())
    oldest = sum(
        o.size for k, o in _stored(local).items() if k.startswith(str(by_node["add_one"]) + "/")
    )

    report = collect_garbage(
        local, replace(ONLY_CURRENT, days=None, max_bytes=total - oldest), dry_run=False
    )

    assert _doomed(report) == {by_node["add_one"]}
    assert {d.reason for d in report.doomed} == {"over the size limit"}
    assert sum(o.size for o in _stored(local).values()) == total - oldest


class _FailsAfterFirstDelete:
    """A backend whose second delete call fails: a collection interrupted half way."""

    def __init__(self, inner: Backend) -> None:
        self.inner, self.calls = inner, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def delete(self, keys: list[str]) -> None:
        self.calls += 1
        if self.calls > 1:
            raise ArtifactError("the store went away")
        self.inner.delete(keys)


def test_an_interrupted_gc_never_leaves_a_result_that_counts_as_present(
    services: CanvasServices,
) -> None:
    slug, old = _two_generations(services)
    states = _states(services, slug)
    real = services.artifacts
    services.artifacts = ArtifactStore(_FailsAfterFirstDelete(real.backend))  # type: ignore[arg-type]

    with pytest.raises(ArtifactError, match="the store went away"):
        collect_garbage(services, ONLY_CURRENT, dry_run=False, now=time.time() + LATER)

    services.artifacts = real
    # the meta files went first: the old results count as missing, their data remains
    assert old <= _results(services)
    for key in old:
        ports = ("head", "stats") if key.node_id == "split" else ("data",)
        for port in ports:
            assert not real.exists(ArtifactRef(key.workflow, key.node_id, key.cache_key, port))
    assert _states(services, slug) == states  # the current results were not touched
    _edit(services, slug, "add_one", amount=2)  # back to the interrupted results' params
    assert _states(services, slug)["add_one"][0] == "stale"
    _edit(services, slug, "add_one", amount=1)
    # the remains are collected next time whatever the age limit: they can never be read
    later = collect_garbage(
        services, replace(ONLY_CURRENT, days=None), dry_run=False, now=time.time() + 2 * 3600
    )
    assert _doomed(later) == old
    assert {d.reason for d in later.doomed} == {"never completed"}
    assert not old & _results(services)


def test_a_node_that_cannot_be_planned_keeps_all_its_results(
    generations: tuple[CanvasServices, str, set[ResultKey]],
) -> None:
    local, slug, old = generations
    _edit(local, slug, "add_ten", amount="ten")  # invalid: add_ten and split cannot be planned

    report = collect_garbage(local, ONLY_CURRENT, dry_run=True, now=time.time() + LATER)

    assert _doomed(report) == {k for k in old if k.node_id == "add_one"}
    assert report.kept["node cannot be planned"] == 4  # two results each of add_ten and split


def test_a_workflow_with_a_run_in_flight_keeps_all_its_results(
    generations: tuple[CanvasServices, str, set[ResultKey]],
) -> None:
    local, slug, _old = generations
    local.instance.add_run(
        dg.DagsterRun(
            job_name="canvas_run",
            run_id=str(uuid.uuid4()),
            status=dg.DagsterRunStatus.STARTED,
            tags={"canvas/workflow": slug},
        )
    )

    report = collect_garbage(local, ONLY_CURRENT, dry_run=True, now=time.time() + LATER)

    assert not report.doomed
    assert report.kept["run in flight"] == 3


def test_results_of_a_deleted_workflow_go_and_foreign_objects_stay(
    generations: tuple[CanvasServices, str, set[ResultKey]],
) -> None:
    local, slug, _old = generations
    backend = local.artifacts.backend
    backend.put("notes/readme.txt", b"not a result")
    local.store.delete(slug)

    report = collect_garbage(local, ONLY_CURRENT, dry_run=False, now=time.time() + LATER)

    assert {k.workflow for k in _doomed(report)} == {slug} and len(report.doomed) == 8
    assert report.unrecognized == 1
    assert list(_stored(local)) == ["notes/readme.txt"]
    assert isinstance(backend, LocalBackend) and not (backend.root / slug).exists()


def test_a_failing_pin_provider_aborts_before_anything_is_deleted(
    local: CanvasServices,
) -> None:
    store = local.artifacts
    store.write(ArtifactRef("gone", "n", "k1", "data"), DataType.JSON, {"a": 1})
    before = _stored(local)

    def broken(services: CanvasServices, policy: RetentionPolicy) -> list[Any]:
        raise RuntimeError("registry unreachable")

    with pytest.raises(RetentionError, match="broken keeps, so nothing was deleted"):
        collect_garbage(
            local,
            replace(ONLY_CURRENT, days=0, in_flight_hours=0),
            dry_run=False,
            providers=(*PIN_PROVIDERS, broken),
        )
    assert _stored(local) == before


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CANVAS_RETENTION_DAYS", "a month", "CANVAS_RETENTION_DAYS='a month' is not a number"),
        ("CANVAS_RETENTION_DAYS", "-1", "at least 0"),
        ("CANVAS_RETENTION_MAX_GB", "0", "would allow no storage"),
        ("CANVAS_RETENTION_MAX_GB", "nan", "is not a number of gigabytes"),
        ("CANVAS_RETENTION_REVISIONS", "0", "at least 1 (the current one)"),
        ("CANVAS_RETENTION_IN_FLIGHT_HOURS", "soon", "is not a number of hours"),
    ],
)
def test_bad_retention_settings_are_refused_naming_the_setting(
    name: str, value: str, message: str
) -> None:
    with pytest.raises(RetentionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        RetentionPolicy.from_env({name: value})


def test_retention_settings_have_safe_defaults_and_can_be_switched_off() -> None:
    assert RetentionPolicy.from_env({}) == RetentionPolicy(
        days=30, max_bytes=None, keep_revisions=10, in_flight_hours=1
    )
    policy = RetentionPolicy.from_env(
        {"CANVAS_RETENTION_DAYS": "off", "CANVAS_RETENTION_MAX_GB": "2.5"}
    )
    assert policy.days is None and policy.max_bytes == 2_500_000_000


def test_s3_listing_pages_and_deletes_in_batches_within_its_prefix(s3_service: Any) -> None:
    bucket = s3_service.create_bucket()
    backend = open_backend(f"s3://{bucket}/runs", s3_service.endpoint_url)
    neighbour = open_backend(f"s3://{bucket}/other", s3_service.endpoint_url)
    assert isinstance(backend, S3Backend)
    keys = [f"wf/n/k{i}/data.json" for i in range(5)]
    for key in keys:
        backend.put(key, b"12345")
    neighbour.put("wf/n/k0/data.json", b"x")

    listed = list(backend.list_objects(page_size=2))

    assert sorted(o.key for o in listed) == keys and {o.size for o in listed} == {5}
    assert all(abs(o.modified - time.time()) < 600 for o in listed)
    backend.delete(keys, batch_size=2)
    assert not list(backend.list_objects())
    assert [o.key for o in neighbour.list_objects()] == ["wf/n/k0/data.json"]


def test_mlcanvas_gc_dry_run_lists_then_gc_deletes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("CANVAS_HOME", str(home))
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    for name in ("CANVAS_DATABASE_URL", "CANVAS_ARTIFACTS", "CANVAS_RETENTION_DAYS"):
        monkeypatch.delenv(name, raising=False)
    store = ArtifactStore(open_backend(str(home / "artifacts")))
    ref = ArtifactRef("deleted_wf", "node", "abc123", "data")
    store.write(ref, DataType.DATAFRAME, pd.DataFrame({"x": [1, 2, 3]}))
    old = time.time() - 45 * DAY
    for path in (home / "artifacts/deleted_wf/node/abc123").iterdir():
        os.utime(path, (old, old))

    assert main(["gc", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "deleted_wf/node/abc123" in out and "older than 30 days" in out
    assert "would delete 1 results" in out and "dry run: nothing was deleted" in out
    assert store.exists(ref)

    assert main(["gc", "--days", "60"]) == 0
    assert "deleted 0 results" in capsys.readouterr().out and store.exists(ref)
    assert main(["gc"]) == 0
    assert "deleted 1 results" in capsys.readouterr().out
    assert not store.exists(ref) and not (home / "artifacts/deleted_wf").exists()

    assert main(["gc", "--max-gb", "lots"]) == 1
    assert "--max-gb='lots' is not a number of gigabytes" in capsys.readouterr().err


def test_a_write_survives_gc_removing_its_emptied_folder_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = LocalBackend(tmp_path / "artifacts")
    real_mkstemp = tempfile.mkstemp
    calls: list[str] = []

    def gc_strikes_first(dir: str, prefix: str) -> tuple[int, str]:
        calls.append(dir)
        if len(calls) == 1:  # gc's rmdir lands between the writer's mkdir and its temp file
            Path(dir).rmdir()
        return real_mkstemp(dir=dir, prefix=prefix)

    monkeypatch.setattr("canvas_assets.storage.artifacts.tempfile.mkstemp", gc_strikes_first)

    backend.put("wf/node/key/data.json", b"{}")

    assert backend.get("wf/node/key/data.json") == b"{}" and len(calls) == 2
