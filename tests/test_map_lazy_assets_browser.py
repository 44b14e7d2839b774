"""The map page loads an overlay's scripts and style sheets only when the overlay is on,
and the export dialog's on the first click of Export (headless Chromium; ``browser_page``
fails the test on a console error, a CSP violation or a request leaving 127.0.0.1).

A planner's first view asks for Leaflet, VectorGrid and map.js/map.css only; switching
Coverage on loads markercluster, the PSKS overlays' shared code and coverage.js, once,
and draws it; Resources then needs only its own script. A link with overlays on loads
their assets (early.js preloads them) and nothing of the others."""

from __future__ import annotations

import re

import pytest

from tests.overlay_fixtures import demo, log_in_page, wait_drawn

pytestmark = pytest.mark.browser
__all__ = ["demo"]

# What the first view of every map page loads (besides the page, data and tiles).
PAGE_ASSETS = {"/static/vendor/leaflet/leaflet.js", "/static/vendor/leaflet/leaflet.css",
               "/static/vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js",
               "/static/geomap/map.js", "/static/geomap/map.css"}
# The assets of the overlays and of the export dialog.
LAZY = re.compile(r"leaflet\.markercluster|MarkerCluster|leaflet-heat|geomap/psks\.|"
                  r"geomap/overlays/|geomap/export\.")
CONTROL = ".leaflet-control-layers-overlays"


def static(browser_page) -> list[str]:
    """The paths of the static files the page asked for, in order, repeats included (not
    the icon: the browser asks for it when it likes)."""
    return [re.sub(r"^https?://[^/]+", "", u) for u in browser_page.requests
            if "/static/" in u and "favicon" not in u]


def switch_on(browser_page, name: str) -> None:
    page = browser_page.page
    title = page.evaluate("n => window.geomap.state.config.panel.overlays"
                          ".find(o => o.name === n).title", name)
    page.locator(CONTROL).get_by_label(title, exact=True).check()
    wait_drawn(browser_page, name)


def test_first_view_loads_no_overlay_code_until_switched_on(browser_page, demo, users):
    page = browser_page.page
    log_in_page(browser_page, users["planner"])
    browser_page.requests.clear()
    browser_page.goto("/map?area=32.04")
    browser_page.wait_for_layers("kecamatan", "desa")
    page.wait_for_load_state("networkidle")
    first = static(browser_page)
    assert set(first) <= PAGE_ASSETS and "/static/geomap/map.js" in first, first
    assert not [u for u in first if LAZY.search(u)], first
    # The planner is offered the overlays and the Export button all the same.
    offered = page.evaluate("() => window.geomap.state.config.panel.overlays"
                            ".map(o => o.name)")
    assert {"choropleth", "density", "resources", "coverage", "gap"} <= set(offered)
    assert page.locator(".geomap-export-button").is_visible()
    # The panel keeps a place for the PSKS filter, filled once its script has run.
    assert page.locator(".geomap-filters select[name=psks]").count() == 0

    # Coverage on: its libraries, the PSKS overlays' shared code and its script, then drawn.
    switch_on(browser_page, "coverage")
    page.wait_for_function("() => window.geomap.state.overlays.coverage.hatched")
    after = static(browser_page)[len(first):]
    expected = {"/static/vendor/leaflet.markercluster/leaflet.markercluster.js",
                "/static/vendor/leaflet.markercluster/MarkerCluster.css",
                "/static/vendor/leaflet.markercluster/MarkerCluster.Default.css",
                "/static/geomap/psks.js", "/static/geomap/psks.css",
                "/static/geomap/overlays/coverage.js"}
    assert sorted(after) == sorted(expected), after
    colors = set(page.evaluate("() => window.geomap.state.overlays.coverage.data.colors"))
    assert any(fill in colors for fill in browser_page.desa_fills().values())
    assert page.locator(".geomap-legend-coverage .geomap-legend-class").count() > 1
    assert page.locator(".geomap-filters select[name=psks]").is_visible()

    # Resources next: only its own script is new.
    seen = len(static(browser_page))
    switch_on(browser_page, "resources")
    assert static(browser_page)[seen:] == ["/static/geomap/overlays/resources.js"]
    assert page.evaluate("() => window.geomap.state.overlays.resources.cluster"
                         ".getLayers().length") > 0
    assert page.locator(".marker-cluster").count() > 0

    # Export: its dialog's script and style sheet on the first click, then the dialog.
    seen = len(static(browser_page))
    page.click(".geomap-export-button")
    page.locator("form.geomap-export select[name=what]").wait_for(state="visible")
    assert sorted(static(browser_page)[seen:]) == ["/static/geomap/export.css",
                                                   "/static/geomap/export.js"]
    page.click(".geomap-export-close")
    assert page.locator("form.geomap-export").is_hidden()
    page.click(".geomap-export-button")
    assert page.locator("form.geomap-export").is_visible()
    assert len(static(browser_page)) == seen + 2  # loaded once


def test_a_link_with_overlays_on_loads_only_their_assets(browser_page, demo, users):
    """Heat and Resources on in the link: their assets (early.js preloads them, map.js
    uses the preloads) each asked for once, none of the other overlays'; the link's psks
    goes with the Resources request, made before psks.js has loaded."""
    page = browser_page.page
    log_in_page(browser_page, users["dinas"])
    browser_page.requests.clear()
    browser_page.goto("/map?area=32.04&psks=LKS#11/-7.05/107.6/kecamatan,desa,heat,resources")
    browser_page.wait_for_layers("kecamatan", "desa")
    wait_drawn(browser_page, "heat")
    wait_drawn(browser_page, "resources")
    assert page.locator("canvas.leaflet-heatmap-layer").count() == 1
    assert page.locator(".geomap-psks-LKS, .marker-cluster").count() > 0
    page.wait_for_load_state("networkidle")
    lazy = [u for u in static(browser_page) if LAZY.search(u)]
    assert sorted(lazy) == sorted([
        "/static/vendor/leaflet.heat/leaflet-heat.js", "/static/geomap/overlays/heat.js",
        "/static/vendor/leaflet.markercluster/leaflet.markercluster.js",
        "/static/vendor/leaflet.markercluster/MarkerCluster.css",
        "/static/vendor/leaflet.markercluster/MarkerCluster.Default.css",
        "/static/geomap/psks.js", "/static/geomap/psks.css",
        "/static/geomap/overlays/resources.js"]), lazy
    asked = [u for u in browser_page.requests if "/api/map/resources.json" in u]
    assert len(asked) == 1 and "psks=LKS" in asked[0], asked
    assert page.evaluate("() => window.geomap.state.overlays.resources.data.psks") == ["LKS"]
    assert page.locator(".geomap-filters select[name=psks]").input_value() == "LKS"
