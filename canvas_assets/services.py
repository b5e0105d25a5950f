"""The engine's façade: one object that knows the store, the artifacts, the node registry, the
settings and the Dagster instance, with the operations the CLI and the API call."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property
from typing import Any

import dagster as dg

from canvas_assets.config import CanvasConfig
from canvas_assets.examples import example_workflows
from canvas_assets.orchestration.schedules import ScheduleStore
from canvas_assets.outputs.io_manager import CanvasIOManager
from canvas_assets.planning.compiler import build_workflow_assets, output_keys
from canvas_assets.planning.last_materializations import latest_records
from canvas_assets.planning.plan import Plan, build_plan
from canvas_assets.planning.plan_source import PlanSource
from canvas_assets.planning.status import NodeStatus, State, node_statuses
from canvas_assets.storage.artifacts import ArtifactStore, open_backend
from canvas_assets.storage.errors import NotFound, StoreError
from canvas_assets.storage.tokens import TokenStore
from canvas_assets.storage.workflow_store import OpsResult, StoredWorkflow, WorkflowStore
from node_library.graph import Workflow, load_workflow, slugify
from node_library.graph_ops import parse_ops
from node_library.registry import NodeRegistry, default_registry
from node_library.settings import NodeSettings
from node_library.validation import ValidationResult, validate_workflow


class Selection(StrEnum):
    ALL = "all"  # every node of the workflow
    STALE = "stale"  # every node that is stale or missing (the same as ALL without force)
    UPSTREAM = "upstream"  # the target node and everything it depends on
    ONLY = "only"  # just the target node (its inputs must already have results)
    NODES = "nodes"  # exactly the given nodes (their inputs must have results or be given)


class RunRefused(Exception):
    """A run that cannot start; the message says why and what to do."""


@dataclass
class NodeRun:
    node_id: str
    status: str  # succeeded | failed | skipped | fresh
    duration_s: float | None = None
    rows_out: int | None = None
    message: str = ""


@dataclass
class RunReport:
    workflow: str
    run_id: str | None
    executed: list[str]
    nodes: dict[str, NodeRun] = field(default_factory=dict)
    success: bool = True
    wall_s: float = 0.0

    @property
    def nothing_to_do(self) -> bool:
        return self.run_id is None and self.success


RUN_JOB = "canvas_run"


@dataclass(frozen=True)
class PreparedRun:
    stored: StoredWorkflow
    plan: Plan
    statuses: dict[str, NodeStatus]
    to_run: list[str]
    selected: list[str]


@dataclass
class CanvasServices:
    config: CanvasConfig
    registry: NodeRegistry
    settings: NodeSettings
    # Dagster's console log level for runs started here (the full log is in the Dagster UI).
    log_level: str = "WARNING"

    @classmethod
    def from_env(cls) -> CanvasServices:
        return cls(CanvasConfig.from_env(), default_registry(), NodeSettings.from_env())

    @cached_property
    def store(self) -> WorkflowStore:
        self.config.home.mkdir(parents=True, exist_ok=True)
        return WorkflowStore(self.config.database_url, self.registry)

    @cached_property
    def schedules(self) -> ScheduleStore:
        return ScheduleStore(self.store.engine)  # same database and engine as the workflow store

    @cached_property
    def tokens(self) -> TokenStore:
        return TokenStore(self.store.engine)  # same database and engine as the workflow store

    @cached_property
    def artifacts(self) -> ArtifactStore:
        return ArtifactStore(open_backend(self.config.artifacts, self.config.s3_endpoint_url))

    @cached_property
    def instance(self) -> dg.DagsterInstance:
        self.config.dagster_home.mkdir(parents=True, exist_ok=True)
        return dg.DagsterInstance.from_config(str(self.config.dagster_home))

    # -- planning and status ----------------------------------------------------------------

    def plan(self, stored: StoredWorkflow) -> Plan:
        """The stored workflow's partial plan: a node with errors blocks only itself and what
        is downstream of it (Plan.blocked); every other node is planned as usual."""
        return build_plan(
            stored.workflow, self.registry, self.settings, stored.revision, partial=True
        )

    def statuses(self, plan: Plan) -> dict[str, NodeStatus]:
        """Every node's status, in topological order; blocked nodes are invalid."""
        history = latest_records(self.instance, plan, self.registry)
        return node_statuses(plan, self.artifacts, history)

    # -- running ------------------------------------------------------------------------------

    def prepare_run(
        self,
        ref: str,
        node: str | None = None,
        selection: Selection = Selection.ALL,
        force: bool = False,
        nodes: list[str] | None = None,
    ) -> PreparedRun:
        """Plan a run: which nodes execute (the selection's stale and missing nodes, or all of
        them with force). Errors elsewhere in the workflow do not matter: raises PlanError,
        listing only the errors to fix, when a selected node or one it depends on has errors,
        and RunRefused for a selection that cannot run; nothing is launched by this call."""
        stored = self.store.get(ref)
        plan = self.plan(stored)
        selected = self._select(plan, node, selection, nodes)
        refusal = plan.refusal(selected)
        if refusal is not None:
            raise refusal
        statuses = self.statuses(plan)
        to_run = [
            n
            for n in plan.order
            if n in selected and (force or statuses[n].state is not State.FRESH)
        ]
        if to_run:
            self._check_inputs_available(plan, set(to_run), statuses)
        return PreparedRun(stored, plan, statuses, to_run, sorted(selected))

    def execute(
        self,
        prepared: PreparedRun,
        run_id: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> RunReport:
        """Materialize the prepared nodes through Dagster, in this process."""
        started = time.perf_counter()
        plan, to_run = prepared.plan, prepared.to_run
        report = RunReport(plan.slug, None, list(to_run))
        for node_id in prepared.selected:
            if node_id not in to_run:
                report.nodes[node_id] = NodeRun(node_id, "fresh")
        if not to_run:
            report.wall_s = time.perf_counter() - started
            return report

        plans = PlanSource(pinned={plan.slug: plan})
        assets = build_workflow_assets(
            plan.workflow, self.registry, self.settings, plans, only=set(plan.nodes)
        )
        keys = output_keys(plan.workflow, self.registry)
        selection_keys = [k for (n, _), k in keys.items() if n in set(to_run)]
        io_manager = CanvasIOManager(self.artifacts, plans, background_writes=True)
        job = dg.Definitions(
            assets=assets,
            jobs=[dg.define_asset_job(RUN_JOB, selection=selection_keys)],
            resources={"io_manager": io_manager},
        ).resolve_job_def(RUN_JOB)
        try:
            result = job.execute_in_process(
                run_config={"loggers": {"console": {"config": {"log_level": self.log_level}}}},
                instance=self.instance,
                raise_on_error=False,
                run_id=run_id,
                tags={
                    "canvas/workflow": plan.slug,
                    "canvas/revision": str(prepared.stored.revision),
                    "canvas/nodes": ",".join(to_run),
                    "canvas/trigger": "cli",
                    **(tags or {}),
                },
            )
        finally:
            failed_writes = io_manager.flush()
        report.run_id = result.run_id
        report.success = result.success and not failed_writes
        report.nodes.update(self._node_runs(result, plan, to_run))
        for node_id, message in failed_writes.items():
            report.nodes[node_id] = NodeRun(node_id, "failed", message=message)
        report.wall_s = time.perf_counter() - started
        return report

    def run(
        self,
        ref: str,
        node: str | None = None,
        selection: Selection = Selection.ALL,
        force: bool = False,
        nodes: list[str] | None = None,
    ) -> RunReport:
        """Plan and execute in this process (the CLI's path)."""
        started = time.perf_counter()
        report = self.execute(self.prepare_run(ref, node, selection, force, nodes))
        report.wall_s = time.perf_counter() - started
        return report

    # -- workflows ---------------------------------------------------------------------------

    def validate(self, workflow: Workflow) -> ValidationResult:
        return validate_workflow(workflow, self.registry, self.settings)

    def create_workflow(
        self, name: str, slug: str | None = None, description: str = ""
    ) -> StoredWorkflow:
        if not name.strip():
            raise StoreError("a workflow needs a name")
        workflow = Workflow(
            slug=slug or self._free_slug(slugify(name)), name=name.strip(), description=description
        )
        return self.store.create(workflow)

    def import_workflow(self, document: str | dict[str, Any]) -> StoredWorkflow:
        """Store a workflow document (migrated to current versions) under a fresh id; a taken
        slug gets a numbered suffix so importing an export next to its original works."""
        workflow = load_workflow(document, self.registry)
        workflow = workflow.model_copy(update={"id": "", "slug": self._free_slug(workflow.slug)})
        return self.store.create(workflow)

    def rename_workflow(self, ref: str, name: str) -> StoredWorkflow:
        if not name.strip():
            raise StoreError("a workflow needs a name")
        stored = self.store.get(ref)
        renamed = stored.workflow.model_copy(update={"name": name.strip()})
        return self.store.save(renamed, stored.revision)

    def duplicate_workflow(self, ref: str, name: str | None = None) -> StoredWorkflow:
        """A copy under a fresh id and slug, named `name` or, by default, a name no workflow has
        yet: "Wine quality (copy)", then "Wine quality (copy 2)", ..."""
        source = self.store.get(ref).workflow
        new_name = name.strip() if name and name.strip() else self._copy_name(source.name, True)
        copy = source.model_copy(
            update={"id": "", "name": new_name, "slug": self._free_slug(slugify(new_name))}
        )
        return self.store.create(copy)

    def templates(self) -> list[Workflow]:
        """The bundled example workflows a new workflow can start from; a template's id is its
        slug."""
        return example_workflows(self.registry)

    def create_from_template(self, template_id: str, name: str | None = None) -> StoredWorkflow:
        """A new workflow copied from a template, under a fresh id and a free slug (so the same
        template can be used again), named `name` or the template's name while no workflow has
        it, else "<name> (copy)", "<name> (copy 2)", ..."""
        templates = {t.slug: t for t in self.templates()}
        template = templates.get(template_id)
        if template is None:
            raise NotFound(
                f"no template {template_id!r}; the templates are: " + ", ".join(sorted(templates))
            )
        chosen = name.strip() if name else ""
        new_name = chosen or self._copy_name(template.name, False)
        # the slug follows the name given, else the template's (sales_by_region_2, not ..._copy)
        slug = self._free_slug(slugify(chosen or template.name))
        copy = template.model_copy(update={"id": "", "name": new_name, "slug": slug})
        return self.store.create(copy)

    def apply_graph_ops(
        self,
        ref: str,
        base_revision: int,
        raw_ops: list[Any],
        author: str,
        batch_id: str | None = None,
        auto_rebase: bool = False,
    ) -> OpsResult:
        """Parse and apply one batch of graph operations atomically as the next revision.
        Raises OpError (the op and why), Conflict (with the batches since) or NotFound.
        `auto_rebase`: see WorkflowStore.apply_ops."""
        ops = parse_ops(raw_ops)
        result = self.store.apply_ops(
            ref,
            base_revision,
            ops,
            author,
            batch_id,
            self.registry,
            auto_rebase=auto_rebase,
            settings=self.settings,  # the same settings as the validate query: data roots, secrets
        )
        if result.validation is None:
            result = replace(result, validation=self.validate(result.stored.workflow))
        return result

    def _copy_name(self, name: str, always_mark: bool) -> str:
        base = copy_base(name)
        taken = {s.workflow.name for s in self.store.list(search=base, limit=10_000)}
        return copy_name(name, taken, always_mark=always_mark)

    def _free_slug(self, slug: str) -> str:
        taken = {s.workflow.slug for s in self.store.list(search=slug[:40], limit=10_000)}
        if slug not in taken:
            return slug
        n = 2
        while f"{slug[:58]}_{n}" in taken:
            n += 1
        return f"{slug[:58]}_{n}"

    def _select(
        self, plan: Plan, node: str | None, selection: Selection, nodes: list[str] | None
    ) -> set[str]:
        """The nodes a selection names, planned or blocked (prepare_run refuses the latter)."""
        wanted = ([node] if node else []) + list(nodes or [])
        missing = [n for n in wanted if n not in plan.nodes and n not in plan.blocked]
        if missing:
            raise RunRefused(
                f"workflow {plan.slug!r} has no node {missing[0]!r}; its nodes: "
                + ", ".join(plan.node_ids)
            )
        if selection is Selection.NODES:
            if not nodes:
                raise RunRefused("a run of selected nodes needs at least one node")
            return set(nodes)
        if node is None or selection in (Selection.ALL, Selection.STALE):
            return set(plan.node_ids)
        if selection is Selection.ONLY or node in plan.blocked:
            return {node}  # a blocked node's refusal names what blocks it upstream
        return plan.upstream({node})

    def _check_inputs_available(
        self, plan: Plan, to_run: set[str], statuses: dict[str, NodeStatus]
    ) -> None:
        for node_id in to_run:
            for port, ref in plan.nodes[node_id].inputs.items():
                if ref.node_id not in to_run and statuses[ref.node_id].state is not State.FRESH:
                    raise RunRefused(
                        f"node {node_id!r} reads input {port!r} from {ref.node_id!r}, which has"
                        f" no result for its current params ({statuses[ref.node_id].reason});"
                        " run it too (select upstream instead of only this node)"
                    )

    def _node_runs(self, result: Any, plan: Plan, to_run: list[str]) -> dict[str, NodeRun]:
        runs: dict[str, NodeRun] = {}
        stats = {s.step_key: s for s in self.instance.get_run_step_stats(result.run_id)}
        failures = {e.step_key: e for e in result.all_events if e.is_step_failure}
        for node_id in to_run:
            step_key = f"{plan.slug}__{node_id}"
            stat = stats.get(step_key)
            if step_key in failures:
                error = failures[step_key].step_failure_data.error
                message = error.message.strip() if error else "failed"
                runs[node_id] = NodeRun(node_id, "failed", _duration(stat), None, message)
            elif stat is None or stat.status is None or stat.status.value != "SUCCESS":
                runs[node_id] = NodeRun(
                    node_id, "skipped", None, None, "not run because an upstream node failed"
                )
            else:
                rows = None
                for mat in result.asset_materializations_for_node(step_key):
                    value = mat.metadata.get("canvas/rows_out")
                    rows = getattr(value, "value", value) if value is not None else rows
                runs[node_id] = NodeRun(
                    node_id, "succeeded", _duration(stat), int(rows) if rows is not None else None
                )
        return runs


def _duration(stat: Any) -> float | None:
    if stat is None or stat.start_time is None or stat.end_time is None:
        return None
    return float(stat.end_time - stat.start_time)


_COPY_SUFFIX = re.compile(r" \(copy(?: (\d+))?\)$")


def copy_base(name: str) -> str:
    """`name` without a trailing " (copy)" or " (copy N)"."""
    return _COPY_SUFFIX.sub("", name.strip())


def copy_name(name: str, taken: Iterable[str], *, always_mark: bool = True) -> str:
    """The name of a copy of a workflow called `name` that no workflow in `taken` has (compared
    without regard to case): "<base> (copy)", then "<base> (copy 2)", ..., where base is `name`
    without its own copy mark, so a copy of a copy is not "X (copy) (copy)". Without
    `always_mark`, `name` itself while it is free (a template's first copy keeps its name)."""
    used = {t.strip().casefold() for t in taken}
    if not always_mark and name.strip().casefold() not in used:
        return name.strip()
    base = copy_base(name)
    candidate, n = f"{base} (copy)", 2
    while candidate.casefold() in used:
        candidate, n = f"{base} (copy {n})", n + 1
    return candidate
