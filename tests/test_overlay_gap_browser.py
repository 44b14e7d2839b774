"""The Gap overlay in headless Chromium: the bivariate 3x3 legend and colours match the
need tertiles of the database's counts, the ranked table lists the desa with most need
and least coverage, a click on a row moves the map to that desa, and the row's link is
that view (shared, it opens the same place); a planner's table shows published counts."""

from __future__ import annotations

import numpy as np
import pytest

from tests.browser_fixtures import ARTIFACTS
from tests.overlay_fixtures import demo, log_in_page, open_overlay, wait_drawn

pytestmark = pytest.mark.browser
__all__ = ["demo"]

VIEW = ("() => { const b = window.geomap.state.map.getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
ZOOM = "() => window.geomap.state.map.getZoom()"


def desa_counts(db) -> dict[str, int]:
    with db.connect() as conn:
        return dict(conn.execute(
            "SELECT d.code, count(c.id) FROM region d LEFT JOIN pmks_case c"
            " ON c.desa_code = d.code WHERE d.level = 'desa' GROUP BY 1").fetchall())


def test_gap_legend_table_and_row_links(browser_page, demo, users):
    page = browser_page.page
    log_in_page(browser_page, users["dinas"])
    open_overlay(browser_page, "gap", "?area=32.04&psks=PSM")
    data = page.evaluate("() => window.geomap.state.overlays.gap.data")
    # Need tertiles from the database's counts per desa (no population: counts).
    counts = desa_counts(demo)
    cuts = np.quantile(np.array(list(counts.values()), float), [1 / 3, 2 / 3])
    assert np.allclose(data["need_breaks"], cuts, atol=1e-3)
    for code, unit in data["units"].items():
        n = counts[code]
        assert unit["need"] == (0 if n <= cuts[0] else 1 if n <= cuts[1] else 2)
    # The legend: a 3x3 grid, need high to low in rows, coverage low to high in columns.
    cells = page.locator(".geomap-legend-gap .geomap-legend-class")
    assert cells.count() == 9
    boxes = [cells.nth(i).locator(".geomap-swatch").bounding_box() for i in range(9)]
    xs = sorted({round(b["x"]) for b in boxes})
    ys = sorted({round(b["y"]) for b in boxes})
    assert len(xs) == 3 and len(ys) == 3
    for i, box in enumerate(boxes):
        need, cover = 2 - i // 3, i % 3
        assert (xs.index(round(box["x"])), ys.index(round(box["y"]))) == (cover, 2 - need)
        colour = cells.nth(i).locator(".geomap-swatch").evaluate(
            "e => getComputedStyle(e).backgroundColor")
        expected = data["colors"][need][cover]
        assert colour == "rgb({}, {}, {})".format(*bytes.fromhex(expected[1:]))
    # The table: 20 rows, as ranked, the cases from the database.
    rows = page.locator(".geomap-gap-table tbody tr")
    assert rows.count() == 20
    assert [rows.nth(i).get_attribute("data-code") for i in range(20)] == \
        [r["code"] for r in data["ranked"]]
    for i in range(20):
        code = rows.nth(i).get_attribute("data-code")
        assert rows.nth(i).locator("td").nth(3).inner_text() == str(counts[code])
    page.screenshot(path=str(ARTIFACTS / "test_gap_overlay_on.png"))
    # A click on a row's desa moves the map there.
    row = data["ranked"][2]
    west, south, east, north = demo.scalar(
        "SELECT json_build_array(ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom))"
        " FROM region WHERE code = %s", (row["code"],))
    before = page.evaluate(ZOOM)
    link = rows.nth(2).locator("a")
    link.click()
    page.wait_for_function("c => window.geomap.state.selected === c", arg=row["code"])
    view = page.evaluate(VIEW)
    assert page.evaluate(ZOOM) > before
    assert view[0] <= west and view[1] <= south and view[2] >= east and view[3] >= north
    # The view is the desa, not the kabupaten (its longer side fills the map).
    assert (view[2] - view[0]) < 4 * (east - west) or (view[3] - view[1]) < 4 * (north - south)
    # Its link is that view, shareable: opened anew, the map shows the desa, gap on.
    href = link.get_attribute("href")
    assert href.startswith("/map?area=32.04&psks=PSM#") and href.endswith(",gap")
    page.goto("about:blank")  # (else only the hash would change: no new page)
    browser_page.goto(href)
    browser_page.wait_for_layers("kecamatan", "desa")
    wait_drawn(browser_page, "gap")
    center = page.evaluate("() => { const c = window.geomap.state.map.getCenter();"
                           " return [c.lng, c.lat]; }")
    assert west <= center[0] <= east and south <= center[1] <= north
    assert page.evaluate("() => window.geomap.state.overlays.gap.data.psks") == ["PSM"]


def test_planner_table_shows_published_counts(browser_page, demo, users):
    page = browser_page.page
    log_in_page(browser_page, users["planner"])
    open_overlay(browser_page, "gap", "?area=32.04")
    cases = page.locator(".geomap-gap-table tbody tr td:nth-child(4)").all_inner_texts()
    assert cases and all(c.isdigit() and (int(c) == 0 or int(c) >= 5) for c in cases)
    assert "tidak diwarnai" in page.locator(".geomap-legend-gap").inner_text()
    # No case position reached the page: every overlay answer it got is desa-level.
    assert not [u for u in browser_page.requests if "/api/cases" in u or "points" in u]
