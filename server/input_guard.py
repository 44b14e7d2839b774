"""Values PostgreSQL cannot take are refused at the door, for every request.

- Text with a NUL byte: 400. PostgreSQL text cannot hold NUL (0x00); a query parameter,
  path segment or form field carrying one used to reach psycopg and fail there as a 500
  (``DataError``). No legitimate value of this app contains it.
- An ``<int:...>`` URL part beyond PostgreSQL's bigint (ids are bigint): the route does not
  match, so 404, like any id that names nothing (it was a 500, out of range). This
  blueprint is registered first (``server.app.BLUEPRINTS``) so that every later rule is
  built with the bounded converter.
"""

from __future__ import annotations

from flask import Blueprint, request
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map

bp = Blueprint("input_guard", __name__)

NUL_REFUSED = ("teks tidak boleh berisi karakter NUL (0x00) / text must not contain the "
               "NUL character (0x00)")


BIGINT_MAX = 2**63 - 1


class DatabaseId(IntegerConverter):
    """Flask's ``int`` converter, at most PostgreSQL's largest bigint."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = BIGINT_MAX, signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


@bp.record_once
def _bounded_ids(state: BlueprintSetupState) -> None:
    state.app.url_map.converters["int"] = DatabaseId


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values if isinstance(value, str))


@bp.before_app_request
def refuse_nul() -> None:
    if ("\x00" in request.path
            or _has_nul(request.args.keys()) or _has_nul(request.args.values())
            or _has_nul((request.view_args or {}).values())):
        raise BadRequest(NUL_REFUSED)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data") and (
            _has_nul(request.form.keys()) or _has_nul(request.form.values())):
        raise BadRequest(NUL_REFUSED)
