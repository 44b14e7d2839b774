"""The aggregated PMKS layers as OGC API - Features collections: ``pmks_desa`` and
``pmks_kecamatan``, the choropleth's counts per unit, for GIS software.

Unlike the boundary layers (SQL of :mod:`layers.registry`), these are computed by
``geomap.analysis`` (one count table, its small-count suppression, the classes), as
the map and the export files: :func:`geomap.export.data.choropleth_frame` gives the
same columns as ``geomap export data``. So a planner's QGIS shows "<5" where its map
does, and never an exact small count (the ``count`` column is there only for roles
that may read cases).

Only for logged-in callers (a Bearer token works with GDAL:
``GDAL_HTTP_HEADERS="Authorization: Bearer gm_..."``); the area is the ``area``
parameter narrowed to the caller's, as on the map (404 beside it). Extra parameters,
as on the map page: ``categories``, ``from``, ``to``, ``method``, ``k``. Paging and
``bbox`` are applied to the computed units with shapely's vectorised predicates.

GIS clients page through a collection ten features at a time (the standard's default
``limit``), so the computed units are kept for :data:`CACHE_S` seconds per filter
and privacy rule: a case added shows in QGIS at most that much later.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass

import geopandas as gpd
import shapely
from flask import abort, request
from werkzeug.exceptions import BadRequest

from geomap import area as area_rule
from geomap.accounts import User
from geomap.analysis.area import AreaNotFound, load_area
from geomap.analysis.choropleth import choropleth
from geomap.analysis.classify import METHODS
from geomap.analysis.counts import count_table
from geomap.analysis.filters import CaseFilter, FilterError
from geomap.case_reads import CASE_ROW_ROLES
from geomap.config import settings
from geomap.export.data import choropleth_frame
from server.case_params import case_filter, category_codes

COLLECTIONS = {
    "pmks_desa": ("desa", "Jumlah kasus PMKS per desa", "PMKS cases per desa"),
    "pmks_kecamatan": ("kecamatan", "Jumlah kasus PMKS per kecamatan",
                       "PMKS cases per kecamatan"),
}
CACHE_S = 30
CACHE_SIZE = 64
_cache: dict[tuple, tuple[float, gpd.GeoDataFrame]] = {}
_lock = threading.Lock()
COLUMNS = ["code", "name", "kecamatan", "cases", "value", "class", "class_label", "measure",
           "population", "count", "area_km2", "geometry"]


@dataclass(frozen=True)
class Units:
    matched: int
    features: list[dict]


def names(user: User | None) -> list[str]:
    """The aggregated collections the caller may see (none for a visitor)."""
    return list(COLLECTIONS) if user is not None else []


def is_aggregate(name: str) -> bool:
    return name in COLLECTIONS


def area_of(user: User | None, requested: str | None) -> str:
    """The area counted: the request's narrowed to the caller's; 401/404 otherwise."""
    if user is None:
        abort(401)
    try:
        return area_rule.narrow(user, requested) or settings().default_area
    except PermissionError:
        abort(404)


def title(name: str, lang: str) -> str:
    _, id_text, en_text = COLLECTIONS[name]
    return en_text if lang == "en" else id_text


def _filter(area: str) -> CaseFilter:
    parsed = case_filter(request.args)  # from, to, category: 400 when bad
    try:
        return CaseFilter(area, category_codes(request.args), parsed.date_from,
                          parsed.date_to)
    except FilterError as exc:
        raise BadRequest(str(exc)) from None


def _method() -> tuple[str, int]:
    method = request.args.get("method") or "quantiles"
    k = request.args.get("k") or "5"
    if method not in METHODS or not k.isdigit() or not 2 <= int(k) <= 9:
        raise BadRequest("parameter method/k: metode kelas dan 2-9 kelas / a class method "
                         "and 2-9 classes")
    return method, int(k)


def units(conn, user: User, name: str, area: str,
          bbox: tuple[float, float, float, float] | None, limit: int, offset: int) -> Units:
    """One page of the collection's features (GeoJSON dicts, ``id`` = the region code)."""
    frame = _units(conn, name, _filter(area), user.role not in CASE_ROW_ROLES, *_method())
    if bbox is not None:
        frame = frame[shapely.intersects(frame.geometry.values, shapely.box(*bbox))]
    page = gpd.GeoDataFrame(frame.iloc[offset:offset + limit]).set_index("code", drop=False)
    features = json.loads(page.to_json(na="null", show_bbox=False, drop_id=False))["features"]
    return Units(len(frame), features)


def _units(conn, name: str, where: CaseFilter, suppress: bool, method: str,
           k: int) -> gpd.GeoDataFrame:
    """Every unit of the collection for this filter and privacy rule (cached briefly)."""
    key = (name, where, suppress, method, k)
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
    if hit is not None and now - hit[0] < CACHE_S:
        return hit[1]
    try:
        region = load_area(conn, where.area)
    except AreaNotFound:
        abort(404)
    try:
        table = count_table(conn, where, suppress=suppress)
    except RuntimeError:  # the suppression audit failed: publish nothing
        abort(503)
    layer = choropleth(table, COLLECTIONS[name][0], method, k)  # type: ignore[arg-type]
    frame = choropleth_frame(conn, table, layer, region)
    frame = frame[[c for c in COLUMNS if c in frame.columns]]
    with _lock:
        for old in [seen for seen, (at, _) in _cache.items() if now - at >= CACHE_S]:
            del _cache[old]
        if len(_cache) < CACHE_SIZE:
            _cache[key] = (now, frame)
    return frame


def feature(conn, user: User, name: str, area: str, code: str) -> dict | None:
    """One unit by its code (None: not in the caller's area or not in the collection)."""
    found = units(conn, user, name, area, None, 100_000, 0).features
    return next((f for f in found if f["id"] == code), None)
