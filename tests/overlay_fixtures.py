"""Helpers of the Resources, Coverage and Gap overlay tests (``test_overlay_*``).

``demo``: Kabupaten Bandung with the demo's cases, PSKS resources (every category, one
TKSK per kecamatan except three) and accounts, through the real seed. Import it into a
test module (``from tests.overlay_fixtures import demo``) to use it as a fixture.
``overlay(client, name, **params)``: the JSON of ``GET /api/map/<name>.json``.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.auth_fixtures import TEST_ARGON2

DEMO_CASES = 2000


@pytest.fixture
def demo(bandung_db, monkeypatch: pytest.MonkeyPatch):
    """The demo data in this test's database (its accounts hashed cheaply)."""
    from geomap.demo.seed import Params, seed

    monkeypatch.setenv("GEOMAP_ARGON2", TEST_ARGON2)
    with bandung_db.connect() as conn:
        seed(conn, Params(DEMO_CASES, 1, dt.date(2026, 11, 23), "32.04"), "demo-password-x")
    return bandung_db


def overlay(client, name: str, status: int = 200, **params: str) -> dict:
    """``GET /api/map/<name>.json?params`` as JSON, checking the status."""
    response = client.get(f"/api/map/{name}.json", query_string=params,
                          headers={"Accept": "application/json"})
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return json.loads(response.get_data(as_text=True))


def assert_bilingual_400(body: dict, *words: str) -> None:
    """A 400 in Bahasa Indonesia and English whose detail names what was wrong."""
    error = body["error"]
    assert error["status"] == 400
    assert error["message_id"] == "Permintaan tidak sah" and error["message_en"] == "Bad request"
    assert " / " in error["detail"], error["detail"]
    for word in words:
        assert word in error["detail"], error["detail"]


def log_in_page(browser_page, user) -> None:
    """Log in through the real form in the browser."""
    page = browser_page.page
    browser_page.goto("/login")
    page.fill("#username", user.username)
    page.fill("#password", user.password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def open_overlay(browser_page, name: str, query: str = "?area=32.04", hash_: str = "") -> None:
    """The map with the overlay ``name`` switched on from the layer control, drawn."""
    page = browser_page.page
    browser_page.goto(f"/map{query}{hash_}")
    browser_page.wait_for_layers("kecamatan", "desa")
    title = page.evaluate("n => window.geomap.state.config.panel.overlays"
                          ".find(o => o.name === n).title", name)
    box = page.locator(".leaflet-control-layers-overlays").get_by_label(title, exact=True)
    if not box.is_checked():
        box.check()
    wait_drawn(browser_page, name)


def wait_drawn(browser_page, name: str) -> None:
    browser_page.page.wait_for_function(
        "n => { const s = window.geomap.state; return s.loaded[n] === true && "
        "s.overlays[n].data !== null; }", arg=name, timeout=30_000)
