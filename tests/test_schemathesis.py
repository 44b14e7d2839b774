"""Schemathesis against the app's own OpenAPI document (/api/openapi.json).

For each caller (anonymous, and planner, tksk, dinas with real API tokens) every
operation of the document gets requests generated from its schema, on a database with
the demo data: no answer may be a 5xx, and every answer must have a documented status,
content type and body schema. As dinas, every operation also gets ``NEGATIVE_EXAMPLES``
requests that break its schema (wrong types, out-of-range numbers, unknown fields): a 4xx,
never a 5xx. Bounded: ``EXAMPLES`` cases per operation, no deadline per case (the machine
is shared): about 30 s per role, under 3 minutes in all, on two shared cores.

A failure lists every operation that failed with schemathesis' minimal reproduction.
"""

from __future__ import annotations

import io

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.auth_fixtures import bearer

EXAMPLES = 8
NEGATIVE_EXAMPLES = 5
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Starting an export renders maps in a background thread (seconds of CPU each): its
# answers are checked by tests/test_export_http.py, not fuzzed here.
NOT_FUZZED = {"POST /api/exports"}
DEMO = ("demo", "seed", "--cases", "300", "--seed", "1", "--today", "2026-11-23")


@pytest.fixture
def demo_db(bandung_db, cli):
    """Kabupaten Bandung with a small demo data set (cases, resources, accounts)."""
    done = cli(bandung_db, *DEMO)
    assert done.code == 0, done.stderr
    return bandung_db


def _fuzz(operation, headers: dict[str, str],
          mode: GenerationMode = GenerationMode.POSITIVE) -> str | None:
    """Run one operation's generated cases; the failure text, or None."""
    negative = mode == GenerationMode.NEGATIVE

    @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
    @settings(max_examples=NEGATIVE_EXAMPLES if negative else EXAMPLES, deadline=None,
              database=None, derandomize=True, suppress_health_check=list(HealthCheck),
              phases=[Phase.explicit, Phase.generate, Phase.shrink])
    def run(case):
        case.call_and_validate(headers=headers,
                               checks=[not_a_server_error] if negative else CHECKS)

    try:
        run()
    except Unsatisfiable:  # nothing to break (no parameter, no body): nothing to send
        if not negative:
            raise
    # Every operation is tried; the failures are listed at the end. Schemathesis raises a
    # FailureGroup (a BaseExceptionGroup) for several distinct failures.
    except (Exception, BaseExceptionGroup) as failure:
        return f"{operation.label}: {failure!r}\n{failure}"
    return None


@pytest.mark.parametrize("role", [None, "planner", "tksk", "dinas"])
def test_api_answers_by_its_schema(role, demo_db, web_app, make_user, api_token):
    # The app compresses JSON (flask-compress); schemathesis' WSGI transport does not
    # decompress, so the test asks for identity like a client without gzip would.
    headers = {"Accept-Encoding": "identity",
               **(bearer(api_token(make_user(role))) if role else {})}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", web_app, headers=headers)
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in NOT_FUZZED:
            continue
        operations += 1
        if (found := _fuzz(operation, headers)) is not None:
            failures.append(found)
        if role == "dinas" and (
                found := _fuzz(operation, headers, GenerationMode.NEGATIVE)) is not None:
            failures.append(f"(negative) {found}")
    assert operations >= 25
    assert not failures, "\n\n".join(failures)


# --- the 5xx schemathesis found, replayed deterministically ------------------------------

def test_form_field_named_with_a_line_break_is_a_400(web_client):
    """Werkzeug names such a multipart field None; Flask-WTF's CSRF check then crashed."""
    response = web_client.post("/api/resources/uploads",
                               data={"a\nb": "1", "file": (io.BytesIO(b"x"), "f.csv")})
    assert response.status_code == 400
    assert response.is_json


def test_an_id_beyond_bigint_is_not_found(web_client, users, api_token):
    """Flask's int converter takes any number of digits; PostgreSQL's bigint does not
    (negative-mode schemathesis: GET /api/cases/27926541800317231104 was a 500)."""
    headers = bearer(api_token(users["dinas"]))
    huge = "27926541800317231104"
    for method, path in [("GET", f"/api/cases/{huge}"), ("GET", f"/api/uploads/{huge}"),
                         ("PATCH", f"/api/resources/{huge}"), ("GET", f"/cases/{huge}"),
                         ("DELETE", f"/api/resources/uploads/{huge}")]:
        response = web_client.open(path, method=method, headers=headers, json={"capacity": 1})
        # 404 (no route matches), or 405 where werkzeug finds the path under another method
        assert response.status_code in (404, 405), (method, path, response.status_code)


def test_huge_numbers_in_paging_and_tiles_are_not_errors(web_client):
    huge = "9" * 30
    for path in (f"/ogcapi/collections/kecamatan/items?offset={huge}",
                 f"/ogcapi/collections/kecamatan/items?limit={huge}",
                 f"/tiles/desa/{huge}/1/1.pbf", f"/tiles/desa/3/{huge}/1.pbf"):
        response = web_client.get(path, headers={"Accept-Encoding": "identity"})
        assert response.status_code in (200, 400), (path, response.status_code)
