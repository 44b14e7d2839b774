"""The OpenAPI 3.1 document of the app's HTTP API, at ``/api/openapi.json``.

Each view documents itself: the part of its docstring after a line ``---`` is the
OpenAPI operation in YAML under its HTTP method (apispec's docstring convention)::

    @bp.get("/api/things/<int:thing_id>")
    def thing(thing_id: int):
        \"\"\"One thing.
        ---
        get:
          summary: One thing / Satu hal
          responses:
            200: {json: Thing}
        \"\"\"

Shared schemas, parameters, responses, request bodies and security schemes live in
``server/openapi.yaml``; a docstring names a shared parameter by its name (``- Area``), a
shared response by its name (``413: TooLarge``), a shared request body by its name
(``requestBody: FileUpload``, copied in) and a schema by ``$ref``. A JSON answer with a
shared schema is written ``200: {json: Thing}`` (description "OK") or
``202: {json: Thing, description: "Queued"}``: the builder makes the response object,
which every such answer would otherwise spell out in five lines. So that a docstring
holds only what is particular to its view, the builder adds to every operation the path
parameters of its Flask rule that it does not declare (``int`` converters as integers)
and the error answers every endpoint can give (400, 401, 403, 404, 503 with the
``Error`` schema). ``/ogcapi`` is described by its own document
(:mod:`server.ogcapi_openapi`), merged in under its prefix.

``tests/test_openapi.py`` fails when a route under ``/api``, ``/tiles`` or ``/ogcapi``
is missing from the document. The document is made per caller: the layer names offered
are the ones the caller may see (as the OGC API's own document does).
"""

from __future__ import annotations

import copy
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from apispec import APISpec, yaml_utils
from flask import Blueprint, Flask, Response, current_app, json
from werkzeug.routing import IntegerConverter, Rule

from server.ogcapi_openapi import openapi_document as ogcapi_document

bp = Blueprint("openapi", __name__)

COMPONENTS = Path(__file__).with_name("openapi.yaml")
DOCUMENTED_PREFIXES = ("/api/", "/tiles/", "/ogcapi")
OGCAPI_PREFIX = "/ogcapi"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.1"
_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_COMMON_ERRORS = {400: "Permintaan tidak sah / Bad request",
                  401: "Belum masuk / Not logged in",
                  403: "Tidak berhak / Not allowed for this role or area",
                  404: "Tidak ditemukan (atau di luar wilayah Anda) / Not found (or outside "
                       "your area)",
                  503: "Basis data tidak tersedia / Database unavailable"}


@cache
def _components() -> dict[str, Any]:
    return yaml.safe_load(COMPONENTS.read_text(encoding="utf-8"))


def openapi_path(rule: Rule) -> str:
    """A Flask rule as an OpenAPI path template: ``<int:case_id>`` becomes ``{case_id}``."""
    return _VARIABLE.sub(r"{\1}", rule.rule)


def _path_parameter(rule: Rule, name: str) -> dict[str, Any]:
    converter = rule._converters.get(name)
    if isinstance(converter, IntegerConverter):
        schema: dict[str, Any] = {"type": "integer", "minimum": 0}
        if converter.max is not None:
            schema["maximum"] = converter.max
    else:
        schema = {"type": "string", "pattern": "^[^/]+$"}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def json_response(json: str, description: str = "OK") -> dict[str, Any]:
    """The response object of ``{json: Schema}`` in a docstring: ``Schema`` as JSON."""
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{json}"}}}}


def _complete(operation: dict[str, Any], rule: Rule) -> dict[str, Any]:
    """Add the rule's undeclared path parameters and the common error answers; expand
    the short forms of a request body and a JSON answer."""
    parameters = operation.get("parameters", [])
    declared = {p.get("name") for p in parameters if isinstance(p, dict) and p.get("in") == "path"}
    declared |= {"name"} if {"LayerName", "OverlayName"} & set(map(str, parameters)) else set()
    missing = [_path_parameter(rule, name) for name in sorted(rule.arguments - declared)]
    operation["parameters"] = missing + parameters
    if isinstance(operation.get("requestBody"), str):
        operation["requestBody"] = copy.deepcopy(
            _components()["requestBodies"][operation["requestBody"]])
    responses = operation.setdefault("responses", {})
    for status, response in responses.items():
        if isinstance(response, dict) and "json" in response:
            responses[status] = json_response(**response)
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for status, text in _COMMON_ERRORS.items():
        responses.setdefault(status, {"description": text, "content": error})
    return operation


def _documented_views(app: Flask) -> list[tuple[str, dict[str, Any]]]:
    """(path, operations) of every rule whose view has an OpenAPI docstring."""
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        operations = yaml_utils.load_operations_from_docstring(view.__doc__ or "")
        methods = {m.lower() for m in rule.methods or ()}
        operations = {m: _complete(copy.deepcopy(op), rule)
                      for m, op in operations.items() if m in methods}
        if operations:
            found.append((openapi_path(rule), operations))
    return found


def _ogcapi_paths(layers: list[str]) -> dict[str, dict]:
    """The OGC API document's paths under ``/ogcapi`` (its landing page has two URLs)."""
    paths = ogcapi_document(OGCAPI_PREFIX, layers)["paths"]
    merged = {OGCAPI_PREFIX + path: item for path, item in paths.items()}
    bare = copy.deepcopy(merged[OGCAPI_PREFIX + "/"])
    bare["get"]["operationId"] += "NoSlash"
    merged[OGCAPI_PREFIX] = bare
    return merged


def build_document(app: Flask, layers: list[str],
                   overlays: list[str] | None = None) -> dict[str, Any]:
    """The whole document, with ``layers`` (and ``overlays``) as the names of the map
    layers (and overlays) a caller may ask for."""
    names = {"LayerName": layers, "OverlayName": overlays or []}
    parts = _components()
    spec = APISpec(title=parts["info"]["title"], version=parts["info"]["version"],
                   openapi_version="3.1.0", info={k: v for k, v in parts["info"].items()
                                                  if k not in ("title", "version")})
    for name, scheme in parts["securitySchemes"].items():
        spec.components.security_scheme(name, scheme)
    for name, parameter in parts["parameters"].items():
        parameter = copy.deepcopy(parameter)
        if names.get(name):  # none visible: any name, answered 401/403/404
            parameter["schema"]["enum"] = names[name]
        spec.components.parameter(name, parameter.pop("in"), parameter)
    for name, response in parts["responses"].items():
        spec.components.response(name, response)
    for name, schema in parts["schemas"].items():
        spec.components.schema(name, schema)
    for path, operations in _documented_views(app):
        spec.path(path=path, operations=operations)
    for path, item in _ogcapi_paths(layers).items():
        spec.path(path=path, operations=item)
    document = spec.to_dict()
    document["security"] = [{}, {"bearer": []}, {"session": []}]
    return document


@bp.get("/api/openapi.json")
def document() -> Response:
    """This document.
    ---
    get:
      summary: Dokumen OpenAPI ini / This OpenAPI document
      operationId: getOpenAPI
      responses:
        200:
          description: OpenAPI 3.1
          content:
            application/vnd.oai.openapi+json;version=3.1:
              schema: {$ref: "#/components/schemas/OpenAPI"}
    """
    from layers.overlays import visible_overlays
    from layers.registry import visible_layers
    from server.visibility import viewer_role

    role = viewer_role()
    body = build_document(current_app._get_current_object(),  # type: ignore[attr-defined]
                          [layer.name for layer in visible_layers(role)],
                          [overlay.name for overlay in visible_overlays(role)])
    return Response(json.dumps(body), mimetype=OPENAPI_JSON)
