"""Error responses in Bahasa Indonesia and English that never reveal internals.

A fault's details go to the log, never to the user: an exception's text may hold
personal data or SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import psycopg
from flask import (
    Flask,
    Response,
    current_app,
    jsonify,
    make_response,
    render_template_string,
    request,
)
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException, ServiceUnavailable

F = TypeVar("F", bound=Callable[..., Any])

MESSAGES = {
    400: ("Permintaan tidak sah", "Bad request"),
    401: ("Silakan masuk terlebih dahulu", "Please log in first"),
    403: ("Anda tidak berhak mengakses ini", "You may not access this"),
    404: ("Tidak ditemukan", "Not found"),
    405: ("Metode tidak diizinkan", "Method not allowed"),
    413: ("Berkas terlalu besar", "File too large"),
    429: ("Terlalu banyak percobaan; coba lagi nanti", "Too many attempts; try again later"),
    500: ("Terjadi kesalahan pada server", "Something went wrong on the server"),
    503: ("Basis data tidak tersedia; coba lagi sebentar lagi",
          "The database is unavailable; try again shortly"),
}

_PAGE = """<!doctype html><html lang="id"><head><meta charset="utf-8">
<title>{{ status }} · geomap</title></head><body>
<h1>{{ status }}</h1><p>{{ message_id }}</p><p lang="en"><em>{{ message_en }}</em></p>
{% if detail %}<p>{{ detail }}</p>{% endif %}<p><a href="/">geomap</a></p></body></html>"""


def wants_json() -> bool:
    return (request.path.startswith(("/api/", "/ogcapi", "/tiles/"))
            or request.accept_mimetypes.best == "application/json")


def error_response(status: int, detail: str | None = None) -> Response:
    message_id, message_en = MESSAGES.get(status, MESSAGES[500])
    if wants_json():
        body = {"error": {"status": status, "message_id": message_id, "message_en": message_en}}
        if detail:
            body["error"]["detail"] = detail
        return make_response(jsonify(body), status)
    return make_response(render_template_string(_PAGE, status=status, message_id=message_id,
                                                message_en=message_en, detail=detail), status)


def on_database_fault(detail: str) -> Callable[[F], F]:
    """A view whose database fault is a 503 that also says what became of the user's work.

    For writes a person waits on (an upload, a confirm): "the database is unavailable"
    alone leaves them guessing whether to send the file again. ``detail`` says it, in
    both languages; the fault itself goes to the log only.
    """
    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            try:
                return view(*args, **kwargs)
            except psycopg.OperationalError as exc:
                current_app.logger.warning("database unavailable: %s", exc)
                raise ServiceUnavailable(detail) from None
        return wrapped  # type: ignore[return-value]
    return decorate


class BoundedJSONProvider(DefaultJSONProvider):
    """JSON bodies nested deeper than Python's stack are bad requests, not crashes.

    ``json.loads`` raises RecursionError on ``[[[[...`` a hundred thousand deep; Flask's
    ``get_json`` turns only ValueError into a 400 (or None with ``silent=True``).
    """

    def loads(self, s: str | bytes, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def init_app(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        # Only a description the app chose itself is shown, never Werkzeug's default text.
        detail = exc.description if exc.description != type(exc).description else None
        response = error_response(exc.code or 500, detail)
        if exc.code == 429 and getattr(exc, "retry_after", None):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(psycopg.OperationalError)
    def database_down(exc: psycopg.OperationalError):
        app.logger.warning("database unavailable: %s", exc)
        return error_response(503)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return error_response(500)
