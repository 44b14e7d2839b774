"""Vector tiles of large layers: ``/tiles/<layer>/<z>/<x>/<y>.pbf`` and their TileJSON.

Each tile is one ``ST_AsMVT`` query (``layers/output/mvt.sql``) around the layer's
own SQL; the same role rule as the layer API decides who may fetch it.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, url_for

from geomap.render import area as areas
from geomap.render.strings import both
from geomap.render.tiles import BadTile, Tile, fields, layer_tile, tilejson
from server.api import cache_control, requested_area, visible_layer
from server.db import connection
from server.pages import language

bp = Blueprint("tiles", __name__)

MVT = "application/vnd.mapbox-vector-tile"


def tile_template(name: str, area: str | None, *, external: bool = False) -> str:
    """The ``{z}/{x}/{y}`` URL template of a layer's tiles under ``area``."""
    url = url_for("tiles.tile", name=name, z=0, x=0, y=0, _external=external)
    url = url.replace("/0/0/0.pbf", "/{z}/{x}/{y}.pbf")
    return f"{url}?area={area}" if area else url


def tiled_layer(name: str):
    layer = visible_layer(name)
    if layer.output != "mvt":
        abort(404, description=both("error.not_tiled"))
    return layer


@bp.get("/tiles/<name>.json")
def document(name: str) -> Response:
    """A tiled layer's TileJSON.
    ---
    get:
      summary: TileJSON lapisan / A tiled layer's TileJSON
      operationId: getTileJSON
      parameters:
        - LayerName
        - Area
      responses:
        200:
          description: TileJSON 3.0
          content:
            application/json:
              schema: {$ref: "#/components/schemas/TileJSON"}
    """
    layer = tiled_layer(name)
    area_code = requested_area()
    with connection() as conn:
        try:
            area = areas.find(conn, area_code)
        except areas.UnknownArea:
            abort(404, description=both("error.unknown_area"))
        layer_fields = fields(conn, layer)
    body = tilejson(layer, layer.title(language()), area,
                    tile_template(name, area_code, external=True), layer_fields)
    response = jsonify(body)
    response.headers["Cache-Control"] = cache_control(layer)
    return response


@bp.get("/tiles/<name>/<z>/<x>/<y>.pbf")
def tile(name: str, z: str, x: str, y: str) -> Response:
    """One vector tile.
    ---
    get:
      summary: Satu ubin vektor / One Mapbox vector tile
      operationId: getTile
      parameters:
        - LayerName
        - {name: z, in: path, required: true, schema: {type: integer, minimum: 0, maximum: 30}}
        - {name: x, in: path, required: true, schema: {type: integer, minimum: 0}}
        - {name: y, in: path, required: true, schema: {type: integer, minimum: 0}}
        - Area
      responses:
        200:
          description: MVT (possibly empty)
          content:
            application/vnd.mapbox-vector-tile:
              schema: {type: string, format: binary}
    """
    layer = tiled_layer(name)
    try:
        if not all(part.isascii() and part.isdigit() for part in (z, x, y)):
            raise BadTile(f"{z}/{x}/{y}")
        where = Tile(int(z), int(x), int(y))
    except BadTile:
        abort(400, description=both("error.bad_tile"))
    area = requested_area()
    with connection() as conn:
        body = layer_tile(conn, layer, area, where)
    return Response(body, mimetype=MVT, headers={"Cache-Control": cache_control(layer)})
