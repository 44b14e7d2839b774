"""The print map's analysis layers: the map page's overlays, on paper.

Each print layer asks the overlay the page asks (``layers/overlays/<name>.py``) with an
:class:`~layers.overlays.OverlayQuery` for the export's reader: ``build`` for Coverage,
Gap and Resources, ``compute`` for the density raster. So the classes, colours, legend,
share in reach and privacy treatment (suppression, ``access.published_coverage``'s
scores or classes only, a TKSK's name, contacts) are the page's, computed once, the
same way; this module only turns the answer into things to draw. Without a reader (the
CLI without ``--as``) the export is read as a planner of its area: the default rule.

The heat layer prints as the density raster for every role (a tksk's heat of points
too): a printed point would be a home on paper, and a page is drawn once for a meeting.

What a layer draws, by kind (one renderer each, :func:`draw` picks them):

* ``fills``: desa colours by code (Coverage's classes, Gap's 3x3 colours), drawn by the
  page as the desa polygons' fill; ``hatched``: kecamatan outlined and hatched
  (Coverage: without an active TKSK);
* ``raster``: cases per km² on the area's UTM grid, coloured as the page colours it;
* ``points``: resources as markers in their category's colour, optionally with their
  service circles.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import psycopg
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import PatchCollection
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch, Rectangle

from geomap.accounts import User
from geomap.analysis.area import project
from geomap.analysis.classify import Method
from geomap.analysis.filters import CaseFilter
from layers import overlays
from layers.overlays import POINT_ROLES, OverlayQuery

# Print layer -> the overlay it draws (heat: the density raster, see the docstring).
OVERLAY_OF = {"coverage": "coverage", "gap": "gap", "heat": "density", "resources": "resources"}
LAYER_TITLES = {
    "coverage": "Cakupan layanan PSKS (E2SFCA) / PSKS service coverage (E2SFCA)",
    "gap": "Kesenjangan kebutuhan dan cakupan / Gap: need vs coverage",
    "heat": "Kepadatan kasus PMKS / PMKS case density",
    "resources": "Sumber daya PSKS / PSKS resources"}
DENSITY_CMAP, DENSITY_ALPHA = "YlOrRd", 0.75  # as DensityRaster.overlay and density.js
HATCH_COLOUR = "#d7301f"  # layers.overlays.coverage.NO_TKSK_COLOR
EDGE = "#666666"
WRAP = 46  # characters per legend line


@dataclass
class PrintLayer:
    """What one overlay draws on a page, and its legend as the page's overlay gives it."""

    name: str
    legend: dict[str, Any]
    fills: dict[str, str] = field(default_factory=dict)  # desa code -> colour
    hatched: frozenset[str] = frozenset()  # kecamatan codes
    raster: tuple[np.ndarray, tuple[float, float, float, float], float] | None = None
    points: gpd.GeoDataFrame | None = None  # UTM points: color, radius_m (NaN: none)
    radius: bool = False  # draw the service circles

    @property
    def bivariate(self) -> bool:
        return bool(self.legend.get("bivariate"))


def reader(user: User | None, area: str, suppress: bool) -> User:
    """Who the overlays answer: the export's user, or (none, or a suppressed export for
    a role that may see points) a planner of the area, the stricter rule."""
    if user is None or (suppress and user.role in POINT_ROLES):
        return User(0, "export", "planner", area)
    return user


def load(conn: psycopg.Connection, layer: str, where: CaseFilter, user: User, *, srid: int,
         method: Method = "quantiles", k: int = 5, lang: str = "id",
         psks: tuple[str, ...] | None = None, radius: bool = False) -> PrintLayer:
    """The print layer ``layer`` (a key of :data:`OVERLAY_OF`) for ``user``'s view."""
    args = {"psks": ",".join(psks)} if psks else {}
    query = OverlayQuery(conn, user, where.area, where, "desa", method, k, lang, args)
    overlay = overlays.get(OVERLAY_OF[layer])
    if not overlay.visible_to(user.role):
        raise PermissionError(f"role may not see overlay {overlay.name}")
    return _ADAPT[layer](query, srid, radius)


def _coverage(query: OverlayQuery, srid: int, radius: bool) -> PrintLayer:
    answer = overlays.get("coverage").build(query)
    colors = answer["colors"]
    return PrintLayer("coverage", answer["legend"],
                      {code: colors[u["cls"]] for code, u in answer["units"].items()},
                      frozenset(answer["without_tksk"]))


def _gap(query: OverlayQuery, srid: int, radius: bool) -> PrintLayer:
    answer = overlays.get("gap").build(query)
    return PrintLayer("gap", answer["legend"] | {"tertiles": answer["texts"]["tertiles"]},
                      {code: u["color"] for code, u in answer["units"].items()})


def _heat(query: OverlayQuery, srid: int, radius: bool) -> PrintLayer:
    from layers.overlays.density import compute

    found = compute(query)
    grid = found.raster.grid
    if grid.srid != srid:  # both are the area's UTM zone
        raise ValueError(f"density grid in EPSG:{grid.srid}, page in EPSG:{srid}")
    west, south, east, north = grid.bounds
    vmax = found.image.legend.values[-1] if found.shown else 1.0
    return PrintLayer("heat", found.legend(query.lang),
                      raster=(found.raster.values, (west, east, south, north), vmax))


def _resources(query: OverlayQuery, srid: int, radius: bool) -> PrintLayer:
    answer = overlays.get("resources").build(query)
    colors = {c["code"]: c["color"] for c in answer["categories"]}
    found = answer["resources"]
    x, y = project(np.array([r["lon"] for r in found], float),
                   np.array([r["lat"] for r in found], float), srid)
    points = gpd.GeoDataFrame(
        {"category": [r["category"] for r in found],
         "color": [colors.get(r["category"], "#808080") for r in found],
         "radius_m": [np.nan if r["radius_km"] is None else float(r["radius_km"]) * 1000
                      for r in found]},
        geometry=gpd.points_from_xy(x, y), crs=f"EPSG:{srid}")
    legend = answer["legend"]
    if not radius:  # the note speaks of the circles: only when they are drawn
        legend = legend | {"notes": []}
    return PrintLayer("resources", legend, points=points, radius=radius)


_ADAPT: dict[str, Callable[[OverlayQuery, int, bool], PrintLayer]] = {
    "coverage": _coverage, "gap": _gap, "heat": _heat, "resources": _resources}


# --- drawing ---------------------------------------------------------------------------

def _draw_hatched(ax: Axes, layer: PrintLayer, kecamatan: gpd.GeoDataFrame,
                  polygons: Callable[..., Any]) -> None:
    shapes = kecamatan[kecamatan["code"].isin(layer.hatched)]
    if len(shapes):
        collection = polygons(ax, shapes.geometry.values, edgecolor=HATCH_COLOUR,
                              linewidth=1.6, zorder=2.5)
        collection.set_hatch("////")
        collection.set_linestyle((0, (4, 3)))


def _draw_raster(ax: Axes, layer: PrintLayer) -> None:
    values, extent, vmax = layer.raster  # type: ignore[misc]
    shown = np.ma.masked_where(~np.isfinite(values) | (values <= 0), values)
    ax.imshow(shown, extent=extent, origin="upper", cmap=colormaps[DENSITY_CMAP], vmin=0,
              vmax=vmax, alpha=DENSITY_ALPHA, interpolation="nearest", zorder=1.5)


def _draw_points(ax: Axes, layer: PrintLayer) -> None:
    points = layer.points
    if points is None or not len(points):
        return
    x, y = points.geometry.x.to_numpy(), points.geometry.y.to_numpy()
    colors = points["color"].tolist()
    if layer.radius:
        r = points["radius_m"].to_numpy(float)
        keep = np.flatnonzero(np.isfinite(r))
        # As resources.js draws them: a faint fill, a clear edge.
        circles = PatchCollection([Circle((x[i], y[i]), r[i]) for i in keep],
                                  facecolors=[to_rgba(colors[i], 0.06) for i in keep],
                                  edgecolors=[to_rgba(colors[i], 0.8) for i in keep],
                                  linewidths=0.5, zorder=2.8)
        ax.add_collection(circles, autolim=False)
    ax.scatter(x, y, s=16, c=colors, marker="o", edgecolors="white", linewidths=0.4,
               zorder=3)


def draw(ax: Axes, layer: PrintLayer, kecamatan: gpd.GeoDataFrame,
         polygons: Callable[..., Any]) -> None:
    """What the layer draws over the desa fills (which the page draws from ``fills``):
    one renderer per kind it holds. ``polygons`` is the page's polygon drawer."""
    if layer.hatched:
        _draw_hatched(ax, layer, kecamatan, polygons)
    if layer.raster is not None:
        _draw_raster(ax, layer)
    if layer.points is not None:
        _draw_points(ax, layer)


def legend_handles(layer: PrintLayer) -> list:
    """The overlay's legend entries as the page lists them: swatch, label, (count).
    A bivariate legend's entries are drawn as a grid instead (:func:`draw_grid`)."""
    if layer.bivariate:
        return []
    handles: list = []
    for entry in layer.legend["entries"]:
        label = textwrap.fill(entry["label"] + (f" ({entry['count']})" if entry.get("count")
                                                is not None else ""), WRAP)
        if entry.get("marker"):
            handles.append(Line2D([], [], marker="o", linestyle="", markersize=6,
                                  markerfacecolor=entry["color"], markeredgecolor="white",
                                  label=label))
        elif entry.get("hatch") or entry.get("outline"):
            handles.append(Patch(facecolor="none", edgecolor=entry["color"], hatch="////",
                                 linestyle="--", linewidth=1.2, label=label))
        else:
            handles.append(Patch(facecolor=entry["color"], edgecolor=EDGE, label=label))
    return handles


def notes(layer: PrintLayer) -> list[str]:
    """The legend's notes (a bivariate legend's axis hints are on its grid instead)."""
    return [textwrap.fill(n, WRAP) for n in layer.legend.get("notes", [])
            if not (layer.bivariate and (n.startswith("↑") or n.endswith("→")))]


def draw_grid(ax: Axes, layer: PrintLayer) -> None:
    """The 3x3 bivariate legend (need up, coverage right), colours and counts as the
    page's, with its axis names; ``ax`` is a square box in the legend's place."""
    legend = layer.legend
    for entry in legend["entries"]:
        n, c = entry["need"], entry["coverage"]
        ax.add_patch(Rectangle((c, n), 1, 1, facecolor=entry["color"], edgecolor="white",
                               linewidth=1.0))
        ax.text(c + 0.5, n + 0.5, str(entry.get("count", "")), ha="center", va="center",
                fontsize=6, color="#111111")
    ax.set_xlim(0, 3)
    ax.set_ylim(0, 3)
    ax.set_aspect("equal")
    ax.set_xticks([0.5, 1.5, 2.5], legend["tertiles"], fontsize=6)
    ax.set_yticks([0.5, 1.5, 2.5], legend["tertiles"], fontsize=6, rotation=90,
                  va="center")
    ax.set_xlabel(legend["x"] + " →", fontsize=6.5)
    ax.set_ylabel(legend["y"] + " →", fontsize=6.5)
    ax.tick_params(length=0, pad=1)
    for spine in ax.spines.values():
        spine.set_visible(False)
