"""Feature engineering nodes: fitted on the training rows, applied elsewhere through their model.

`NODES` lists the node types of this category; node_library.nodes registers them."""

from __future__ import annotations

from node_library.nodes.features.apply import ApplyTransformerNode
from node_library.nodes.features.datetime_parts import DatetimePartsNode
from node_library.nodes.features.impute import ImputeNode
from node_library.nodes.features.label_encode import LabelEncodeNode
from node_library.nodes.features.one_hot import OneHotNode
from node_library.nodes.features.ordinal import OrdinalNode
from node_library.nodes.features.pca import PcaNode
from node_library.nodes.features.polynomial import PolynomialNode
from node_library.nodes.features.scaling import ScaleNode
from node_library.nodes.features.select_correlated import SelectCorrelatedNode
from node_library.nodes.features.select_from_model import SelectFromModelNode
from node_library.nodes.features.select_k_best import SelectKBestNode
from node_library.nodes.features.target_encode import TargetEncodeNode
from node_library.nodes.features.variance_threshold import VarianceThresholdNode

NODES = (
    ApplyTransformerNode,
    DatetimePartsNode,
    ImputeNode,
    LabelEncodeNode,
    OneHotNode,
    OrdinalNode,
    PcaNode,
    PolynomialNode,
    ScaleNode,
    SelectCorrelatedNode,
    SelectFromModelNode,
    SelectKBestNode,
    TargetEncodeNode,
    VarianceThresholdNode,
)
