"""A layer's features and labels as JSON, each built in one PostGIS query.

The layer's own SQL (``layers/<group>/<name>.sql``) is wrapped by an output query
(``layers/output/*.sql``) so that PostGIS, not Python, turns rows into JSON.
"""

from __future__ import annotations

import psycopg
from psycopg import sql as psql

from geomap.sql import sql
from layers.registry import Layer


def layer_query(layer: Layer, output: str, **parts: str | psql.Composable) -> psql.Composed:
    """``layers/output/<output>.sql`` around the layer's own SQL (the text of ``layers/`` only).

    ``parts`` fill the output's other placeholders: a string is a column name (quoted).
    """
    own = sql(layer.sql).strip().rstrip(";")
    filled = {key: psql.Identifier(value) if isinstance(value, str) else value
              for key, value in parts.items()}
    return psql.SQL(sql(f"output/{output}")).format(layer=psql.SQL(own), **filled)


def parameters(layer: Layer, area: str | None, *, simplify: float | None = None,
               bbox: str | None = None) -> dict:
    """The values of the layer SQL contract (see :mod:`layers.registry`)."""
    return {"area": area, "simplify": layer.simplify if simplify is None else simplify,
            "bbox": bbox, "precision": layer.precision}


def layer_geojson(conn: psycopg.Connection, layer: Layer, area: str | None) -> str:
    """The FeatureCollection of ``layer`` under ``area`` (None: everything loaded)."""
    return conn.execute(layer_query(layer, "geojson"), parameters(layer, area)).fetchone()[0]


def layer_labels(conn: psycopg.Connection, layer: Layer, area: str | None) -> str:
    """``[[text, lon, lat], ...]`` of ``layer``'s labels under ``area``, as JSON text."""
    if layer.label_field is None:
        raise ValueError(f"layer {layer.name} has no labels")
    query = layer_query(layer, "labels", label=layer.label_field)
    return conn.execute(query, parameters(layer, area, simplify=0.0)).fetchone()[0]
