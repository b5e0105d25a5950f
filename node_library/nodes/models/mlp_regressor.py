"""Neural network regressor: a small PyTorch MLP on the CPU (the optional `deep` extra)."""

from __future__ import annotations

from node_library.node_kinds.mlp import MLPNode, MLPParams
from node_library.node_kinds.models import RegressorNode


class MLPRegressorNode(MLPNode, RegressorNode[MLPParams]):
    type_id = "models.mlp_regressor"
    display_name = "Neural network regressor"
    description = "A small PyTorch multi-layer perceptron for regression, on the CPU."
    tags = ("regression", "neural network", "deep learning", "mlp", "pytorch", "torch")
    algorithm = "node_library.ml.torch_mlp.TorchMLPRegressor"
