"""The workflow store on SQLite and on the real PostgreSQL: revisions, conflicts, versions."""

from __future__ import annotations

import pytest

from canvas_assets.storage.errors import Conflict, NotFound, StoreError
from canvas_assets.storage.workflow_store import WorkflowStore
from node_library.graph import load_workflow
from tests.canvas_assets.toy_nodes import chain_workflow


def test_created_workflow_reads_back_by_id_and_slug(store: WorkflowStore) -> None:
    created = store.create(load_workflow(chain_workflow("alpha")))
    assert created.revision == 1 and created.id
    by_slug = store.get("alpha")
    assert by_slug.workflow == created.workflow
    assert store.get(created.id).workflow.slug == "alpha"


def test_save_with_the_current_revision_creates_the_next_one(store: WorkflowStore) -> None:
    created = store.create(load_workflow(chain_workflow("alpha")))
    edited = created.workflow.model_copy(update={"name": "Renamed"})
    saved = store.save(edited, base_revision=1)
    assert saved.revision == 2
    assert store.get("alpha").workflow.name == "Renamed"
    assert store.version(created.id, 1).name == "Toy chain"  # history is kept


def test_save_with_a_stale_revision_is_a_conflict_and_changes_nothing(store: WorkflowStore) -> None:
    created = store.create(load_workflow(chain_workflow("alpha")))
    store.save(created.workflow.model_copy(update={"name": "First"}), base_revision=1)
    with pytest.raises(Conflict) as caught:
        store.save(created.workflow.model_copy(update={"name": "Second"}), base_revision=1)
    assert caught.value.current_revision == 2
    assert "revision 2, not 1" in str(caught.value)
    assert store.get("alpha").workflow.name == "First"


def test_a_taken_slug_is_refused(store: WorkflowStore) -> None:
    store.create(load_workflow(chain_workflow("alpha")))
    with pytest.raises(StoreError, match="already exists"):
        store.create(load_workflow(chain_workflow("alpha")))
    assert len(store.list()) == 1


def test_changing_the_slug_on_save_is_refused(store: WorkflowStore) -> None:
    created = store.create(load_workflow(chain_workflow("alpha")))
    with pytest.raises(StoreError, match="slug"):
        store.save(created.workflow.model_copy(update={"slug": "beta"}), base_revision=1)


def test_list_searches_names_and_slugs(store: WorkflowStore) -> None:
    store.create(load_workflow({**chain_workflow("alpha"), "name": "Sales report"}))
    store.create(load_workflow({**chain_workflow("beta"), "name": "Churn model"}))
    assert [s.workflow.slug for s in store.list(search="churn")] == ["beta"]
    assert [s.workflow.slug for s in store.list(search="alp")] == ["alpha"]
    assert len(store.list()) == 2


def test_deleted_workflow_is_gone_with_its_history(store: WorkflowStore) -> None:
    created = store.create(load_workflow(chain_workflow("alpha")))
    store.delete("alpha")
    with pytest.raises(NotFound, match="mlcanvas list"):
        store.get("alpha")
    with pytest.raises(NotFound):
        store.version(created.id, 1)


def test_a_node_saved_at_an_older_type_version_reads_back_migrated(tmp_path) -> None:
    # a node type bumped after a workflow was stored (outputs.export 1 -> 2 added raw_values):
    # reading the workflow migrates the node, as importing its file would, instead of leaving a
    # version mismatch in every stored workflow after an upgrade
    from node_library.graph import Node, Workflow
    from node_library.registry import default_registry

    old = Workflow(
        slug="old_export",
        name="old export",
        nodes=[
            Node(
                id="export",
                type="outputs.export",
                type_version=1,
                params={"file_name": "out", "format": "csv"},
            )
        ],
    )
    url = f"sqlite:///{tmp_path / 'canvas.db'}"
    WorkflowStore(url).create(old)
    store = WorkflowStore(url, default_registry())
    for workflow in (store.get("old_export").workflow, store.list()[0].workflow):
        (node,) = workflow.nodes
        assert node.type_version == 2
        assert node.params["raw_values"] is False
        assert node.params["file_name"] == "out"
    store.dispose()
