"""The layer API: a layer's features as GeoJSON and its labels, for the map pages.

``/api/layers/<name>.geojson?area=32.04`` answers with one FeatureCollection made
by PostGIS; who may fetch it is the layer's own rule (:meth:`Layer.visible_to`).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from geomap.render import area as areas
from geomap.render.geojson import layer_geojson, layer_labels
from geomap.render.strings import both
from layers import registry
from layers.registry import Layer
from server.db import connection
from server.visibility import visible

bp = Blueprint("layers_api", __name__)


def visible_layer(name: str) -> Layer:
    """The layer ``name`` if the viewer may see it: 404 / 401 / 403 otherwise
    (:func:`server.visibility.visible`, the same rule as the overlays')."""
    return visible(name, registry.get, registry.UnknownLayer)


def requested_area() -> str | None:
    """The ``area`` parameter as a dotted code (None: everything loaded); 400 when invalid."""
    try:
        return areas.parse(request.args.get("area"))
    except areas.BadArea:
        abort(400, description=both("error.bad_area"))


PUBLIC_MAX_AGE = 300  # seconds a public layer's answer may be kept anywhere


def cache_control(layer: Layer) -> str:
    """Public layers may be cached anywhere for a while; others only by the viewer."""
    return (f"public, max-age={PUBLIC_MAX_AGE}" if layer.visible_to(None)
            else "private, max-age=60")


@bp.get("/api/layers/<name>.geojson")
def geojson(name: str) -> Response:
    """A layer's features.
    ---
    get:
      summary: Fitur lapisan sebagai GeoJSON / A layer's features as GeoJSON
      operationId: getLayerGeoJSON
      parameters:
        - LayerName
        - Area
      responses:
        200:
          description: FeatureCollection
          content:
            application/geo+json:
              schema: {$ref: "#/components/schemas/FeatureCollection"}
    """
    layer = visible_layer(name)
    area = requested_area()
    with connection() as conn:
        body = layer_geojson(conn, layer, area)
    return Response(body, mimetype="application/geo+json",
                    headers={"Cache-Control": cache_control(layer)})


@bp.get("/api/layers/<name>/labels.json")
def labels(name: str) -> Response:
    """A layer's labels.
    ---
    get:
      summary: Label lapisan / A layer's labels ([text, lon, lat])
      operationId: getLayerLabels
      parameters:
        - LayerName
        - Area
      responses:
        200: {json: Labels, description: "labels"}
    """
    layer = visible_layer(name)
    if layer.label_field is None:
        abort(404, description=both("error.no_labels"))
    area = requested_area()
    with connection() as conn:
        body = layer_labels(conn, layer, area)
    return Response(body, mimetype="application/json",
                    headers={"Cache-Control": cache_control(layer)})
