"""Artifact retention: which stored results are still referenced, and garbage collection of the
rest by an age and a size policy (`mlcanvas gc`, docs/operating/retention.md).

A *result* is everything stored under `<workflow slug>/<node id>/<cache key>/` (each port's data,
its `.meta.json` completeness marker and its cached `.stats.json`); results are kept or deleted
whole. Objects that do not fit that layout are never touched.

What is never deleted: a result that a *pin* covers, or one written less than
`in_flight_hours` ago (a run in flight writes it now). Pins come from providers (`PIN_PROVIDERS`),
each a function of the services and the policy:
- `referenced_by_workflows`: the cache key the graph implies for every node of every stored
  workflow (the planner's computation, the same as node status), at the current revision and the
  `keep_revisions - 1` before it, so undoing an edit finds its results at once. A node that cannot
  be planned (invalid params, a source that cannot be fingerprinted) keeps all its results, and a
  workflow that cannot be planned at all keeps everything: when unsure, keep.
- `runs_in_flight`: every result of a workflow with a queued or running Dagster run.
- `explicit_pins`: `workflow[/node[/cache key]]` lines of `<CANVAS_HOME>/retention-pins.txt` and
  the `--keep` options of `mlcanvas gc`.
Features that reference results (named versions, registered models, pinned runs) add their
provider to `PIN_PROVIDERS`; a provider that fails aborts the collection, so nothing is deleted on
a partial picture.

What is deleted, among the results no pin covers: those older than `days` (by the time they were
written), results that were never completed (no meta file, left by a failed write), and then, while
the store is larger than `max_bytes`, the oldest remaining ones. Deletion removes every selected
meta file before any data file, so an interrupted collection leaves results that count as missing
(and are collected next time), never a result that counts as present with its data gone.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg

from canvas_assets.planning.plan import PlanError, build_plan
from canvas_assets.storage.artifacts import Backend, StoredObject
from canvas_assets.storage.errors import NotFound
from node_library.graph import DocumentError, Workflow
from node_library.registry import NodeRegistry
from node_library.settings import NodeSettings

if TYPE_CHECKING:
    from canvas_assets.services import CanvasServices

META_SUFFIX = ".meta.json"
PINS_FILE = "retention-pins.txt"
_DAY = 86_400.0
_GB = 1_000_000_000


class RetentionError(Exception):
    """A retention setting or pin that cannot be used, or a pin provider that failed; the message
    says which and how to fix it. Nothing was deleted."""


# -- policy -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionPolicy:
    days: float | None = 30.0  # unreferenced results older than this go; None: no age limit
    max_bytes: int | None = None  # then the oldest unreferenced go while the store is larger
    keep_revisions: int = 10  # the current revision and the ones before it keep their results
    in_flight_hours: float = 1.0  # results younger than this are never deleted
    pins: tuple[str, ...] = ()  # explicit `workflow[/node[/cache key]]` pins

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RetentionPolicy:
        env = os.environ if env is None else env
        default = cls()
        days = env.get("CANVAS_RETENTION_DAYS", "").strip()
        max_gb = env.get("CANVAS_RETENTION_MAX_GB", "").strip()
        revisions = env.get("CANVAS_RETENTION_REVISIONS", "").strip()
        in_flight = env.get("CANVAS_RETENTION_IN_FLIGHT_HOURS", "").strip()
        return cls(
            days=parse_days(days, "CANVAS_RETENTION_DAYS") if days else default.days,
            max_bytes=parse_max_gb(max_gb, "CANVAS_RETENTION_MAX_GB") if max_gb else None,
            keep_revisions=(
                parse_revisions(revisions, "CANVAS_RETENTION_REVISIONS")
                if revisions
                else default.keep_revisions
            ),
            in_flight_hours=(
                _number(in_flight, "CANVAS_RETENTION_IN_FLIGHT_HOURS", "hours", "1", minimum=0)
                if in_flight
                else default.in_flight_hours
            ),
        )

    def with_pins(self, pins: Iterable[str]) -> RetentionPolicy:
        parsed = tuple(pins)
        for text in parsed:
            parse_pin(text, "--keep")
        return replace(self, pins=self.pins + parsed)


def parse_days(text: str, where: str) -> float | None:
    if text.lower() in ("off", "none"):
        return None
    return _number(text, where, "days", "30, or off to delete by size only", minimum=0)


def parse_max_gb(text: str, where: str) -> int | None:
    if text.lower() in ("off", "none"):
        return None
    gb = _number(text, where, "gigabytes", "50, or off for no size limit", minimum=0)
    if gb == 0:
        raise RetentionError(f"{where}={text!r} would allow no storage; set e.g. 50, or off")
    return int(gb * _GB)


def parse_revisions(text: str, where: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise RetentionError(
            f"{where}={text!r} is not a whole number of revisions of at least 1 (the current"
            " one); set e.g. 10"
        )
    return value


def _number(text: str, where: str, unit: str, example: str, minimum: float) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value >= minimum or value == float("inf"):  # also refuses nan
        raise RetentionError(
            f"{where}={text!r} is not a number of {unit} (at least {minimum:g}); set e.g. {example}"
        )
    return value


# -- results and pins -------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultKey:
    workflow: str
    node_id: str
    cache_key: str

    def __str__(self) -> str:
        return f"{self.workflow}/{self.node_id}/{self.cache_key}"


@dataclass
class StoredResult:
    key: ResultKey
    objects: list[StoredObject] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(o.size for o in self.objects)

    @property
    def modified(self) -> float:
        return max(o.modified for o in self.objects)

    @property
    def complete(self) -> bool:
        return any(o.key.endswith(META_SUFFIX) for o in self.objects)


@dataclass(frozen=True)
class Pin:
    """Keeps every result of a workflow, of one of its nodes, or one result (None matches all).
    `kind` names what references it in the summary ("current node", "pinned", ...)."""

    workflow: str
    node_id: str | None = None
    cache_key: str | None = None
    kind: str = "pinned"

    def covers(self, key: ResultKey) -> bool:
        return (
            self.workflow == key.workflow
            and self.node_id in (None, key.node_id)
            and self.cache_key in (None, key.cache_key)
        )


PinProvider = Callable[["CanvasServices", RetentionPolicy], Iterable[Pin]]


def parse_pin(text: str, where: str) -> Pin:
    parts = text.strip().split("/")
    if not 1 <= len(parts) <= 3 or any(not p or p in (".", "..") for p in parts):
        raise RetentionError(
            f"{where}: {text!r} is not a pin; write workflow, workflow/node or"
            " workflow/node/cache_key (the slug, node id and key as `mlcanvas gc --dry-run` lists)"
        )
    return Pin(
        parts[0],
        parts[1] if len(parts) > 1 else None,
        parts[2] if len(parts) > 2 else None,
        "pinned",
    )


def implied_keys(
    workflow: Workflow, registry: NodeRegistry, settings: NodeSettings
) -> tuple[dict[str, str], dict[str, str]]:
    """The cache key the graph implies for each node that can be planned, and why the others
    cannot. A node that does not validate (or whose source cannot be fingerprinted) is left out
    with everything downstream of it, which leaves the keys of the rest unchanged (keys depend
    on upstream only). Raises PlanError when an issue names no node."""
    unplanned: dict[str, str] = {}
    current = workflow
    while True:
        try:
            plan = build_plan(current, registry, settings)
        except PlanError as exc:
            bad = {i.node_id for i in exc.issues}
            present = {n.id for n in current.nodes}
            if None in bad or not bad & present:
                raise
            for issue in exc.issues:
                if issue.node_id:
                    unplanned.setdefault(issue.node_id, str(issue))
            dropped = _downstream({n for n in bad if n}, current)
            for node_id in sorted(dropped - set(unplanned)):
                unplanned[node_id] = "an upstream node cannot be planned"
            current = current.model_copy(
                update={
                    "nodes": [n for n in current.nodes if n.id not in dropped],
                    "edges": [
                        e
                        for e in current.edges
                        if e.source not in dropped and e.target not in dropped
                    ],
                    "groups": [],  # groups do not enter cache keys
                }
            )
            continue
        return {node_id: node.cache_key for node_id, node in plan.nodes.items()}, unplanned


def _downstream(node_ids: set[str], workflow: Workflow) -> set[str]:
    found = set(node_ids)
    grew = True
    while grew:
        grew = False
        for edge in workflow.edges:
            if edge.source in found and edge.target not in found:
                found.add(edge.target)
                grew = True
    return found


def referenced_by_workflows(services: CanvasServices, policy: RetentionPolicy) -> Iterable[Pin]:
    """The results the current graph (and the `keep_revisions - 1` revisions before it) implies
    for every node of every stored workflow."""
    offset, page = 0, 500
    while True:
        stored_page = services.store.list(limit=page, offset=offset)
        for stored in stored_page:
            first = max(1, stored.revision - policy.keep_revisions + 1)
            for revision in range(stored.revision, first - 1, -1):
                if revision == stored.revision:
                    yield from _workflow_pins(stored.workflow, services, "current node")
                    continue
                try:
                    workflow = services.store.version(stored.id, revision)
                except NotFound:
                    continue  # no document kept for that revision: nothing it could reference
                except DocumentError:
                    yield Pin(stored.workflow.slug, kind="revision cannot be read")
                    continue
                yield from _workflow_pins(workflow, services, "recent revision")
        if len(stored_page) < page:
            return
        offset += page


def _workflow_pins(workflow: Workflow, services: CanvasServices, kind: str) -> Iterable[Pin]:
    try:
        keys, unplanned = implied_keys(workflow, services.registry, services.settings)
    except PlanError:
        yield Pin(workflow.slug, kind="workflow cannot be planned")
        return
    for node_id, cache_key in keys.items():
        yield Pin(workflow.slug, node_id, cache_key, kind)
    for node_id in unplanned:
        yield Pin(workflow.slug, node_id, kind="node cannot be planned")


_IN_FLIGHT = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def runs_in_flight(services: CanvasServices, policy: RetentionPolicy) -> Iterable[Pin]:
    """Every result of a workflow that has a run queued or in progress (its revision may be older
    than the ones kept, and it may read any result it planned with)."""
    for run in services.instance.get_runs(filters=dg.RunsFilter(statuses=_IN_FLIGHT)):
        slug = run.tags.get("canvas/workflow")
        if slug:
            yield Pin(slug, kind="run in flight")


def explicit_pins(services: CanvasServices, policy: RetentionPolicy) -> Iterable[Pin]:
    """`--keep` options and the lines of <CANVAS_HOME>/retention-pins.txt (# starts a comment)."""
    for text in policy.pins:
        yield parse_pin(text, "--keep")
    path = Path(services.config.home) / PINS_FILE
    if path.is_file():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            text = line.split("#", 1)[0].strip()
            if text:
                yield parse_pin(text, f"{path} line {number}")


PIN_PROVIDERS: tuple[PinProvider, ...] = (
    referenced_by_workflows,
    runs_in_flight,
    explicit_pins,
)


# -- planning and collecting ------------------------------------------------------------------


@dataclass(frozen=True)
class Doomed:
    result: StoredResult
    reason: str  # "older than N days" | "never completed" | "over the size limit"


@dataclass
class GcReport:
    doomed: list[Doomed]
    kept: Counter[str]  # why results were kept: "current node", "too new", ...
    total_bytes: int  # everything stored before the collection
    unrecognized: int  # objects outside the result layout, left alone
    policy: RetentionPolicy
    dry_run: bool = True
    deleted: bool = False

    @property
    def freed_bytes(self) -> int:
        return sum(d.result.size for d in self.doomed)

    def per_workflow(self) -> dict[str, tuple[int, int]]:
        """{workflow: (results, bytes)} of what is (or would be) deleted."""
        out: dict[str, tuple[int, int]] = {}
        for d in self.doomed:
            count, size = out.get(d.result.key.workflow, (0, 0))
            out[d.result.key.workflow] = (count + 1, size + d.result.size)
        return dict(sorted(out.items()))


def plan_collection(
    backend: Backend,
    pins: Iterable[Pin],
    policy: RetentionPolicy,
    now: float | None = None,
) -> GcReport:
    """Decide what to delete; deletes nothing."""
    now = time.time() if now is None else now
    exact: dict[ResultKey, str] = {}
    broad: dict[str, list[Pin]] = {}
    for pin in pins:
        if pin.node_id is not None and pin.cache_key is not None:
            exact.setdefault(ResultKey(pin.workflow, pin.node_id, pin.cache_key), pin.kind)
        else:
            broad.setdefault(pin.workflow, []).append(pin)

    results: dict[ResultKey, StoredResult] = {}
    total = unrecognized = 0
    for obj in backend.list_objects():
        total += obj.size
        parts = obj.key.split("/")
        if len(parts) != 4:
            unrecognized += 1
            continue
        key = ResultKey(*parts[:3])
        results.setdefault(key, StoredResult(key)).objects.append(obj)

    kept: Counter[str] = Counter()
    candidates: list[StoredResult] = []
    for key, result in results.items():
        kind = exact.get(key) or next(
            (p.kind for p in broad.get(key.workflow, []) if p.covers(key)), None
        )
        if kind is not None:
            kept[kind] += 1
        elif result.modified > now - policy.in_flight_hours * 3600:
            kept["too new (may be being written)"] += 1
        else:
            candidates.append(result)

    doomed: list[Doomed] = []
    remaining: list[StoredResult] = []
    for result in candidates:
        if not result.complete:
            doomed.append(Doomed(result, "never completed"))
        elif policy.days is not None and result.modified <= now - policy.days * _DAY:
            doomed.append(Doomed(result, f"older than {policy.days:g} days"))
        else:
            remaining.append(result)
    if policy.max_bytes is not None:
        size = total - sum(d.result.size for d in doomed)
        for result in sorted(remaining, key=lambda r: r.modified):
            if size <= policy.max_bytes:
                break
            doomed.append(Doomed(result, "over the size limit"))
            size -= result.size
            remaining.remove(result)
    kept["within the age and size limits"] += len(remaining)
    kept = +kept  # drop zero counts
    doomed.sort(key=lambda d: str(d.result.key))
    return GcReport(doomed, kept, total, unrecognized, policy)


def delete_results(backend: Backend, report: GcReport) -> None:
    """Delete what `report` selected: every meta file first, then the data, so an interruption
    never leaves a result that counts as present without its data."""
    metas: list[str] = []
    rest: list[str] = []
    for d in report.doomed:
        for obj in d.result.objects:
            (metas if obj.key.endswith(META_SUFFIX) else rest).append(obj.key)
    backend.delete(metas)
    backend.delete(rest)
    report.dry_run, report.deleted = False, True


def collect_garbage(
    services: CanvasServices,
    policy: RetentionPolicy,
    dry_run: bool = True,
    now: float | None = None,
    providers: Sequence[PinProvider] = PIN_PROVIDERS,
) -> GcReport:
    """Gather the pins, decide, and (unless `dry_run`) delete. A failing provider raises
    RetentionError before anything is deleted."""
    pins: list[Pin] = []
    for provider in providers:
        try:
            pins.extend(provider(services, policy))
        except RetentionError:
            raise
        except Exception as exc:
            name = getattr(provider, "__name__", repr(provider))
            raise RetentionError(
                f"could not find which results {name} keeps, so nothing was deleted: {exc}"
            ) from exc
    backend = services.artifacts.backend
    report = plan_collection(backend, pins, policy, now)
    if not dry_run:
        delete_results(backend, report)
    return report
