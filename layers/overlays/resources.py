"""The Resources overlay: PSKS resources as icons per category, with their service radius.

Resources are public-service places and people on duty, not personal data, so every
logged-in role sees them, within its own area (a tksk: its kecamatan). What reaches a
person is narrower, decided in the SQL (``resources.sql``): a contact only for dinas
and admin (as ``/api/resources``), and a TKSK's name (a person) not for a planner (as
the aggregate exports). ``?psks=LKS,TKSK`` limits the categories (absent: all).

The page clusters the markers at low zoom (Leaflet.markercluster) and draws each
resource's service circle on demand; a TKSK has no circle (it serves its kecamatan).
"""

from __future__ import annotations

from typing import Any

from geomap.analysis.filters import FilterError
from geomap.area import area_param
from geomap.sql import sql
from layers.overlays import BadParameter, Overlay, OverlayQuery, legend
from layers.overlays import psks as psks_param
from layers.registry import LOGGED_IN, Text

TITLE = Text("Sumber daya PSKS", "PSKS resources")
NOTE_RADIUS = Text("Lingkaran: radius layanan; TKSK melayani seluruh kecamatannya",
                   "Circles: service radius; a TKSK serves its whole kecamatan")
# Who gets a resource's contact: as /api/resources (server.resources_ingest.CONTACT_ROLES).
CONTACT_ROLES = frozenset({"admin", "dinas"})
NAME_ROLES = frozenset({"admin", "dinas", "tksk"})  # a TKSK's name is a person's
# The scripts of the PSKS overlays: markercluster, and what they share (the psks filter).
VENDOR = ("markerclusterjs", "markerclustercss", "markerclusterdefaultcss", "geomap_psks_js",
          "geomap_psks_css")
TEXTS = {"capacity": Text("Kapasitas", "Capacity"),
         "radius": Text("Radius layanan", "Service radius"),
         "whole_kecamatan": Text("seluruh kecamatan", "whole kecamatan"),
         "desa": Text("Desa/kelurahan", "Desa"), "kecamatan": Text("Kecamatan", "Kecamatan"),
         "contact": Text("Kontak", "Contact"),
         "show_radius": Text("Tampilkan radius layanan", "Show service radius")}


def texts(table: dict[str, Text], lang: str) -> dict[str, str]:
    """An overlay script's texts in the page's language."""
    return {key: value(lang) for key, value in table.items()}


def psks_of(query: OverlayQuery) -> tuple[str, ...] | None:
    """The ``psks`` parameter (PSKS categories), 400 when unknown."""
    try:
        return psks_param.parse(query.args.get("psks"))
    except FilterError as exc:
        raise BadParameter(str(exc)) from None


def rows(query: OverlayQuery, categories: tuple[str, ...] | None) -> list[dict[str, Any]]:
    """The active resources of the query's area, filtered in SQL by the caller's area too."""
    if query.user is None:  # the overlay is for logged-in roles only; fail closed
        return []
    params = {"prefix": query.area + ".", "user_area": area_param(query.user),
              "categories": list(categories) if categories else None,
              "with_contact": query.role in CONTACT_ROLES,
              "with_names": query.role in NAME_ROLES}
    with query.conn.cursor() as cur:
        cur.execute(sql("overlays/resources"), params)
        names = [d.name for d in cur.description]
        found = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    if query.role not in CONTACT_ROLES:
        for row in found:
            del row["contact"]
    return found


def build(query: OverlayQuery) -> dict[str, Any]:
    chosen = psks_of(query)
    found = rows(query, chosen)
    counts: dict[str, int] = {}
    for row in found:
        counts[row["category"]] = counts.get(row["category"], 0) + 1
    categories = [c | {"count": counts.get(str(c["code"]), 0),
                       "shown": chosen is None or c["code"] in chosen}
                  for c in psks_param.categories(query.lang)]
    entries = [{"label": f"{c['code']}: {c['name']}", "color": c["color"], "count": c["count"],
                "marker": c["code"]} for c in categories if c["shown"]]
    return {"psks": list(chosen) if chosen else None, "categories": categories,
            "resources": found, "count": len(found), "texts": texts(TEXTS, query.lang),
            # No period: resources are not filtered by the case filter.
            "legend": legend(TITLE(query.lang), entries, [NOTE_RADIUS(query.lang)])
            | {"period": ""}}


OVERLAY = Overlay(
    name="resources",
    title=TITLE,
    roles=LOGGED_IN,
    kind="points",
    build=build,
    description=Text("Ikon per kategori PSKS, dikelompokkan pada zoom rendah",
                     "Icons per PSKS category, clustered at low zoom"),
    order=300,
    filters=("psks",),
    vendor=VENDOR,
)
