"""What the JSON write endpoints of cases and resources share: the body, the status.

``POST /api/cases`` and ``POST /api/resources`` take the same shapes (one object, a
list, or ``{"cases": [...]}`` / ``{"resources": [...]}``) and answer with the same
statuses, so a script written for one works for the other; one place says both, so the
two cannot drift apart. Their OpenAPI answers are the shared ``responses`` of
``server/openapi.yaml``.
"""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import BadRequest


def json_records(key: str, what_id: str, what_en: str) -> list[dict]:
    """The request's JSON as a non-empty list of objects: one object, a list of them, or
    ``{key: [...]}``; 400 naming ``what`` (e.g. "kasus" / "case") for anything else."""
    body = request.get_json(silent=True)
    if isinstance(body, dict):
        body = body.get(key, [body])
    if not isinstance(body, list) or not body or not all(isinstance(r, dict) for r in body):
        raise BadRequest(f"badan permintaan harus satu objek {what_id} JSON atau daftarnya / "
                         f"the body must be one JSON {what_en} object or a list of them")
    return body


def write_status(created: int, kept: int) -> int:
    """201 when a row was written, 200 when none was but some were already there (a
    repeated request adds nothing and is no error), 422 when no row was accepted."""
    if created:
        return 201
    return 200 if kept else 422
