"""Read what Dagster recorded about earlier materializations: the cache-key record of each node's
latest materialization, used to explain why a node is stale. Public DagsterInstance APIs only."""

from __future__ import annotations

from typing import Any

import dagster as dg

from canvas_assets.planning.compiler import output_keys, record_of
from canvas_assets.planning.plan import Plan
from node_library.registry import NodeRegistry

LAST_FACTS = ("duration_s", "rows_out", "memory_mb")


def latest_records(
    instance: dg.DagsterInstance, plan: Plan, registry: NodeRegistry
) -> dict[str, dict[str, Any]]:
    keys = output_keys(plan.workflow, registry)
    first_key = {node_id: keys[(node_id, node.outputs[0])] for node_id, node in plan.nodes.items()}
    events = instance.get_latest_materialization_events(list(first_key.values()))
    records: dict[str, dict[str, Any]] = {}
    for node_id, key in first_key.items():
        entry = events.get(key)
        materialization = entry.asset_materialization if entry else None
        if materialization is not None:
            metadata = dict(materialization.metadata)
            record = record_of(metadata)
            if record:
                record["run_id"] = entry.run_id if entry else None
                record["timestamp"] = entry.timestamp if entry else None
                record["asset_key"] = list(key.path)  # where the Dagster UI shows it
                for name in LAST_FACTS:  # what the last run measured: estimates, node stats
                    value = getattr(metadata.get(f"canvas/{name}"), "value", None)
                    record[name] = value if isinstance(value, (int, float)) else None
                records[node_id] = record
    return records
