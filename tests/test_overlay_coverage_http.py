"""``GET /api/map/coverage.json``: E2SFCA per desa, share of cases in reach, TKSK caseload.

Expected figures come from the database by other means than the overlay's own code:
the share in reach from PostGIS distances, counts and TKSK per kecamatan by SQL. The
classes must hold every unit's value; a planner's counts follow the privacy rule.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from geomap.analysis.counts import count_table
from geomap.analysis.filters import CaseFilter
from tests.auth_fixtures import KECAMATAN, OTHER_KECAMATAN
from tests.overlay_fixtures import assert_bilingual_400, demo, overlay

__all__ = ["demo"]

# Cases with an active resource of the categories in reach: within its radius (its own,
# else its category's) in the area's UTM zone, or in its kecamatan for a TKSK.
IN_REACH = """
WITH r AS (
  SELECT r.kecamatan_code, ST_Transform(r.geom, geomap_utm_srid(a.geom)) AS p,
         coalesce(r.service_radius_km, cr.radius_km) * 1000 AS radius_m
    FROM psks_resource r JOIN psks_category_radius cr ON cr.code = r.category_code,
         region a
   WHERE a.code = '32.04' AND r.active AND r.category_code = ANY(%(cats)s))
SELECT count(*), count(*) FILTER (WHERE EXISTS (
         SELECT 1 FROM r WHERE (r.radius_m IS NULL AND r.kecamatan_code = left(c.desa_code, 8))
            OR ST_DWithin(r.p, ST_Transform(c.geom, geomap_utm_srid(a.geom)), r.radius_m)))
  FROM pmks_case c, region a
 WHERE a.code = '32.04' AND starts_with(c.desa_code, '32.04.')
"""
PER_KECAMATAN = """
SELECT k.code, (SELECT count(*) FROM pmks_case c WHERE left(c.desa_code, 8) = k.code),
       (SELECT count(*) FROM psks_resource r WHERE r.kecamatan_code = k.code AND r.active
          AND r.category_code = 'TKSK')
  FROM region k WHERE k.level = 'kecamatan' AND starts_with(k.code, '32.04.') ORDER BY k.code
"""
ALL = ["PSP", "PSM", "TAGANA", "LKS", "KT", "LK3", "KP", "WKSBM", "WPKS", "PS", "TKSK", "DU"]


def check_classes(body: dict) -> None:
    """Each unit's class holds its value, and the legend counts the units per class."""
    breaks = body["breaks"]
    values = np.array([u["value"] for u in body["units"].values()])
    cls = np.array([u["cls"] for u in body["units"].values()])
    assert np.array_equal(cls, np.searchsorted(np.array(breaks), values - 1e-4, side="left"))
    entries = [e for e in body["legend"]["entries"] if not e.get("outline")]
    assert [e["count"] for e in entries] == np.bincount(cls, minlength=len(breaks)).tolist()
    assert [e["color"] for e in entries] == body["colors"]


def test_dinas_scores_share_and_caseload(demo, users, login_as):
    client = login_as(users["dinas"])
    body = overlay(client, "coverage", area="32.04", psks="LKS")
    with demo.connect() as conn:
        desa = [c for (c,) in conn.execute(
            "SELECT code FROM region WHERE level = 'desa' ORDER BY code").fetchall()]
        cases, in_reach = conn.execute(IN_REACH, {"cats": ["LKS"]}).fetchone()
        kecamatan = conn.execute(PER_KECAMATAN).fetchall()
    assert body["level"] == "desa" and sorted(body["units"]) == desa
    assert body["psks"] == ["LKS"]
    check_classes(body)
    assert 0 < in_reach < cases
    assert abs(body["share_in_reach"] - in_reach / cases) < 1e-9
    assert body["cases"] == str(cases)
    assert f"{in_reach / cases:.1%}" in " ".join(body["legend"]["notes"])
    # TKSK caseload per kecamatan, and the kecamatan without one.
    rows = {r["code"]: r for r in body["kecamatan"]}
    assert sorted(rows) == [k for k, _, _ in kecamatan]
    for code, n, tksk in kecamatan:
        assert rows[code]["cases"] == str(n) and rows[code]["tksk"] == tksk
        assert rows[code]["caseload"] == (n / tksk if tksk else None)
    without = [k for k, _, tksk in kecamatan if tksk == 0]
    assert len(without) == 3 and body["without_tksk"] == without
    # Every category: a TKSK brings its whole kecamatan in reach.
    every = overlay(client, "coverage", area="32.04")
    cases, in_reach = demo.connect().execute(IN_REACH, {"cats": ALL}).fetchone()
    assert abs(every["share_in_reach"] - in_reach / cases) < 1e-9
    assert every["units"] != body["units"]


def test_case_filter_changes_the_figures(demo, users, login_as):
    client = login_as(users["admin"])
    with demo.connect() as conn:
        category, n = conn.execute(
            "SELECT category_code, count(*) FROM pmks_case GROUP BY 1 ORDER BY 2 DESC"
            " LIMIT 1").fetchone()
    body = overlay(client, "coverage", area="32.04", categories=category)
    assert body["cases"] == str(n)
    assert body["filter"]["categories"] == category
    assert body["units"] != overlay(client, "coverage", area="32.04")["units"]
    check_classes(body)


def test_planner_counts_follow_the_privacy_rule(demo, users, login_as):
    body = overlay(login_as(users["planner"]), "coverage", area="32.04")
    assert body["suppressed"] is True
    with demo.connect() as conn:
        table = count_table(conn, CaseFilter("32.04"), suppress=True)
    labels = dict(zip(table.kecamatan["code"], table.kecamatan["label"], strict=True))
    assert {r["code"]: r["cases"] for r in body["kecamatan"]} == labels
    assert body["cases"] == table.total_label
    for row in body["kecamatan"]:  # a hidden count gives no caseload
        if not row["cases"].isdigit():
            assert row["caseload"] is None
    # No population: each desa's class only, an order without numbers.
    assert body["ordinal"] is True and body["breaks"] is None
    assert all(set(u) == {"cls"} for u in body["units"].values())
    labels = [e["label"] for e in body["legend"]["entries"] if not e.get("outline")]
    assert labels[0] == "kelas 1 dari 5 (terendah)" and labels[-1] == "kelas 5 dari 5 (tertinggi)"
    assert not any(ch in "".join(labels[1:-1]) for ch in ".–")
    if not table.total_label.isdigit():
        assert body["share_in_reach"] is None


def test_tksk_gets_its_kecamatan(demo, users, login_as):
    client = login_as(users["tksk"])
    body = overlay(client, "coverage", area="32.04")
    assert body["area"] == KECAMATAN and body["suppressed"] is False
    assert body["units"] and all(c.startswith(KECAMATAN + ".") for c in body["units"])
    assert [r["code"] for r in body["kecamatan"]] == [KECAMATAN]
    tksk = demo.scalar("SELECT count(*) FROM psks_resource WHERE kecamatan_code = %s"
                       " AND category_code = 'TKSK' AND active", (KECAMATAN,))
    assert body["kecamatan"][0]["tksk"] == tksk == 1 and body["without_tksk"] == []
    overlay(client, "coverage", 404, area=OTHER_KECAMATAN)
    overlay(login_as(users["dinas"]), "coverage", 404, area="32.73")  # Kota Bandung


def test_bad_parameters(demo, users, login_as, web_client):
    overlay(web_client, "coverage", 401, area="32.04")
    client = login_as(users["dinas"])
    assert_bilingual_400(overlay(client, "coverage", 400, area="32.04", psks="XX"), "PSKS")
    assert_bilingual_400(overlay(client, "coverage", 400, area="32.04", method="nope"))
    assert_bilingual_400(overlay(client, "coverage", 400, area="32.04", **{"from": "2026-13-01"}))
    assert_bilingual_400(overlay(client, "coverage", 400, area="32.04",
                                 **{"from": "2026-05-01", "to": "2026-01-01"}))


def test_share_in_reach_hides_small_counts_from_a_planner(demo):
    """The share is withheld when the cases in or out of reach are 1 to 4 (with the total
    it would name them), and only then."""
    import pandas as pd

    from geomap.analysis.access import Caseload, Coverage
    from layers.overlays.coverage import Access, share_in_reach

    with demo.connect() as conn:
        shown = count_table(conn, CaseFilter("32.04"), suppress=False)
    planner = dataclasses.replace(shown, suppressed=True, total_label=str(shown.total))
    for table, in_reach, expected in ((shown, 1998, 0.999), (planner, 1998, None),
                                      (planner, 3, None), (planner, 1995, 0.9975),
                                      (planner, 2000, 1.0), (planner, 0, 0.0)):
        cov = Coverage(pd.DataFrame(), 2000, in_reach, "cases")
        got = share_in_reach(Access(cov, table, Caseload(pd.DataFrame()), None))
        assert got == expected, (table.suppressed, in_reach)
    hidden = dataclasses.replace(planner, total_label="*")
    cov = Coverage(pd.DataFrame(), 2000, 1000, "cases")
    assert share_in_reach(Access(cov, hidden, Caseload(pd.DataFrame()), None)) is None


def test_a_planner_cannot_read_a_kecamatan_count_back_from_the_scores(demo, users, login_as):
    """With TKSK alone, a desa's exact score is its TKSK's capacity over its kecamatan's
    cases: the dinas sees exactly that. Rounded, it would still pin counts (two significant
    digits pin one here), so a planner gets no score without population; once population
    is loaded the score is capacity per resident, with nothing of the cases in it."""
    dinas, planner = login_as(users["dinas"]), login_as(users["planner"])
    exact = overlay(dinas, "coverage", area="32.04", psks="TKSK")
    tksk = ("SELECT r.kecamatan_code, r.capacity, (SELECT count(*) FROM pmks_case c"
            " WHERE left(c.desa_code, 8) = r.kecamatan_code), (SELECT sum(p.population)"
            " FROM region_population p WHERE left(p.code, 8) = r.kecamatan_code)"
            " FROM psks_resource r WHERE r.category_code = 'TKSK' AND r.active")
    with demo.connect() as conn:
        rows = conn.execute(tksk).fetchall()
    assert len(rows) == 28
    pinned = 0
    for kecamatan, capacity, cases, _ in rows:
        desa = next(c for c in exact["units"] if c.startswith(kecamatan + "."))
        score = exact["units"][desa]["value"]
        assert abs(score - capacity / cases) < 1e-4  # the channel, for the dinas
        shown = float(f"{score:.2g}")
        half = 0.5 * 10 ** (np.floor(np.log10(shown)) - 1)
        pinned += np.floor(capacity / (shown - half)) == np.ceil(capacity / (shown + half))
    assert pinned >= 1  # why rounding is no protection
    coarse = overlay(planner, "coverage", area="32.04", psks="TKSK")
    assert coarse["ordinal"] and all("value" not in u for u in coarse["units"].values())
    gap = overlay(planner, "gap", area="32.04", psks="TKSK")
    assert gap["coverage_breaks"] is None and all(r["score"] is None for r in gap["ranked"])
    with demo.connect() as conn:
        conn.execute("INSERT INTO region_population (code, population, source)"
                     " SELECT code, 2000 + 10 * right(code, 2)::int, 'test' FROM region"
                     " WHERE level = 'desa'")
        rows = conn.execute(tksk).fetchall()
    residents = overlay(planner, "coverage", area="32.04", psks="TKSK")
    assert residents["demand"] == "population" and residents["ordinal"] is False
    assert "per penduduk" in " ".join(residents["legend"]["notes"])
    for kecamatan, capacity, _, population in rows:
        desa = next(c for c in residents["units"] if c.startswith(kecamatan + "."))
        assert abs(residents["units"][desa]["value"] - capacity / population) < 1e-4
    check_classes(residents)
    assert overlay(dinas, "coverage", area="32.04", psks="TKSK")["demand"] == "cases"


def test_coverage_and_gap_are_kept_until_cases_or_resources_change(demo, users, login_as):
    """Coverage and Gap answers are kept (``X-Geomap-Cache``) under the data stamps of the
    cases and of the resources: a new default radius (the office's setting, through the
    same function as ``geomap resources set-radius``) makes both new and right."""
    from geomap.resources.store import set_radius

    client = login_as(users["dinas"])

    def get(name: str):
        response = client.get(f"/api/map/{name}.json", query_string={"area": "32.04",
                                                                     "psks": "LKS"})
        assert response.status_code == 200
        return response

    first = {name: get(name) for name in ("coverage", "gap")}
    assert all(r.headers["X-Geomap-Cache"] == "miss" for r in first.values())
    again = {name: get(name) for name in ("coverage", "gap")}
    assert all(r.headers["X-Geomap-Cache"] == "hit" for r in again.values())
    assert all(again[n].data == first[n].data for n in again)
    with demo.connect() as conn:
        set_radius(conn, "LKS", 0.5, every_resource=True)
        cases, in_reach = conn.execute(IN_REACH, {"cats": ["LKS"]}).fetchone()
    after = {name: get(name) for name in ("coverage", "gap")}
    assert all(r.headers["X-Geomap-Cache"] == "miss" for r in after.values())
    body = after["coverage"].get_json()
    assert abs(body["share_in_reach"] - in_reach / cases) < 1e-9
    assert body["share_in_reach"] < first["coverage"].get_json()["share_in_reach"]
