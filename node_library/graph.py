"""The graph document: the one format exchanged by the store, compiler, API, CLI and canvas.

Saved documents carry `schema_version` and each node's `type_version`; `load_workflow` migrates
older documents forward (document-level steps here, params steps on each node type) and never
drops data silently: anything it cannot migrate is an error naming the node.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

if TYPE_CHECKING:
    from node_library.registry import NodeRegistry

SCHEMA_VERSION = 1

# Node ids and workflow slugs become Dagster asset-key parts and file names: keep them simple.
SLUG_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
_SLUG_RE = re.compile(SLUG_PATTERN)


def slugify(text: str, fallback: str = "workflow") -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = f"{fallback}_{slug}".strip("_")
    return slug[:63]


class Position(BaseModel):
    x: float = 0.0
    y: float = 0.0


class Node(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=SLUG_PATTERN)
    type: str
    type_version: int = 1
    params: dict[str, Any] = Field(default_factory=dict)
    position: Position = Field(default_factory=Position)
    label: str = ""


class Edge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    source: str
    source_port: str
    target: str
    target_port: str


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str = ""
    node_ids: list[str] = Field(default_factory=list)
    collapsed: bool = False


class WorkflowSettings(BaseModel):
    model_config = ConfigDict(extra="allow")

    # Where the workflow's runs execute. "local": the warm engine on this machine (a chain runs
    # in one worker process; independent branches run in parallel forked workers). "celery": each
    # node is a task for Celery workers (`mlcanvas worker`) on any machine that shares the
    # instance, the workflow store and the artifact store.
    executor: Literal["local", "celery"] = "local"

    @field_validator("executor", mode="before")
    @classmethod
    def _legacy_executor(cls, value: Any) -> Any:
        # documents saved before the engine had one local mode
        return "local" if value in ("in_process", "multiprocess") else value


class Workflow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: int = SCHEMA_VERSION
    id: str = ""
    slug: str = Field(pattern=SLUG_PATTERN)
    name: str
    description: str = ""
    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    settings: WorkflowSettings = Field(default_factory=WorkflowSettings)

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v > SCHEMA_VERSION:
            raise ValueError(
                f"schema_version {v} is newer than this server understands ({SCHEMA_VERSION});"
                " upgrade Visual ML Canvas"
            )
        return v

    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)

    def incoming(self, node_id: str) -> list[Edge]:
        return [e for e in self.edges if e.target == node_id]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


class DocumentError(ValueError):
    """A workflow document that cannot be read: malformed JSON, wrong shape, unknown version."""


# Document migrations: {from_version: step(document dict) -> document dict of from_version + 1}.
DOCUMENT_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def load_workflow(
    source: str | bytes | dict[str, Any], registry: NodeRegistry | None = None
) -> Workflow:
    """Parse and migrate a workflow document. Raises DocumentError with a readable message."""
    if isinstance(source, (str, bytes)):
        try:
            data = json.loads(source)
        except json.JSONDecodeError as exc:
            raise DocumentError(
                f"workflow file is not valid JSON: {exc.msg} at line {exc.lineno}, column"
                f" {exc.colno}"
            ) from exc
        except UnicodeDecodeError as exc:
            raise DocumentError(f"workflow file is not UTF-8 text: {exc.reason}") from exc
    else:
        # the API hands over whatever JSON value it was sent: true, 3 or a list are refused
        # below like a file holding them
        data = dict(source) if isinstance(source, dict) else source
    if not isinstance(data, dict):
        raise DocumentError(
            f"workflow document must be a JSON object with nodes and edges, not {_json_kind(data)}"
        )

    version = data.get("schema_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DocumentError(f"schema_version must be a positive integer, got {version!r}")
    if version > SCHEMA_VERSION:
        # Refused before the shape check: a newer document may have fields this version lacks,
        # and "upgrade" is the one useful message then, not a list of unknown fields.
        raise DocumentError(
            f"schema_version {version} is newer than this server understands"
            f" ({SCHEMA_VERSION}); upgrade Visual ML Canvas"
        )
    while version < SCHEMA_VERSION:
        data = DOCUMENT_MIGRATIONS[version](data)
        version += 1
        data["schema_version"] = version

    try:
        workflow = Workflow.model_validate(data)
    except ValidationError as exc:
        raise DocumentError(_describe_validation_error(exc)) from exc

    if registry is not None:
        workflow = _migrate_nodes(workflow, registry)
    return workflow


def _json_kind(value: object) -> str:
    kinds = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    if value is None:
        return "null"
    if isinstance(value, list):
        return "a list"
    return kinds.get(type(value), type(value).__name__)


def _migrate_nodes(workflow: Workflow, registry: NodeRegistry) -> Workflow:
    nodes = []
    for node in workflow.nodes:
        node_type = registry.get(node.type)
        if node_type is None or node.type_version == node_type.version:
            nodes.append(node)  # unknown types are reported by validation, not dropped here
            continue
        if node.type_version > node_type.version:
            raise DocumentError(
                f"node {node.id!r} was saved by {node.type} version {node.type_version}, newer"
                f" than the installed version {node_type.version}; upgrade the node package"
            )
        try:
            params = node_type.migrate_params(dict(node.params), node.type_version)
        except Exception as exc:  # a missing step, or a step that fails on these params
            raise DocumentError(
                f"node {node.id!r} ({node.type} version {node.type_version}) cannot be"
                f" migrated: {exc}"
            ) from exc
        nodes.append(node.model_copy(update={"params": params, "type_version": node_type.version}))
    return workflow.model_copy(update={"nodes": nodes})


def _describe_validation_error(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors()[:10]:
        where = ".".join(str(p) for p in err["loc"]) or "document"
        lines.append(f"{where}: {err['msg']}")
    more = f" (and {exc.error_count() - 10} more)" if exc.error_count() > 10 else ""
    return "invalid workflow document: " + "; ".join(lines) + more
