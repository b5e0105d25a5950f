"""What travels on a `model_spec` port: an unfitted model, i.e. its settings and nothing learnt.

Cross-validation, learning curves, tuning and model comparison fit their own copies of a model
on folds; all they need from a model node is what `sklearn.base.clone` needs: the estimator class
and its params. A `ModelSpec` names the model node type that builds the estimator and the node's
params (as resolved in the workflow: the target and feature list the node chose), plus the
facts the re-fitting nodes check before they fit: the kind (classifier or regressor), the target,
the features and whether the estimator learns label codes (XGBoost) instead of the labels.

Every supervised model node outputs one on its `spec` port, computed from its params (and the
training frame's columns when one is connected) without fitting anything; a node with no
training data connected outputs its spec only (node_library.node_kinds.models).

On the port the spec is the JSON object `to_json()` gives, as metrics are a JSON object, so the
artifact store keeps it as JSON and a spec read back is the value handed over in memory. An empty
`target` or `features` means the node did not know them (no training data, empty params): the
re-fitting node then takes them from its own data input (node_library.node_kinds.model_data).

`build_estimator` looks the node type up in the node registry and calls its `make_estimator`
with the params validated by that node's Params model: a spec builds only what a registered
model node builds, with values its Params accept. A stored spec is data, never a class path to
import or code to run (docs/decisions/0004-no-pickle.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

from node_library.contract import NodeError, error

if TYPE_CHECKING:
    from node_library.node_kinds.models import ModelNode
    from node_library.registry import NodeRegistry

SPEC_FORMAT = "canvas-model-spec"
SPEC_VERSION = 1
SpecKind = Literal["classifier", "regressor"]


@dataclass(frozen=True)
class ModelSpec:
    type_id: str  # the model node type that builds the estimator, e.g. "models.ridge"
    type_version: int  # the version of that node type the params belong to
    kind: SpecKind
    algorithm: str  # the estimator class, e.g. "sklearn.linear_model.Ridge" (for messages)
    params: dict[str, Any]  # the node's params, JSON-ready, target and features included
    target: str | None = None  # None: not known (the data's target is used)
    features: list[str] = field(default_factory=list)  # empty: every data column but the target
    encoded_labels: bool = False  # the estimator learns label codes 0..k-1 (XGBoost)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": SPEC_FORMAT,
            "version": SPEC_VERSION,
            "type_id": self.type_id,
            "type_version": self.type_version,
            "kind": self.kind,
            "algorithm": self.algorithm,
            "params": dict(self.params),
            "target": self.target,
            "features": list(self.features),
            "encoded_labels": self.encoded_labels,
        }

    @classmethod
    def from_json(cls, data: Any) -> ModelSpec:
        """The spec of a JSON object written by `to_json`; ValueError saying what is wrong."""
        if not isinstance(data, dict) or data.get("format") != SPEC_FORMAT:
            raise ValueError("it is not a model spec (a JSON object from a model node's spec)")
        if data.get("version") != SPEC_VERSION:
            raise ValueError(f"model spec version {data.get('version')!r} is not supported")
        kind = data.get("kind")
        if kind not in ("classifier", "regressor"):
            raise ValueError(f"a model spec is a classifier or a regressor, not {kind!r}")
        params = data.get("params")
        features = data.get("features") or []
        target = data.get("target")
        if not isinstance(params, dict):
            raise ValueError("the model spec's params are not a JSON object")
        if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
            raise ValueError("the model spec's features are not a list of column names")
        if target is not None and not isinstance(target, str):
            raise ValueError("the model spec's target is not a column name")
        return cls(
            type_id=str(data.get("type_id") or ""),
            type_version=int(data.get("type_version") or 1),
            kind=cast(SpecKind, kind),
            algorithm=str(data.get("algorithm") or ""),
            params=dict(params),
            target=target or None,
            features=list(features),
            encoded_labels=bool(data.get("encoded_labels", False)),
        )

    def node_type(self, registry: NodeRegistry | None = None) -> ModelNode[Any]:
        """The registered supervised model node type that builds this spec's estimator."""
        from node_library.node_kinds.models import ModelNode
        from node_library.registry import default_registry

        node = (registry or default_registry()).get(self.type_id)
        if not isinstance(node, ModelNode) or node.task not in ("classifier", "regressor"):
            raise NodeError(
                error(
                    "unknown_model_type",
                    f"the model spec names {self.type_id!r}, which is not a classification or "
                    "regression node type of this server",
                    "connect the spec output of a classification or regression node (or install "
                    "the node package that provides it)",
                    port="model",
                )
            )
        return node

    def build_estimator(self, registry: NodeRegistry | None = None) -> Any:
        """A new, unfitted estimator, built as the model node builds it."""
        from pydantic import ValidationError

        node = self.node_type(registry)
        raw = dict(self.params)
        try:
            if self.type_version < node.version:
                raw = node.migrate_params(raw, self.type_version)
            params = node.Params.model_validate(raw)
        except (ValidationError, ValueError) as exc:
            raise NodeError(
                error(
                    "invalid_model_spec",
                    f"the model spec's params are not valid for {node.type_id}: {exc}",
                    "re-run the model node that made the spec",
                    port="model",
                )
            ) from exc
        return node.make_estimator(params)
