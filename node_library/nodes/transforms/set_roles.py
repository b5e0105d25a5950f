"""Set roles: say what columns are for, as Orange's domain does. A column is the `target` a model
learns to predict, a `feature` it learns from (every column's role until told otherwise), an `id`
that names a row, or a column to `ignore`.

Roles change no value: the node hands its input on as it is and the roles live in the schema, so
everything downstream follows them. Models and metrics take the target column when their `target`
param is empty; feature nodes (scaling, PCA, encoders, imputers, selectors) leave the target, id
and ignored columns alone unless their `columns` param lists them; models do not learn from id or
ignored columns unless their `features` param lists them.

A frame has at most one target (every model here learns one column): making a column the target
while the input already has another one is refused until the other one is set to feature (or id,
or ignore) here as well. A transform category node, not a feature one: it fits nothing and has one
table in and out, so it can sit anywhere, best right after the source, before any split.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from node_library import widgets
from node_library.contract import ExecutionContext, Issue, NodeParams, PortSchema, error
from node_library.node_kinds.transforms import TransformNode
from node_library.roles import role_issues
from node_library.schema import Role
from node_library.settings import NodeSettings


class SetRolesParams(NodeParams):
    roles: dict[str, Role] = Field(
        default_factory=dict,
        description="Column -> role: target (what a model predicts), feature, id or ignore. "
        "Columns not listed keep the role they have.",
        json_schema_extra=widgets.column_map(),
    )


class SetRolesNode(TransformNode[SetRolesParams]):
    type_id = "transforms.set_roles"
    display_name = "Set roles"
    description = "Mark the target, id and ignored columns; models and feature nodes follow them."
    tags = ("roles", "target", "label", "id", "ignore", "features", "domain")
    Params = SetRolesParams

    def validate(
        self, params: SetRolesParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        if not params.roles:
            return [
                error(
                    "missing_param",
                    "no roles are set",
                    "pick a column and its role (target, feature, id or ignore)",
                    param="roles",
                )
            ]
        return role_issues(inputs.get("data"), params.roles, param="roles")

    def infer_schema(
        self, params: SetRolesParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        schema = inputs.get("data")
        return {"data": None if schema is None else schema.with_roles(params.roles)}

    def compute(
        self, ctx: ExecutionContext, params: SetRolesParams, **inputs: Any
    ) -> dict[str, Any]:
        return {"data": inputs["data"]}
