"""Schedules over the API: create, update, toggle and delete; clear errors; viewers may read
but not change; lastRun is the newest run the schedule produced."""

from __future__ import annotations

import json
from datetime import datetime

from canvas_assets.services import Selection
from tests.graphql_api.conftest import REPO, ApiServer

EXAMPLE = json.loads((REPO / "canvas_assets/examples/sales_by_region.json").read_text())

FIELDS = "id workflowId node cron timezone enabled description nextTick"
RESULT = f"""__typename ... on Schedule {{ {FIELDS} }}
    ... on InvalidInputError {{ message field hint }} ... on NotFoundError {{ message }}"""
CREATE = f"mutation($i: ScheduleInput!) {{ createSchedule(input: $i) {{ {RESULT} }} }}"
UPDATE = f"""mutation($id: ID!, $u: ScheduleUpdate!) {{
    updateSchedule(id: $id, input: $u) {{ {RESULT} }} }}"""
DELETE = """mutation($id: ID!) { deleteSchedule(id: $id) { __typename
    ... on ScheduleDeleted { id } ... on NotFoundError { message } } }"""
LIST = f"""query($w: ID!) {{ schedules(workflowId: $w) {{ {FIELDS}
    lastRun {{ id status trigger scheduleId }} }} }}"""


def _workflow_id(api: ApiServer) -> str:
    result = api.gql(
        "mutation($d: JSON!) { importWorkflow(document: $d) { ... on Workflow { id } } }",
        {"d": EXAMPLE},
        role="editor",
    )
    return str(result["data"]["importWorkflow"]["id"])


def test_schedules_are_created_listed_toggled_updated_and_deleted(api: ApiServer) -> None:
    workflow_id = _workflow_id(api)
    created = api.gql(
        CREATE,
        {"i": {"workflowId": workflow_id, "cron": "0 6 * * *", "timezone": "Europe/Berlin"}},
        role="editor",
    )["data"]["createSchedule"]
    assert created["__typename"] == "Schedule", created
    assert created["node"] is None and created["enabled"] is True
    assert created["description"] == "At 06:00"
    tick = datetime.fromisoformat(created["nextTick"])
    assert (tick.hour, tick.minute, tick.utcoffset() is not None) == (6, 0, True)

    node = api.gql(
        CREATE,
        {"i": {"workflowId": "sales_by_region", "node": "totals", "cron": "*/15 * * * 1-5"}},
        role="editor",
    )["data"]["createSchedule"]
    assert node["__typename"] == "Schedule", node
    assert (node["node"], node["timezone"], node["workflowId"]) == ("totals", "UTC", workflow_id)
    assert node["description"] == "Every 15 minutes, Monday through Friday"

    listed = api.gql(LIST, {"w": workflow_id}, role="viewer")["data"]["schedules"]
    assert [s["id"] for s in listed] == [created["id"], node["id"]]
    assert all(s["lastRun"] is None for s in listed)

    off = api.gql(UPDATE, {"id": node["id"], "u": {"enabled": False}}, role="editor")
    off = off["data"]["updateSchedule"]
    assert off["enabled"] is False and off["nextTick"] is None
    assert off["cron"] == "*/15 * * * 1-5"  # untouched fields stay
    changed = api.gql(
        UPDATE,
        {"id": node["id"], "u": {"cron": "30 14 * * *", "timezone": "America/New_York"}},
        role="editor",
    )["data"]["updateSchedule"]
    assert (changed["cron"], changed["timezone"], changed["enabled"]) == (
        "30 14 * * *",
        "America/New_York",
        False,
    )

    deleted = api.gql(DELETE, {"id": node["id"]}, role="editor")["data"]["deleteSchedule"]
    assert deleted == {"__typename": "ScheduleDeleted", "id": node["id"]}
    again = api.gql(DELETE, {"id": node["id"]}, role="editor")["data"]["deleteSchedule"]
    assert again["__typename"] == "NotFoundError"
    listed = api.gql(LIST, {"w": workflow_id}, role="viewer")["data"]["schedules"]
    assert [s["id"] for s in listed] == [created["id"]]


def test_bad_schedules_get_typed_errors_that_say_how_to_fix_them(api: ApiServer) -> None:
    workflow_id = _workflow_id(api)

    def create(**fields: object) -> dict:
        payload = {"workflowId": workflow_id, "cron": "0 6 * * *", **fields}
        return api.gql(CREATE, {"i": payload}, role="editor")["data"]["createSchedule"]

    bad_cron = create(cron="every day")
    assert bad_cron["__typename"] == "InvalidInputError" and bad_cron["field"] == "cron"
    assert "five" in bad_cron["message"] and '"0 6 * * *"' in bad_cron["hint"]
    out_of_range = create(cron="0 25 * * *")
    assert out_of_range["field"] == "cron" and "not a valid cron" in out_of_range["message"]
    bad_zone = create(timezone="Europe/Atlantis")
    assert bad_zone["field"] == "timezone" and "Europe/Atlantis" in bad_zone["message"]
    assert "IANA" in bad_zone["hint"]
    bad_node = create(node="nope")
    assert bad_node["field"] == "node" and "totals" in bad_node["hint"]
    missing = api.gql(
        CREATE, {"i": {"workflowId": "no_such_workflow", "cron": "0 6 * * *"}}, role="editor"
    )["data"]["createSchedule"]
    assert missing["__typename"] == "NotFoundError"
    assert api.gql(LIST, {"w": workflow_id}, role="viewer")["data"]["schedules"] == []

    unknown = api.gql(UPDATE, {"id": "nope", "u": {"enabled": False}}, role="editor")
    assert unknown["data"]["updateSchedule"]["__typename"] == "NotFoundError"
    good = create()
    refused = api.gql(UPDATE, {"id": good["id"], "u": {"cron": "0 6 * *"}}, role="editor")
    assert refused["data"]["updateSchedule"]["field"] == "cron"
    listed = api.gql(LIST, {"w": workflow_id}, role="viewer")["data"]["schedules"]
    assert [s["cron"] for s in listed] == ["0 6 * * *"]  # a refused update changed nothing


def test_a_viewer_may_read_schedules_but_not_change_them(api: ApiServer) -> None:
    workflow_id = _workflow_id(api)
    created = api.gql(
        CREATE, {"i": {"workflowId": workflow_id, "cron": "0 6 * * *"}}, role="editor"
    )["data"]["createSchedule"]
    attempts = [
        (CREATE, {"i": {"workflowId": workflow_id, "cron": "0 7 * * *"}}),
        (UPDATE, {"id": created["id"], "u": {"enabled": False}}),
        (DELETE, {"id": created["id"]}),
    ]
    for query, variables in attempts:
        refused = api.gql(query, variables, role="viewer")
        assert refused["data"] is None
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", refused
        assert "editor role" in refused["errors"][0]["message"]
    anonymous = api.gql(LIST, {"w": workflow_id}, role=None)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    listed = api.gql(LIST, {"w": workflow_id}, role="viewer")["data"]["schedules"]
    assert [(s["id"], s["enabled"]) for s in listed] == [(created["id"], True)]


def test_last_run_is_the_newest_run_the_schedule_produced(api: ApiServer) -> None:
    workflow_id = _workflow_id(api)
    created = api.gql(
        CREATE, {"i": {"workflowId": workflow_id, "cron": "0 6 * * *"}}, role="editor"
    )["data"]["createSchedule"]
    services = api.services
    # a run tagged as this schedule's, executed in this process (the daemon's path is tested
    # in tests/canvas_assets/test_schedule_daemon.py)
    report = services.execute(
        services.prepare_run(workflow_id, "totals", Selection.UPSTREAM),
        tags={"canvas/trigger": "schedule", "canvas/schedule": created["id"]},
    )
    assert report.success and report.run_id
    listed = api.gql(LIST, {"w": workflow_id}, role="viewer")["data"]["schedules"]
    assert listed[0]["lastRun"] == {
        "id": report.run_id,
        "status": "SUCCESS",
        "trigger": "schedule",
        "scheduleId": created["id"],
    }
