"""Schedules: validation before anything is stored, the next tick, and their Dagster schedules
(including a cache-aware evaluation: a run of exactly the stale nodes, then "nothing to do")."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from canvas_assets.definitions import NOTHING_TO_DO, build_definitions, schedule_name
from canvas_assets.orchestration.schedules import ScheduleError, ScheduleStore
from canvas_assets.services import CanvasServices, Selection
from canvas_assets.storage.errors import NotFound
from canvas_assets.storage.workflow_store import WorkflowStore
from node_library.graph import Workflow, load_workflow
from tests.canvas_assets.toy_nodes import chain_workflow


def _workflow(store: WorkflowStore, slug: str = "toy_chain") -> Workflow:
    return store.create(load_workflow(chain_workflow(slug))).workflow


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"cron": "0 6 * *"}, "cron", "has 4 fields"),
        ({"cron": "0 6 * * * *"}, "cron", "has 6 fields"),
        ({"cron": "61 6 * * *"}, "cron", "not a valid cron"),
        ({"cron": "0 0 31 2 *"}, "cron", "not a valid cron"),
        ({"cron": "rm -rf / # x"}, "cron", "not a valid cron"),
        ({"cron": "0 6 * * *", "timezone": "Mars/Olympus"}, "timezone", "unknown time zone"),
        ({"cron": "0 6 * * *", "timezone": "../../etc/passwd"}, "timezone", "unknown time zone"),
        ({"cron": "0 6 * * *", "node": "nope"}, "node", "has no node 'nope'"),
    ],
)
def test_a_bad_schedule_is_refused_with_a_clear_error_and_nothing_is_stored(
    store: WorkflowStore, kwargs: dict[str, str], field: str, words: str
) -> None:
    schedules = ScheduleStore(store.engine)
    workflow = _workflow(store)
    with pytest.raises(ScheduleError) as caught:
        schedules.create(workflow, **kwargs)
    assert caught.value.field == field
    assert words in str(caught.value)
    assert caught.value.hint  # says how to fix it
    if field == "node":
        assert "add_ten" in caught.value.hint  # lists the nodes to choose from
    assert schedules.list() == []


def test_schedules_are_stored_listed_updated_and_deleted(store: WorkflowStore) -> None:
    schedules = ScheduleStore(store.engine)
    workflow = _workflow(store)
    other = _workflow(store, "other_chain")
    nightly = schedules.create(workflow, "0  6 * * *", "Europe/Berlin")
    hourly = schedules.create(workflow, "5 * * * 1-5", node="add_ten", enabled=False)
    schedules.create(other, "0 0 * * *")

    assert nightly.cron == "0 6 * * *"  # normalised
    assert [s.id for s in schedules.list(workflow.id)] == [nightly.id, hourly.id]
    assert schedules.get(hourly.id).node == "add_ten"
    assert len(schedules.list()) == 3

    updated = schedules.update(hourly.id, cron="*/15 * * * *", enabled=True)
    assert (updated.cron, updated.enabled, updated.timezone) == ("*/15 * * * *", True, "UTC")
    assert updated.updated_at >= updated.created_at
    with pytest.raises(ScheduleError):
        schedules.update(hourly.id, timezone="Nowhere/Land")
    assert schedules.get(hourly.id).timezone == "UTC"  # a refused update changes nothing
    with pytest.raises(NotFound):
        schedules.update("no-such-id", enabled=False)

    assert schedules.delete(hourly.id) and not schedules.delete(hourly.id)
    assert schedules.delete_for_workflow(other.id) == 1
    assert [s.id for s in schedules.list()] == [nightly.id]


def test_the_next_tick_follows_the_cron_in_its_time_zone_and_disabled_has_none(
    store: WorkflowStore,
) -> None:
    schedules = ScheduleStore(store.engine)
    workflow = _workflow(store)
    berlin = schedules.create(workflow, "0 6 * * *", "Europe/Berlin")
    now = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)  # the day before summer time starts
    tick = berlin.next_tick(now)
    assert tick is not None
    assert tick.astimezone(ZoneInfo("Europe/Berlin")).replace(tzinfo=None) == datetime(
        2026, 3, 29, 6, 0
    )
    assert tick.astimezone(UTC) == datetime(2026, 3, 29, 4, 0, tzinfo=UTC)  # CEST, UTC+2
    assert berlin.description == "At 06:00"

    off = schedules.update(berlin.id, enabled=False)
    assert off.next_tick(now) is None


def test_every_stored_schedule_becomes_a_dagster_schedule_with_its_status(
    toy_services: CanvasServices,
) -> None:
    workflow = _workflow(toy_services.store)
    store = toy_services.schedules
    whole = store.create(workflow, "0 6 * * *", "Europe/Berlin")
    node = store.create(workflow, "*/5 * * * *", node="add_ten", enabled=False)

    defs = build_definitions(toy_services)
    on = defs.resolve_schedule_def(schedule_name("toy_chain", whole.id))
    off = defs.resolve_schedule_def(schedule_name("toy_chain", node.id))
    assert on.name == f"canvas_toy_chain_{whole.id[:8]}"
    assert on.default_status == dg.DefaultScheduleStatus.RUNNING
    assert off.default_status == dg.DefaultScheduleStatus.STOPPED
    assert (on.cron_schedule, on.execution_timezone) == ("0 6 * * *", "Europe/Berlin")
    assert (off.cron_schedule, off.execution_timezone) == ("*/5 * * * *", "UTC")

    # the node schedule targets the node with its upstream, the other the whole group
    off_job = defs.resolve_job_def(off.job_name)
    on_job = defs.resolve_job_def(on.job_name)
    node_keys = {k.to_user_string() for k in off_job.asset_layer.selected_asset_keys}
    assert node_keys == {"toy_chain/numbers", "toy_chain/add_one", "toy_chain/add_ten"}
    group_keys = {k.to_user_string() for k in on_job.asset_layer.selected_asset_keys}
    assert {"toy_chain/other", "toy_chain/split/head"} <= group_keys
    # scheduled runs execute where the workflow says, like launched runs: toy_chain has
    # independent branches, so the engine's worker runs them in parallel forked steps
    assert on_job.executor_def.name == off_job.executor_def.name == "canvas_fork"


def test_a_celery_workflows_scheduled_runs_execute_on_celery_workers(
    toy_services: CanvasServices,
) -> None:
    workflow = _workflow(toy_services.store)
    stored = toy_services.store.get(workflow.id)
    celery = stored.workflow.model_copy(deep=True)
    celery.settings.executor = "celery"
    toy_services.store.save(celery, stored.revision)
    schedule = toy_services.schedules.create(workflow, "0 6 * * *")
    defs = build_definitions(toy_services)
    job = defs.resolve_job_def(
        defs.resolve_schedule_def(schedule_name("toy_chain", schedule.id)).job_name
    )
    assert job.executor_def.name == "celery"


def test_a_schedule_of_a_deleted_workflow_or_a_removed_node_is_left_out(
    toy_services: CanvasServices,
) -> None:
    workflow = _workflow(toy_services.store)
    store = toy_services.schedules
    orphan = store.create(
        Workflow(id="gone", slug="gone", name="Gone"), "0 6 * * *"
    )  # its workflow is not stored
    kept = store.create(workflow, "0 6 * * *")
    names = {s.name for s in build_definitions(toy_services).schedules or []}
    assert names == {schedule_name("toy_chain", kept.id)}
    assert schedule_name("gone", orphan.id) not in names


def test_a_tick_requests_exactly_the_stale_nodes_and_skips_when_all_are_fresh(
    toy_services: CanvasServices,
) -> None:
    workflow = _workflow(toy_services.store)
    store = toy_services.schedules
    schedule = store.create(workflow, "* * * * *", node="add_one")
    defs = build_definitions(toy_services)
    definition = defs.resolve_schedule_def(schedule_name("toy_chain", schedule.id))

    with dg.build_schedule_context(instance=toy_services.instance) as context:
        result = definition.evaluate_tick(context)
    assert result.run_requests is not None and len(result.run_requests) == 1
    request = result.run_requests[0]
    assert {k.to_user_string() for k in request.asset_selection or []} == {
        "toy_chain/numbers",
        "toy_chain/add_one",
    }
    assert request.tags["canvas/trigger"] == "schedule"
    assert request.tags["canvas/schedule"] == schedule.id
    assert request.tags["canvas/workflow"] == "toy_chain"
    assert request.tags["canvas/nodes"] == "numbers,add_one"  # plan order
    assert request.tags["canvas/selection"] == "upstream:add_one"

    toy_services.run("toy_chain", "add_one", Selection.UPSTREAM)
    with dg.build_schedule_context(instance=toy_services.instance) as context:
        result = definition.evaluate_tick(context)
    assert not result.run_requests
    assert result.skip_message == NOTHING_TO_DO


def test_a_tick_skips_while_the_schedules_previous_run_is_still_going(
    toy_services: CanvasServices,
) -> None:
    workflow = _workflow(toy_services.store)
    schedule = toy_services.schedules.create(workflow, "* * * * *")
    definition = build_definitions(toy_services).resolve_schedule_def(
        schedule_name("toy_chain", schedule.id)
    )
    toy_services.instance.add_run(
        dg.DagsterRun(
            job_name="__ASSET_JOB",
            run_id="0a0a0a0a-0000-4000-8000-000000000001",
            status=dg.DagsterRunStatus.STARTED,
            tags={"canvas/schedule": schedule.id},
        )
    )
    with dg.build_schedule_context(instance=toy_services.instance) as context:
        result = definition.evaluate_tick(context)
    assert not result.run_requests
    assert result.skip_message == (
        "the previous run 0a0a0a0a-0000-4000-8000-000000000001 of this schedule is still started"
    )


def test_a_tick_after_an_edit_plans_the_revision_the_code_location_was_built_from(
    toy_services: CanvasServices,
) -> None:
    workflow = _workflow(toy_services.store)
    schedule = toy_services.schedules.create(workflow, "* * * * *")
    toy_services.run("toy_chain")  # everything fresh at revision 1
    definition = build_definitions(toy_services).resolve_schedule_def(
        schedule_name("toy_chain", schedule.id)
    )
    toy_services.apply_graph_ops(
        "toy_chain",
        1,
        [{"op": "update_params", "node_id": "add_ten", "params": {"amount": 20}}],
        author="test",
    )
    # the daemon has not reloaded yet: its assets are revision 1's, all fresh
    with dg.build_schedule_context(instance=toy_services.instance) as context:
        result = definition.evaluate_tick(context)
    assert result.skip_message == NOTHING_TO_DO

    # after the reload the edit's consequences run: add_ten and what reads it
    definition = build_definitions(toy_services).resolve_schedule_def(
        schedule_name("toy_chain", schedule.id)
    )
    with dg.build_schedule_context(instance=toy_services.instance) as context:
        result = definition.evaluate_tick(context)
    (request,) = result.run_requests or []
    assert request.tags["canvas/nodes"] == "add_ten,split"
    assert request.tags["canvas/revision"] == "2"
