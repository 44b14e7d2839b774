"""A layer's features page by page and one by one, for OGC API - Features.

Like :mod:`geomap.render.geojson`, the layer's own SQL is wrapped by an output query
(``layers/output/ogc_items.sql``, ``ogc_item.sql``) so that PostGIS filters, counts,
pages and writes the GeoJSON. Data services get the layer's full geometry (no
simplification): what a GIS office copies into QGIS must measure right.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from geomap.render.geojson import layer_query, parameters
from layers.registry import Layer

BBox = tuple[float, float, float, float]  # west, south, east, north, in CRS84


@dataclass(frozen=True)
class Page:
    matched: int   # features in the collection that meet the query
    returned: int  # features on this page
    features: str  # the page's features, a JSON array


def bbox_ewkt(bbox: BBox | None) -> str | None:
    """The box as EWKT in EPSG:4326, as the layer contract takes it."""
    if bbox is None:
        return None
    west, south, east, north = bbox
    ring = f"{west} {south},{east} {south},{east} {north},{west} {north},{west} {south}"
    return f"SRID=4326;POLYGON(({ring}))"


def layer_page(conn: psycopg.Connection, layer: Layer, area: str | None, *,
               bbox: BBox | None, limit: int, offset: int) -> Page:
    """Features ``offset`` to ``offset + limit`` of ``layer`` under ``area`` in ``bbox``."""
    params = {**parameters(layer, area, simplify=0.0, bbox=bbox_ewkt(bbox)),
              "limit": limit, "offset": offset}
    matched, returned, features = conn.execute(
        layer_query(layer, "ogc_items", id=layer.id_field), params).fetchone()
    return Page(matched, returned, features)


def layer_feature(conn: psycopg.Connection, layer: Layer, area: str | None,
                  feature_id: str) -> str | None:
    """One feature of ``layer`` as GeoJSON text, or None when there is none in ``area``."""
    params = {**parameters(layer, area, simplify=0.0), "fid": feature_id}
    row = conn.execute(layer_query(layer, "ogc_item", id=layer.id_field), params).fetchone()
    return row[0] if row else None
