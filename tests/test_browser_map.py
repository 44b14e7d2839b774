"""The map page in headless Chromium: it draws Kabupaten Bandung's kecamatan and desa,
its layers toggle, labels follow the zoom, a kecamatan click zooms, English works,
and nothing leaves 127.0.0.1 (checked for every test by ``browser_page``)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

KECAMATAN = 31
DESA = 280

UNIQUE_DESA_IN_TILES = """() => {
  const layer = window.geomap.state.layers.desa, ids = new Set();
  for (const key in layer._vectorTiles) {
    for (const id in layer._vectorTiles[key]._features) { ids.add(id); }
  }
  return [...ids];
}"""

# A kecamatan whose label point, on screen, is covered by that kecamatan's own path
# (not by a control): its code and where to click.
CLICKABLE_KECAMATAN = """() => {
  const s = window.geomap.state, box = s.map.getContainer().getBoundingClientRect();
  for (const path of s.layers.kecamatan.getLayers()) {
    const p = path.feature.properties;
    const at = s.map.latLngToContainerPoint([p.label_at[1], p.label_at[0]]);
    const x = box.left + at.x, y = box.top + at.y;
    if (document.elementFromPoint(x, y) === path._path) { return {code: p.code, x: x, y: y}; }
  }
  return null;
}"""


KECAMATAN_COUNT = "() => window.geomap.state.layers.kecamatan.getLayers().length"
ON_MAP = "name => window.geomap.state.map.hasLayer(window.geomap.state.layers[name])"


def open_map(browser_page, query: str = "?area=32.04") -> None:
    browser_page.goto(f"/map{query}")
    browser_page.wait_for_layers("kecamatan", "desa")


def set_zoom(browser_page, zoom: int) -> None:
    page = browser_page.page
    # (in braces: the call returns the map, which Playwright would serialise at length)
    page.evaluate("z => { window.geomap.state.map.setZoom(z, {animate: false}); }", zoom)
    page.wait_for_function("z => window.geomap.state.map.getZoom() === z", arg=zoom)
    browser_page.wait_for_layers("desa")


def test_map_draws_every_kecamatan_and_desa(browser_page, bandung_db):
    open_map(browser_page)
    page = browser_page.page
    assert page.locator(".leaflet-container").count() == 1
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == KECAMATAN
    assert page.evaluate(KECAMATAN_COUNT) == KECAMATAN
    desa = page.evaluate(UNIQUE_DESA_IN_TILES)
    assert len(desa) == DESA
    assert sorted(desa) == [r[0] for r in bandung_db.connect().execute(
        "SELECT code FROM region WHERE level = 'desa' ORDER BY code").fetchall()]
    assert page.locator(".leaflet-tile-container svg path").count() >= DESA
    # The legend names both layers, in Bahasa Indonesia.
    legend = page.locator(".geomap-legend")
    assert legend.locator("h2").inner_text() == "Legenda"
    assert legend.locator(".geomap-legend-kecamatan").inner_text() == "Batas kecamatan"
    assert legend.locator(".geomap-legend-desa").inner_text() == "Batas desa/kelurahan"
    assert page.locator("html").get_attribute("lang") == "id"


def test_every_layer_toggles(browser_page):
    open_map(browser_page)
    page = browser_page.page
    control = page.locator(".leaflet-control-layers-overlays")
    for title, name, selector, count in (
            ("Kecamatan", "kecamatan", ".leaflet-overlay-pane path", KECAMATAN),
            ("Desa/Kelurahan", "desa", ".leaflet-tile-container svg path", DESA)):
        box = control.get_by_label(title, exact=True)
        assert box.is_checked()
        box.uncheck()
        assert not page.evaluate(ON_MAP, name)
        assert page.locator(selector).count() == 0
        box.check()
        browser_page.wait_for_layers(name)
        assert page.evaluate(ON_MAP, name)
        assert page.locator(selector).count() >= count


def test_desa_labels_appear_from_zoom_13(browser_page, bandung_db):
    open_map(browser_page)
    page = browser_page.page
    page.evaluate("() => { window.geomap.state.map.setView([-6.94, 107.74], 12,"
                  " {animate: false}); }")
    browser_page.wait_for_layers("desa")
    assert page.locator(".geomap-label-desa").count() == 0
    set_zoom(browser_page, 13)
    labels = page.locator(".geomap-label-desa span")
    labels.first.wait_for(state="visible")
    names = set(labels.all_inner_texts())
    assert "Cileunyi Kulon" in names
    known = {r[0] for r in bandung_db.connect().execute(
        "SELECT name FROM region WHERE level = 'desa'").fetchall()}
    assert names <= known
    # Labels of a layer that is switched off go with it.
    page.locator(".leaflet-control-layers-overlays").get_by_label(
        "Desa/Kelurahan", exact=True).uncheck()
    assert page.locator(".geomap-label-desa").count() == 0


def test_clicking_a_kecamatan_zooms_to_its_desa(browser_page, bandung_db):
    open_map(browser_page)
    page = browser_page.page
    before = page.evaluate("() => window.geomap.state.map.getZoom()")
    target = page.evaluate(CLICKABLE_KECAMATAN)
    assert target is not None
    page.mouse.click(target["x"], target["y"])
    page.wait_for_function("code => window.geomap.state.selected === code", arg=target["code"])
    page.wait_for_function("z => window.geomap.state.map.getZoom() > z", arg=before)
    browser_page.wait_for_layers("desa")
    west, south, east, north = bandung_db.connect().execute(
        "SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM region "
        "WHERE code = %s", (target["code"],)).fetchone()
    view = page.evaluate("() => { const b = window.geomap.state.map.getBounds();"
                         " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
    tolerance = 0.002  # the simplified outline may stick out of the box by a few metres
    assert view[0] <= west + tolerance and view[1] <= south + tolerance
    assert view[2] >= east - tolerance and view[3] >= north - tolerance
    # The view is the kecamatan, not the kabupaten: it is at most a few times its size.
    assert (view[2] - view[0]) < 4 * (east - west) or (view[3] - view[1]) < 4 * (north - south)
    # Its desa are drawn: the desa of that kecamatan are among the features in view.
    own = {r[0] for r in bandung_db.connect().execute(
        "SELECT code FROM region WHERE parent_code = %s", (target["code"],)).fetchall()}
    assert own <= set(page.evaluate(UNIQUE_DESA_IN_TILES))


def test_english_switch_is_kept(browser_page):
    open_map(browser_page)
    page = browser_page.page
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**lang=en**")
    browser_page.wait_for_layers("kecamatan", "desa")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".geomap-legend h2").inner_text() == "Legend"
    assert page.locator(".geomap-legend-kecamatan").inner_text() == "Kecamatan boundary"
    overlays = page.locator(".leaflet-control-layers-overlays").inner_text()
    assert "Kecamatan (district)" in overlays
    # The choice is kept: the next page without ?lang= is English too.
    browser_page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Open the map").count() == 1
    page.get_by_role("button", name="Open the map").click()
    page.wait_for_url("**/map?area=32.04")
    browser_page.wait_for_layers("kecamatan", "desa")
    assert page.locator(".geomap-legend h2").inner_text() == "Legend"
    page.get_by_role("link", name="Bahasa Indonesia").click()
    page.wait_for_url("**lang=id**")
    assert page.locator("html").get_attribute("lang") == "id"


def test_page_is_served_whole_by_the_app_under_its_csp(browser_page):
    response = browser_page.goto("/map?area=32.04")
    browser_page.wait_for_layers("kecamatan", "desa")
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    local = [url for url in browser_page.requests if url.startswith(browser_page.base_url)]
    assert any("/static/vendor/leaflet/leaflet.js" in url for url in local)
    assert any("/tiles/desa/" in url for url in local)
    assert browser_page.outside == []
    assert browser_page.csp_violations() == []


def test_landing_opens_the_map(browser_page):
    browser_page.goto("/")
    page = browser_page.page
    assert page.locator("select#area option:checked").get_attribute("value") == "32.04"
    page.get_by_role("button", name="Buka peta").click()
    page.wait_for_url("**/map?area=32.04")
    browser_page.wait_for_layers("kecamatan", "desa")
    page.get_by_role("link", name="Pilih wilayah lain").click()
    page.wait_for_url(browser_page.base_url + "/")
    # A kecamatan is an area of its own.
    page.select_option("select#area", "32.04.05")
    page.get_by_role("button", name="Buka peta").click()
    page.wait_for_url("**/map?area=32.04.05")
    browser_page.wait_for_layers("kecamatan", "desa")
    assert page.evaluate(KECAMATAN_COUNT) == 1


def tile_server() -> tuple[object, str]:
    """A basemap tile server on another loopback port (another origin): one grey PNG."""
    import threading
    import zlib
    from struct import pack

    from werkzeug.serving import make_server

    def chunk(kind: bytes, data: bytes) -> bytes:
        return pack(">I", len(data)) + kind + data + pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xd0" * 256 for _ in range(256))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", pack(">IIBBBBB", 256, 256, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    served: list[str] = []

    def app(environ, start_response):
        served.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "image/png")])
        return [png]

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, served


def test_a_basemap_from_its_own_origin_is_drawn_under_the_boundaries(browser_page, monkeypatch):
    server, served = tile_server()
    try:
        url = f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png"
        monkeypatch.setenv("GEOMAP_BASEMAP_URL", url)
        response = browser_page.goto("/map?area=32.04")
        assert f"img-src 'self' data: http://127.0.0.1:{server.server_port};" in response.headers[
            "content-security-policy"]
        browser_page.wait_for_layers("kecamatan", "desa")
        page = browser_page.page
        page.wait_for_function("() => document.querySelectorAll("
                               "'img.leaflet-tile.leaflet-tile-loaded').length > 0")
        assert served and all(path.endswith(".png") for path in served)
        assert browser_page.csp_violations() == []
    finally:
        server.shutdown()


def test_the_harness_reports_a_request_that_would_leave_the_machine(browser_page):
    """The guard of every browser test can fail: a page with no CSP asks an outside host."""
    page = browser_page.page
    page.set_content('<img src="http://192.0.2.1/geomap-probe.png">')
    page.wait_for_function("() => document.querySelector('img').complete")
    assert page.evaluate("() => document.querySelector('img').naturalWidth") == 0  # failed
    assert browser_page.outside == ["http://192.0.2.1/geomap-probe.png"]
    problems = browser_page.problems()
    assert any(p.startswith("request left 127.0.0.1") for p in problems)
    # The request failed (the dead proxy), it reached nothing; clear it for the teardown.
    browser_page.outside.clear()
    browser_page.errors.clear()


def test_the_view_and_layers_are_in_the_url(browser_page):
    browser_page.goto("/map?area=32.04#13/-6.94000/107.74000/desa")
    browser_page.wait_for_layers("desa")
    page = browser_page.page
    assert page.evaluate("() => window.geomap.state.map.getZoom()") == 13
    assert page.evaluate(ON_MAP, "desa") and not page.evaluate(ON_MAP, "kecamatan")
    page.locator(".geomap-label-desa span").first.wait_for(state="visible")
    # Moving the map or switching a layer rewrites the link.
    page.evaluate("() => { window.geomap.state.map.setView([-7.0, 107.6], 12,"
                  " {animate: false}); }")
    page.wait_for_function("() => location.hash === '#12/-7.00000/107.60000/desa'")
    page.locator(".leaflet-control-layers-overlays").get_by_label("Kecamatan", exact=True).check()
    page.wait_for_function("() => location.hash === '#12/-7.00000/107.60000/desa,kecamatan'")
    # The language switch keeps the view.
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**lang=en#12/-7.00000/107.60000/desa,kecamatan")
    browser_page.wait_for_layers("kecamatan", "desa")
    assert page.evaluate("() => window.geomap.state.map.getZoom()") == 12
