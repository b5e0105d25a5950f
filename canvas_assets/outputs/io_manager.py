"""The typed IO manager: every node output port is stored by the artifact store under the cache
key of the run's plan, in the format its data type calls for (storage/artifacts.py). Which node
and port an output belongs to comes from the metadata the compiler gives each asset.

For runs that we launch and wait for (the CLI, the API), the manager can write in the background:
a value is handed to downstream steps of the same run from memory at once, while a writer thread
encodes and stores it (pyarrow releases the GIL, so on two cores the write overlaps the next
step). The caller must `flush()` before it reports the run: a write that failed then fails the
report, and since an artifact's meta file is written last, a lost write only ever leaves a node
"missing", never "fresh" with a broken result. Node `execute` functions never mutate their inputs
(the contract test checks it), which is what makes the in-memory handoff safe.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import dagster as dg

from canvas_assets.planning.compiler import DATA_TYPE, NODE_ID, PORT, WORKFLOW
from canvas_assets.planning.plan_source import PlanSource
from canvas_assets.storage.artifacts import ArtifactRef, ArtifactStore
from node_library.datatypes import DataType


class CanvasIOManager(dg.IOManager):
    def __init__(
        self,
        artifacts: ArtifactStore,
        plans: PlanSource,
        background_writes: bool = False,
        handoff: bool = False,
    ) -> None:
        """`handoff`: also keep each output in memory for the steps of the same run that run in
        this process (the engine's in-process runs); implied by `background_writes`."""
        self.artifacts = artifacts
        self.plans = plans
        self._handoff = handoff or background_writes
        self._writer = ThreadPoolExecutor(2, "canvas-artifacts") if background_writes else None
        self._pending: list[tuple[ArtifactRef, Future[dict[str, Any]]]] = []
        self._memory: dict[str, Any] = {}

    def _ref(self, definition_metadata: Any, run_id: str) -> tuple[ArtifactRef, DataType]:
        slug = str(definition_metadata[WORKFLOW])
        node_id = str(definition_metadata[NODE_ID])
        plan = self.plans.get(run_id, slug)
        ref = ArtifactRef(
            slug, node_id, plan.nodes[node_id].cache_key, str(definition_metadata[PORT])
        )
        return ref, DataType(str(definition_metadata[DATA_TYPE]))

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        ref, data_type = self._ref(context.definition_metadata, context.run_id)
        if self._writer is not None:
            self._memory[ref.base] = obj
            self._pending.append(
                (ref, self._writer.submit(self.artifacts.write, ref, data_type, obj))
            )
            context.add_output_metadata({"canvas/artifact": ref.base})
            return
        meta = self.artifacts.write(ref, data_type, obj)
        if self._handoff:
            self._memory[ref.base] = obj
        context.add_output_metadata(
            {"canvas/artifact": f"{ref.base}.{meta['ext']}", "canvas/bytes": meta["bytes"]}
        )

    def load_input(self, context: dg.InputContext) -> Any:
        upstream = context.upstream_output
        assert upstream is not None, "canvas inputs always come from an upstream asset"
        ref, _ = self._ref(upstream.definition_metadata, context.step_context.run_id)
        if ref.base in self._memory:
            return self._memory[ref.base]
        return self.artifacts.read(ref)

    def flush(self) -> dict[str, str]:
        """Wait for background writes; returns {node id: error} for the writes that failed."""
        failed: dict[str, str] = {}
        for ref, future in self._pending:
            error = future.exception()
            if error is not None:
                failed[ref.node_id] = f"storing output {ref.port!r} failed: {error}"
        self._pending.clear()
        self._memory.clear()
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None
        return failed
