"""What travels on a `model` port: a fitted estimator or transformer with the facts needed to use
it safely elsewhere.

Every ML node that fits something (a scaler, an encoder, a classifier, a K-Means) outputs a
`FittedModel`; nodes that apply one (Predict, the `apply` side of feature nodes, evaluation)
take it on a `model` input port. The facts travel with the estimator so that:

- applying it to a frame whose columns differ from the training columns is refused with the
  differences listed (`check_columns`), never silently re-ordered or half-applied;
- an exported model carries its features and dtypes, target, classes, library versions and a
  fingerprint of the training data (the model export node writes `meta` as JSON next to it);
- a chain of fitted transformers and a final model can be applied in order (`steps`).

Conventions shared by the ML nodes:
- Predict appends `prediction` to the input frame; classifiers with `predict_proba` also append
  one `proba_<class>` column per class, in `classes` order. Clusterers append `cluster`.
- Transformers are applied with `transform(frame)`: they replace `features` by `output_columns`
  and keep every other column (so ids and the target pass through).
- Seeds are params (`random_state`), so a node is deterministic for the same inputs.
- Model nodes build X and y with node_library.ml.training (checks with clear messages) and apply
  models with node_library.ml.prediction (steps first, then the estimator).

Storage (canvas_assets/storage/artifacts.py, via node_library/ml/model_files.py): one zip per model
with `meta` (and each step's) as JSON and every estimator in its native format: scikit-learn as
skops (trusted types only), XGBoost as UBJSON (loads back as XGBClassifier/XGBRegressor),
LightGBM as text (loads back as node_library.ml.lightgbm_booster.LightGBMBoosterModel, which
predicts exactly like the fitted LGBM wrapper). The server never unpickles anything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

ModelKind = Literal["classifier", "regressor", "clusterer", "transformer"]


@dataclass(frozen=True)
class ModelMeta:
    kind: ModelKind
    algorithm: str  # e.g. "sklearn.linear_model.LogisticRegression", "xgboost.XGBClassifier"
    features: list[str]  # input columns, in the order the estimator was fitted on
    feature_dtypes: dict[str, str]  # logical dtypes (node_library.schema.Dtype values)
    target: str | None = None
    classes: list[Any] | None = None  # classifiers: the labels, in predict_proba column order
    output_columns: list[str] | None = None  # transformers: the columns they produce
    params: dict[str, Any] = field(default_factory=dict)  # the node params it was fitted with
    library_versions: dict[str, str] = field(default_factory=dict)
    training_rows: int = 0
    training_fingerprint: str = ""  # frame_fingerprint() of the training frame
    # classifiers fitted on label codes 0..k-1 (XGBoost needs them): predictions are codes that
    # map back through `classes` (node_library.ml.prediction does it)
    encoded_labels: bool = False
    # what fitting showed beyond the params, e.g. a boosting model's rounds trained and used
    # with early stopping ({"rounds_trained": 57, "rounds_used": 47, ...}); empty for most models
    training: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "algorithm": self.algorithm,
            "features": list(self.features),
            "feature_dtypes": dict(self.feature_dtypes),
            "target": self.target,
            "classes": None if self.classes is None else [_plain(c) for c in self.classes],
            "output_columns": self.output_columns,
            "params": self.params,
            "library_versions": dict(self.library_versions),
            "training_rows": self.training_rows,
            "training_fingerprint": self.training_fingerprint,
            "encoded_labels": self.encoded_labels,
            "training": {k: _plain(v) for k, v in self.training.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModelMeta:
        return cls(
            kind=data["kind"],
            algorithm=data["algorithm"],
            features=list(data["features"]),
            feature_dtypes=dict(data["feature_dtypes"]),
            target=data.get("target"),
            classes=data.get("classes"),
            output_columns=data.get("output_columns"),
            params=dict(data.get("params") or {}),
            library_versions=dict(data.get("library_versions") or {}),
            training_rows=int(data.get("training_rows") or 0),
            training_fingerprint=str(data.get("training_fingerprint") or ""),
            encoded_labels=bool(data.get("encoded_labels", False)),
            training=dict(data.get("training") or {}),
        )


@dataclass(frozen=True)
class FittedModel:
    """A fitted estimator (scikit-learn API: XGBoost and LightGBM through their sklearn wrappers)
    and its facts. `steps` are fitted transformers applied, in order, before `estimator`."""

    estimator: Any
    meta: ModelMeta
    steps: tuple[FittedModel, ...] = ()


class ColumnMismatch(ValueError):
    """The frame's columns differ from the columns a model was fitted on."""

    def __init__(self, missing: list[str], extra: list[str]) -> None:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if extra:
            parts.append(f"not seen in training {', '.join(extra)}")
        super().__init__("; ".join(parts))
        self.missing = missing
        self.extra = extra


def check_columns(frame: pd.DataFrame, meta: ModelMeta, *, allow_extra: bool = True) -> None:
    """Raise ColumnMismatch when `frame` lacks a training feature (or, unless `allow_extra`, has
    feature-like columns the model never saw). Extra columns such as ids normally pass through."""
    present = [str(c) for c in frame.columns]
    missing = [c for c in meta.features if c not in present]
    extra = [] if allow_extra else [c for c in present if c not in meta.features]
    if missing or extra:
        raise ColumnMismatch(missing, extra)


def frame_fingerprint(frame: pd.DataFrame) -> str:
    """A stable hash of a frame's columns, dtypes and values (for `training_fingerprint`)."""
    digest = hashlib.sha256()
    digest.update(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()[:32]


def library_versions(*modules: str) -> dict[str, str]:
    """Installed versions of the named distributions (plus pandas and numpy)."""
    from importlib.metadata import PackageNotFoundError, version

    found: dict[str, str] = {}
    for name in ("pandas", "numpy", *modules):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
