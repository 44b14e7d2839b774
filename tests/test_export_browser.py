"""Exports in headless Chromium: the map page's Export button makes the PDF of what is on
screen (nothing leaves 127.0.0.1), and the standalone HTML map opens from file:// with
the network blocked, drawing every polygon and its legend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from tests.browser_fixtures import ARTIFACTS
from tests.export_fixtures import pdf_text, rasterise, seed

pytestmark = pytest.mark.browser

CONTROL = ".leaflet-control-layers-overlays"
CHOROPLETH = "PMKS per wilayah"
GAP = "Kesenjangan: kebutuhan vs cakupan"
HEAT = "Peta panas PMKS (titik kasus)"


def test_export_button_downloads_the_map_on_screen(browser_page, users, bandung_db, cli,
                                                   tmp_path, monkeypatch):
    monkeypatch.setenv("GEOMAP_VAR_DIR", str(tmp_path / "var"))
    seed(bandung_db, cli)
    browser_page.log_in(users["dinas"], "/map?area=32.04&categories=KM,AT&level=kecamatan")
    page = browser_page.page
    page.locator(CONTROL).get_by_label(CHOROPLETH, exact=True).check()
    page.wait_for_function("() => window.geomap.state.loaded.choropleth === true",
                           timeout=30_000)
    # A filter changed in the panel after the page opened: the export follows it (the
    # dialog reads the page's state when it is sent).
    page.select_option(".geomap-filters select[name=method]", "equal_interval")
    page.wait_for_function("() => location.search.includes('method=equal_interval')")
    page.click(".geomap-export-button")
    dialog = page.locator("form.geomap-export")
    dialog.locator("select[name=what]").select_option("map:pdf")
    dialog.locator("select[name=paper]").select_option("A4")
    dialog.locator("select[name=orientation]").select_option("portrait")
    dialog.locator("input[name=title]").fill("Rapat Bupati Bandung")
    with page.expect_download(timeout=120_000) as download:
        dialog.locator("button[type=submit]").click()
    pdf = tmp_path / "export.pdf"
    download.value.save_as(pdf)
    assert download.value.suggested_filename.startswith(
        "geomap_map_choropleth-kecamatan_32.04_")
    # The first page as a reader shows it: the title in its text, ink in the title's band.
    assert "Rapat Bupati Bandung" in pdf_text(pdf, 1)
    first = rasterise(pdf, tmp_path, dpi=40)[0]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "export_button_page1.png").write_bytes(first.read_bytes())
    image = Image.open(first).convert("L")
    width, height = image.size
    assert height > width  # portrait, as chosen
    band = image.crop((0, 0, width // 2, int(height * 0.06)))
    assert band.getextrema()[0] < 80  # dark title text at the top
    # The job was made from the page's state: its filters and the layer on screen.
    params = bandung_db.scalar("SELECT params FROM export_job")
    assert set(params["categories"].split(",")) == {"KM", "AT"} and params["level"] == "kecamatan"
    assert params["layer"] == "choropleth-kecamatan" and params["area"] == "32.04"
    assert params["method"] == "equal_interval"
    assert page.locator(".geomap-export-download").count() == 1

    # Another overlay switched on: the dialog sends the one switched on last, and the
    # file is that layer with its legend.
    def send(name: str) -> tuple[str, str, dict]:
        page.click(".geomap-export-button")
        with page.expect_download(timeout=120_000) as download:
            dialog.locator("button[type=submit]").click()
        out = tmp_path / f"{name}.pdf"
        download.value.save_as(out)
        page.click(".geomap-export-close")
        params = bandung_db.scalar("SELECT params FROM export_job ORDER BY created_at DESC "
                                   "LIMIT 1")
        return download.value.suggested_filename, pdf_text(out), params

    page.click(".geomap-export-close")
    page.locator(CONTROL).get_by_label(GAP, exact=True).check()
    page.wait_for_function("() => window.geomap.state.loaded.gap === true", timeout=60_000)
    name, text, params = send("gap")
    assert params["layer"] == "gap" and params["lang"] == "id"
    assert name.startswith("geomap_map_gap_32.04_")
    assert "Kesenjangan: kebutuhan vs cakupan" in text
    # The heat map of case points on screen prints as the density raster: the export
    # reads no point (the page's own heat map did, audited).
    page.locator(CONTROL).get_by_label(HEAT, exact=True).check()
    page.wait_for_function("() => window.geomap.state.loaded.heat === true", timeout=60_000)
    read = bandung_db.scalar("SELECT count(*) FROM audit_log WHERE action = 'points.read'")
    name, text, params = send("heat")
    assert params["layer"] == "heat" and "Kepadatan kasus per km²" in text
    assert bandung_db.scalar("SELECT count(*) FROM audit_log WHERE action = 'points.read'"
                             ) == read
    # Switched off again: the gap is the layer on screen once more.
    page.locator(CONTROL).get_by_label(HEAT, exact=True).uncheck()
    _, _, params = send("gap-again")
    assert params["layer"] == "gap"


def test_visitors_get_no_export_button(browser_page, bandung_db):
    browser_page.goto("/map?area=32.04")
    browser_page.wait_for_layers("kecamatan", "desa")
    browser_page.page.wait_for_load_state("networkidle")
    assert browser_page.page.locator(".geomap-export-button").count() == 0


def _open_offline(chromium, path: Path, name: str) -> tuple[int, list[str], list[str], object]:
    """Open ``path`` from file:// with every request aborted; returns the polygons drawn,
    the requests tried, the console errors and the page (closed by the caller)."""
    context = chromium.new_context(viewport={"width": 1200, "height": 800})
    tried: list[str] = []
    errors: list[str] = []

    def block(route):
        if route.request.url.startswith("file://") and route.request.url.endswith(path.name):
            route.continue_()
            return
        tried.append(route.request.url)
        route.abort()

    context.route("**/*", block)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    page.wait_for_selector("path.leaflet-interactive")
    count = page.locator("path.leaflet-interactive").count()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    return count, tried, errors, (context, page)


def test_standalone_html_opens_offline(bandung_db, cli, chromium, tmp_path):
    seed(bandung_db, cli)
    out = tmp_path / "desa.html"
    done = cli(bandung_db, "export", "html", "--area", "32.04", "--as", "dinas", str(out))
    assert done.code == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["features"] == 280 and report["suppressed"] is False
    count, tried, errors, (context, page) = _open_offline(chromium, out, "export_html_dinas")
    try:
        assert count == 280 and not tried and not errors
        legend = page.locator("#geomap-legend")
        assert legend.is_visible()
        assert legend.locator(".gm-entry").count() >= 3
        assert "PMKS" in legend.inner_text()
        page.locator("path.leaflet-interactive").nth(5).hover()
        assert page.locator(".leaflet-tooltip").is_visible()
    finally:
        context.close()

    # The planner's file: kecamatan, suppressed, no personal data nor any case point.
    planner = tmp_path / "kec.html"
    done = cli(bandung_db, "export", "html", "--area", "32.04", "--layer",
               "choropleth-kecamatan", "--categories", "FM", str(planner))
    assert done.code == 0, done.stderr
    count, tried, errors, (context, page) = _open_offline(chromium, planner, "export_html_planner")
    try:
        assert count == 31 and not tried and not errors
        assert page.locator("#geomap-legend").is_visible()
    finally:
        context.close()
    text = planner.read_text(encoding="utf-8")
    with bandung_db.connect() as conn:
        persons = conn.execute("SELECT name, nik, phone FROM case_person LIMIT 200").fetchall()
        points = conn.execute("SELECT ST_X(geom), ST_Y(geom) FROM pmks_case LIMIT 500").fetchall()
    assert not [p for person in persons for p in person if p and p in text]
    assert not [xy for xy in points if f"{xy[0]:.5f}" in text and f"{xy[1]:.5f}" in text]
    assert '"count"' not in text  # the planner's file has labels, never exact counts


def test_html_export_file_is_one_self_contained_page(bandung_db, cli, tmp_path):
    hostile = '<img src=x onerror="window.__xss=1">'
    with bandung_db.connect() as conn:
        conn.execute("UPDATE region SET name = %s WHERE code = (SELECT min(code) FROM region "
                     "WHERE level = 'desa' AND starts_with(code, '32.04.05.'))", (hostile,))
    out = tmp_path / "b.html"
    done = cli(bandung_db, "export", "html", "--area", "32.04.05", "--layer", "boundaries",
               str(out))
    assert done.code == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "<script src=" not in text and 'rel="stylesheet"' not in text
    assert "L.map(" in text or "L.map (" in text  # Leaflet's code is in the page itself
    assert "<img src=x" not in text and "lt;img src=x" in text  # names are text only


def test_personal_data_from_the_dialog_only_for_roles_that_may(browser_page, users, bandung_db,
                                                                cli, tmp_path, monkeypatch):
    import csv

    monkeypatch.setenv("GEOMAP_VAR_DIR", str(tmp_path / "var"))
    seed(bandung_db, cli)
    browser_page.log_in(users["tksk"], "/map?area=32.04.05")
    page = browser_page.page
    page.click(".geomap-export-button")
    dialog = page.locator("form.geomap-export")
    dialog.locator("select[name=what]").select_option("data:csv")
    dialog.locator("input[name=personal]").check()
    dialog.locator("input[name=purpose]").fill("kunjungan rumah")
    with page.expect_download(timeout=120_000) as download:
        dialog.locator("button[type=submit]").click()
    out = tmp_path / "cases.csv"
    download.value.save_as(out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == bandung_db.scalar(
        "SELECT count(*) FROM pmks_case WHERE kecamatan_code = '32.04.05'") > 0
    assert {"name", "nik"} <= set(rows[0])
    assert bandung_db.scalar("SELECT purpose FROM audit_log WHERE action = 'personal.export'"
                             ) == "kunjungan rumah"


def test_a_planner_is_not_offered_personal_data(browser_page, users, bandung_db):
    browser_page.log_in(users["planner"], "/map?area=32.04")
    page = browser_page.page
    page.click(".geomap-export-button")
    # The dialog (export.js, loaded by this first click) opens once its options arrive.
    page.locator("form.geomap-export select[name=what]").wait_for(state="visible")
    assert page.locator("form.geomap-export input[name=personal]").count() == 0
