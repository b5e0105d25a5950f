"""Warnings never block a run: a workflow whose only issues are leakage warnings plans every node,
in full and in partial plans (errors block; node_library.leakage warnings do not)."""

from __future__ import annotations

from canvas_assets.planning.plan import build_plan
from node_library.contract import Severity
from node_library.graph import load_workflow
from node_library.registry import default_registry
from node_library.settings import NodeSettings
from node_library.validation import validate_workflow


def test_a_workflow_with_leakage_warnings_plans_every_node() -> None:
    registry, settings = default_registry(), NodeSettings.from_env()
    nodes = [
        ("wine", "sources.sample_dataset", {"dataset": "wine", "target_column": "cultivar"}),
        ("scale", "features.scale", {}),
        ("split", "split.train_test_split", {"method": "stratified", "stratify_column": "ash"}),
        ("forest", "models.random_forest_classifier", {}),
    ]
    edges = [("wine", "scale", "train"), ("scale", "split", "data"), ("split", "forest", "train")]
    workflow = load_workflow(
        {
            "slug": "leaky",
            "name": "Leaky",
            "nodes": [{"id": i, "type": t, "params": p} for i, t, p in nodes],
            "edges": [
                {
                    "id": f"e{n}",
                    "source": source,
                    "source_port": "data" if source == "wine" else "train",
                    "target": target,
                    "target_port": port,
                }
                for n, (source, target, port) in enumerate(edges)
            ],
        },
        registry,
    )

    issues = validate_workflow(workflow, registry, settings).issues
    assert {(i.code, i.severity) for i in issues} == {
        ("fitted_before_split", Severity.WARNING),
        ("stratify_continuous", Severity.WARNING),
    }

    full = build_plan(workflow, registry, settings)
    partial = build_plan(workflow, registry, settings, partial=True)

    assert list(full.nodes) == list(partial.nodes) == ["wine", "scale", "split", "forest"]
    assert not partial.blocked
