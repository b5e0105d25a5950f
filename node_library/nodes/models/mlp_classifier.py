"""Neural network classifier: a small PyTorch MLP on the CPU (the optional `deep` extra)."""

from __future__ import annotations

from node_library.node_kinds.mlp import MLPNode, MLPParams
from node_library.node_kinds.models import ClassifierNode


class MLPClassifierNode(MLPNode, ClassifierNode[MLPParams]):
    type_id = "models.mlp_classifier"
    display_name = "Neural network classifier"
    description = "A small PyTorch multi-layer perceptron for classification, on the CPU."
    tags = ("classification", "neural network", "deep learning", "mlp", "pytorch", "torch")
    algorithm = "node_library.ml.torch_mlp.TorchMLPClassifier"
