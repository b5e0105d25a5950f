"""The versions Dagster records agree with the canvas, also when the canvas reuses a stored result.

Each node output is an asset whose code_version is the node's code version (hash of type id,
type version and params; planning/compiler.py), and each run's materialization records that
code version, the data versions of its inputs and the node's cache-key record. Dagster calls an
asset Unsynced when the code version or an input data version of its *latest* materialization
differs from the current ones; the canvas calls a node fresh when a result for its current cache
key is stored, whichever run made it. So after a param is changed, run, and changed back, the
canvas reuses the first result at once ("fresh"), while Dagster compares with the latest
materialization, the run of the changed param, and says "has a new code version". No choice of
code or data versions alone changes that: Dagster looks at the latest materialization only.

So where the canvas reuses a result, this module tells Dagster: for each node that is fresh
while the latest materialization of its assets carries another cache key, it reports a runless
materialization (`DagsterInstance.report_runless_asset_event`) of each output asset carrying
- the node's current code version, and as input data versions the current ones of the assets
  it reads (those are recorded first: nodes go in topological order);
- the data version and the metadata of the materialization that made the stored result (found
  by its `canvas/cache_key` among the latest SCAN_LIMIT), so what was made from that result
  matches again downstream; when that materialization is gone, the data version Dagster itself
  computes from the code version and the inputs;
- `canvas/reused_from_run` (the run that made the result) and a description saying so.
Nothing runs and nothing is copied: the artifact store already holds the result. A node is
recorded only when every node it reads from agrees with Dagster after this pass, so a result
whose upstream the canvas calls stale is not claimed current in Dagster either.

When: `sync_reused_results` runs while the code server of `mlcanvas up` loads
canvas_assets.definitions after each debounced reload (code_server.py sets the flag), before the
load answers, so the Dagster UI shows the new graph and what it reuses together. Only workflows
where some asset's code version or inputs differ from its latest materialization are planned
(planning reads sources to fingerprint them). Public DagsterInstance APIs; the provenance tags
come from dagster_adapter.py.

What still differs, by Dagster's design: after an edit Dagster marks only the edited assets
Unsynced (it compares one layer), while the canvas marks everything downstream stale too; and a
source file that changed is visible to the canvas (its fingerprint is in the cache key) but not
to Dagster, whose data versions are computed from code versions unless the outputs carry their
own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import dagster as dg

from canvas_assets.orchestration.dagster_adapter import (
    logical_data_version,
    provenance_of,
    provenance_tags,
)
from canvas_assets.planning.compiler import RECORD, output_keys
from canvas_assets.planning.plan import NodePlan
from canvas_assets.planning.status import State
from canvas_assets.services import CanvasServices
from canvas_assets.storage.workflow_store import StoredWorkflow

CACHE_KEY = "canvas/cache_key"  # metadata of every materialization the compiler makes
REUSED_FROM_RUN = "canvas/reused_from_run"
SCAN_LIMIT = 500  # materializations of one asset searched for the one that made a result
log = logging.getLogger(__name__)


def unsynced_workflows(instance: dg.DagsterInstance, graph: Any) -> list[str]:
    """Slugs of the workflows where an asset of `graph` (the code location's AssetGraph) has a
    code version or dependencies that differ from its latest materialization's. Assets never
    materialized are left out: Dagster and the canvas agree that they are missing."""
    keys = sorted(graph.materializable_asset_keys, key=lambda k: k.to_user_string())
    latest = instance.get_latest_materialization_events(keys)
    slugs: set[str] = set()
    for key in keys:
        entry = latest.get(key)
        if entry is None:
            continue
        recorded = provenance_of(entry.tags)
        asset = graph.get(key)
        if recorded.code_version != asset.code_version or set(recorded.input_data_versions) != set(
            asset.parent_keys
        ):
            slugs.add(key.path[0])
    return sorted(slugs)


def sync_reused_results(services: CanvasServices, graph: Any) -> dict[str, list[str]]:
    """Record the reused results of every workflow that may need it (see the module doc);
    the node ids recorded, by workflow slug."""
    recorded: dict[str, list[str]] = {}
    for slug in unsynced_workflows(services.instance, graph):
        nodes = record_reused_results(services, services.store.get(slug))
        if nodes:
            recorded[slug] = nodes
    return recorded


def record_reused_results(services: CanvasServices, stored: StoredWorkflow) -> list[str]:
    """Report a materialization for each node the canvas calls fresh with a stored result that
    is not the latest materialization in Dagster; the node ids, in topological order."""
    instance, plan = services.instance, services.plan(stored)
    statuses = services.statuses(plan)
    keys = output_keys(plan.workflow, services.registry)
    agreed: set[str] = set()  # nodes whose latest materializations carry the current cache key
    recorded: list[str] = []
    for node_id, node in plan.nodes.items():  # topological order
        node_keys = {port: keys[(node_id, port)] for port in node.outputs}
        latest = instance.get_latest_materialization_events(node_keys.values())
        if all(_cache_key(latest.get(key)) == node.cache_key for key in node_keys.values()):
            agreed.add(node_id)
            continue
        if statuses[node_id].state is not State.FRESH:
            continue
        if any(ref.node_id not in agreed for ref in node.inputs.values()):
            continue
        inputs = _current_versions(
            instance, (keys[(r.node_id, r.port)] for r in node.inputs.values())
        )
        for key in node_keys.values():
            instance.report_runless_asset_event(_reuse(instance, key, node, inputs))
        agreed.add(node_id)
        recorded.append(node_id)
    if recorded:
        log.info("Dagster now records the reused results of %s: %s", plan.slug, recorded)
    return recorded


def _reuse(
    instance: dg.DagsterInstance,
    key: dg.AssetKey,
    node: NodePlan,
    inputs: Mapping[dg.AssetKey, tuple[str, int | None]],
) -> dg.AssetMaterialization:
    """The materialization saying that asset `key` holds the stored result of `node`'s cache key."""
    made = _made_it(instance, key, node.cache_key)
    metadata: dict[str, Any] = {}
    run_id = ""
    data_version = user_provided = None
    if made is not None:
        entry = made.event_log_entry
        assert entry.asset_materialization is not None
        metadata.update(entry.asset_materialization.metadata)
        earlier = _text(metadata.get(REUSED_FROM_RUN))
        run_id = earlier or entry.run_id
        found = provenance_of(entry.tags)
        data_version, user_provided = found.data_version, found.user_provided
    if data_version is None:
        versions = {k: version for k, (version, _) in inputs.items()}
        data_version, user_provided = logical_data_version(node.code_version, versions), False
    metadata.update(
        {
            RECORD: dg.MetadataValue.json(node.record()),
            CACHE_KEY: node.cache_key,
            REUSED_FROM_RUN: run_id,
        }
    )
    made_by = f" made by run {run_id}" if run_id else ""
    return dg.AssetMaterialization(
        asset_key=key,
        description=f"The canvas reuses the stored result for cache key {node.cache_key}"
        f"{made_by}: this node's params and inputs are back to the ones it was made for."
        " Nothing was recomputed.",
        metadata=metadata,
        tags=provenance_tags(node.code_version, data_version, inputs, bool(user_provided)),
    )


def _current_versions(
    instance: dg.DagsterInstance, keys: Iterable[dg.AssetKey]
) -> dict[dg.AssetKey, tuple[str, int | None]]:
    """Each asset's current data version and the storage id of the event that set it."""
    versions: dict[dg.AssetKey, tuple[str, int | None]] = {}
    for key in keys:
        records = instance.fetch_materializations(key, limit=1).records
        if records:
            version = provenance_of(records[0].event_log_entry.tags).data_version
            if version is not None:
                versions[key] = (version, records[0].storage_id)
    return versions


def _made_it(instance: dg.DagsterInstance, key: dg.AssetKey, cache_key: str) -> Any:
    """The latest materialization of `key` made for `cache_key` (an EventLogRecord), or None."""
    cursor, scanned = None, 0
    while scanned < SCAN_LIMIT:
        page = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=key), limit=100, cursor=cursor
        )
        for record in page.records:
            entry = record.event_log_entry
            if _cache_key(entry) == cache_key:
                return record
        scanned += len(page.records)
        if not page.has_more:
            return None
        cursor = page.cursor
    return None


def _cache_key(entry: Any) -> str | None:
    materialization = getattr(entry, "asset_materialization", None)
    if materialization is None:
        return None
    return _text(materialization.metadata.get(CACHE_KEY))


def _text(value: Any) -> str | None:
    raw = getattr(value, "value", value)
    return raw if isinstance(raw, str) and raw else None
