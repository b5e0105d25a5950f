"""Model nodes: classification, regression and clustering estimators, and Predict.

`NODES` lists the node types of this category; node_library.nodes registers them."""

from __future__ import annotations

from node_library.nodes.models.agglomerative import AgglomerativeNode
from node_library.nodes.models.dbscan import DBSCANNode
from node_library.nodes.models.elastic_net import ElasticNetNode
from node_library.nodes.models.gradient_boosting_classifier import GradientBoostingClassifierNode
from node_library.nodes.models.gradient_boosting_regressor import GradientBoostingRegressorNode
from node_library.nodes.models.kmeans import KMeansNode
from node_library.nodes.models.knn_classifier import KNNClassifierNode
from node_library.nodes.models.lasso import LassoNode
from node_library.nodes.models.lightgbm_classifier import LightGBMClassifierNode
from node_library.nodes.models.lightgbm_regressor import LightGBMRegressorNode
from node_library.nodes.models.linear_regression import LinearRegressionNode
from node_library.nodes.models.logistic_regression import LogisticRegressionNode
from node_library.nodes.models.mlp_classifier import MLPClassifierNode
from node_library.nodes.models.mlp_regressor import MLPRegressorNode
from node_library.nodes.models.predict import PredictNode
from node_library.nodes.models.random_forest_classifier import RandomForestClassifierNode
from node_library.nodes.models.random_forest_regressor import RandomForestRegressorNode
from node_library.nodes.models.ridge import RidgeNode
from node_library.nodes.models.svm_classifier import SVMClassifierNode
from node_library.nodes.models.xgboost_classifier import XGBoostClassifierNode
from node_library.nodes.models.xgboost_regressor import XGBoostRegressorNode

NODES = (
    AgglomerativeNode,
    DBSCANNode,
    ElasticNetNode,
    GradientBoostingClassifierNode,
    GradientBoostingRegressorNode,
    KMeansNode,
    KNNClassifierNode,
    LassoNode,
    LightGBMClassifierNode,
    LightGBMRegressorNode,
    LinearRegressionNode,
    LogisticRegressionNode,
    MLPClassifierNode,
    MLPRegressorNode,
    PredictNode,
    RandomForestClassifierNode,
    RandomForestRegressorNode,
    RidgeNode,
    SVMClassifierNode,
    XGBoostClassifierNode,
    XGBoostRegressorNode,
)
