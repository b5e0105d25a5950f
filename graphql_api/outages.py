"""How the API tells a caller that the database behind the workflow store (and the tokens) is
down or failing, instead of a masked internal error or the raw driver text.

The message names the store's URL without its password, the driver's first line with any
password scrubbed out, and what to check. Everything else stays masked (extensions.py).
"""

from __future__ import annotations

import sqlalchemy as sa

from canvas_assets import CanvasServices

CODE = "DATABASE_UNAVAILABLE"
_MAX_REASON = 300


def is_outage(error: BaseException | None) -> bool:
    """A lost or refused connection, a pool timeout, or a failing database (OperationalError
    covers "connection refused", "database does not exist", "server closed the connection" and
    SQLite's "database is locked")."""
    if isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError | sa.exc.TimeoutError):
        return True
    return isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated


def outage_message(error: BaseException, services: CanvasServices | None) -> str:
    url = services.store.engine.url if services is not None else None
    where = f" at {url.render_as_string(hide_password=True)}" if url is not None else ""
    driver = getattr(error, "orig", None) or error
    reason = (str(driver).strip().splitlines() or [type(driver).__name__])[0]
    if url is not None and url.password:
        reason = reason.replace(str(url.password), "***")
    if len(reason) > _MAX_REASON:
        reason = reason[:_MAX_REASON] + "…"
    return (
        f"the workflow store{where} is unreachable or failing: {reason}; check that the database"
        " is running and reachable from the API, then retry"
    )
