"""The node contract: what one node type declares and how the engine calls it.

A node type is a class with class-level declarations (id, version, ports, Params) and three pure
methods: `validate` (issues as data, never raises), `infer_schema` (output schemas before any run)
and `compute` (stateless compute). The engine calls `execute`, which first runs `validate` again
on the real inputs and then `compute`, so a run meets the same issues the canvas shows. Nothing
here knows about Dagster: the compiler adapts nodes to assets, and the tests call nodes directly.
docs/add-a-node-type.md walks through writing one.

Two optional methods serve column roles (docs/decisions/0008-column-roles.md): `resolve_params`
makes the defaults that depend on roles explicit before `validate` (validation keeps the result,
which the plan hashes and the run executes), and `changes_column` lets a target error downstream
name the node that changed the target.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, field_validator

from node_library.datatypes import DataType
from node_library.schema import Role, TableSchema, schema_of_frame
from node_library.secrets import mask_secrets
from node_library.settings import NodeSettings


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Issue(BaseModel):
    """One problem found before (or while) running a workflow, precise enough to act on."""

    model_config = ConfigDict(frozen=True)

    severity: Severity = Severity.ERROR
    code: str
    message: str
    hint: str = ""
    node_id: str | None = None
    port: str | None = None
    param: str | None = None

    @field_validator("message", "hint")
    @classmethod
    def _mask(cls, text: str) -> str:
        # one place for every issue of every node, at validation and run time: a message that
        # quotes a URL, a header or an upstream error never carries the secret in it
        return mask_secrets(text)

    def located(self, node_id: str) -> Issue:
        return self if self.node_id else self.model_copy(update={"node_id": node_id})

    def __str__(self) -> str:
        where = ".".join(p for p in (self.node_id, self.param or self.port) if p)
        text = f"[{self.code}] {where + ': ' if where else ''}{self.message}"
        return f"{text} (fix: {self.hint})" if self.hint else text


class NodeError(Exception):
    """Raised by `execute` for bad data found only at run time; carries an Issue for the user."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(str(issue))
        self.issue = issue


def error(
    code: str, message: str, hint: str = "", *, param: str | None = None, port: str | None = None
) -> Issue:
    return Issue(code=code, message=message, hint=hint, param=param, port=port)


def raise_first_error(issues: Iterable[Issue]) -> None:
    """Raise the first issue of error severity as a NodeError; warnings do not stop a run."""
    for issue in issues:
        if issue.severity is Severity.ERROR:
            raise NodeError(issue)


class NodeParams(BaseModel):
    """Base of a node's `Params`: a param the node does not declare is refused, never ignored
    (a typo in a saved workflow or an API call is reported, not silently dropped)."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Port:
    name: str
    data_type: DataType
    label: str = ""
    required: bool = True
    # Other data types this input port converts by itself (for example a series into a dataframe).
    accepts: tuple[DataType, ...] = ()
    description: str = ""


# Output schema of one port: a TableSchema for dataframes and series, None when it cannot be known
# before running (a REST response, a SQL query) or does not apply (models, plots, files).
PortSchema = TableSchema | None


@dataclass(frozen=True)
class LineageNode:
    """One node of the running workflow as a node sees it: enough to say where its inputs came
    from (reports show this chain)."""

    node_id: str
    type_id: str
    type_name: str  # the node type's display name
    label: str  # the user's label; "" when none was given
    params: Mapping[str, Any]  # JSON-ready (model_dump(mode="json")) params of the run
    inputs: Mapping[str, tuple[str, str]]  # input port -> (upstream node id, its output port)


@dataclass(frozen=True)
class WorkflowInfo:
    """The workflow a node runs in: its name and the lineage of the running node (that node and
    everything upstream of it, in topological order). Empty outside a workflow run (tests, CLI)."""

    name: str = ""
    slug: str = ""
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    lineage: Mapping[str, LineageNode] = field(default_factory=dict)

    def upstream(self, node_id: str) -> list[LineageNode]:
        """`node_id` and every node it reads from, nearest first (breadth first)."""
        seen: dict[str, LineageNode] = {}
        queue = [node_id]
        while queue:
            current = self.lineage.get(queue.pop(0))
            if current is None or current.node_id in seen:
                continue
            seen[current.node_id] = current
            queue.extend(source for source, _ in current.inputs.values())
        return list(seen.values())


class ExecutionContext(Protocol):
    """What a running node may use: settings, progress and log lines. Provided by the engine."""

    @property
    def node_id(self) -> str: ...

    @property
    def settings(self) -> NodeSettings: ...

    @property
    def workflow(self) -> WorkflowInfo: ...

    def progress(self, done: int, total: int | None = None, message: str = "") -> None: ...

    def log(self, message: str) -> None: ...


@dataclass
class RecordingContext:
    """An ExecutionContext that keeps progress and logs in memory (tests, previews, the CLI)."""

    node_id: str = "node"
    settings: NodeSettings = field(default_factory=NodeSettings.from_env)
    on_progress: Callable[[int, int | None, str], None] | None = None
    events: list[tuple[float, str]] = field(default_factory=list)
    workflow: WorkflowInfo = field(default_factory=WorkflowInfo)

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        self.events.append((time.monotonic(), f"progress {done}/{total or '?'} {message}".strip()))
        if self.on_progress:
            self.on_progress(done, total, message)

    def log(self, message: str) -> None:
        self.events.append((time.monotonic(), mask_secrets(message)))


P = TypeVar("P", bound=BaseModel)


class NodeType(Generic[P]):
    """Base class of every node type. Subclasses set the ClassVars and override the methods;
    node_library/node_kinds/ holds the bases of the common kinds (models, features, ...)."""

    type_id: ClassVar[str]  # "<category>.<name>", stable forever
    version: ClassVar[int] = 1
    display_name: ClassVar[str]
    category: ClassVar[str]
    description: ClassVar[str]  # one line
    tags: ClassVar[tuple[str, ...]] = ()
    Params: ClassVar[type[BaseModel]]
    inputs: ClassVar[tuple[Port, ...]] = ()
    outputs: ClassVar[tuple[Port, ...]] = ()
    # False when running twice with the same params and inputs may give different results.
    deterministic: ClassVar[bool] = True
    # Params migrations: {from_version: function(old params dict) -> params dict of from_version+1}.
    migrations: ClassVar[Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]]] = {}
    # The input port whose schema every output has (rows are filtered, sorted or filled, the
    # columns stay): `infer_schema` needs no override then. None: outputs unknown before a run.
    passes_through: ClassVar[str | None] = None
    # False where `validate` does I/O that the run does again on its own terms (a source opens
    # its file or looks up its connection): `execute` then goes straight to `compute`.
    validate_before_run: ClassVar[bool] = True

    def validate(
        self, params: P, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        """Problems that can be found without running; an empty list when the node can run."""
        return []

    def infer_schema(
        self, params: P, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        """Output schemas known before a run, keyed by output port name."""
        schema = inputs.get(self.passes_through) if self.passes_through else None
        return {port.name: schema for port in self.outputs}

    def compute(self, ctx: ExecutionContext, params: P, **inputs: Any) -> dict[str, Any]:
        """The node's work on valid inputs: {output port: value}. Stateless; never mutates
        `inputs` (the engine hands one output to several consumers)."""
        raise NotImplementedError

    def resolve_params(
        self, params: P, inputs: Mapping[str, PortSchema], roles: Mapping[str, Mapping[str, Role]]
    ) -> P:
        """The params this node runs with in its workflow: defaults that depend on the roles of
        the input columns made explicit (a model's empty `target` becomes the target-role column,
        a transformer's `exclude` gains the target and id columns). `inputs` are the input
        schemas, roles included; `roles` holds each connected input's non-feature roles, also
        where its schema is unknown before a run (Predict's output keeps the roles of the frame
        it scored). Validation calls this before `validate`, and the plan hashes and runs what
        it returns, so a role changed upstream re-runs exactly the nodes whose work it changes.
        Returns `params` itself when nothing depends on roles; never raises."""
        return params

    def changes_column(
        self, params: P, column: str, inputs: Mapping[str, PortSchema] | None
    ) -> str | None:
        """How to keep this node from changing the values of the input column `column` (a hint
        such as "remove 'target' from its columns"), or None when the node leaves it alone.
        `inputs` are the input schemas at validation; None at run time, where the params
        decide. Names the culprit when a model's target check fails downstream."""
        return None

    def execute(self, ctx: ExecutionContext, params: P, **inputs: Any) -> dict[str, Any]:
        """What the engine calls: `resolve_params` and `validate` again on the schemas of the
        real inputs (they can differ from the schemas inferred before the run), stopping at the
        first error, then `compute`. A target error is completed with the upstream node that
        changed the target, when the run's lineage shows one."""
        schemas = self.input_schemas(inputs)
        params = self.resolve_params(params, schemas, {})
        try:
            if self.validate_before_run:
                raise_first_error(self.validate(params, schemas, ctx.settings))
            return self.compute(ctx, params, **inputs)
        except NodeError as exc:
            from node_library.roles import blame_at_run_time  # roles builds on this module

            issue = blame_at_run_time(exc.issue, params, ctx, inputs)
            if issue is exc.issue:
                raise
            raise NodeError(issue) from exc

    def input_schemas(self, inputs: Mapping[str, Any]) -> dict[str, PortSchema]:
        """The schemas `execute` validates with, as the canvas sees them: a table's schema for a
        dataframe or series, None for other values; an input that is None is not connected."""
        return {name: _schema_of(value) for name, value in inputs.items() if value is not None}

    def fingerprint(self, params: P, settings: NodeSettings) -> str | None:
        """A cheap marker of data that changes outside the graph (file hash, ETag); None if none."""
        return None

    # -- helpers shared by the engine -------------------------------------------------------

    @classmethod
    def input_port(cls, name: str) -> Port | None:
        return next((p for p in cls.inputs if p.name == name), None)

    @classmethod
    def output_port(cls, name: str) -> Port | None:
        return next((p for p in cls.outputs if p.name == name), None)

    @classmethod
    def migrate_params(cls, params: dict[str, Any], from_version: int) -> dict[str, Any]:
        """Bring params saved by an older version of this node type up to the current version."""
        for version in range(from_version, cls.version):
            step = cls.migrations.get(version)
            if step is None:
                raise ValueError(
                    f"{cls.type_id} has no migration from version {version} to {version + 1}"
                )
            params = step(params)
        return params


def _schema_of(value: Any) -> PortSchema:
    import pandas as pd  # loaded by the time a node runs; importing the contract stays light

    if isinstance(value, pd.DataFrame):
        return schema_of_frame(value)
    if isinstance(value, pd.Series):
        return schema_of_frame(value.to_frame())
    return None
