"""Turning rings of [lat, lng] pairs into valid MultiPolygons, all rows at once.

The upstream lists of rings do not say which ring is a hole: an island is an
outer ring beside the others, a hole lies inside one. We node each polygon's
linework and let GEOS build the area (``build_area``, even-odd by containment),
then repair what is still invalid with ``make_valid``. Everything is done on
whole arrays with shapely 2, never geometry by geometry in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

# Indonesia's extent; a point outside it is how swapped axes show.
LON_RANGE = (94.0, 142.0)
LAT_RANGE = (-11.0, 6.0)


def outside_indonesia(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Boolean mask of coordinates outside Indonesia's extent (or not finite)."""
    with np.errstate(invalid="ignore"):
        inside = ((lon >= LON_RANGE[0]) & (lon <= LON_RANGE[1])
                  & (lat >= LAT_RANGE[0]) & (lat <= LAT_RANGE[1]))
    return ~inside


@dataclass
class Rings:
    """Flat arrays of ring coordinates, with the row and polygon group of each ring.

    ``coords`` is (n, 2) in (lon, lat) order; ``ring_group[i]`` is the group of
    ring i; ``group_row[g]`` the row index of group g.
    """

    coords: np.ndarray
    ring_offsets: np.ndarray  # len = rings + 1
    ring_group: np.ndarray
    group_row: np.ndarray
    n_rows: int

    @classmethod
    def from_latlng_groups(cls, rows: list[list[list[list[list[float]]]]]) -> Rings:
        """Build from, per row, groups of rings of [lat, lng] pairs."""
        pieces: list[np.ndarray] = []
        ring_group: list[int] = []
        group_row: list[int] = []
        for r, groups in enumerate(rows):
            for group in groups:
                g = len(group_row)
                group_row.append(r)
                for ring in group:
                    pieces.append(np.asarray(ring, dtype=np.float64).reshape(-1, 2))
                    ring_group.append(g)
        lengths = np.fromiter((len(p) for p in pieces), dtype=np.int64, count=len(pieces))
        coords = (np.concatenate(pieces)[:, ::-1] if pieces else np.empty((0, 2)))
        return cls(np.ascontiguousarray(coords),
                   np.concatenate([[0], np.cumsum(lengths)]),
                   np.asarray(ring_group, dtype=np.int64),
                   np.asarray(group_row, dtype=np.int64), len(rows))

    def first_row_outside_indonesia(self) -> int | None:
        """The first row with a coordinate outside Indonesia, or None."""
        bad = outside_indonesia(self.coords[:, 0], self.coords[:, 1])
        if not bad.any():
            return None
        ring = np.searchsorted(self.ring_offsets, np.flatnonzero(bad)[0], side="right") - 1
        return int(self.group_row[self.ring_group[ring]])


@dataclass
class Built:
    geoms: np.ndarray     # MultiPolygon or None per row
    repaired: np.ndarray  # bool per row: rings dropped, closed or made valid


def build_multipolygons(rings: Rings) -> Built:
    """One valid MultiPolygon (or None) per row."""
    repaired = np.zeros(rings.n_rows, dtype=bool)
    lengths = np.diff(rings.ring_offsets)
    ring_ids = np.repeat(np.arange(len(lengths)), lengths)
    coords = rings.coords
    # Close open rings.
    if len(lengths):
        first = coords[rings.ring_offsets[:-1]]
        last = coords[rings.ring_offsets[1:] - 1]
        open_ring = np.any(first != last, axis=1)
        repaired[rings.group_row[rings.ring_group[open_ring]]] = True
    else:
        open_ring = np.zeros(0, dtype=bool)
    lines = shapely.linestrings(coords, indices=ring_ids) if len(coords) else np.empty(0, object)
    if open_ring.any():
        closed = shapely.linearrings(
            shapely.get_coordinates(lines[open_ring]),
            indices=np.repeat(np.arange(open_ring.sum()),
                              shapely.get_num_coordinates(lines[open_ring])))
        lines[open_ring] = shapely.linestrings(shapely.get_coordinates(closed),
                                               indices=np.repeat(
                                                   np.arange(open_ring.sum()),
                                                   shapely.get_num_coordinates(closed)))
    # Drop rings that cannot bound an area.
    usable = np.asarray(shapely.get_num_coordinates(lines) >= 4) if len(lines) else open_ring
    if (~usable).any():
        repaired[rings.group_row[rings.ring_group[~usable]]] = True
    n_groups = len(rings.group_row)
    geoms = np.full(rings.n_rows, None, dtype=object)
    if not usable.any():
        return Built(geoms, repaired)
    groups_used = rings.ring_group[usable]
    linework = shapely.multilinestrings(lines[usable], indices=groups_used)
    group_index = np.unique(groups_used)
    linework = linework[group_index] if len(linework) == n_groups else linework
    areas = shapely.build_area(shapely.node(linework))
    parts, part_group = shapely.get_parts(areas, return_index=True)
    part_row = rings.group_row[group_index[part_group]]
    polygonal = shapely.get_type_id(parts) == 3
    parts, part_row = parts[polygonal], part_row[polygonal]
    _assemble(geoms, parts, part_row)
    # Parts of one row that overlap (depth-4 polygons), or other faults: make valid.
    present = np.flatnonzero(geoms != None)  # noqa: E711 - elementwise comparison
    invalid = present[~shapely.is_valid(geoms[present])]
    if len(invalid):
        repaired[invalid] = True
        fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        fparts, fidx = shapely.get_parts(fixed, return_index=True)
        keep = shapely.get_type_id(fparts) == 3
        geoms[invalid] = None
        _assemble(geoms, fparts[keep], invalid[fidx[keep]])
    return Built(geoms, repaired)


def _assemble(out: np.ndarray, parts: np.ndarray, part_row: np.ndarray) -> None:
    """Write one MultiPolygon per row from its polygon parts into ``out``."""
    if not len(parts):
        return
    order = np.argsort(part_row, kind="stable")
    parts, part_row = parts[order], part_row[order]
    rows, dense = np.unique(part_row, return_inverse=True)
    out[rows] = shapely.multipolygons(parts, indices=dense)
