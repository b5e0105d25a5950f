"""What the two deep-learning model nodes share: the MLP hyperparameters, the check that PyTorch
(the optional `deep` extra) is installed, and fitting with progress once per epoch.

The estimators are node_library.ml.torch_mlp's TorchMLPClassifier / TorchMLPRegressor, imported
lazily: the registry must load (and these nodes must explain what is missing) without PyTorch.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from typing import Any, Literal

import pandas as pd
from pydantic import Field, field_validator

from node_library import widgets
from node_library.contract import ExecutionContext, Issue, NodeError, PortSchema, error
from node_library.ml.layer_sizes import parse_layer_sizes
from node_library.node_kinds.models import ModelNode, SupervisedParams
from node_library.settings import NodeSettings

DEEP_EXTRA_HINT = "the deep-learning nodes need the `deep` extra: pip install -e '.[deep]'"


class MLPParams(SupervisedParams):
    hidden_layer_sizes: str = Field(
        "64, 32",
        max_length=200,
        description="Units of each hidden layer, comma separated (e.g. 64, 32: two layers).",
        json_schema_extra=widgets.text(),
    )
    activation: Literal["relu", "tanh", "sigmoid"] = Field(
        "relu", description="Activation after each hidden layer."
    )
    epochs: int = Field(100, ge=1, le=10_000, description="Passes over the training rows.")
    batch_size: int = Field(32, ge=1, le=1_000_000, description="Rows per optimizer step.")
    learning_rate: float = Field(0.001, gt=0, le=10, description="AdamW step size.")
    weight_decay: float = Field(
        0.0001, ge=0, le=10, description="AdamW weight decay (shrinks the weights)."
    )
    random_state: int = Field(
        0, ge=0, description="Seed of the initial weights and of the row shuffling."
    )

    @field_validator("hidden_layer_sizes")
    @classmethod
    def _layers(cls, value: str) -> str:
        return ", ".join(str(size) for size in parse_layer_sizes(value))


def torch_installed() -> bool:
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):  # ValueError: torch in sys.modules without a spec
        return False


def missing_extra() -> Issue:
    return error(
        "missing_extra",
        "PyTorch is not installed: " + DEEP_EXTRA_HINT,
        "install it with pip install -e '.[deep]' (the CPU build torch==2.13.0) and restart",
    )


class MLPNode(ModelNode[MLPParams]):
    """A model node over the PyTorch MLP; subclasses pick the estimator class."""

    Params = MLPParams
    libraries = ("torch", "scikit-learn")

    def validate(
        self, params: MLPParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        issues = [] if torch_installed() else [missing_extra()]
        return issues + super().validate(params, inputs, settings)

    def make_estimator(self, params: MLPParams) -> Any:
        if not torch_installed():
            raise NodeError(missing_extra())
        return super().make_estimator(params)

    def fit(
        self, ctx: ExecutionContext, estimator: Any, X: pd.DataFrame, y: Any, **options: Any
    ) -> None:
        """Fit with one progress report per epoch (at most about a hundred) and the final loss
        in the log."""
        step = max(1, estimator.epochs // 100)

        def report(done: int, total: int, loss: float) -> None:
            if done % step == 0 or done == total:
                ctx.progress(done, total, f"epochs (training loss {loss:.4g})")

        ctx.progress(0, estimator.epochs, "epochs")
        estimator.fit(X, y, progress=report)
        ctx.log(f"final training loss {estimator.loss_curve_[-1]:.6g}")
