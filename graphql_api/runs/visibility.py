"""Who may see a run: everyone with the viewer role, except private runs, which only their owner
and admins see. A private run is reported as not found to others (its existence is private too).
"""

from __future__ import annotations

from canvas_assets import Principal, Role


def can_see(principal: Principal, tags: dict[str, str]) -> bool:
    if tags.get("canvas/private") != "1":
        return True
    return principal.role is Role.ADMIN or tags.get("canvas/owner") == principal.token_id
