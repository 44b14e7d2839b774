"""The map layers: one definition per layer, found by looking, served by name.

Each layer lives beside its SQL: ``layers/<group>/<name>.py`` defines ``LAYER`` (a
:class:`Layer`) and ``layers/<group>/<name>.sql`` holds its query. Adding a layer
means adding those two files; nothing else lists layers (so engineers adding
layers at the same time never edit one shared file).

The SQL contract, shared by every output (GeoJSON, labels, vector tiles; the
wrappers are ``layers/output/*.sql``), is kept small on purpose:

* parameters ``%(area)s`` (a region code, or NULL for everything loaded),
  ``%(simplify)s`` (a tolerance in degrees, 0 for none: ``geomap_simplify(geom,
  %(simplify)s)``; vector tiles ask for 0, their grid simplifies) and
  ``%(bbox)s`` (an EPSG:4326 box the rows must touch, or NULL for no limit: a vector
  tile asks only for its own box, and the filter must sit on the indexed column);
* one row per feature: a geometry column named ``geom`` in EPSG:4326 and any
  other columns, which become the feature's properties; a layer with labels also
  has ``label_at``, its label point as ``[lon, lat]`` (``geomap_label_at(geom,
  label_point)`` gives one inside the region);
* no trailing statement after the query (it is used as a sub-query).

A layer reaches the browser as GeoJSON in one piece (``output="geojson"``) or, when it
has more features than a page should carry at once, as Mapbox Vector Tiles
(``output="mvt"``), cut by PostGIS per tile.

Who may see a layer is part of its definition (``roles``), checked by
:func:`Layer.visible_to`; visitors who are not logged in have the role
:data:`ANONYMOUS`.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from typing import Literal

from geomap.accounts import ROLES

ANONYMOUS = "anonymous"
EVERYONE: frozenset[str] = frozenset({ANONYMOUS, *ROLES})
LOGGED_IN: frozenset[str] = frozenset(ROLES)


@dataclass(frozen=True)
class Text:
    """A text shown to people, in Bahasa Indonesia (the default) and English."""

    id: str
    en: str

    def __call__(self, lang: str = "id") -> str:
        return self.en if lang == "en" else self.id


@dataclass(frozen=True)
class Style:
    """How a feature is drawn (Leaflet path options)."""

    color: str
    weight: float
    fill_color: str | None = None
    fill_opacity: float = 0.0
    opacity: float = 1.0
    dash_array: str | None = None

    def leaflet(self) -> dict:
        """The options as Leaflet's ``L.Path`` takes them."""
        options = {"color": self.color, "weight": self.weight, "opacity": self.opacity,
                   "fill": True, "fillColor": self.fill_color or self.color,
                   "fillOpacity": self.fill_opacity}
        if self.dash_array:
            options["dashArray"] = self.dash_array
        return options


@dataclass(frozen=True)
class LegendEntry:
    """One line of the legend: a swatch drawn in ``style`` and its label."""

    label: Text
    style: Style


@dataclass(frozen=True)
class Layer:
    """One map layer: where its features come from, how they look, and who sees them."""

    name: str                      # the key in URLs: /api/layers/<name>.geojson
    title: Text                    # its name in the layer control
    sql: str                       # its query, ``layers/<sql>.sql``
    style: Style
    legend: tuple[LegendEntry, ...]
    roles: frozenset[str]          # who may see it (ANONYMOUS for visitors not logged in)
    order: int = 100               # drawing order: higher is drawn above
    show: bool = True              # on when the map opens
    simplify: float = 0.0          # GeoJSON's simplification tolerance, degrees
    precision: int = 5             # decimals of coordinates (5: about 1 m)
    label_field: str | None = None  # property shown as a label ...
    label_min_zoom: int | None = None  # ... from this zoom level on
    tooltip_fields: tuple[str, ...] = ()  # properties shown on hover
    zoom_on_click: bool = False    # clicking a feature zooms the map to it
    output: Literal["geojson", "mvt"] = "geojson"  # "mvt": vector tiles, for large layers
    id_field: str = "code"         # property that names a feature (unique within the layer)

    def __post_init__(self) -> None:
        unknown = self.roles - EVERYONE
        if unknown:
            raise ValueError(f"layer {self.name}: unknown roles {sorted(unknown)}")

    def visible_to(self, role: str | None) -> bool:
        """Whether a viewer with ``role`` (None: not logged in) may see this layer."""
        return (role or ANONYMOUS) in self.roles


class UnknownLayer(LookupError):
    """No layer has that name."""


@cache
def layers() -> dict[str, Layer]:
    """Every layer defined under ``layers/``, by name, in drawing order."""
    import layers as package

    found: dict[str, Layer] = {}
    for info in pkgutil.walk_packages(package.__path__, prefix="layers."):
        if info.ispkg or info.name == __name__:
            continue
        layer = getattr(importlib.import_module(info.name), "LAYER", None)
        if isinstance(layer, Layer):
            if layer.name in found:
                raise ValueError(f"two layers named {layer.name!r}")
            found[layer.name] = layer
    return dict(sorted(found.items(), key=lambda item: (item[1].order, item[0])))


def get(name: str) -> Layer:
    """The layer called ``name``; :class:`UnknownLayer` when there is none."""
    try:
        return layers()[name]
    except KeyError:
        raise UnknownLayer(name) from None


def visible_layers(role: str | None) -> list[Layer]:
    """The layers a viewer with ``role`` may see, in drawing order."""
    return [layer for layer in layers().values() if layer.visible_to(role)]
