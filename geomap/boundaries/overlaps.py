"""Which desa of an import overlap their neighbours, and by how much.

Upstream desa are simplified shapes: neighbours overlap slightly. The import
reports the pairs and the area they share. Intersecting thousands of polygon
pairs is the costliest step of a large import, so it runs here, with shapely on
the records already in memory, in a thread beside the database's own work
(shapely releases the GIL), instead of in the import's transaction.
"""

from __future__ import annotations

import numpy as np
import shapely

# WGS 84 semi-major axis and first eccentricity squared.
_A, _E2 = 6_378_137.0, 0.006_694_379_990_14


def km2_per_square_degree(lat: np.ndarray) -> np.ndarray:
    """Area of one square degree at ``lat``, from the ellipsoid's radii of curvature.

    Good to a fraction of a per mille over the few hundred metres a desa overlap spans.
    """
    phi = np.radians(lat)
    w = 1 - _E2 * np.sin(phi) ** 2
    meridian = _A * (1 - _E2) / w ** 1.5
    normal = _A / np.sqrt(w)
    return (np.pi / 180) ** 2 * meridian * normal * np.cos(phi) / 1e6


def desa_overlaps(geoms: np.ndarray) -> tuple[int, float]:
    """Pairs of ``geoms`` (desa MultiPolygons, EPSG:4326) whose interiors overlap, and the
    area they share in km²."""
    geoms = geoms[~shapely.is_missing(geoms)]
    if len(geoms) < 2:
        return 0, 0.0
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.intersection(geoms[left], geoms[right])
    area = shapely.area(shared)
    real = area > 0
    if not real.any():
        return 0, 0.0
    lat = shapely.get_y(shapely.centroid(shared[real]))
    km2 = area[real] * km2_per_square_degree(lat)
    real_pairs = km2 > 1e-9  # a square millimetre: touching edges, not an overlap
    return int(real_pairs.sum()), float(km2[real_pairs].sum())
