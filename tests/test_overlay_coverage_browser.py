"""The Coverage overlay in headless Chromium: desa coloured by E2SFCA class with a legend
that matches the analysis for the filter in the link, the share of cases in reach from
PostGIS distances, the kecamatan without a TKSK hatched and each kecamatan's caseload."""

from __future__ import annotations

import numpy as np
import pytest

from geomap.analysis.access import coverage
from geomap.analysis.area import load_area
from geomap.analysis.classify import classify
from geomap.analysis.filters import CaseFilter
from tests.browser_fixtures import ARTIFACTS
from tests.overlay_fixtures import demo, log_in_page, open_overlay
from tests.test_overlay_coverage_http import IN_REACH

pytestmark = pytest.mark.browser
__all__ = ["demo"]


def test_coverage_legend_share_and_kecamatan_without_tksk(browser_page, demo, users):
    page = browser_page.page
    log_in_page(browser_page, users["dinas"])
    open_overlay(browser_page, "coverage", "?area=32.04&psks=LKS&method=equal_interval&k=4")
    page.wait_for_function("() => window.geomap.state.overlays.coverage.hatched")
    # The legend's classes: the analysis of the same filter, classified the same way.
    with demo.connect() as conn:
        cov = coverage(conn, load_area(conn, "32.04"), CaseFilter("32.04"), ("LKS",))
        cases, in_reach = conn.execute(IN_REACH, {"cats": ["LKS"]}).fetchone()
        without = [r[0] for r in conn.execute(
            "SELECT k.code FROM region k WHERE k.level = 'kecamatan' AND NOT EXISTS ("
            " SELECT 1 FROM psks_resource r WHERE r.kecamatan_code = k.code AND r.active"
            " AND r.category_code = 'TKSK') ORDER BY 1").fetchall()]
    cls, classes = classify(cov.desa["score"].to_numpy(), "equal_interval", 4)
    lines = page.locator(".geomap-legend-coverage .geomap-legend-class")
    assert lines.count() == len(classes.breaks) + 1  # and the kecamatan without TKSK
    lows = [classes.minimum, *classes.breaks[:-1]]
    for i, (lo, hi) in enumerate(zip(lows, classes.breaks, strict=True)):
        assert lines.nth(i).locator(".geomap-legend-label").inner_text() == f"{lo:.2f}–{hi:.2f}"
        assert lines.nth(i).locator(".geomap-legend-count").inner_text() == \
            f"({np.sum(cls == i)})"
    notes = page.locator(".geomap-legend-coverage").inner_text()
    assert f"{in_reach / cases:.1%}" in notes
    # Every desa drawn in its class's colour.
    colors = page.evaluate("() => window.geomap.state.overlays.coverage.data.colors")
    fills = browser_page.desa_fills()
    expected = dict(zip(cov.desa["code"], (colors[c] for c in cls), strict=True))
    assert len(fills) == len(expected) and all(fills[c] == expected[c] for c in fills)
    # Kecamatan without an active TKSK: hatched, outlined, their badge says so.
    assert len(without) == 3
    hatched = page.evaluate("() => window.geomap.state.overlays.coverage.hatched.getLayers()"
                            ".map(l => l.feature.properties.code).sort()")
    assert hatched == without
    assert page.locator("path.geomap-no-tksk").count() == 3
    assert page.locator("path.geomap-no-tksk").first.get_attribute("fill") == \
        "url(#geomap-hatch)"
    assert page.locator(".geomap-caseload-none").count() == 3
    assert page.locator(".geomap-caseload").count() == 31
    # Each kecamatan's badge: its cases per active TKSK, from the database.
    with demo.connect() as conn:
        load = dict(conn.execute(
            "SELECT k.code, (SELECT count(*) FROM pmks_case c WHERE left(c.desa_code, 8)"
            " = k.code)::float / nullif((SELECT count(*) FROM psks_resource r WHERE"
            " r.kecamatan_code = k.code AND r.active AND r.category_code = 'TKSK'), 0)"
            " FROM region k WHERE k.level = 'kecamatan'").fetchall())
    badges = page.evaluate("() => window.geomap.state.overlays.coverage.badges.getLayers()"
                           ".map(m => [m.kecamatan, m.getElement().textContent])")
    assert len(badges) == 31
    for code, text in badges:
        assert text == ("tanpa TKSK" if load[code] is None
                        else f"{round(load[code])} kasus/TKSK"), code
    page.screenshot(path=str(ARTIFACTS / "test_coverage_overlay_on.png"))
    # A click on a desa tells its score and its kecamatan's caseload.
    units = page.evaluate("() => window.geomap.state.overlays.coverage.data.units")
    code = max(units, key=lambda c: units[c]["value"])
    lon, lat = demo.scalar("SELECT json_build_array(ST_X(p), ST_Y(p)) FROM region,"
                           " ST_PointOnSurface(geom) p WHERE code = %s", (code,))
    page.evaluate("ll => { window.geomap.state.map.setView(ll, 14, {animate: false}); }",
                  [lat, lon])
    browser_page.wait_for_layers("desa")
    browser_page.click_map(lat, lon)
    popup = page.locator(".leaflet-popup .geomap-popup-coverage")
    popup.wait_for(state="visible")
    text = popup.inner_text()
    assert f"{units[code]['value']:.3f}" in text
    assert (f"{round(load[code[:8]])} kasus/TKSK" if load[code[:8]] else "tanpa TKSK") in text
    # Off: the desa get their own style back and the marks go.
    page.locator(".leaflet-control-layers-overlays").get_by_label(
        "Cakupan layanan (E2SFCA)", exact=True).uncheck()
    assert page.locator("path.geomap-no-tksk").count() == 0
    assert page.locator(".geomap-caseload").count() == 0
    assert set(browser_page.desa_fills().values()) != set(colors)
