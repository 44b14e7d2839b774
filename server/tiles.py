"""Vector tiles of large layers: ``/tiles/<layer>/<z>/<x>/<y>.pbf`` and their TileJSON.

Each tile is one ``ST_AsMVT`` query (``layers/output/mvt.sql``) around the layer's
own SQL; the same role rule as the layer API decides who may fetch it.

Tiles of public layers (the boundaries) are the same for every viewer and may be kept
anywhere for ``PUBLIC_MAX_AGE`` seconds (their ``Cache-Control``); each server process
keeps them as long (``GEOMAP_TILE_CACHE_SECONDS``, 0 to switch off), so fifty planners
looking at one kabupaten cost one query per tile, not fifty. A boundary import shows in
tiles within that time, as it does in browsers' caches.
"""

from __future__ import annotations

import os
import threading

from cachetools import TTLCache
from flask import Blueprint, Response, abort, current_app, jsonify, url_for

from geomap.render import area as areas
from geomap.render.strings import both
from geomap.render.tiles import MVT, BadTile, Tile, fields, layer_tile, tilejson
from server.api import PUBLIC_MAX_AGE, cache_control, requested_area, visible_layer
from server.db import connection
from server.pages import language

bp = Blueprint("tiles", __name__)

_CACHE_KEY = "geomap.tiles"
TILES_KEPT = 4096  # about 40 MB of boundary tiles per process at most


def kept_tiles() -> tuple[TTLCache, threading.Lock] | None:
    """This app's store of public tiles, or None when switched off."""
    store = current_app.extensions.get(_CACHE_KEY)
    if store is None:
        seconds = int(os.environ.get("GEOMAP_TILE_CACHE_SECONDS", PUBLIC_MAX_AGE))
        store = (TTLCache(TILES_KEPT, seconds), threading.Lock()) if seconds > 0 else ()
        current_app.extensions[_CACHE_KEY] = store
    return store or None


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
        200: {json: TileJSON, description: "TileJSON 3.0"}
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
    store = kept_tiles() if layer.visible_to(None) else None
    key = (layer.name, area, where)
    if store is not None:
        with store[1]:
            body = store[0].get(key)
        if body is not None:
            return Response(body, mimetype=MVT,
                            headers={"Cache-Control": cache_control(layer)})
    with connection() as conn:
        body = layer_tile(conn, layer, area, where)
    if store is not None:
        with store[1]:
            store[0][key] = body
    return Response(body, mimetype=MVT, headers={"Cache-Control": cache_control(layer)})
