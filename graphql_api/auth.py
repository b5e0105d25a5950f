"""The one permission layer: every field that reads or writes declares the role it needs.

Roles are ordered viewer < editor < admin. Queries need viewer, mutations editor (or admin for
token and instance management), and subscriptions check the same way when they start.
"""

from __future__ import annotations

from typing import Any, ClassVar

from strawberry.exceptions import StrawberryGraphQLError
from strawberry.permission import BasePermission

from canvas_assets import CanvasServices, Principal, Role
from graphql_api.context import Info
from graphql_api.outages import is_outage, outage_message


def authenticate(
    services: CanvasServices, authorization: str | None, local_admin: bool
) -> tuple[Principal | None, str]:
    """Who sent the `Authorization` header value, or None and why not (for the error message).

    Shared by GraphQL (HTTP and websockets) and the plain HTTP routes such as /files. Without a
    header the local admin signs in when `local_admin` is on (loopback only, see server.py).
    When the database is down the reason says so (without the store's password).
    """
    tokens = services.tokens
    if not authorization:
        if local_admin:
            return tokens.local_admin(), ""
        return None, "no token sent; use the header Authorization: Bearer <token>"
    scheme, _, secret = authorization.partition(" ")
    if scheme.lower() != "bearer" or not secret:
        return None, "the Authorization header must be 'Bearer <token>'"
    try:
        principal = tokens.authenticate(secret.strip())
    except Exception as exc:
        if not is_outage(exc):
            raise
        return None, f"the token could not be checked: {outage_message(exc, services)}"
    if principal is None:
        return (
            None,
            "the token is not recognised or was revoked; create one with `mlcanvas token create`",
        )
    return principal, ""


class _RequiresRole(BasePermission):
    """Raises a precise error itself: permission instances are shared by concurrent requests,
    so the message cannot be kept on the instance."""

    role: ClassVar[Role]

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = info.context.principal
        if principal is None:
            raise StrawberryGraphQLError(
                f"not signed in: {info.context.auth_problem}",
                extensions={"code": "UNAUTHENTICATED"},
            )
        if not principal.role.allows(self.role):
            raise StrawberryGraphQLError(
                f"{info.field_name} needs the {self.role.value} role; token"
                f" {principal.name!r} has the {principal.role.value} role",
                extensions={"code": "FORBIDDEN"},
            )
        return True


class IsViewer(_RequiresRole):
    role = Role.VIEWER


class IsEditor(_RequiresRole):
    role = Role.EDITOR


class IsAdmin(_RequiresRole):
    role = Role.ADMIN


def principal_of(info: Info) -> Principal:
    principal = info.context.principal
    assert principal is not None, "permission classes run before resolvers"
    return principal
