"""What the data-file sources share: the node skeleton around a path inside a data root, and the
errors every file reader raises the same way.

A data-file source declares its Params (a `DataFileParams` with its own `path` description), the
kind of file it wants for the "no file chosen" hint, and two hooks: `read_schema` (the columns
before a run) and `read_frame` (the run). `DataFileSourceNode` confines the path to the data roots
(`node_library.safety.paths`), reads the schema while validating so that an unreadable file is
reported before a run, logs what a run read, and fingerprints the file by its content. A source
whose Params have a `roles` param gets it checked against the file's
columns and applied to its schema (`node_kinds.sources.roles_param`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import pandas as pd

from node_library.checks import did_you_mean
from node_library.contract import ExecutionContext, Issue, NodeError, NodeParams, PortSchema, error
from node_library.node_kinds.sources import SourceNode, declared_roles
from node_library.roles import role_issues
from node_library.safety.file_limits import FileLimitError
from node_library.safety.paths import data_file_fingerprint, data_path_issues, require_data_path
from node_library.schema import TableSchema
from node_library.settings import NodeSettings


class DataFileParams(NodeParams):
    """Params of a data-file source; subclasses redeclare `path` with their own description."""

    path: str


F = TypeVar("F", bound=DataFileParams)


class DataFileSourceNode(SourceNode[F]):
    """Base of the nodes that read one file under a data root into the `data` port."""

    # Completes "choose ... under a data root", the hint when no file is chosen.
    file_kind: ClassVar[str]
    read_log: ClassVar[str] = "read {rows} rows and {columns} columns from {path}"

    def read_schema(self, path: Path, params: F) -> TableSchema | None:
        """The columns `read_frame` will produce (None when they cannot be known before a run)."""
        raise NotImplementedError

    def read_frame(self, path: Path, params: F) -> pd.DataFrame:
        raise NotImplementedError

    def param_issues(self, params: F) -> list[Issue]:
        """Problems of the params other than the path, found without opening the file."""
        return []

    def validate(
        self, params: F, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        issues = self.param_issues(params)
        if not params.path:
            return [
                *issues,
                error(
                    "missing_param",
                    "no file chosen",
                    f"choose {self.file_kind} under a data root",
                    param="path",
                ),
            ]
        path, path_issues = data_path_issues(params.path, settings)
        issues.extend(path_issues)
        if path is not None and not issues:
            try:
                schema = self.read_schema(path, params)
            except NodeError as exc:
                issues.append(exc.issue)
            else:
                issues += role_issues(schema, declared_roles(params), param="roles")
        return issues

    def infer_schema(
        self, params: F, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        schema = self.read_schema(require_data_path(params.path, settings), params)
        if schema is not None:
            schema = schema.with_roles(declared_roles(params))
        return {"data": schema}

    def compute(self, ctx: ExecutionContext, params: F, **inputs: Any) -> dict[str, Any]:
        frame = self.read_frame(require_data_path(params.path, ctx.settings), params)
        ctx.log(self.read_log.format(rows=len(frame), columns=frame.shape[1], path=params.path))
        return {"data": frame}

    def fingerprint(self, params: F, settings: NodeSettings) -> str | None:
        return data_file_fingerprint(params.path, settings)


# -- errors shared by the file readers ----------------------------------------------------------


def repeated_columns_issues(columns: Sequence[str] | None) -> list[Issue]:
    """An issue when the `columns` param lists a column more than once."""
    listed = list(columns or ())
    repeated = sorted({c for c in listed if listed.count(c) > 1})
    if not repeated:
        return []
    return [
        error(
            "duplicate_column",
            f"columns lists {repeated} twice",
            "list each column once",
            param="columns",
        )
    ]


def missing_file_column(label: str, name: str, names: Sequence[str], param: str) -> NodeError:
    """The file `label` has no column `name`: suggest the closest one, or list the columns."""
    guess = did_you_mean(name, names)
    hint = f"did you mean {guess!r}?" if guess else "columns in the file: " + ", ".join(names[:20])
    return NodeError(error("missing_column", f"{label} has no column {name!r}", hint, param=param))


def too_large(exc: FileLimitError) -> NodeError:
    """A file over a cap of `node_library.safety.file_limits`, as an issue on the path."""
    return NodeError(error("file_too_large", str(exc), exc.hint, param="path"))


def unreadable_file(label: str, exc: OSError) -> NodeError:
    return NodeError(
        error(
            "unreadable_file",
            f"{label} cannot be read: {exc.strerror or exc}",
            "check that the server may read the file (permissions) and that it is not locked",
            param="path",
        )
    )
