"""Rate limits on the expensive operations (runs, uploads, imports, validation of big workflows).

Each limited root field has its own budget per caller: the token's id for a signed-in caller,
the client address otherwise (so a sign-in field added later is limited per address). Budgets are
moving windows kept in memory by the `limits` library, so they are per API process. Every
occurrence of a field counts, aliases included, so one request cannot batch its way past the
budget.

`CANVAS_RATE_LIMIT` overrides the defaults: comma-separated `field=AMOUNT/PERIOD` with a period of
second, minute, hour or day (e.g. `launchRun=10/minute,importWorkflow=100/hour`); `field=off`
lifts one limit and `CANVAS_RATE_LIMIT=off` all of them. A refused operation executes nothing: the
answer is HTTP 429 with `Retry-After` and a GraphQL error (code RATE_LIMITED) that names the field,
the limit and the setting; over a WebSocket only the error is sent.
"""

from __future__ import annotations

import math
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
)
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

SETTING = "CANVAS_RATE_LIMIT"
DEFAULT_LIMITS = {
    "launchRun": "60/minute",
    "reexecuteRun": "60/minute",
    "uploadDataFile": "30/minute",
    "importWorkflow": "30/minute",
    "validateWorkflow": "120/minute",
}


@dataclass(frozen=True)
class Refusal:
    field: str
    limit: str
    retry_after: int  # whole seconds


class RateLimiter:
    """Budgets per (field, caller); `check` takes what one operation needs, or nothing."""

    def __init__(self, limits: Mapping[str, str]) -> None:
        self.limits: dict[str, RateLimitItem] = {f: parse(text) for f, text in limits.items()}
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    @classmethod
    def from_env(cls) -> RateLimiter:
        """The defaults with `CANVAS_RATE_LIMIT` applied; ValueError names a bad entry."""
        return cls(parse_setting(os.environ.get(SETTING, "")))

    def check(self, caller: str, fields: Counter[str]) -> Refusal | None:
        for field, count in sorted(fields.items()):
            item = self.limits.get(field)
            if item is None:
                continue
            if not self._limiter.hit(item, field, caller, cost=count):
                reset = self._limiter.get_window_stats(item, field, caller).reset_time
                wait = max(1, math.ceil(reset - time.time()))
                return Refusal(field, _describe(item), wait)
        return None


def parse_setting(text: str) -> dict[str, str]:
    limits = dict(DEFAULT_LIMITS)
    if text.strip().lower() == "off":
        return {}
    for entry in (e.strip() for e in text.split(",") if e.strip()):
        field, sep, value = entry.partition("=")
        field, value = field.strip(), value.strip()
        if not sep or not field or not value:
            raise ValueError(
                f"{SETTING}: {entry!r} is not field=AMOUNT/PERIOD (e.g. launchRun=30/minute)"
            )
        if value.lower() == "off":
            limits.pop(field, None)
            continue
        try:
            parse(value)
        except ValueError:
            raise ValueError(
                f"{SETTING}: {value!r} for {field} is not AMOUNT/PERIOD with a period of second,"
                " minute, hour or day (e.g. 30/minute)"
            ) from None
        limits[field] = value
    return limits


def _describe(item: RateLimitItem) -> str:
    period = item.GRANULARITY.name
    return (
        f"{item.amount} per {item.multiples} {period}s"
        if item.multiples > 1
        else (f"{item.amount} per {period}")
    )


class RateLimitOperations(SchemaExtension):
    """Refuses an operation before it executes when one of its limited root fields is over
    budget (strawberry skips execution when an extension has set the result)."""

    def __init__(self, limiter: RateLimiter) -> None:
        super().__init__()
        self.limiter = limiter

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        fields = root_field_counts(execution.graphql_document, execution.operation_name)
        if fields.keys() & self.limiter.limits.keys():
            context = execution.context
            principal = getattr(context, "principal", None)
            caller = (
                f"token:{principal.token_id}"
                if principal is not None
                else f"address:{getattr(context, 'client_address', '')}"
            )
            refusal = self.limiter.check(caller, fields)
            if refusal is not None:
                execution.result = ExecutionResult(data=None, errors=[_error(refusal)])
                response = getattr(context, "response", None)
                if isinstance(response, Response):
                    response.status_code = 429
                    response.headers["Retry-After"] = str(refusal.retry_after)
        yield


def _error(refusal: Refusal) -> GraphQLError:
    return GraphQLError(
        f"{refusal.field} is limited to {refusal.limit} per caller; try again in"
        f" {refusal.retry_after} s (the limits are set by {SETTING})",
        extensions={
            "code": "RATE_LIMITED",
            "field": refusal.field,
            "limit": refusal.limit,
            "retryAfter": refusal.retry_after,
        },
    )


def root_field_counts(document: object, operation_name: str | None) -> Counter[str]:
    """Root fields of the operation that runs, each occurrence counted: aliases, inline
    fragments and fragment spreads included, so none of them hides a limited field."""
    definitions = getattr(document, "definitions", ())
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    counts: Counter[str] = Counter()

    def walk(selections: Iterable[SelectionNode], seen: frozenset[str]) -> None:
        for selection in selections:
            if isinstance(selection, FieldNode):
                counts[selection.name.value] += 1
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set.selections, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in seen:
                    walk(fragments[name].selection_set.selections, seen | {name})

    for definition in definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        name = definition.name.value if definition.name else None
        if operation_name is not None and name != operation_name:
            continue
        walk(definition.selection_set.selections, frozenset())
    return counts
