"""What a finished run produced, for comparing runs side by side: the metrics of every node the
run executed, flattened to named scalars ("report.setosa.f1": 0.97), read back from the immutable
artifacts its materializations point to. Nodes a run did not execute (they were fresh) have no
metrics in that run: compare runs that executed the evaluation nodes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import dagster as dg

from canvas_assets.planning.compiler import DATA_TYPE, PORT
from canvas_assets.storage.artifacts import ArtifactRef, ArtifactStore

MAX_METRICS_PER_NODE = 500


@dataclass(frozen=True)
class NodeMetrics:
    node_id: str
    port: str
    values: dict[str, float | int | str | bool | None]


def run_metrics(
    instance: dg.DagsterInstance, artifacts: ArtifactStore, run_id: str
) -> list[NodeMetrics]:
    run = instance.get_run_by_id(run_id)
    if run is None:
        return []
    slug = run.tags.get("canvas/workflow", "")
    records = instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION, limit=10_000
    ).records
    found = []
    for record in records:
        entry = record.event_log_entry
        materialization = entry.asset_materialization
        if materialization is None or not entry.step_key:
            continue
        meta = {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}
        if meta.get(DATA_TYPE) != "metrics":
            continue
        node_id = entry.step_key.removeprefix(f"{slug}__")
        ref = ArtifactRef(slug, node_id, str(meta["canvas/cache_key"]), str(meta[PORT]))
        if not artifacts.exists(ref):  # pruned by retention: absent from the comparison
            continue
        found.append(NodeMetrics(node_id, ref.port, flatten(artifacts.read(ref))))
    return found


def flatten(value: Any, prefix: str = "") -> dict[str, float | int | str | bool | None]:
    """Scalar leaves of nested mappings, named by their path; lists and matrices are left out
    (they are compared as charts, not as numbers)."""
    out: dict[str, float | int | str | bool | None] = {}
    if isinstance(value, Mapping):
        for key, item in value.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(flatten(item, name))
            if len(out) >= MAX_METRICS_PER_NODE:
                break
    elif isinstance(value, float) and not math.isfinite(value):
        out[prefix or "value"] = None  # JSON has no NaN
    elif value is None or isinstance(value, (bool, int, float, str)):
        out[prefix or "value"] = value
    return out
