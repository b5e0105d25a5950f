"""Templates: the bundled examples as starting points for new workflows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from canvas_assets import CanvasServices, NotFound
from canvas_assets.services import copy_name
from node_library.registry import default_registry
from tests.canvas_assets.conftest import make_services

EXAMPLES = Path(__file__).resolve().parents[2] / "canvas_assets" / "examples"


@pytest.fixture
def services(tmp_path: Path) -> Iterator[CanvasServices]:
    services = make_services(tmp_path, registry=default_registry())
    yield services
    services.store.dispose()


def test_templates_are_the_bundled_examples_by_slug(services: CanvasServices) -> None:
    examples = sorted(p.stem for p in EXAMPLES.glob("*.json"))
    assert [t.slug for t in services.templates()] == examples
    assert all(t.nodes and t.name for t in services.templates())


def test_creating_from_a_template_twice_gives_two_workflows_with_free_slugs(
    services: CanvasServices,
) -> None:
    first = services.create_from_template("sales_by_region")
    second = services.create_from_template("sales_by_region")
    assert first.workflow.slug == "sales_by_region"
    assert second.workflow.slug == "sales_by_region_2"
    assert first.id != second.id and first.revision == 1
    template = next(t for t in services.templates() if t.slug == "sales_by_region")
    assert first.workflow.nodes == template.nodes
    assert first.workflow.edges == template.edges
    assert first.workflow.name == template.name


def test_a_template_copy_can_take_its_own_name(services: CanvasServices) -> None:
    stored = services.create_from_template("iris_enriched", name="  My iris  ")
    assert stored.workflow.name == "My iris"
    assert stored.workflow.slug == "my_iris"


def test_an_unknown_template_names_the_ones_that_exist(services: CanvasServices) -> None:
    with pytest.raises(NotFound) as caught:
        services.create_from_template("nope")
    assert "no template 'nope'" in str(caught.value)
    assert "sales_by_region" in str(caught.value)
    assert services.store.list() == []


def test_copy_names_count_up_and_never_stack_copy_marks() -> None:
    assert copy_name("Wine quality", []) == "Wine quality (copy)"
    assert copy_name("Wine quality", ["Wine quality (copy)"]) == "Wine quality (copy 2)"
    taken = ["wine quality (COPY)", "Wine quality (copy 2)"]
    assert copy_name("Wine quality (copy 2)", taken) == "Wine quality (copy 3)"
    assert copy_name("Wine quality", [], always_mark=False) == "Wine quality"
    assert copy_name("Wine quality", ["Wine quality"], always_mark=False) == "Wine quality (copy)"


def test_a_template_copied_next_to_its_example_gets_a_distinct_name(
    services: CanvasServices,
) -> None:
    names = [services.create_from_template("sales_by_region").workflow.name for _ in range(3)]
    assert names == ["Sales by region", "Sales by region (copy)", "Sales by region (copy 2)"]


def test_duplicating_a_workflow_twice_gives_two_distinct_copy_names(
    services: CanvasServices,
) -> None:
    original = services.create_from_template("sales_by_region")
    first = services.duplicate_workflow(original.id)
    second = services.duplicate_workflow(original.id)
    of_copy = services.duplicate_workflow(first.id)
    assert first.workflow.name == "Sales by region (copy)"
    assert second.workflow.name == "Sales by region (copy 2)"
    assert of_copy.workflow.name == "Sales by region (copy 3)"
    assert len({first.workflow.slug, second.workflow.slug, of_copy.workflow.slug}) == 3
    named = services.duplicate_workflow(original.id, name="  Mine  ")
    assert named.workflow.name == "Mine"
