"""Error responses: bilingual, in HTML or JSON as asked, never showing internals."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import TooManyRequests

from server.app import create_app


@pytest.fixture
def app(bandung_db):
    app = create_app({"DATABASE_URL": bandung_db.url, "TESTING": False,
                      "WTF_CSRF_ENABLED": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("NIK 3204054101900001 Siti Contoh SELECT * FROM case_person")

    @app.get("/slow-down")
    def slow_down():
        raise TooManyRequests(retry_after=30)

    @app.get("/api/boom")
    def api_boom():
        raise RuntimeError("NIK 3204054101900001")

    yield app
    app.extensions["geomap.pool"].close()


def test_a_fault_shows_nothing_of_itself(app):
    client = app.test_client()
    for path in ("/boom", "/api/boom"):
        answer = client.get(path)
        assert answer.status_code == 500
        body = answer.get_data(as_text=True)
        assert "3204054101900001" not in body and "SELECT" not in body
        assert "Terjadi kesalahan" in body and "Something went wrong" in body
    assert client.get("/api/boom").is_json


def test_too_many_requests_carries_retry_after_on_pages_and_api(app):
    answer = app.test_client().get("/slow-down")
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "30"
    assert "coba lagi nanti" in answer.get_data(as_text=True)
    answer = app.test_client().get("/slow-down", headers={"Accept": "application/json"})
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "30"
    assert answer.json["error"]["message_en"].startswith("Too many")


def test_database_down_is_503_and_says_so_in_both_languages(tmp_path):
    url = f"postgresql://geomap@/nothing?host={tmp_path}&port=5432&connect_timeout=1"
    app = create_app({"DATABASE_URL": url, "POOL_TIMEOUT": 2})
    answer = app.test_client().get("/ogcapi/collections")
    assert answer.status_code == 503
    error = answer.json["error"]
    assert error["message_id"].startswith("Basis data") and "unavailable" in error["message_en"]
    assert str(tmp_path) not in answer.get_data(as_text=True)


def test_json_nested_too_deep_is_a_bad_request_not_a_crash(app):
    @app.post("/api/echo")
    def echo():
        from flask import request

        strict = request.args.get("silent") is None
        return {"got": request.get_json(silent=not strict) is not None}

    client = app.test_client()
    deep = "[" * 100_000 + "]" * 100_000
    answer = client.post("/api/echo", data=deep, content_type="application/json")
    assert answer.status_code == 400
    answer = client.post("/api/echo?silent=1", data=deep, content_type="application/json")
    assert answer.status_code == 200 and answer.json == {"got": False}
