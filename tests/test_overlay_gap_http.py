"""``GET /api/map/gap.json``: the bivariate need x coverage classes and the ranked table.

The table's cases, distances and boxes are checked against the database (SQL counts,
PostGIS distances from each desa's point to the nearest resource, the desa's box);
a planner's table shows only published counts and no case coordinate reaches it.
"""

from __future__ import annotations

import json
import re

import numpy as np

from tests.auth_fixtures import KECAMATAN, OTHER_KECAMATAN
from tests.overlay_fixtures import assert_bilingual_400, demo, overlay

__all__ = ["demo"]

# Per desa: cases, metres from its demand point (as layers/analysis/desa_units.sql picks
# it) to the nearest active LKS in the UTM zone, and its box.
DESA = """
SELECT d.code, (SELECT count(*) FROM pmks_case c WHERE c.desa_code = d.code),
       (SELECT min(ST_Distance(ST_Transform(r.geom, s.srid), ST_Transform(q, s.srid)))
          FROM psks_resource r WHERE r.active AND r.category_code = 'LKS'),
       ST_XMin(d.geom), ST_YMin(d.geom), ST_XMax(d.geom), ST_YMax(d.geom)
  FROM region d
  CROSS JOIN LATERAL (SELECT geomap_utm_srid(geom) AS srid FROM region WHERE code = '32.04') s
  CROSS JOIN LATERAL (SELECT CASE WHEN d.label_point IS NOT NULL
       AND ST_Intersects(d.geom, d.label_point) THEN d.label_point
       ELSE ST_PointOnSurface(d.geom) END AS q) p
 WHERE d.level = 'desa' AND starts_with(d.code, %s)
"""


def desa_facts(db, prefix: str = "32.04.") -> dict[str, tuple]:
    with db.connect() as conn:
        return {r[0]: r[1:] for r in conn.execute(DESA, (prefix,)).fetchall()}


def test_dinas_table_and_classes(demo, users, login_as):
    body = overlay(login_as(users["dinas"]), "gap", area="32.04", psks="LKS", rows="15")
    facts = desa_facts(demo)
    assert body["need_measure"] == "count"  # no population loaded
    ranked = body["ranked"]
    assert len(ranked) == 15
    gaps = [r["gap"] for r in ranked]
    assert gaps == sorted(gaps, reverse=True) and gaps[0] > 0.5
    for row in ranked:
        cases, nearest, *box = facts[row["code"]]
        assert row["cases"] == str(cases)
        assert row["kecamatan"] == row["code"][:8]
        assert abs(row["nearest_m"] - nearest) <= 1.0
        assert np.allclose(row["bounds"], box)
    # Need tertiles: every coloured desa's need class holds its count.
    lo, hi = body["need_breaks"]
    for code, unit in body["units"].items():
        n = facts[code][0]
        assert unit["need"] == (0 if n <= lo else 1 if n <= hi else 2)
        assert unit["color"] == body["colors"][unit["need"]][unit["coverage"]]
    assert len(body["units"]) == len(facts)
    # The legend is the 3x3 grid.
    grid = body["legend"]["entries"]
    assert body["legend"]["bivariate"] is True
    # (need from high, the grid's top row, to low; coverage from low to high)
    assert [(e["need"], e["coverage"]) for e in grid] == [(n, c) for n in (2, 1, 0)
                                                         for c in range(3)]
    for entry in grid:
        assert entry["count"] == sum(1 for u in body["units"].values()
                                     if (u["need"], u["coverage"]) == (entry["need"],
                                                                       entry["coverage"]))
    # The top row is among the neediest and least covered.
    top = body["units"][ranked[0]["code"]]
    assert top["need"] == 2 and top["coverage"] == 0


def test_planner_sees_published_counts_and_no_case_coordinates(demo, users, login_as):
    client = login_as(users["planner"])
    body = overlay(client, "gap", area="32.04", rows="200")
    assert body["suppressed"] is True
    facts = desa_facts(demo)
    for row in body["ranked"]:  # only desa whose count is shown, and shown exactly
        assert row["cases"] == str(facts[row["code"]][0])
        assert int(row["cases"]) == 0 or int(row["cases"]) >= 5
    hidden = {code for code, f in facts.items() if 0 < f[0] < 5}
    assert not hidden & set(body["units"])
    raw = client.get("/api/map/gap.json?area=32.04&rows=200").get_data(as_text=True)
    with demo.connect() as conn:
        points = conn.execute("SELECT ST_X(geom), ST_Y(geom) FROM pmks_case").fetchall()
    # No case's position (both its coordinates, to the 6 decimals it is stored with; one
    # alone may match a desa box's edge by chance).
    numbers = {round(float(x), 6) for x in re.findall(r"-?\d+\.\d+", raw)}
    assert numbers and not [p for p in points
                            if round(p[0], 6) in numbers and round(p[1], 6) in numbers]
    assert "lat" not in json.loads(raw)["ranked"][0]


def test_tksk_gets_its_kecamatan_only(demo, users, login_as):
    client = login_as(users["tksk"])
    body = overlay(client, "gap", area="32.04")
    assert body["area"] == KECAMATAN
    assert body["ranked"] and all(r["code"].startswith(KECAMATAN + ".") for r in body["ranked"])
    assert all(r["bounds"] is not None for r in body["ranked"])
    assert set(body["units"]) <= set(desa_facts(demo, KECAMATAN + "."))
    overlay(client, "gap", 404, area=OTHER_KECAMATAN)


def test_bad_parameters(demo, users, login_as, web_client):
    overlay(web_client, "gap", 401, area="32.04")
    client = login_as(users["admin"])
    for rows in ("0", "abc", "201"):
        assert_bilingual_400(overlay(client, "gap", 400, area="32.04", rows=rows), "rows")
    assert_bilingual_400(overlay(client, "gap", 400, area="32.04", psks="?"), "PSKS")
    assert_bilingual_400(overlay(client, "gap", 400, area="32.04", categories="NOPE"))


def test_need_is_the_rate_once_population_is_loaded(demo, users, login_as):
    with demo.connect() as conn:  # residents: 1,000 per desa plus 100 per digit of its code
        conn.execute("INSERT INTO region_population (code, population, source)"
                     " SELECT code, 1000 + 100 * right(code, 1)::int, 'test' FROM region"
                     " WHERE level = 'desa'")
        rates = dict(conn.execute(
            "SELECT d.code, 1000.0 * count(c.id) / p.population FROM region d"
            " JOIN region_population p USING (code) LEFT JOIN pmks_case c ON c.desa_code"
            " = d.code WHERE d.level = 'desa' GROUP BY d.code, p.population").fetchall())
    body = overlay(login_as(users["dinas"]), "gap", area="32.04")
    assert body["need_measure"] == "rate"
    assert "per 1.000 penduduk" in " ".join(body["legend"]["notes"])
    cuts = np.quantile(np.array(list(rates.values()), float), [1 / 3, 2 / 3])
    assert np.allclose(body["need_breaks"], cuts, atol=1e-3)
    for row in body["ranked"]:
        assert abs(row["need"] - float(rates[row["code"]])) < 1e-9
