"""The example workflows bundled with the product, loaded into an empty store on first start."""

from __future__ import annotations

from importlib import resources

from canvas_assets.storage.workflow_store import WorkflowStore
from node_library.graph import Workflow, load_workflow
from node_library.registry import NodeRegistry


def example_workflows(registry: NodeRegistry | None = None) -> list[Workflow]:
    folder = resources.files("canvas_assets") / "examples"
    return [
        load_workflow(item.read_text(), registry)
        for item in sorted(folder.iterdir(), key=lambda p: p.name)
        if item.name.endswith(".json")
    ]


def seed_examples(store: WorkflowStore, registry: NodeRegistry | None = None) -> list[str]:
    """Add the examples whose slugs are not taken yet; returns the slugs added."""
    existing = {s.workflow.slug for s in store.list(limit=10_000)}
    added = []
    for workflow in example_workflows(registry):
        if workflow.slug not in existing:
            store.create(workflow)
            added.append(workflow.slug)
    return added
