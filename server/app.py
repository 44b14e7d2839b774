"""The application factory (the Flask tutorial's pattern).

Each part of the app is a blueprint in its own module; ``BLUEPRINTS`` lists
them in the order they are registered.
"""

from __future__ import annotations

from importlib import import_module

from flask import Flask

from geomap.config import secret_key
from geomap.db import database_url
from server import compression, db, errors, serving

MAX_UPLOAD_BYTES = 50 * 1024 * 1024

# "module:attribute" of every blueprint; a module is imported only when the app is made.
BLUEPRINTS: list[str] = [
    "server.input_guard:bp",
    "server.auth:bp",
    "server.security:bp",
    "server.pages:bp",
    "server.api:bp",
    "server.tiles:bp",
    "server.ogcapi:bp",
    "server.cases:bp", "server.cases_api:bp",
    "server.admin:bp",
    "server.resources:bp", "server.resources_api:bp",
    "server.exports:bp",
    "server.map_api:bp",
    "server.openapi:bp",
]


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        SECRET_KEY=secret_key(),
        DATABASE_URL=database_url(),
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=True,
        POOL_MAX_SIZE=serving.pool_size(),
        PROXIES=serving.proxies(),
    )
    if config:
        app.config.update(config)
    serving.init_app(app)
    db.init_app(app)
    errors.init_app(app)
    compression.init_app(app)
    for target in BLUEPRINTS:
        module, attribute = target.split(":")
        app.register_blueprint(getattr(import_module(module), attribute))
    return app
