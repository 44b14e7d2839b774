"""The resource pages in headless Chromium (``browser_page``: nothing may leave 127.0.0.1,
no console error, no CSP violation): a dinas adds a resource by tapping the map, sees the
category's default radius offered, and finds it on the registry's map and table, its
HTML-looking name shown as text."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

NAME = "Panti <b>Asih</b>"


def test_add_by_tapping_the_map_then_see_it_listed(browser_page, users, bandung_db):
    page = browser_page.page
    browser_page.goto("/resources/new")
    page.fill("#username", users["dinas"].username)
    page.fill("#password", users["dinas"].password)
    page.click("button[type=submit]")
    page.wait_for_url(browser_page.base_url + "/resources/new")

    page.select_option("#category", "LKS")
    default = bandung_db.scalar("SELECT radius_km FROM psks_category_radius WHERE code = 'LKS'")
    assert page.get_attribute("#radius_km", "placeholder") == f"{default:g} km"
    page.click("#form-map")  # a tap in the middle of the map (the kabupaten's label point)
    page.wait_for_function("document.getElementById('lat').value !== ''")
    page.fill("#name", NAME)
    page.fill("#capacity", "25")
    page.fill("#contact", "022-555")
    page.click("#save")
    page.wait_for_url(re.compile(r".*/resources$"))
    assert "Sumber daya tersimpan / Resource saved" in page.content()

    row = bandung_db.scalar("SELECT json_build_object('name', name, 'lat', ST_Y(geom), "
                            "'radius', service_radius_km, 'kec', kecamatan_code) "
                            "FROM psks_resource")
    assert row["name"] == NAME and row["radius"] == default
    assert row["kec"].startswith("32.04.")
    assert abs(row["lat"] - float(page.evaluate(
        "JSON.parse(document.getElementById('resource-points').textContent)[0].lat"))) < 1e-5
    assert page.locator("#resources tbody tr td").nth(1).inner_text() == NAME
    # On the map: the point, its service circle and the 31 kecamatan outlines under them.
    pane = "#resource-map .leaflet-overlay-pane "
    assert page.locator(pane + "path.leaflet-interactive").count() == 1
    assert page.locator(pane + 'path[fill-opacity="0.05"]').count() == 1
    page.wait_for_function(
        f"document.querySelectorAll('{pane}path').length >= 2 + 31")
    page.locator(pane + "path.leaflet-interactive").hover()
    assert page.locator(".leaflet-tooltip").inner_text() == "LKS: " + NAME
