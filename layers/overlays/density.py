"""PMKS case density: a kernel density raster made on the server, drawn as one PNG.

What a planner sees instead of points (and what anyone logged in may switch on):
:func:`geomap.analysis.density.case_density` on a 100 m grid in the area's UTM zone
(coarser for a province, see :func:`cell_size`),
1 km Gaussian bandwidth, cells with fewer than the privacy threshold of cases within
1 km left empty, warped to Web Mercator and coloured (``DensityRaster.overlay``). The
answer holds the PNG as a ``data:`` URL with its bounds (one request, no second
computation for the image) and the legend's colour stops in cases per km²; no case
point, count per cell or home location leaves the server.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from geomap.analysis.area import Area, load_area
from geomap.analysis.density import BANDWIDTH_M, CELL_M, TRUNCATE, DensityRaster, case_density
from geomap.analysis.density import Overlay as Picture
from geomap.render.strings import text
from layers.overlays import Overlay, OverlayQuery, legend
from layers.registry import LOGGED_IN, Text

MAX_CELLS = 1500  # grid cells along the longer side of the area, at most


def cell_size(area: Area) -> float:
    """100 m cells, or coarser (whole 100 m steps) when the area is so large that the
    picture would pass :data:`MAX_CELLS` across (a province: megabytes of PNG for a
    detail no screen shows at that zoom). The bandwidth stays 1 km."""
    minx, miny, maxx, maxy = shapely.bounds(area.projected())
    side = max(maxx - minx, maxy - miny) + 2 * TRUNCATE * BANDWIDTH_M
    return max(CELL_M, math.ceil(side / MAX_CELLS / CELL_M) * CELL_M)


@dataclass
class Density:
    """The overlay's raster (UTM, exact cells) and its picture for the page (Web Mercator,
    with the legend's colour stops): what ``build`` answers and the print map draws."""

    raster: DensityRaster
    image: Picture
    cell: float

    @property
    def shown(self) -> bool:
        """Whether any cell passes the privacy threshold."""
        return bool(np.nan_to_num(self.raster.values).max() > 0)

    def legend(self, lang: str) -> dict[str, Any]:
        stops = self.image.legend
        lows = [0.0, *stops.values[:-1]]
        # Nothing above the threshold: no colour scale (its numbers would mean nothing).
        entries = [{"label": f"{lo:,.1f}–{hi:,.1f}", "color": color}
                   for lo, hi, color in zip(lows, stops.values, stops.colors, strict=True)
                   ] if self.shown else []
        notes = [text("overlay.density.none", lang) if not self.shown else "",
                 text("overlay.density.method", lang).format(BANDWIDTH_M / 1000, self.cell),
                 text("overlay.density.hidden", lang).format(self.raster.min_cases)]
        return legend(text("overlay.density.title", lang), entries, notes)


def compute(query: OverlayQuery) -> Density:
    """The kernel density of the query's cases over its area (see the module docstring)."""
    area = load_area(query.conn, query.area)
    cell = cell_size(area)
    raster = case_density(query.conn, area, query.cases, cell_m=cell)
    return Density(raster, raster.overlay(), cell)


def build(query: OverlayQuery) -> dict[str, Any]:
    found = compute(query)
    image = found.image
    return {"image": "data:image/png;base64," + base64.b64encode(image.png).decode("ascii"),
            "bounds": image.bounds, "empty": not found.shown,
            "legend": found.legend(query.lang)}


OVERLAY = Overlay(
    name="density",
    cacheable=True,
    title=Text("Kepadatan PMKS (raster)", "PMKS density (raster)"),
    roles=LOGGED_IN,
    kind="raster",
    build=build,
    order=30,
)
