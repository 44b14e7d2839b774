"""Vector tiles of a layer (``ST_AsMVT``) and the TileJSON document that describes them.

Tiles use the web-mercator XYZ scheme Leaflet and every other web map use. A tile
asks the layer only for the features in its box (plus the 1/64 buffer that
``ST_AsMVTGeom`` keeps), so its cost follows what it shows, not the size of the
layer; snapping to the tile's grid simplifies the shapes.

The grid is 4096 units a side, except for the overviews (zoom 9 and below, a
province or a large kabupaten at once), whose grid is 512: half a CSS pixel of a
256-pixel tile, the finest detail such a view can show. At 4096 a z8 tile of Jawa
Barat's desa kept 16 points per pixel: 1.6 MB for the province's six tiles, a second
of ``ST_AsMVTGeom`` and as long for the browser to draw them; at 512, 0.7 MB and about
half the time on both sides (bench/README.md, "Page, session 4"). Map clients read the
grid size from each tile.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import psycopg
from psycopg import sql as psql
from psycopg.postgres import types as pg_types

from geomap.render.area import Area
from geomap.render.geojson import layer_query, parameters
from layers.registry import Layer

MVT = "application/vnd.mapbox-vector-tile"  # the tiles' media type
MIN_ZOOM = 0
MAX_ZOOM = 22          # the deepest tile anyone may ask for
MAX_NATIVE_ZOOM = 16   # below this, maps stretch the z16 tiles (boundaries need no more)
EXTENT = 4096
BUFFER = 64            # in units of EXTENT: the buffer is 1/64 of the tile at every zoom
OVERVIEW_EXTENT = 512  # the grid of tiles up to OVERVIEW_MAX_ZOOM (see the docstring)
OVERVIEW_MAX_ZOOM = 9
_NUMBERS = {"int2", "int4", "int8", "float4", "float8", "numeric"}
_NOT_SCALAR = {"json", "jsonb", "geometry", "geography", "record"}


def extent(z: int) -> int:
    """The grid size of the tiles of zoom ``z`` (see the module docstring)."""
    return OVERVIEW_EXTENT if z <= OVERVIEW_MAX_ZOOM else EXTENT


class BadTile(ValueError):
    """z/x/y that name no tile."""


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int

    def __post_init__(self) -> None:
        if not MIN_ZOOM <= self.z <= MAX_ZOOM:
            raise BadTile(f"z {self.z}")
        if not (0 <= self.x < 2**self.z and 0 <= self.y < 2**self.z):
            raise BadTile(f"{self.z}/{self.x}/{self.y}")

    def bounds(self, margin: float = 0.0) -> tuple[float, float, float, float]:
        """West, south, east, north in degrees, widened by ``margin`` of the tile's size."""
        n = 2**self.z

        def lon(x: float) -> float:
            return x / n * 360.0 - 180.0

        def lat(y: float) -> float:
            return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))

        return (lon(self.x - margin), max(-85.06, lat(self.y + 1 + margin)),
                lon(self.x + 1 + margin), min(85.06, lat(self.y - margin)))

    def bbox(self) -> str:
        """The tile's box with its buffer, as EWKT in EPSG:4326 (the layer contract's bbox)."""
        west, south, east, north = self.bounds(BUFFER / EXTENT)
        return f"SRID=4326;POLYGON(({west} {south},{east} {south},{east} {north}," \
               f"{west} {north},{west} {south}))"


def layer_tile(conn: psycopg.Connection, layer: Layer, area: str | None, tile: Tile) -> bytes:
    """The MVT of ``layer`` under ``area`` for ``tile`` (empty bytes when nothing is there)."""
    params = parameters(layer, area, simplify=0.0, bbox=tile.bbox())
    grid = extent(tile.z)
    params.update(z=tile.z, x=tile.x, y=tile.y, name=layer.name, extent=grid,
                  buffer=grid * BUFFER // EXTENT)
    return bytes(conn.execute(_tile_query(conn, layer), params).fetchone()[0] or b"")


def _tile_query(conn: psycopg.Connection, layer: Layer) -> psql.Composed:
    """The tile query, naming the attribute columns (so the geometry is never converted)."""
    if layer.name not in _TILE_QUERIES:
        columns = [psql.SQL(", f.{}").format(psql.Identifier(name))
                   for name in fields(conn, layer)]
        _TILE_QUERIES[layer.name] = layer_query(layer, "mvt", columns=psql.SQL("").join(columns))
    return _TILE_QUERIES[layer.name]


_TILE_QUERIES: dict[str, psql.Composed] = {}


def fields(conn: psycopg.Connection, layer: Layer) -> dict[str, str]:
    """The layer's attributes and their TileJSON types: its scalar columns but ``geom``."""
    cursor = conn.execute(layer_query(layer, "columns"), parameters(layer, None))
    found = {}
    for column in cursor.description:
        info = pg_types.get(column.type_code)
        kind = info.name if info else ""
        if column.name == "geom" or kind in _NOT_SCALAR or kind.endswith("[]"):
            continue  # the geometry; MVT attributes are scalars
        found[column.name] = ("Number" if kind in _NUMBERS
                              else "Boolean" if kind == "bool" else "String")
    return found


def tilejson(layer: Layer, title: str, area: Area, tiles_url: str,
             layer_fields: dict[str, str]) -> dict:
    """The TileJSON 3.0.0 document of ``layer``'s tiles under ``area``."""
    west, south, east, north = area.bounds
    return {
        "tilejson": "3.0.0",
        "name": title,
        "scheme": "xyz",
        "tiles": [tiles_url],
        "minzoom": MIN_ZOOM,
        "maxzoom": MAX_NATIVE_ZOOM,
        "bounds": [west, south, east, north],
        "center": [(west + east) / 2, (south + north) / 2, 10],
        "vector_layers": [{"id": layer.name, "fields": layer_fields,
                           "minzoom": MIN_ZOOM, "maxzoom": MAX_NATIVE_ZOOM}],
    }
