"""OGC API - Features, Part 1: Core, at ``/ogcapi``: the map layers for GIS software.

QGIS, GDAL (``OAPIF:``), OWSLib and ArcGIS read the layers the pages draw through this
standard interface. Conformance classes: core, GeoJSON and OpenAPI 3.0. The collections
are the layers of :mod:`layers.registry` that the caller may see, with the same rule as
the pages (:meth:`Layer.visible_to`); a layer that is not public is further limited to
the caller's area (:func:`geomap.area.narrow`), in its SQL. Coordinates are CRS84
(lon/lat, WGS 84), the only CRS of the core.

Parameters beyond the standard: ``area`` (a Kemendagri code) limits a collection to one
province, kabupaten or kecamatan, as on the map pages.

Logged-in callers also get the aggregated PMKS layers (``pmks_desa``,
``pmks_kecamatan``: counts per unit, suppressed for a planner), computed by the
analysis module: :mod:`server.ogcapi_aggregates`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, request, url_for

from geomap import area as area_rule
from geomap.render import area as areas
from geomap.render.features import BBox, layer_feature, layer_page
from geomap.render.strings import both
from layers.registry import Layer
from server import ogcapi_aggregates as aggregates
from server.api import cache_control, requested_area, visible_layer
from server.auth import current_user
from server.db import connection
from server.input_guard import BIGINT_MAX
from server.ogcapi_openapi import openapi_document
from server.visibility import viewer_role

bp = Blueprint("ogcapi", __name__, url_prefix="/ogcapi")

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000


def _json(body: Any, mimetype: str = JSON) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), mimetype=mimetype)


def _link(endpoint: str, rel: str, mimetype: str, title: str, **values: Any) -> dict:
    return {"href": url_for(endpoint, _external=True, **values), "rel": rel,
            "type": mimetype, "title": title}


def _check_format() -> None:
    """Only JSON is offered: ``f=json`` (or nothing) is fine, any other ``f`` is a 400."""
    if request.args.get("f", "json") not in ("json", "geojson"):
        abort(400, description=both("error.ogc_format"))


def _visible_layers() -> list[Layer]:
    from layers import registry

    return registry.visible_layers(viewer_role())


def _layer_area(layer: Layer) -> str | None:
    """The area the collection is read for: the request's, narrowed to the caller's own
    for a layer that is not public; 404 when the two are disjoint."""
    requested = requested_area()
    if layer.visible_to(None):
        return requested
    try:
        return area_rule.narrow(current_user(), requested)
    except PermissionError:
        abort(404)


def _described(conn, name: str, area: str | None, title: Callable[[str], str]) -> dict:
    """A collection's description, the same for a map layer and an aggregate (a client
    lists both alike): its title in the asked language, the other as description, and
    the extent of ``area`` (404 for an unknown one)."""
    try:
        extent = areas.find(conn, area).bounds
    except areas.UnknownArea:
        abort(404, description=both("error.unknown_area"))
    lang = request.args.get("lang", "id")
    return {
        "id": name,
        "title": title(lang),
        "description": title("en" if lang != "en" else "id"),
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {"spatial": {"bbox": [list(extent)], "crs": CRS84}},
        "links": [
            _link("ogcapi.collection", "self", JSON, "this collection", name=name),
            _link("ogcapi.items", "items", GEOJSON, "features", name=name),
        ],
    }


def _collection(conn, layer: Layer, area: str | None) -> dict:
    return _described(conn, layer.name, area, layer.title)


def _aggregate_collection(conn, name: str) -> dict:
    area = aggregates.area_of(current_user(), requested_area())
    return _described(conn, name, area, partial(aggregates.title, name))


@bp.get("")
@bp.get("/")
def landing() -> Response:
    _check_format()
    return _json({
        "title": "geomap OGC API - Features",
        "description": "Lapisan peta PMKS dan PSKS / PMKS and PSKS map layers",
        "links": [
            _link("ogcapi.landing", "self", JSON, "this document"),
            _link("ogcapi.api", "service-desc", OPENAPI, "the API definition"),
            _link("ogcapi.conformance", "conformance", JSON, "conformance classes"),
            _link("ogcapi.collections", "data", JSON, "collections"),
        ],
    })


@bp.get("/api")
def api() -> Response:
    document = openapi_document(url_for("ogcapi.landing", _external=True).rstrip("/"),
                                [layer.name for layer in _visible_layers()]
                                + aggregates.names(current_user()))
    return _json(document, OPENAPI)


@bp.get("/conformance")
def conformance() -> Response:
    _check_format()
    return _json({"conformsTo": CONFORMANCE})


@bp.get("/collections")
def collections() -> Response:
    _check_format()
    with connection() as conn:
        listed = [_collection(conn, layer, _layer_area(layer)) for layer in _visible_layers()]
        listed += [_aggregate_collection(conn, name) for name in aggregates.names(current_user())]
    return _json({
        "links": [_link("ogcapi.collections", "self", JSON, "collections")],
        "collections": listed,
    })


@bp.get("/collections/<name>")
def collection(name: str) -> Response:
    _check_format()
    if aggregates.is_aggregate(name):
        with connection() as conn:
            return _json(_aggregate_collection(conn, name))
    layer = visible_layer(name)
    with connection() as conn:
        body = _collection(conn, layer, _layer_area(layer))
    return _json(body)


def _bbox() -> BBox | None:
    """``bbox=west,south,east,north`` in CRS84; 400 when malformed."""
    raw = request.args.get("bbox")
    if raw is None:
        return None
    if request.args.get("bbox-crs", CRS84) != CRS84:
        abort(400, description=both("error.ogc_bbox"))
    try:
        values = [float(v) for v in raw.split(",")]
    except ValueError:
        abort(400, description=both("error.ogc_bbox"))
    if len(values) == 6:  # a 3-D box: the heights are ignored
        values = [values[0], values[1], values[3], values[4]]
    ok = (len(values) == 4 and all(math.isfinite(v) for v in values)
          and -180 <= values[0] <= 180 and -180 <= values[2] <= 180
          and -90 <= values[1] <= values[3] <= 90)
    if not ok:
        abort(400, description=both("error.ogc_bbox"))
    return values[0], values[1], values[2], values[3]


def _whole(name: str, low: int, high: int | None, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        abort(400, description=both("error.ogc_paging"))
    # Beyond PostgreSQL's bigint an offset is no page at all (it was a 500, out of range).
    if value < low or value > BIGINT_MAX:
        abort(400, description=both("error.ogc_paging"))
    return min(value, high) if high is not None else value


def _page_link(rel: str, name: str, offset: int, limit: int) -> dict:
    args = {k: v for k, v in request.args.items() if k not in ("offset", "limit")}
    args.update(offset=offset, limit=limit)
    href = url_for("ogcapi.items", name=name, _external=True) + "?" + urlencode(args)
    return {"href": href, "rel": rel, "type": GEOJSON, "title": f"{rel} page"}


@bp.get("/collections/<name>/items")
def items(name: str) -> Response:
    _check_format()
    if aggregates.is_aggregate(name):
        return _aggregate_items(name)
    layer = visible_layer(name)
    area = _layer_area(layer)
    bbox = _bbox()
    limit = _whole("limit", 1, MAX_LIMIT, DEFAULT_LIMIT)
    offset = _whole("offset", 0, None, 0)
    with connection() as conn:
        page = layer_page(conn, layer, area, bbox=bbox, limit=limit, offset=offset)
    links = _page_links(name, offset, limit, page.returned, page.matched)
    head = json.dumps({
        "type": "FeatureCollection",
        "timeStamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "numberMatched": page.matched,
        "numberReturned": page.returned,
        "links": links,
    }, ensure_ascii=False)
    # The features arrive as JSON text from PostGIS; they are spliced in, not re-parsed.
    body = head[:-1] + ', "features": ' + page.features + "}"
    return Response(body, mimetype=GEOJSON, headers={"Cache-Control": cache_control(layer)})


def _page_links(name: str, offset: int, limit: int, returned: int, matched: int) -> list:
    links = [_page_link("self", name, offset, limit),
             _link("ogcapi.collection", "collection", JSON, "the collection", name=name)]
    if offset + returned < matched:
        links.append(_page_link("next", name, offset + limit, limit))
    if offset > 0:
        links.append(_page_link("prev", name, max(0, offset - limit), limit))
    return links


def _aggregate_items(name: str) -> Response:
    user = current_user()
    area = aggregates.area_of(user, requested_area())
    bbox = _bbox()
    limit = _whole("limit", 1, MAX_LIMIT, DEFAULT_LIMIT)
    offset = _whole("offset", 0, None, 0)
    with connection() as conn:
        page = aggregates.units(conn, user, name, area, bbox, limit, offset)
    body = {
        "type": "FeatureCollection",
        "timeStamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "numberMatched": page.matched, "numberReturned": len(page.features),
        "links": _page_links(name, offset, limit, len(page.features), page.matched),
        "features": page.features,
    }
    return Response(json.dumps(body, ensure_ascii=False), mimetype=GEOJSON,
                    headers={"Cache-Control": "private, max-age=60"})


@bp.get("/collections/<name>/items/<feature_id>")
def item(name: str, feature_id: str) -> Response:
    _check_format()
    if aggregates.is_aggregate(name):
        user = current_user()
        area = aggregates.area_of(user, requested_area())
        with connection() as conn:
            found = aggregates.feature(conn, user, name, area, feature_id)
        if found is None:
            abort(404)
        feature = json.dumps(found, ensure_ascii=False)
        layer = None
    else:
        layer = visible_layer(name)
        area = _layer_area(layer)
        with connection() as conn:
            feature = layer_feature(conn, layer, area, feature_id)
    if feature is None:
        abort(404)
    links = [
        _link("ogcapi.item", "self", GEOJSON, "this feature", name=name,
              feature_id=feature_id),
        _link("ogcapi.collection", "collection", JSON, "the collection", name=name),
    ]
    body = feature[:-1] + ', "links": ' + json.dumps(links) + "}"
    cache = cache_control(layer) if layer is not None else "private, max-age=60"
    return Response(body, mimetype=GEOJSON, headers={"Cache-Control": cache})
