"""Hyperparameter tuning nodes: grid and random search over a model's hyperparameters.

`NODES` lists the node types of this category; node_library.nodes registers them."""

from __future__ import annotations

from node_library.nodes.tune.grid_search import GridSearchNode
from node_library.nodes.tune.random_search import RandomSearchNode

NODES = (
    GridSearchNode,
    RandomSearchNode,
)
