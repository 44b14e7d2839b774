"""The area an analysis covers (province, kabupaten or kecamatan) and its metric CRS.

Distances and densities are computed in the area's own UTM zone (the one its
centre lies in, as ``geomap_utm_srid`` decides in PostGIS), so a 100 m cell is
100 m on the ground and a kilometre of radius is a kilometre.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import psycopg
import shapely
from pyproj import Transformer

from geomap import codes


class AreaNotFound(LookupError):
    """The code names no region with a boundary."""


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    geom: shapely.Geometry  # EPSG:4326
    srid: int  # its UTM zone

    @property
    def prefix(self) -> str:
        """What the codes of every region inside start with (the filter used in SQL)."""
        return self.code + "."

    def projected(self) -> shapely.Geometry:
        """The boundary in the area's UTM zone."""
        return shapely.transform(self.geom, lambda xy: np.column_stack(
            project(xy[:, 0], xy[:, 1], self.srid)))


@cache
def _transformer(src: int, dst: int) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def project(lon: np.ndarray, lat: np.ndarray, srid: int) -> tuple[np.ndarray, np.ndarray]:
    """Longitude/latitude (EPSG:4326) to metres in ``srid``, vectorised."""
    return _transformer(4326, srid).transform(np.asarray(lon, float), np.asarray(lat, float))


def unproject(x: np.ndarray, y: np.ndarray, srid: int) -> tuple[np.ndarray, np.ndarray]:
    """Metres in ``srid`` back to longitude/latitude."""
    return _transformer(srid, 4326).transform(np.asarray(x, float), np.asarray(y, float))


def load_area(conn: psycopg.Connection, code: str) -> Area:
    """The region ``code`` with its boundary; raises AreaNotFound when missing."""
    code = codes.normalise(code)
    row = conn.execute("SELECT name, ST_AsBinary(geom), geomap_utm_srid(geom) FROM region "
                       "WHERE code = %s AND geom IS NOT NULL", (code,)).fetchone()
    if row is None:
        raise AreaNotFound(f"wilayah {code} tidak ada / region {code} not found")
    return Area(code, row[0], shapely.from_wkb(bytes(row[1])), int(row[2]))
