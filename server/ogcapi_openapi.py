"""The OpenAPI 3.0 definition of ``/ogcapi`` (conformance class oas30).

Built from the collections the caller may see, so the document describes exactly the
service that caller gets; one path per resource type with the collection id as a
parameter whose ``enum`` lists them.
"""

from __future__ import annotations

from typing import Any

_JSON = {"application/json": {"schema": {"type": "object"}}}
_GEOJSON = {"application/geo+json": {"schema": {"type": "object"}}}
_ERROR = {"description": "Error / galat", "content": _JSON}


def _param(name: str, where: str, schema: dict, description: str, *,
           required: bool = False, explode: bool | None = None) -> dict:
    found: dict[str, Any] = {"name": name, "in": where, "required": required,
                             "schema": schema, "description": description}
    if explode is not None:
        found.update(style="form", explode=explode)
    return found


def _get(summary: str, operation: str, content: dict, parameters: list[dict],
         *, not_found: bool = False) -> dict:
    responses: dict[str, Any] = {"200": {"description": summary, "content": content},
                                 "400": _ERROR}
    if not_found:
        responses["404"] = _ERROR
    return {"get": {"summary": summary, "operationId": operation, "parameters": parameters,
                    "responses": responses}}


def openapi_document(base_url: str, collections: list[str]) -> dict:
    """The OpenAPI 3.0.3 document of the service at ``base_url`` with ``collections``."""
    fmt = _param("f", "query", {"type": "string", "enum": ["json"]}, "Response format.")
    area = _param("area", "query", {"type": "string", "pattern": r"^\d{2}(\.\d{2}){0,2}$"},
                  "Kemendagri code of a province, kabupaten or kecamatan.")
    collection_id = _param("collectionId", "path",
                           {"type": "string", "enum": collections or [""]},
                           "A collection (map layer).", required=True)
    bbox = _param("bbox", "query",
                  {"type": "array", "minItems": 4, "maxItems": 6,
                   "items": {"type": "number"}},
                  "west,south,east,north in CRS84.", explode=False)
    limit = _param("limit", "query",
                   {"type": "integer", "minimum": 1, "maximum": 10000, "default": 10},
                   "Features per page.", explode=False)
    offset = _param("offset", "query", {"type": "integer", "minimum": 0, "default": 0},
                    "Features to skip (follow the next link rather than setting it).")
    feature_id = _param("featureId", "path", {"type": "string"}, "The feature's id.",
                        required=True)
    return {
        "openapi": "3.0.3",
        "info": {"title": "geomap OGC API - Features", "version": "1.0.0",
                 "description": "Lapisan peta PMKS dan PSKS / PMKS and PSKS map layers",
                 "license": {"name": "MIT"}},
        "servers": [{"url": base_url}],
        "paths": {
            "/": _get("Landing page", "getLandingPage", _JSON, [fmt]),
            "/api": _get("This API definition", "getAPIDefinition",
                         {"application/vnd.oai.openapi+json;version=3.0":
                          {"schema": {"type": "object"}}}, []),
            "/conformance": _get("Conformance classes", "getConformance", _JSON, [fmt]),
            "/collections": _get("Collections", "getCollections", _JSON, [fmt, area],
                                 not_found=True),
            "/collections/{collectionId}": _get(
                "A collection", "describeCollection", _JSON, [collection_id, fmt, area],
                not_found=True),
            "/collections/{collectionId}/items": _get(
                "Features of a collection", "getFeatures", _GEOJSON,
                [collection_id, fmt, area, bbox, limit, offset], not_found=True),
            "/collections/{collectionId}/items/{featureId}": _get(
                "One feature", "getFeature", _GEOJSON, [collection_id, feature_id, fmt, area],
                not_found=True),
        },
    }
