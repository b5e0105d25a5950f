"""The typed request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response
from strawberry.exceptions import StrawberryGraphQLError
from strawberry.types import Info as StrawberryInfo

from canvas_assets import CanvasServices, Principal, RunLauncher
from graphql_api.workflows.changes import ChangeHub


@dataclass
class Context:
    services: CanvasServices
    launcher: RunLauncher
    changes: ChangeHub
    principal: Principal | None
    # why there is no principal ("no token", "token not recognised"), for the error message
    auth_problem: str = "sign in with an API token: Authorization: Bearer <token>"
    request_id: str = ""
    # set by strawberry for websocket connections (the connection_init payload)
    connection_params: dict[str, Any] | None = None
    max_page_size: int = 500
    # the caller's address, for limits on callers without a token (rate_limit.py)
    client_address: str = ""
    # HTTP only: the answer's status and headers may be set here (429 + Retry-After)
    response: Response | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def page_size(self, first: int) -> int:
        if not 1 <= first <= self.max_page_size:
            raise StrawberryGraphQLError(
                f"first must be between 1 and {self.max_page_size}, got {first}",
                extensions={"code": "BAD_USER_INPUT"},
            )
        return first


Info = StrawberryInfo[Context, None]
