"""The PMKS heat map from case points, for the roles that may see them (tksk, dinas, admin).

A case point is a home: reading them is a read of personal data, so each answer is
written to the audit log (``points.read``, the case ids sent, in the read's
transaction: if the audit row cannot be written, no point is sent). Only places go out
(latitude, longitude to about 11 m, and how many cases are there), inside the caller's
area (``geomap_in_area`` in the SQL, on top of the page's area already narrowed by the
area rule). A planner never gets this overlay: it sees the density raster
(``layers/overlays/density.py``) instead.
"""

from __future__ import annotations

import json
from typing import Any

from geomap import audit
from geomap.area import area_param
from geomap.render.strings import text
from geomap.sql import sql
from layers.overlays import POINT_ROLES, Overlay, OverlayQuery, legend
from layers.registry import Text

ACTION = "points.read"
PURPOSE = "peta panas kasus PMKS / PMKS case heat map"
# Leaflet.heat's default gradient, low to high (the legend shows it).
GRADIENT = (("overlay.heat.low", "#0000ff"), ("overlay.heat.mid", "#00ff00"),
            ("overlay.heat.high", "#ff0000"))


def build(query: OverlayQuery) -> dict[str, Any]:
    user = query.user
    if user is None or user.role not in POINT_ROLES:  # the roles say so already; be sure
        raise PermissionError("role may not see case points")
    params = {**query.cases.params(), "area": area_param(user)}
    with query.conn.transaction():
        ids, points = query.conn.execute(sql("overlays/heat"), params).fetchone()
        audit.record(query.conn, user, ACTION, ids, PURPOSE,
                     {"endpoint": "GET /api/map/heat.json", "filter": query.cases.as_params()})
    if isinstance(points, str):
        points = json.loads(points)
    lang = query.lang
    return {"points": points, "count": len(ids),
            "legend": legend(text("overlay.heat.title", lang),
                             [{"label": text(key, lang), "color": color}
                              for key, color in GRADIENT],
                             [text("overlay.heat.count", lang).format(len(ids))])}


OVERLAY = Overlay(
    name="heat",
    title=Text("Peta panas PMKS (titik kasus)", "PMKS heat map (case points)"),
    roles=POINT_ROLES,
    kind="points",
    build=build,
    order=20,
    vendor=("leaflet-heat.js",),
)
