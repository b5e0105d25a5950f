"""The typed IO manager: every node output port is stored by the artifact store under the cache
key of the run's plan, in the format its data type calls for (see artifacts.py)."""

from __future__ import annotations

from typing import Any

import dagster as dg

from canvas_assets.artifacts import ArtifactRef, ArtifactStore
from canvas_assets.plans import PlanSource
from node_library.datatypes import DataType

NODE_ID = "canvas/node_id"
PORT = "canvas/port"
WORKFLOW = "canvas/workflow"
DATA_TYPE = "canvas/data_type"


class CanvasIOManager(dg.IOManager):
    def __init__(self, artifacts: ArtifactStore, plans: PlanSource) -> None:
        self.artifacts = artifacts
        self.plans = plans

    def _ref(self, definition_metadata: Any, run_id: str) -> tuple[ArtifactRef, DataType]:
        slug = str(definition_metadata[WORKFLOW])
        node_id = str(definition_metadata[NODE_ID])
        plan = self.plans.get(run_id, slug)
        ref = ArtifactRef(slug, node_id, plan.nodes[node_id].cache_key,
                          str(definition_metadata[PORT]))
        return ref, DataType(str(definition_metadata[DATA_TYPE]))

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        ref, data_type = self._ref(context.definition_metadata, context.run_id)
        meta = self.artifacts.write(ref, data_type, obj)
        extra: dict[str, Any] = {"canvas/artifact": f"{ref.base}.{meta['ext']}",
                                 "canvas/bytes": meta["bytes"]}
        context.add_output_metadata(extra)

    def load_input(self, context: dg.InputContext) -> Any:
        upstream = context.upstream_output
        assert upstream is not None, "canvas inputs always come from an upstream asset"
        ref, _ = self._ref(upstream.definition_metadata, context.step_context.run_id)
        return self.artifacts.read(ref)
