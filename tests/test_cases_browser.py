"""The case pages in headless Chromium (``browser_page``: nothing may leave 127.0.0.1, no
console error, no CSP violation): a TKSK records a case from the phone's GPS, sees the
accuracy warning for a poor fix, taps the map instead, and previews then confirms a file
with its map of accepted points."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.auth_fixtures import KECAMATAN
from tests.cases_fixtures import case_record, csv_bytes, points_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _login(browser_page, user, path: str) -> None:
    page = browser_page.page
    browser_page.goto(path)
    page.fill("#username", user.username)
    page.fill("#password", user.password)
    page.click("button[type=submit]")
    page.wait_for_url(browser_page.base_url + path)  # exact: /login?next=... is not it


def _gps_fix(browser_page, users, db, accuracy: float) -> tuple[float, float]:
    """A TKSK on a phone opens the case form and takes a GPS fix of ``accuracy`` metres
    at a point of its kecamatan; returns that point (lon, lat) once the form holds it."""
    page = browser_page.page
    page.set_viewport_size(PHONE)
    with db.connect() as conn:
        (lon, lat), = points_in(conn, KECAMATAN, 1)
    context = page.context
    context.grant_permissions(["geolocation"], origin=browser_page.base_url)
    context.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": accuracy})
    _login(browser_page, users["tksk"], "/cases/new")
    page.click("#gps")
    page.wait_for_function("document.getElementById('lat').value !== ''")
    return lon, lat


def test_case_from_phone_gps_is_saved(browser_page, users, bandung_db):
    page = browser_page.page
    lon, lat = _gps_fix(browser_page, users, bandung_db, 12)
    assert "±12 m" in page.locator("#gps-status").inner_text()
    assert page.locator("#gps-warning").is_hidden()
    assert abs(float(page.input_value("#lat")) - lat) < 1e-6
    assert abs(float(page.input_value("#lon")) - lon) < 1e-6

    page.select_option("#category", "ABT")
    page.select_option("#sex", "P")
    page.select_option("#age_group", "balita")
    page.fill("#household_size", "5")
    page.fill("#notes", "ibu dan <b>anak</b> di rumah kontrakan")
    page.fill("#name", "Ani Lestari")
    page.fill("#phone", "081311112222")
    page.click("#save")
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    assert "Kasus tersimpan / Case saved" in page.content()
    assert page.locator("#notes").inner_text() == "ibu dan <b>anak</b> di rumah kontrakan"

    row = bandung_db.scalar(
        "SELECT json_build_object('kec', kecamatan_code, 'cat', category_code, "
        "'x', ST_X(geom), 'y', ST_Y(geom)) FROM pmks_case")
    assert row["kec"] == KECAMATAN and row["cat"] == "ABT"
    assert abs(row["x"] - lon) < 1e-6 and abs(row["y"] - lat) < 1e-6
    assert bandung_db.scalar("SELECT name FROM case_person") == "Ani Lestari"


def test_poor_gps_fix_warns_and_a_tap_on_the_map_replaces_it(browser_page, users, bandung_db):
    page = browser_page.page
    _gps_fix(browser_page, users, bandung_db, 250)
    assert "±250 m" in page.locator("#gps-status").inner_text()
    warning = page.locator("#gps-warning")
    assert warning.is_visible()
    assert "100 m" in warning.inner_text()

    before = page.input_value("#lat"), page.input_value("#lon")
    box = page.locator("#form-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    page.wait_for_function(
        "([a, b]) => document.getElementById('lat').value !== a "
        "|| document.getElementById('lon').value !== b", arg=list(before))
    assert warning.is_hidden()
    assert page.input_value("#accuracy") == ""


def test_upload_preview_map_then_confirm(browser_page, users, bandung_db, tmp_path: Path):
    page = browser_page.page
    with bandung_db.connect() as conn:
        points = points_in(conn, KECAMATAN, 3)
    records = [case_record(lon, lat) for lon, lat in points]
    records.append(case_record(points[0][0], points[0][1], kategori="Kucing"))
    path = tmp_path / "kasus.csv"
    path.write_bytes(csv_bytes(records))
    _login(browser_page, users["tksk"], "/cases/upload")

    page.set_input_files("#file", str(path))
    page.click("#preview-submit")
    page.wait_for_url(re.compile(r".*/cases/uploads/\d+$"))
    assert page.locator("#accepted").inner_text() == "3"
    assert page.locator("#rejected").inner_text() == "1"
    assert "unknown_category" in page.locator("#errors").inner_text()
    page.wait_for_function(
        "document.querySelectorAll('#preview-map path.leaflet-interactive').length === 3")
    assert bandung_db.scalar("SELECT count(*) FROM pmks_case") == 0

    page.click("#confirm")
    page.wait_for_selector(".flash")
    assert "3 kasus tersimpan / 3 cases saved" in page.locator(".flash").inner_text()
    assert bandung_db.scalar("SELECT count(*) FROM pmks_case") == 3
