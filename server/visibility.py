"""Who is asking, and whether they may see a named map layer or overlay.

Layers (``layers.registry``) and overlays (``layers.overlays``) answer the same way: a
name no registry holds is 404, and one the viewer's role may not see is 401 for a
visitor (log in first) and 403 for a logged-in role. The names are in the code, so
their existence is no secret; only the data behind them is. One function gives that
answer, so the layer API, the tiles, the OGC API and the overlays cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from flask import abort

from server.auth import current_user


class Guarded(Protocol):
    """Anything a registry hands out with its own rule of who may see it."""

    def visible_to(self, role: str | None) -> bool: ...


T = TypeVar("T", bound=Guarded)


def viewer_role() -> str | None:
    """The role of whoever asks (None: not logged in)."""
    user = current_user()
    return user.role if user else None


def visible(name: str, lookup: Callable[[str], T], unknown: type[Exception]) -> T:
    """``lookup(name)`` if the viewer may see it: 404 when it raises ``unknown``, 401
    (not logged in) or 403 (a role that may not) when its ``visible_to`` says no."""
    try:
        found = lookup(name)
    except unknown:
        abort(404)
    role = viewer_role()
    if not found.visible_to(role):
        abort(401 if role is None else 403)
    return found
