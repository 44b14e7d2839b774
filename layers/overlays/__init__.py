"""Overlays: analysis layers drawn over the boundaries (choropleth, heat, density ...).

A boundary layer (``layers/registry.py``) is geometry; an overlay is a figure computed
for the page's filter (PMKS categories, period, area) and drawn on top of it. Each one
lives in ``layers/overlays/<name>.py`` (its SQL beside it, ``layers/overlays/<name>.sql``,
read with ``geomap.sql.sql("overlays/<name>")``) and defines ``OVERLAY``, an
:class:`Overlay`; its drawing code is ``server/static/geomap/overlays/<name>.js``.
Adding an overlay means adding those files: nothing else lists overlays.

The server half (``build``) gets an :class:`OverlayQuery` (the caller, its area after
the area rule, the case filter, level, classification) and returns the overlay's part
of ``GET /api/map/<name>.json`` (``server/map_api.py``), a JSON object:

* ``kind == "units"``: ``{"level": "desa"|"kecamatan", "units": {code: {...}}, ...}``;
  the page colours the boundary features it already has (desa vector tiles, kecamatan
  GeoJSON) by code, so a province's choropleth is its desa tiles plus one small JSON;
* ``kind == "points"``: points to draw (only to roles that may see case points);
* ``kind == "raster"``: an image and its bounds (``L.imageOverlay``);
* any kind: ``"legend"``, as :func:`legend` makes it (title, entries with colours and
  labels, notes); the endpoint adds the period text.

Who may see an overlay is ``roles`` (:data:`layers.registry.ANONYMOUS` for visitors who
are not logged in), checked before ``build`` runs; ``build`` still reads inside
``query.area`` only (the area rule has narrowed it to the caller's own area).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any, Literal

import psycopg

from geomap.accounts import User
from geomap.analysis.classify import Method
from geomap.analysis.filters import CaseFilter
from geomap.sql import sql
from layers.registry import ANONYMOUS, EVERYONE, Text

Kind = Literal["units", "points", "raster"]
Level = Literal["desa", "kecamatan"]
LEVELS: tuple[Level, ...] = ("desa", "kecamatan")
# What an overlay request means by a filter it leaves out. The server reads requests with
# these (server/map_api.py) and the page hands them to maplink.js, which leaves a filter
# at its default out of links and requests: one spelling, so the two cannot disagree.
LINK_DEFAULTS: dict[str, str] = {"categories": "", "from": "", "to": "", "level": "desa",
                                 "method": "quantiles", "k": "5"}

# Roles that may see case points (homes): the same as may read case rows.
POINT_ROLES: frozenset[str] = frozenset({"admin", "dinas", "tksk"})


class BadParameter(ValueError):
    """An overlay-specific parameter is not acceptable; the message is bilingual (id / en)."""


@dataclass(frozen=True)
class OverlayQuery:
    """What an overlay is asked for: who asks, where (already narrowed to the caller's
    area), which cases, and how to classify."""

    conn: psycopg.Connection
    user: User | None
    area: str                      # the area to draw, inside the caller's own
    cases: CaseFilter              # categories and period, with ``area``
    level: Level                   # the boundary level a "units" overlay colours
    method: Method                 # classification: quantiles, natural_breaks, equal_interval
    k: int                         # number of classes
    lang: str                      # "id" or "en", for texts in the answer
    args: Mapping[str, str]        # the raw query string, for overlay-specific parameters

    @property
    def role(self) -> str:
        return self.user.role if self.user else ANONYMOUS

    @property
    def suppressed(self) -> bool:
        """Counts follow the privacy rule ("<5"): for every role that may not see points."""
        return self.role not in POINT_ROLES

    @cached_property
    def case_stamp(self) -> tuple:
        """The stamp of the area's case data (``stamp.sql``), read once per query: the
        answer cache and the E2SFCA cache key on it alike."""
        return tuple(self.conn.execute(sql("overlays/stamp"),
                                       {"prefix": self.area + "."}).fetchone())

    @cached_property
    def resource_stamp(self) -> tuple:
        """The stamp of the resources and their radii (``resource_stamp.sql``), read once."""
        return tuple(self.conn.execute(sql("overlays/resource_stamp")).fetchone())


@dataclass(frozen=True)
class Overlay:
    """One analysis overlay: what it is called, who sees it, how it is drawn and built."""

    name: str                      # the key: /api/map/<name>.json, overlays/<name>.js
    title: Text                    # its name in the layer control
    roles: frozenset[str]          # who may see it
    kind: Kind
    build: Callable[[OverlayQuery], dict[str, Any]]
    description: Text | None = None  # a line under the legend title (method, unit ...)
    order: int = 100               # position in the layer control and legend
    show: bool = False             # on when the map opens (without a link saying otherwise)
    # Which filter controls act on it: categories, period, level, method (the panel
    # shows a control when a visible overlay uses it).
    filters: tuple[str, ...] = ("categories", "period")
    # Vendored assets its script needs (names of geomap.render.assets.VENDOR, e.g.
    # "leaflet-heat.js"); map.js loads them, then its script, when it is first switched on.
    vendor: tuple[str, ...] = ()
    # Its answer depends only on the cases, population and boundaries of the area (and
    # the query): the endpoint may keep it until those change (layers/overlays/stamp.sql).
    # Never for an overlay whose every read must be audited.
    cacheable: bool = False
    # A cacheable answer that also depends on the PSKS resources and the office's radii
    # (Coverage, Gap): kept until those change too (layers/overlays/resource_stamp.sql).
    uses_resources: bool = False

    def __post_init__(self) -> None:
        unknown = self.roles - EVERYONE
        if unknown:
            raise ValueError(f"overlay {self.name}: unknown roles {sorted(unknown)}")

    def visible_to(self, role: str | None) -> bool:
        return (role or ANONYMOUS) in self.roles

    @property
    def script(self) -> str:
        """Its drawing code, relative to ``server/static``."""
        return f"geomap/overlays/{self.name}.js"


class UnknownOverlay(LookupError):
    """No overlay has that name."""


@cache
def overlays() -> dict[str, Overlay]:
    """Every overlay defined under ``layers/overlays/``, by name, in order."""
    import layers.overlays as package

    found: dict[str, Overlay] = {}
    for info in pkgutil.iter_modules(package.__path__, prefix=package.__name__ + "."):
        overlay = getattr(importlib.import_module(info.name), "OVERLAY", None)
        if isinstance(overlay, Overlay):
            if overlay.name in found:
                raise ValueError(f"two overlays named {overlay.name!r}")
            found[overlay.name] = overlay
    return dict(sorted(found.items(), key=lambda item: (item[1].order, item[0])))


def get(name: str) -> Overlay:
    try:
        return overlays()[name]
    except KeyError:
        raise UnknownOverlay(name) from None


def visible_overlays(role: str | None) -> list[Overlay]:
    return [o for o in overlays().values() if o.visible_to(role)]


def pick(bilingual: str, lang: str) -> str:
    """One language of an "Indonesian / English" text (as the analysis modules write them)."""
    parts = bilingual.split(" / ", 1)
    return parts[1] if lang == "en" and len(parts) == 2 else parts[0]


# --- legends -------------------------------------------------------------------------

def palette(k: int, cmap: str = "YlOrRd") -> list[str]:
    """``k`` colours of a sequential matplotlib colour map, light to dark."""
    import numpy as np
    from matplotlib import colormaps, colors

    scale = colormaps[cmap]
    return [colors.to_hex(scale(x)) for x in np.linspace(0.12, 0.92, max(k, 1))][:k]


def legend(title: str, entries: list[dict[str, Any]], notes: list[str] | None = None,
           ) -> dict[str, Any]:
    """A legend as the page draws it: ``entries`` are ``{"label", "color"}`` (a filled
    swatch) with optional ``"count"`` (units in the class) or ``"outline"`` (a line)."""
    return {"title": title, "entries": entries, "notes": [n for n in notes or [] if n]}
