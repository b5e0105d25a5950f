"""The Dagster code location: lineage as drawn, one group per workflow, pinned graph snapshot."""

from __future__ import annotations

import dagster as dg
from dagster._core.definitions.definitions_load_context import (
    DefinitionsLoadContext,
    DefinitionsLoadType,
)
from dagster._core.definitions.metadata.metadata_value import (
    CodeLocationReconstructionMetadataValue,
)
from dagster._core.definitions.repository_definition.repository_definition import (
    RepositoryLoadData,
)

from canvas_assets.definitions import SNAPSHOT_KEY, build_definitions
from canvas_assets.services import CanvasServices
from node_library.graph import load_workflow
from tests.canvas_assets.toy_nodes import chain_workflow


def test_every_node_output_is_an_asset_with_the_drawn_dependencies(
    toy_services: CanvasServices,
) -> None:
    toy_services.store.create(load_workflow(chain_workflow("alpha")))
    toy_services.store.create(load_workflow(chain_workflow("beta")))

    defs = build_definitions(toy_services)
    graph = defs.resolve_asset_graph()

    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    for slug in ("alpha", "beta"):
        assert {
            f"{slug}/numbers",
            f"{slug}/add_one",
            f"{slug}/add_ten",
            f"{slug}/other",
            f"{slug}/split/head",
            f"{slug}/split/stats",
        } <= keys
    node = graph.get(dg.AssetKey(["alpha", "add_ten"]))
    assert node.parent_keys == {dg.AssetKey(["alpha", "add_one"])}
    assert node.group_name == "alpha"
    assert node.code_version  # hash of type, version and params
    assert graph.get(dg.AssetKey(["alpha", "split", "head"])).parent_keys == {
        dg.AssetKey(["alpha", "add_ten"])
    }


def test_a_workflow_that_does_not_validate_is_left_out_not_fatal(
    toy_services: CanvasServices,
) -> None:
    broken = chain_workflow("broken")
    broken["nodes"][1]["params"]["column"] = "nope"
    toy_services.store.create(load_workflow(broken))
    toy_services.store.create(load_workflow(chain_workflow("good")))

    keys = {k.to_user_string() for k in build_definitions(toy_services).resolve_all_asset_keys()}

    assert "good/numbers" in keys and not any(k.startswith("broken/") for k in keys)


def test_run_workers_rebuild_the_pinned_graph_even_after_the_store_changed(
    toy_services: CanvasServices,
) -> None:
    toy_services.store.create(load_workflow(chain_workflow("alpha")))
    defs = build_definitions(toy_services)
    pinned = defs.metadata[SNAPSHOT_KEY]
    assert isinstance(pinned, CodeLocationReconstructionMetadataValue)

    toy_services.store.delete("alpha")  # an edit after the code location loaded
    context = DefinitionsLoadContext(
        load_type=DefinitionsLoadType.RECONSTRUCTION,
        repository_load_data=RepositoryLoadData(reconstruction_metadata={SNAPSHOT_KEY: pinned}),
    )
    with DefinitionsLoadContext.scoped(context):
        rebuilt = build_definitions(toy_services)

    assert dg.AssetKey(["alpha", "add_ten"]) in set(rebuilt.resolve_all_asset_keys())
