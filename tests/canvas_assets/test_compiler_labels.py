"""Dagster assets say which canvas node they are: keys hold ids only, so each asset carries the
node's label, its type's name and its port in the description, metadata and tags."""

from __future__ import annotations

import dagster as dg

from canvas_assets.definitions import build_definitions
from canvas_assets.services import CanvasServices
from node_library.graph import load_workflow
from tests.canvas_assets.toy_nodes import chain_workflow


def test_assets_carry_the_node_label_type_and_port_and_keep_their_keys(
    toy_services: CanvasServices,
) -> None:
    document = chain_workflow("alpha")
    document["nodes"][1]["label"] = "Plus one (fix: 100%)"
    document["nodes"][3]["label"] = "Head and stats"
    toy_services.store.create(load_workflow(document))

    graph = build_definitions(toy_services).resolve_asset_graph()

    labelled = graph.get(dg.AssetKey(["alpha", "add_one"]))
    assert labelled.description == "Plus one (fix: 100%) (Add): Adds a constant to a column."
    assert labelled.metadata["canvas/node_label"] == "Plus one (fix: 100%)"
    assert labelled.metadata["canvas/node_type"] == "Add"
    assert labelled.tags["canvas/type_id"] == "toy.add"
    assert labelled.tags["canvas/category"] == "toy"

    unlabelled = graph.get(dg.AssetKey(["alpha", "add_ten"]))
    assert unlabelled.description == "Add: Adds a constant to a column."
    assert unlabelled.metadata["canvas/node_label"] == "Add"

    head = graph.get(dg.AssetKey(["alpha", "split", "head"]))  # a port of a multi-output node
    assert head.description == "Head and stats (Split), output head: First rows and the rest."
    assert head.metadata["canvas/port_label"] == "head"
