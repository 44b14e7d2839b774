"""The map page's PMKS overlays in headless Chromium (``browser_page``: nothing may leave
127.0.0.1, no console error, no CSP violation; a screenshot per test in tests/artifacts):
the choropleth toggles, its legend states the classes the database gives for a known
filter, changing a filter changes the counts and goes into the URL, a link restores
layers and filters, and a planner's page and everything it loads hold no personal data
and no case point."""

# ruff: noqa: F811  (pytest fixtures imported from tests.cases_fixtures)
from __future__ import annotations

import contextlib

import numpy as np
import pytest

from tests.auth_fixtures import KABUPATEN, KECAMATAN
from tests.cases_fixtures import seeded  # noqa: F401 (fixture)
from tests.test_area_rule_http import leaks
from tests.test_map_overlays_http import db_counts, spread_cases

pytestmark = pytest.mark.browser

CONTROL = ".leaflet-control-layers-overlays"
CHOROPLETH = "PMKS per wilayah"
HEAT = "Peta panas PMKS (titik kasus)"
DENSITY = "Kepadatan PMKS (raster)"
ON_MAP = "name => window.geomap.state.map.hasLayer(window.geomap.state.layers[name])"


def show_choropleth(browser_page, user, path: str) -> None:
    """Log in onto the map at ``path`` and switch the PMKS choropleth on, drawn."""
    browser_page.log_in(user, path)
    browser_page.page.locator(CONTROL).get_by_label(CHOROPLETH, exact=True).check()
    wait_overlay(browser_page, "choropleth")


def wait_overlay(browser_page, name: str) -> None:
    browser_page.page.wait_for_function(
        "n => window.geomap.state.loaded[n] === true", arg=name, timeout=30_000)
    browser_page.wait_for_layers("desa")


def legend_entries(page, name: str) -> list[str]:
    return page.locator(f".geomap-legend-{name} .geomap-legend-label").all_inner_texts()


def legend_counts(page, name: str) -> list[int]:
    return [int(t.strip("()")) for t in
            page.locator(f".geomap-legend-{name} .geomap-legend-count").all_inner_texts()]


def test_choropleth_toggles_and_its_legend_matches_the_database(browser_page, users,
                                                                 bandung_db):
    spread_cases(bandung_db)
    browser_page.log_in(users["dinas"],
                         f"/map?area={KABUPATEN}&categories=AT&method=equal_interval&k=4")
    page = browser_page.page
    box = page.locator(CONTROL).get_by_label(CHOROPLETH, exact=True)
    assert not box.is_checked()
    assert page.locator(".geomap-legend-choropleth").count() == 0
    box.check()
    wait_overlay(browser_page, "choropleth")
    assert page.evaluate(ON_MAP, "choropleth")
    # Classes as the database gives them: equal interval over the AT counts of every desa.
    counts = db_counts(bandung_db, "c.category_code = 'AT'")
    values = np.array(list(counts.values()))
    step = values.max() / 4
    breaks = [step * (i + 1) for i in range(4)]
    expected = np.bincount(np.searchsorted(breaks, values, side="left"), minlength=4)
    assert legend_counts(page, "choropleth") == expected.tolist()
    labels = legend_entries(page, "choropleth")
    assert len(labels) == 4 and labels[0].startswith("0") and labels[-1].endswith(
        str(values.max()))
    period = page.locator(".geomap-legend-choropleth .geomap-legend-period").inner_text()
    assert period == "Periode: semua waktu"
    # The desa tiles are coloured by class: the busiest desa in the last class's colour.
    colours = page.evaluate(
        "() => window.geomap.state.overlays.choropleth.data.legend.entries.map(e => e.color)")
    fills = browser_page.desa_fills()
    busiest = max(counts, key=counts.get)
    assert fills[busiest] == colours[-1]
    quiet = next(c for c, n in counts.items() if n == 0)
    assert fills[quiet] == colours[0]
    # Switching it off takes the colours and the legend away.
    box.uncheck()
    assert not page.evaluate(ON_MAP, "choropleth")
    assert page.locator(".geomap-legend-choropleth").count() == 0
    assert browser_page.desa_fills()[busiest] == "#cfe6df"
    assert "choropleth" not in page.url


def test_a_filter_change_changes_the_counts_and_the_link(browser_page, users, bandung_db):
    spread_cases(bandung_db)
    show_choropleth(browser_page, users["dinas"], f"/map?area={KABUPATEN}")
    page = browser_page.page

    def total() -> int:
        return page.evaluate("""() => Object.values(
            window.geomap.state.overlays.choropleth.data.units)
            .reduce((s, u) => s + parseInt(u[1], 10), 0)""")

    assert total() == sum(db_counts(bandung_db).values())
    page.select_option(".geomap-filters select[name=categories]", ["KM"])
    wait_overlay(browser_page, "choropleth")
    assert total() == sum(db_counts(bandung_db, "c.category_code = 'KM'").values())
    assert "categories=KM" in page.url
    page.fill(".geomap-filters input[name=to]", "2025-12-31")
    page.dispatch_event(".geomap-filters input[name=to]", "change")
    page.wait_for_function("() => location.search.includes('to=2025-12-31')")
    wait_overlay(browser_page, "choropleth")
    assert total() == 0  # KM cases are all of 2026
    assert page.locator(".geomap-legend-choropleth .geomap-legend-period").inner_text() \
        == "Periode: sampai 2025-12-31"
    # Per kecamatan: the kecamatan outlines are coloured instead, and a click shows counts.
    page.select_option(".geomap-filters select[name=categories]", [])
    page.select_option(".geomap-filters select[name=level]", "kecamatan")
    wait_overlay(browser_page, "choropleth")
    data = page.evaluate("() => window.geomap.state.overlays.choropleth.data")
    assert data["level"] == "kecamatan" and KECAMATAN in data["units"]
    # The link opens the same map: overlay on, same filters.
    link = page.url
    page.goto(link)
    browser_page.wait_for_layers("kecamatan", "desa")
    wait_overlay(browser_page, "choropleth")
    assert page.locator(CONTROL).get_by_label(CHOROPLETH, exact=True).is_checked()
    assert page.locator(".geomap-filters select[name=level]").input_value() == "kecamatan"
    assert page.locator(".geomap-filters input[name=to]").input_value() == "2025-12-31"
    assert page.evaluate("() => window.geomap.state.overlays.choropleth.data.filter.to") \
        == "2025-12-31"
    # Reset: every filter back to its default, in the page and in the link.
    page.get_by_role("button", name="Atur ulang").click()
    page.wait_for_function("() => !location.search.includes('level=')")
    wait_overlay(browser_page, "choropleth")
    assert page.evaluate("() => window.geomap.state.overlays.choropleth.data.level") == "desa"
    assert "to=" not in page.url and "categories=" not in page.url
    assert total() == sum(db_counts(bandung_db).values())


def test_a_link_starts_its_data_requests_early_and_once(browser_page, users, bandung_db):
    """The page's first script (early.js) starts the requests of the overlays on and of
    the kecamatan GeoJSON before Leaflet loads, with the link's filters; map.js uses those
    answers: each URL is asked for once, and the choropleth drawn is the filter's."""
    spread_cases(bandung_db)
    link = (f"/map?area={KABUPATEN}&categories=KM&level=kecamatan&k=4"
            "#11/-7.0500/107.6000/kecamatan,desa,choropleth")
    browser_page.log_in(users["dinas"], link.split("#")[0])
    page = browser_page.page
    page.goto("about:blank")  # the link is a new page, not a hash change of this one
    browser_page.requests.clear()
    page.goto(browser_page.base_url + link)
    browser_page.wait_for_layers("kecamatan", "desa")
    wait_overlay(browser_page, "choropleth")
    asked = [u for u in browser_page.requests if "/api/" in u]
    overlay = [u for u in asked if "/api/map/choropleth.json" in u]
    assert len(overlay) == 1, asked
    assert "categories=KM" in overlay[0] and "level=kecamatan" in overlay[0] \
        and "k=4" in overlay[0]
    assert len([u for u in asked if "/api/layers/kecamatan.geojson" in u]) == 1, asked
    # Both were the requests early.js started before Leaflet and map.js had loaded.
    taken = page.evaluate("() => window.geomapEarly.taken")
    assert sorted(u.split("?")[0] for u in taken) == ["/api/layers/kecamatan.geojson",
                                                      "/api/map/choropleth.json"]
    data = page.evaluate("() => window.geomap.state.overlays.choropleth.data")
    assert data["level"] == "kecamatan" and data["filter"]["categories"] == "KM"
    assert len(data["legend"]["entries"]) <= 4
    # No overlay that is off was asked for.
    assert not [u for u in asked if "/api/map/" in u and "choropleth" not in u], asked


def test_clicking_a_painted_desa_shows_its_counts(browser_page, users, bandung_db):
    spread_cases(bandung_db)
    show_choropleth(browser_page, users["dinas"], f"/map?area={KECAMATAN}")
    page = browser_page.page
    counts = {c: n for c, n in db_counts(bandung_db).items() if c.startswith(KECAMATAN + ".")}
    busiest = max(counts, key=counts.get)
    lon, lat = bandung_db.connect().execute(
        "SELECT ST_X(p), ST_Y(p) FROM region, ST_PointOnSurface(geom) p WHERE code = %s",
        (busiest,)).fetchone()
    browser_page.click_map(lat, lon)
    popup = page.locator(".leaflet-popup .geomap-popup-choropleth")
    popup.wait_for(state="visible")
    assert popup.locator(".geomap-popup-total td").inner_text() == str(counts[busiest])
    assert popup.locator(".geomap-popup-category").count() == 2  # AT and KM


def test_a_planner_page_holds_no_personal_data_nor_points(browser_page, users, seeded,
                                                          live_server):
    bodies: list[tuple[str, str]] = []

    def keep(response) -> None:
        with contextlib.suppress(Exception):  # binary bodies (tiles, images) have no text
            bodies.append((response.url, response.text()))

    browser_page.page.on("response", keep)
    show_choropleth(browser_page, users["planner"], f"/map?area={KABUPATEN}")
    page = browser_page.page
    page.select_option(".geomap-filters select[name=level]", "kecamatan")
    wait_overlay(browser_page, "choropleth")
    labels = legend_entries(page, "choropleth")
    assert any("<5" in label for label in labels)
    # Its heat map is the server's raster: no point overlay is offered to it at all.
    control = page.locator(CONTROL)
    assert control.get_by_label(HEAT, exact=True).count() == 0
    control.get_by_label(DENSITY, exact=True).check()
    wait_overlay(browser_page, "density")
    assert page.locator("img.geomap-density").count() == 1
    assert any("/api/map/choropleth.json" in url for url, _ in bodies)
    assert any("/api/map/density.json" in url for url, _ in bodies)
    assert not [url for url in browser_page.requests if "/api/map/heat" in url
                or "/api/cases" in url]
    for url, body in [*bodies, ("page", page.content())]:
        assert not leaks(body, seeded), url


def test_heat_and_density_toggle_for_a_tksk(browser_page, users, bandung_db):
    spread_cases(bandung_db)
    browser_page.log_in(users["tksk"], f"/map?area={KABUPATEN}")
    page = browser_page.page
    control = page.locator(CONTROL)
    for title, name, selector in ((HEAT, "heat", "canvas.leaflet-heatmap-layer"),
                                  (DENSITY, "density", "img.geomap-density")):
        box = control.get_by_label(title, exact=True)
        box.check()
        wait_overlay(browser_page, name)
        assert page.locator(selector).count() == 1
        assert page.locator(f".geomap-legend-{name} h3").count() == 1
        box.uncheck()
        assert page.locator(selector).count() == 0
        assert page.locator(f".geomap-legend-{name}").count() == 0
    box = control.get_by_label(HEAT, exact=True)
    box.check()
    wait_overlay(browser_page, "heat")
    data = page.evaluate("() => window.geomap.state.overlays.heat.data")
    # Its own kecamatan's cases only.
    expected = bandung_db.scalar("SELECT count(*) FROM pmks_case WHERE kecamatan_code = %s",
                                 (KECAMATAN,))
    assert data["count"] == sum(p[2] for p in data["points"]) == expected > 0


def test_the_panel_and_legends_speak_english(browser_page, users, bandung_db):
    spread_cases(bandung_db)
    browser_page.log_in(users["dinas"], f"/map?area={KABUPATEN}")
    page = browser_page.page
    # A shared link (the fragment never reaches the server, so not through the login).
    browser_page.goto(f"/map?area={KABUPATEN}&lang=en&level=kecamatan&from=2025-01-01"
                      "#10/-7.05/107.6/kecamatan,desa,choropleth")
    browser_page.wait_for_layers("kecamatan", "desa")
    wait_overlay(browser_page, "choropleth")
    panel = page.locator(".geomap-filters")
    assert panel.locator("h2").inner_text() == "Filter PMKS cases"
    assert "From" in panel.inner_text() and "Classes by" in panel.inner_text()
    legend = page.locator(".geomap-legend-choropleth")
    assert legend.locator("h3").inner_text() == "Number of cases · Kecamatan (district)"
    assert legend.locator(".geomap-legend-period").inner_text() == "Period: from 2025-01-01"
    assert "Quantiles" in legend.inner_text() and "All categories" in legend.inner_text()
    assert page.locator(CONTROL).get_by_label("PMKS by area", exact=True).is_checked()
    # The language switch keeps the filters and the layers on.
    switch = page.get_by_role("link", name="Bahasa Indonesia")
    href = switch.get_attribute("href")
    assert "lang=id" in href and "level=kecamatan" in href and "from=2025-01-01" in href
    assert href.endswith(",choropleth")
