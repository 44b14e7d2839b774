"""Text with a NUL byte is refused at the door: 400, for every request.

PostgreSQL text cannot hold NUL (0x00); a query parameter, path segment or form field
carrying one used to reach psycopg and fail there as a 500 (``DataError``). No legitimate
value of this app contains it, so it is refused before any view runs, in both languages.
"""

from __future__ import annotations

from flask import Blueprint, request
from werkzeug.exceptions import BadRequest

bp = Blueprint("input_guard", __name__)

NUL_REFUSED = ("teks tidak boleh berisi karakter NUL (0x00) / text must not contain the "
               "NUL character (0x00)")


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
