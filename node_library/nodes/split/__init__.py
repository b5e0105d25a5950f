"""Splitting a frame into training and test rows.

`NODES` lists the node types of this category; node_library.nodes registers them."""

from __future__ import annotations

from node_library.nodes.split.train_test_split import TrainTestSplitNode

NODES = (TrainTestSplitNode,)
