"""Typed user errors returned as results (`XResult = X | XError`), never as 500s."""

from __future__ import annotations

import strawberry

from node_library.contract import Issue as CoreIssue


@strawberry.interface(description="Something the caller can fix; nothing was changed.")
class UserError:
    message: str


@strawberry.type
class NotFoundError(UserError):
    pass


@strawberry.type
class InvalidInputError(UserError):
    field: str | None = None
    hint: str = ""
    position: int | None = strawberry.field(
        default=None,
        description="1-based character offset into the field's text (an expression), when the"
        " problem is at one place.",
    )


@strawberry.type(description="One problem in a workflow, precise enough to act on.")
class Issue:
    severity: str
    code: str
    message: str
    hint: str
    node_id: str | None
    port: str | None
    param: str | None

    @classmethod
    def of(cls, issue: CoreIssue) -> Issue:
        return cls(
            severity=issue.severity.value,
            code=issue.code,
            message=issue.message,
            hint=issue.hint,
            node_id=issue.node_id,
            port=issue.port,
            param=issue.param,
        )


@strawberry.type(description="The workflow has errors; they are listed and nothing ran.")
class InvalidWorkflowError(UserError):
    issues: list[Issue]
