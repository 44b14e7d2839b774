"""The overlay endpoints of the map page (``/api/map/<overlay>.json``) over HTTP: who may
ask, the area rule (a tksk gets its kecamatan only), bad parameters (400, bilingual), the
classes against the database, and a planner's suppressed counts."""

# ruff: noqa: F811  (pytest fixtures imported from tests.cases_fixtures)
from __future__ import annotations

import datetime as dt

import mapclassify
import numpy as np
import pytest

from tests.analysis_fixtures import add_cases
from tests.auth_fixtures import KABUPATEN, KECAMATAN, OTHER_KECAMATAN, bearer
from tests.cases_fixtures import points_in, seeded  # noqa: F401 (fixture)
from tests.test_area_rule_http import leaks

URL = "/api/map/choropleth.json"


def spread_cases(db) -> None:
    """Cases of two categories in two periods over Cileunyi and Cimenyan, 3..40 per desa."""
    with db.connect() as conn:
        for kec, base in ((KECAMATAN, 3), (OTHER_KECAMATAN, 7)):
            pts = points_in(conn, kec, 5)
            for i, (lon, lat) in enumerate(pts):
                n = base + 8 * i
                add_cases(conn, [lon] * n, [lat] * n, category="AT",
                          recorded_on=dt.date(2025, 3, 1))
                add_cases(conn, [lon] * (i + 5), [lat] * (i + 5), category="KM",
                          recorded_on=dt.date(2026, 2, 1))


def db_counts(db, where: str = "TRUE", params: tuple = ()) -> dict[str, int]:
    """Cases per desa of Kabupaten Bandung (zero included), straight from the tables."""
    rows = db.connect().execute(
        "SELECT d.code, count(c.id) FROM region d LEFT JOIN pmks_case c ON c.desa_code = d.code"
        f" AND {where} WHERE d.level = 'desa' AND d.code LIKE '32.04.%%' GROUP BY d.code",
        params).fetchall()
    return dict(rows)


def test_roles_may_ask_and_visitors_may_not(users, login_as, web_client, api_token):
    assert web_client.get(URL).status_code == 401
    for role in ("planner", "tksk", "dinas", "admin"):
        got = login_as(users[role]).get(URL + "?area=" + KABUPATEN)
        assert got.status_code == 200, (role, got.status_code)
        assert got.get_json()["overlay"] == "choropleth"
    token = api_token(users["planner"])
    assert web_client.get(URL, headers=bearer(token)).status_code == 200
    assert login_as(users["dinas"]).get("/api/map/nothing.json").status_code == 404


def test_a_tksk_gets_its_own_kecamatan_only(users, login_as, bandung_db):
    spread_cases(bandung_db)
    client = login_as(users["tksk"])
    body = client.get(URL + "?area=" + KABUPATEN).get_json()
    assert body["area"] == KECAMATAN
    assert body["units"] and all(c.startswith(KECAMATAN + ".") for c in body["units"])
    expected = {c: n for c, n in db_counts(bandung_db).items() if c.startswith(KECAMATAN + ".")}
    assert {c: int(u[1]) for c, u in body["units"].items()} == expected
    # Another kecamatan does not exist for it.
    assert client.get(URL + "?area=" + OTHER_KECAMATAN).status_code == 404
    # A dinas of the kabupaten sees both.
    dinas = login_as(users["dinas"]).get(URL + "?area=" + KABUPATEN).get_json()
    assert {c[:8] for c, u in dinas["units"].items() if u[1] != "0"} == {KECAMATAN,
                                                                         OTHER_KECAMATAN}


@pytest.mark.parametrize("query", [
    "categories=XYZ", "categories=AT,nope", "from=2025-13-01", "from=2026-01-01&to=2025-01-01",
    "level=provinsi", "method=kmeans", "measure=share", "measure=rate", "k=1", "k=99", "k=x",
    "area=32.04.05.2001", "area=abc"])
def test_bad_parameters_are_400_in_both_languages(query, users, login_as):
    got = login_as(users["dinas"]).get(f"{URL}?{query}", headers={"Accept": "application/json"})
    assert got.status_code == 400, query
    text = got.get_data(as_text=True)
    assert " / " in text and "Traceback" not in text


@pytest.mark.parametrize("method", ["quantiles", "natural_breaks", "equal_interval"])
def test_classes_match_the_database(method, users, login_as, bandung_db):
    spread_cases(bandung_db)
    client = login_as(users["dinas"])
    body = client.get(f"{URL}?area={KABUPATEN}&categories=AT&from=2025-01-01&to=2025-12-31"
                      f"&method={method}&k=4").get_json()
    counts = db_counts(bandung_db, "c.category_code = 'AT' AND c.recorded_on BETWEEN "
                       "'2025-01-01' AND '2025-12-31'")
    values = np.array(list(counts.values()), float)
    if method == "quantiles":
        breaks = np.unique(mapclassify.Quantiles(values, k=4).bins)
    elif method == "equal_interval":
        breaks = np.unique(mapclassify.EqualInterval(values, k=4).bins)
    else:
        breaks = np.unique(mapclassify.FisherJenks(values, k=4).bins)
    expected_class = dict(zip(counts, np.searchsorted(breaks, values, side="left"), strict=True))
    assert {c: u[0] for c, u in body["units"].items()} == expected_class
    entries = body["legend"]["entries"]
    assert len(entries) == len(breaks)
    assert [e["count"] for e in entries] == np.bincount(
        list(expected_class.values()), minlength=len(breaks)).tolist()
    assert entries[-1]["label"].endswith(str(int(values.max())))
    assert body["legend"]["period"] == "Periode: 2025-01-01 s.d. 2025-12-31"
    assert len({e["color"] for e in entries}) == len(entries)


def test_a_filter_changes_the_counts(users, login_as, bandung_db):
    spread_cases(bandung_db)
    client = login_as(users["dinas"])

    def total(query: str) -> int:
        units = client.get(f"{URL}?area={KABUPATEN}&{query}").get_json()["units"]
        return sum(int(u[1]) for u in units.values())

    assert total("") == sum(db_counts(bandung_db).values())
    assert total("categories=AT") == sum(db_counts(bandung_db, "c.category_code = 'AT'").values())
    assert total("categories=KM") == sum(db_counts(bandung_db, "c.category_code = 'KM'").values())
    assert total("from=2026-01-01") == total("categories=KM")
    assert total("to=2025-12-31") == total("categories=AT")
    assert total("categories=AT,KM") == total("")


def test_a_planner_gets_suppressed_counts_and_no_points(seeded, users, login_as):
    client = login_as(users["planner"])
    for level in ("desa", "kecamatan"):
        got = client.get(f"{URL}?area={KABUPATEN}&level={level}")
        body = got.get_json()
        assert body["suppressed"] is True
        assert not leaks(got.get_data(as_text=True), seeded)
        shown = [u for u in body["units"].values() if u[1] not in ("0",)]
        # 4 cases in all, 2 per kecamatan: nothing from 1 to 4 is published exactly.
        assert shown and all(u[1] in ("<5", "*") and u[2] is None and u[0] == -1
                             for u in shown), shown
        cells = [n for pairs in body["categories"].values() for _, n in pairs]
        assert all(n in ("<5", "*") for n in cells)
        assert body["total"] in ("<5", "*")
        assert any("<5" in e["label"] for e in body["legend"]["entries"])
    # A tksk (who may see the cases) gets exact counts.
    tksk = login_as(users["tksk"]).get(URL).get_json()
    assert tksk["suppressed"] is False
    assert sorted(u[1] for u in tksk["units"].values() if u[1] != "0") == ["1", "1"]


# --- heat (case points) and density (raster) ------------------------------------------

def point_reads(db) -> list[tuple[str, list[int]]]:
    return db.connect().execute("SELECT username, record_ids FROM audit_log "
                                "WHERE action = 'points.read' ORDER BY id").fetchall()


def test_heat_points_go_to_point_roles_of_the_area_only_and_are_audited(seeded, users,
                                                                        login_as, web_client,
                                                                        bandung_db):
    assert web_client.get("/api/map/heat.json").status_code == 401
    assert login_as(users["planner"]).get("/api/map/heat.json").status_code == 403
    assert point_reads(bandung_db) == []
    got = login_as(users["tksk"]).get(f"/api/map/heat.json?area={KABUPATEN}")
    assert got.status_code == 200
    assert "no-store" in got.headers["Cache-Control"]
    body = got.get_json()
    mine = [[round(lat, 4), round(lon, 4), 1] for lon, lat in seeded.points[:2]]
    assert sorted(body["points"]) == sorted(mine)  # Cimenyan's are not there
    assert body["count"] == 2
    text = got.get_data(as_text=True)
    assert not [s for person in seeded.persons for s in person if s in text]
    assert point_reads(bandung_db) == [(users["tksk"].username, sorted(seeded.mine))]
    dinas = login_as(users["dinas"]).get("/api/map/heat.json?categories=KM").get_json()
    assert dinas["points"] == [] and dinas["count"] == 0
    dinas = login_as(users["dinas"]).get("/api/map/heat.json").get_json()
    assert dinas["count"] == 4 and sum(p[2] for p in dinas["points"]) == 4
    assert point_reads(bandung_db)[-1] == (users["dinas"].username,
                                           sorted(seeded.mine + seeded.other))


def png_pixels(data_url: str) -> np.ndarray:
    import base64
    import io

    from matplotlib.image import imread

    assert data_url.startswith("data:image/png;base64,")
    return imread(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1])), format="png")


def test_density_for_a_planner_is_a_raster_without_points(seeded, users, login_as,
                                                          web_client, bandung_db):
    assert web_client.get("/api/map/density.json").status_code == 401
    client = login_as(users["planner"])
    got = client.get(f"/api/map/density.json?area={KABUPATEN}")
    assert got.status_code == 200
    body = got.get_json()
    assert not leaks(got.get_data(as_text=True), seeded)
    # Four cases, none with four others within 1 km: nothing is drawn, no colour scale.
    assert png_pixels(body["image"])[..., 3].max() == 0
    assert body["empty"] is True and body["legend"]["entries"] == []
    (south, west), (north, east) = body["bounds"]
    box = bandung_db.connect().execute(
        "SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM region "
        "WHERE code = %s", (KABUPATEN,)).fetchone()
    assert west < box[0] and south < box[1] and east > box[2] and north > box[3]
    assert east - west < (box[2] - box[0]) + 0.2  # the area plus the kernel's reach
    # Thirty cases at one place: a patch appears there, and the legend has its stops.
    spread_cases(bandung_db)
    body = client.get(f"/api/map/density.json?area={KABUPATEN}").get_json()
    assert png_pixels(body["image"])[..., 3].max() > 0 and body["empty"] is False
    entries = body["legend"]["entries"]
    assert len(entries) == 5 and entries[0]["label"].startswith("0.0")
    assert "Kernel Gauss 1 km, sel 100 m" in body["legend"]["notes"]
    assert body["legend"]["period"] == "Periode: semua waktu"
    # A category with no case in the period draws nothing.
    empty = client.get(f"/api/map/density.json?area={KABUPATEN}&categories=KM"
                       "&to=2025-12-31").get_json()
    assert png_pixels(empty["image"])[..., 3].max() == 0 and empty["empty"] is True
    # Every role logged in may have it; a visitor may not.
    assert login_as(users["tksk"]).get("/api/map/density.json").status_code == 200


def test_rates_per_1000_residents_when_population_is_loaded(users, login_as, bandung_db):
    spread_cases(bandung_db)
    client = login_as(users["dinas"])
    assert client.get(URL).get_json()["measure"] == "count"
    with bandung_db.connect() as conn:
        conn.execute("INSERT INTO region_population (code, population, source) SELECT code, "
                     "2000 + length(name) * 100, 'test' FROM region WHERE level = 'desa'")
        population = dict(conn.execute("SELECT code, population FROM region_population")
                          .fetchall())
    body = client.get(URL + "?lang=en").get_json()
    assert body["measure"] == "rate"
    counts = db_counts(bandung_db)
    for code, (_cls, label, value) in body["units"].items():
        assert label == str(counts[code])
        assert value == pytest.approx(counts[code] / population[code] * 1000, abs=1e-3)
    assert body["legend"]["title"] == "Cases per 1,000 residents · Desa/Kelurahan (village)"
    assert body["legend"]["period"] == "Period: all time"
    # The count still, when asked for.
    counted = client.get(URL + "?measure=count").get_json()
    assert counted["measure"] == "count"
    assert {c: u[2] for c, u in counted["units"].items()} == {
        c: float(n) for c, n in counts.items()}


def test_visitors_get_boundaries_only(web_client, users, login_as):
    page = web_client.get("/map?area=" + KABUPATEN).get_data(as_text=True)
    assert "geomap/overlays/" not in page and '"panel": null' in page
    assert web_client.get("/api/map/density.json").status_code == 401
    planner = login_as(users["planner"]).get("/map?area=" + KABUPATEN).get_data(as_text=True)
    assert "geomap/overlays/choropleth.js" in planner and "geomap/overlays/density.js" in planner
    assert "geomap/overlays/heat.js" not in planner and "leaflet-heat.js" not in planner
    tksk = login_as(users["tksk"]).get("/map?area=" + KABUPATEN).get_data(as_text=True)
    assert "geomap/overlays/heat.js" in tksk and "leaflet-heat.js" in tksk


def test_answers_are_kept_until_the_cases_change(users, login_as, bandung_db):
    spread_cases(bandung_db)
    planner = login_as(users["planner"])
    first = planner.get(URL + "?categories=AT")
    assert first.headers["X-Geomap-Cache"] == "miss"
    again = planner.get(URL + "?categories=AT")
    assert again.headers["X-Geomap-Cache"] == "hit" and again.data == first.data
    # Another caller with the same area and treatment shares it; exact counts do not.
    assert login_as(users["planner"]).get(URL + "?categories=AT").headers[
        "X-Geomap-Cache"] == "hit"
    dinas = login_as(users["dinas"]).get(URL + "?categories=AT")
    assert dinas.headers["X-Geomap-Cache"] == "miss" and dinas.get_json()["suppressed"] is False
    # A new case, or one deleted, makes the next answer new and right.
    with bandung_db.connect() as conn:
        (lon, lat), = points_in(conn, KECAMATAN, 1)
        assert add_cases(conn, [lon] * 6, [lat] * 6) == 6
    assert planner.get(URL + "?categories=AT").headers["X-Geomap-Cache"] == "miss"
    fresh = login_as(users["dinas"]).get(URL + "?categories=AT")
    assert fresh.headers["X-Geomap-Cache"] == "miss"
    assert sum(int(u[1]) for u in fresh.get_json()["units"].values()) == sum(
        db_counts(bandung_db, "c.category_code = 'AT'").values())
    bandung_db.connect().execute("DELETE FROM pmks_case WHERE id = (SELECT min(id) FROM "
                                 "pmks_case)")
    assert planner.get(URL + "?categories=AT").headers["X-Geomap-Cache"] == "miss"
    # The heat map is never kept: every read of points is audited.
    assert "X-Geomap-Cache" not in login_as(users["dinas"]).get("/api/map/heat.json").headers


def test_an_answer_made_by_one_worker_serves_the_others(users, login_as, bandung_db):
    """gunicorn's workers share answers through the database (``overlay_answer``): a
    worker that never saw the query (its own memory empty) answers from there."""
    from server.map_api import ANSWERS

    spread_cases(bandung_db)
    planner = login_as(users["planner"])
    first = planner.get(URL + "?categories=AT")
    assert first.headers["X-Geomap-Cache"] == "miss"
    with ANSWERS.lock:
        ANSWERS.entries.clear()  # what another worker's memory holds
    other = planner.get(URL + "?categories=AT")
    assert other.headers["X-Geomap-Cache"] == "hit" and other.data == first.data
    with bandung_db.connect() as conn:
        stored = conn.execute("SELECT count(*) FROM overlay_answer").fetchone()[0]
        conn.execute("UPDATE overlay_answer SET made_at = now() - interval '2 days'")
    assert stored == 1
    # Storing a new answer prunes those older than a day.
    login_as(users["dinas"]).get(URL + "?categories=AT")
    with bandung_db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM overlay_answer").fetchone()[0] == 1
