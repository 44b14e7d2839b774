"""The Resources overlay in headless Chromium: icons per PSKS category, clustered at low
zoom and split when zoomed in, service circles on demand, the psks filter, the legend's
counts from the database (``browser_page``: no console error, nothing leaves 127.0.0.1,
a screenshot in tests/artifacts)."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import ARTIFACTS
from tests.overlay_fixtures import demo, log_in_page, open_overlay, wait_drawn

pytestmark = pytest.mark.browser
__all__ = ["demo"]

MARKERS_IN_VIEW = """() => {
  const ctx = window.geomap.state.overlays.resources, map = window.geomap.state.map;
  const bounds = map.getBounds(); let alone = 0, clustered = 0;
  ctx.cluster.eachLayer(m => {
    if (!bounds.contains(m.getLatLng())) { return; }
    if (ctx.cluster.getVisibleParent(m) === m) { alone++; } else { clustered++; }
  });
  return {alone, clustered, total: ctx.cluster.getLayers().length};
}"""


def per_category(db) -> dict[str, int]:
    with db.connect() as conn:
        return dict(conn.execute("SELECT category_code, count(*) FROM psks_resource"
                                 " WHERE active GROUP BY 1").fetchall())


def test_resources_cluster_split_and_show_their_radius(browser_page, demo, users):
    page = browser_page.page
    log_in_page(browser_page, users["dinas"])
    open_overlay(browser_page, "resources")
    counts = per_category(demo)
    total = sum(counts.values())
    # Low zoom: the resources are clustered, the clusters count them all.
    seen = page.evaluate(MARKERS_IN_VIEW)
    assert seen["total"] == total
    assert seen["clustered"] > seen["alone"] and page.locator(".marker-cluster").count() > 0
    shown = sum(int(t) for t in page.locator(".marker-cluster span").all_inner_texts())
    assert shown + page.locator(".geomap-psks-icon").count() == seen["alone"] + seen["clustered"]
    # The legend: one line per category with what the database holds.
    legend = page.locator(".geomap-legend-resources .geomap-legend-class")
    assert legend.count() == 12
    for line in legend.all():
        code = line.locator(".geomap-legend-label").inner_text().split(":")[0]
        assert line.locator(".geomap-legend-count").inner_text() == f"({counts.get(code, 0)})"
    # Zoomed in on one resource: it stands alone, as its own icon.
    lat, lon = demo.scalar("SELECT json_build_array(ST_Y(geom), ST_X(geom)) FROM psks_resource"
                           " WHERE category_code = 'LKS' AND active ORDER BY id LIMIT 1")
    page.evaluate("([lat, lon]) => { window.geomap.state.map.setView([lat, lon], 17,"
                  " {animate: false}); }", [lat, lon])
    page.wait_for_function("() => document.querySelectorAll('.geomap-psks-LKS').length > 0")
    seen = page.evaluate(MARKERS_IN_VIEW)
    assert seen["alone"] >= 1 and seen["clustered"] == 0
    # Back out to see the circles: none until asked for, then one per resource with a radius.
    page.evaluate("() => { window.geomap.state.map.setZoom(13, {animate: false}); }")
    assert page.locator("path.geomap-psks-radius").count() == 0
    page.get_by_label("Tampilkan radius layanan").check()
    page.wait_for_function("() => document.querySelectorAll('path.geomap-psks-radius').length > 0")
    with_radius = demo.scalar("SELECT count(*) FROM psks_resource WHERE active"
                              " AND category_code <> 'TKSK'")
    assert page.evaluate("() => window.geomap.state.overlays.resources.circles"
                         ".getLayers().length") == with_radius
    page.screenshot(path=str(ARTIFACTS / "test_resources_radius_on.png"))
    page.get_by_label("Tampilkan radius layanan").uncheck()
    assert page.locator("path.geomap-psks-radius").count() == 0


def test_psks_filter_and_popup(browser_page, demo, users):
    page = browser_page.page
    log_in_page(browser_page, users["planner"])
    open_overlay(browser_page, "resources")
    counts = per_category(demo)
    page.select_option(".geomap-filters select[name=psks]", "TKSK")
    page.wait_for_function("() => window.geomap.state.overlays.resources.data.psks !== null")
    wait_drawn(browser_page, "resources")
    assert "psks=TKSK" in page.url
    assert page.evaluate("() => window.geomap.state.overlays.resources.cluster"
                         ".getLayers().length") == counts["TKSK"]
    assert page.locator(".geomap-legend-resources .geomap-legend-class").count() == 1
    # A planner's popup: no contact, and a TKSK is named by its category only.
    page.evaluate("""() => { const c = window.geomap.state.overlays.resources.cluster;
                     const m = c.getLayers()[0]; c.zoomToShowLayer(m, () => m.openPopup()); }""")
    popup = page.locator(".geomap-popup-resource")
    popup.wait_for()
    assert "Kontak" not in popup.inner_text()
    assert popup.locator("strong").inner_text() == "Tenaga Kesejahteraan Sosial Kecamatan"


def test_a_case_filter_does_not_fetch_resources_again(browser_page, demo, users):
    """Resources list no case filter: changing the period or the PMKS categories leaves
    them as drawn (no request), while the choropleth, which counts cases, is fetched
    again; the psks filter, the Resources' own, fetches them again."""
    page = browser_page.page
    log_in_page(browser_page, users["dinas"])
    browser_page.goto("/map?area=32.04#10/-7.05/107.6/kecamatan,desa,resources,choropleth")
    browser_page.wait_for_layers("kecamatan", "desa")
    wait_drawn(browser_page, "resources")
    wait_drawn(browser_page, "choropleth")

    def fetched(name: str) -> list[str]:
        return [u for u in browser_page.requests if f"/api/map/{name}.json" in u]

    resources, choropleth = len(fetched("resources")), len(fetched("choropleth"))
    assert "from=" not in fetched("resources")[-1]  # a filter it does not use is not sent
    page.fill(".geomap-filters input[name=from]", "2025-06-01")
    page.dispatch_event(".geomap-filters input[name=from]", "change")
    page.wait_for_function("() => window.geomap.state.loaded.choropleth === true && "
                           "window.geomap.state.overlays.choropleth.data.filter.from "
                           "=== '2025-06-01'", timeout=30_000)
    assert len(fetched("choropleth")) == choropleth + 1
    assert "from=2025-06-01" in fetched("choropleth")[-1]
    assert len(fetched("resources")) == resources
    assert page.evaluate("() => window.geomap.state.loaded.resources") is True
    page.select_option(".geomap-filters select[name=psks]", "TKSK")
    wait_drawn(browser_page, "resources")
    page.wait_for_function("() => window.geomap.state.overlays.resources.data.psks !== null")
    assert len(fetched("resources")) == resources + 1
    assert "psks=TKSK" in fetched("resources")[-1]
