"""The app's OpenAPI document (/api/openapi.json): valid, complete, per caller.

``test_every_api_route_is_documented`` is the guard against drift: a route under
``/api``, ``/tiles`` or ``/ogcapi`` without an OpenAPI docstring fails it (see
:mod:`server.openapi` for how to document one).
"""

from __future__ import annotations

import re

from flask import Flask
from openapi_spec_validator import validate

from layers.overlays import visible_overlays
from layers.registry import visible_layers
from server.openapi import DOCUMENTED_PREFIXES, build_document
from tests.auth_fixtures import bearer

_PARAMETER = re.compile(r"\{[^}]+\}|<(?:[^:<>]+:)?[^<>]+>")


def _shape(path: str) -> str:
    """A path with its parameters blanked, so Flask's ``<name>`` and OGC's
    ``{collectionId}`` compare equal."""
    return _PARAMETER.sub("{}", path)


def undocumented(app: Flask, document: dict) -> list[str]:
    """``METHOD /rule`` of every API route of ``app`` that ``document`` lacks."""
    documented = {(_shape(path), method.upper())
                  for path, item in document["paths"].items() for method in item}
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(DOCUMENTED_PREFIXES):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if (_shape(rule.rule), method) not in documented:
                missing.append(f"{method} {rule.rule}")
    return missing


def test_document_is_served_and_valid(web_client):
    response = web_client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.oai.openapi+json"
    document = response.get_json(force=True)
    validate(document)
    assert document["openapi"].startswith("3.")
    # The OGC API's own document is merged in, not copied: the same operations.
    assert document["paths"]["/ogcapi/collections/{collectionId}/items"]["get"][
        "operationId"] == "getFeatures"
    assert "Error" in document["components"]["schemas"]


def test_every_api_route_is_documented(web_app):
    with web_app.test_request_context():
        document = build_document(web_app, [layer.name for layer in visible_layers("admin")])
    assert undocumented(web_app, document) == []


def test_an_undocumented_route_is_caught(web_app):
    """The guard itself: a new route without a docstring is reported."""

    @web_app.get("/api/new-thing/<int:thing_id>")
    def new_thing(thing_id: int):
        return {"id": thing_id}

    @web_app.get("/api/documented/<int:thing_id>")
    def documented(thing_id: int):
        """A documented route.
        ---
        get:
          responses:
            200: {description: OK}
        """
        return {"id": thing_id}

    with web_app.test_request_context():
        document = build_document(web_app, [])
    validate(document)
    missing = undocumented(web_app, document)
    assert "GET /api/new-thing/<int:thing_id>" in missing
    assert not any("/api/documented/" in route for route in missing)
    # Its path parameter was added from the Flask rule (an int converter: an integer, at
    # most PostgreSQL's bigint: server/input_guard.py).
    parameters = document["paths"]["/api/documented/{thing_id}"]["get"]["parameters"]
    assert parameters == [{"name": "thing_id", "in": "path", "required": True,
                           "schema": {"type": "integer", "minimum": 0,
                                      "maximum": 2**63 - 1}}]


def _layer_enum(document: dict) -> list[str]:
    return document["components"]["parameters"]["LayerName"]["schema"]["enum"]


def test_layers_offered_are_the_callers(web_client, users, api_token):
    anonymous = web_client.get("/api/openapi.json").get_json(force=True)
    dinas = web_client.get("/api/openapi.json",
                           headers=bearer(api_token(users["dinas"]))).get_json(force=True)
    assert set(_layer_enum(anonymous)) == {layer.name for layer in visible_layers(None)}
    assert set(_layer_enum(dinas)) == {layer.name for layer in visible_layers("dinas")}
    overlays = dinas["components"]["parameters"]["OverlayName"]["schema"]["enum"]
    assert set(overlays) == {overlay.name for overlay in visible_overlays("dinas")}
    ogc = anonymous["paths"]["/ogcapi/collections/{collectionId}"]["get"]["parameters"][0]
    assert ogc["schema"]["enum"] == _layer_enum(anonymous)


def test_short_forms_are_expanded(web_app):
    """``{json: Schema}`` and a named request body become what they stand for."""

    @web_app.post("/api/short/<int:thing_id>")
    def short(thing_id: int):
        """A route written with the short forms.
        ---
        post:
          requestBody: FileUpload
          responses:
            200: {json: Discarded}
            202: {json: Discarded, description: "Queued"}
        """
        return {"id": thing_id}

    with web_app.test_request_context():
        document = build_document(web_app, [])
    validate(document)
    operation = document["paths"]["/api/short/{thing_id}"]["post"]
    schema = {"$ref": "#/components/schemas/Discarded"}
    assert operation["responses"]["200"] == {"description": "OK", "content": {
        "application/json": {"schema": schema}}}
    assert operation["responses"]["202"]["description"] == "Queued"
    assert operation["requestBody"] == {"required": True, "content": {
        "multipart/form-data": {"schema": {"$ref": "#/components/schemas/FileUpload"}}}}
