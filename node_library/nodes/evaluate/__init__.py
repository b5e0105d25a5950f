"""Evaluation nodes: metrics, diagnostic charts, cross-validation, learning curves, comparison.

`NODES` lists the node types of this category; node_library.nodes registers them."""

from __future__ import annotations

from node_library.nodes.evaluate.classification_metrics import ClassificationMetricsNode
from node_library.nodes.evaluate.clustering_metrics import ClusteringMetricsNode
from node_library.nodes.evaluate.compare_models import CompareModelsNode
from node_library.nodes.evaluate.confusion_matrix import ConfusionMatrixNode
from node_library.nodes.evaluate.cross_validate import CrossValidateNode
from node_library.nodes.evaluate.feature_importance import FeatureImportanceNode
from node_library.nodes.evaluate.learning_curve import LearningCurveNode
from node_library.nodes.evaluate.pr_curve import PrCurveNode
from node_library.nodes.evaluate.regression_metrics import RegressionMetricsNode
from node_library.nodes.evaluate.residual_plot import ResidualPlotNode
from node_library.nodes.evaluate.roc_curve import RocCurveNode

NODES = (
    ClassificationMetricsNode,
    ClusteringMetricsNode,
    CompareModelsNode,
    ConfusionMatrixNode,
    CrossValidateNode,
    FeatureImportanceNode,
    LearningCurveNode,
    PrCurveNode,
    RegressionMetricsNode,
    ResidualPlotNode,
    RocCurveNode,
)
