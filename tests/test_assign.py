"""The one point rule: which desa is this point in?

The points are found in Kabupaten Bandung's real boundaries by SQL: where two desa
overlap, in a sliver no desa covers, 100 m and 1 km outside the outer edge of the
desa, and where a neighbouring kecamatan's polygon reaches over a desa. Expected
answers are computed here from ``region`` (not ``desa_piece``, which the rule uses).
"""

from __future__ import annotations

import numpy as np
import pytest

import geomap.assign
from geomap.assign import assign_desa

# Points by role, each as (lon, lat) plus what the test expects there.
_POINTS_SQL = {
    # In exactly one desa, far from its edge.
    "inside": """
        SELECT d.code, ST_X(p), ST_Y(p)
          FROM region d, ST_PointOnSurface(d.geom) p
         WHERE d.level = 'desa'
           AND (SELECT count(*) FROM region o WHERE o.level = 'desa'
                   AND ST_Intersects(o.geom, p)) = 1
         ORDER BY d.code LIMIT 1""",
    # In the largest overlap of two desa (and in no third one).
    "overlap": """
        SELECT a.code || ',' || b.code, ST_X(p), ST_Y(p)
          FROM region a
          JOIN region b ON a.level = 'desa' AND b.level = 'desa' AND a.code < b.code
                       AND ST_Intersects(a.geom, b.geom)
         CROSS JOIN LATERAL ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3) i
         CROSS JOIN LATERAL ST_PointOnSurface(i) p
         WHERE NOT ST_IsEmpty(i)
           AND (SELECT count(*) FROM region o WHERE o.level = 'desa'
                   AND ST_Intersects(o.geom, p)) = 2
         ORDER BY ST_Area(i) DESC LIMIT 1""",
    # In a hole of the union of all desa (a sliver between them) within 250 m of one.
    "sliver": """
        WITH u AS (SELECT ST_Union(geom) AS g FROM region WHERE level = 'desa'),
        rings AS (SELECT (ST_DumpRings((ST_Dump(g)).geom)).* FROM u),
        holes AS (SELECT ST_PointOnSurface(geom) AS p, ST_Area(geom) AS a
                    FROM rings WHERE path[1] > 0)
        SELECT NULL, ST_X(p), ST_Y(p) FROM holes
         WHERE NOT EXISTS (SELECT 1 FROM region o WHERE o.level = 'desa'
                              AND ST_Intersects(o.geom, p))
         ORDER BY a DESC LIMIT 1""",
}


def _edge_point(conn, metres: float) -> tuple[float, float]:
    """A vertex of the outer edge of all desa buffered by ``metres`` (geodesic)."""
    return conn.execute(
        """WITH u AS (SELECT ST_Union(geom) AS g FROM region WHERE level = 'desa'),
           b AS (SELECT (ST_Dump(ST_Buffer(g::geography, %s)::geometry)).geom AS g FROM u),
           ring AS (SELECT ST_ExteriorRing(g) AS r FROM b ORDER BY ST_Area(g) DESC LIMIT 1)
           SELECT ST_X(ST_PointN(r, 1 + ST_NPoints(r) / 3)),
                  ST_Y(ST_PointN(r, 1 + ST_NPoints(r) / 3)) FROM ring""",
        (metres,)).fetchone()


def _nearest(conn, lon: float, lat: float) -> tuple[str, float, int]:
    """The nearest desa by geodesic distance to its polygon, the distance, and how many
    desa contain the point."""
    return conn.execute(
        """SELECT code, ST_Distance(geom::geography, p::geography),
                  (SELECT count(*) FROM region WHERE level = 'desa' AND ST_Intersects(geom, p))
             FROM region, ST_SetSRID(ST_MakePoint(%s, %s), 4326) p
            WHERE level = 'desa'
            ORDER BY 2, 1 LIMIT 1""", (lon, lat)).fetchone()


@pytest.fixture(scope="module")
def places(pg_cluster, template_bandung) -> dict[str, tuple]:
    """Every role's point, found once in the template (read only)."""
    import psycopg

    out: dict[str, tuple] = {}
    with psycopg.connect(pg_cluster.url(template_bandung), autocommit=True) as conn:
        for role, query in _POINTS_SQL.items():
            row = conn.execute(query).fetchone()
            assert row, f"no {role} point found"
            out[role] = row
        for role, metres in (("edge100", 100), ("edge1000", 1000)):
            lon, lat = _edge_point(conn, metres)
            out[role] = (None, lon, lat)
        out = {role: (*row, *_nearest(conn, row[1], row[2])) for role, row in out.items()}
    return out


def _assign(db, points, **kwargs):
    lon = np.array([p[1] for p in points])
    lat = np.array([p[2] for p in points])
    with db.connect() as conn:
        return assign_desa(conn, lon, lat, **kwargs)


def test_inside_one_desa(bandung_db, places):
    code, *_ = places["inside"]
    a = _assign(bandung_db, [places["inside"]])
    assert a.desa_code.tolist() == [code]
    assert a.snapped.tolist() == [False] and a.distance_m.tolist() == [0.0]
    assert a.kecamatan_code.tolist() == [code[:8]]


def test_overlap_gives_the_lowest_code_whatever_the_order(bandung_db, places):
    pair, lon, lat, _nearest_code, _d, containing = places["overlap"]
    assert containing == 2
    low = min(pair.split(","))
    points = [places[r] for r in ("inside", "overlap", "sliver", "edge100", "edge1000")]
    first = _assign(bandung_db, points)
    assert first.desa_code[1] == low and not first.snapped[1]
    rng = np.random.default_rng(7)
    for _ in range(3):
        order = rng.permutation(len(points))
        again = _assign(bandung_db, [points[i] for i in order])
        assert again.desa_code.tolist() == first.desa_code[order].tolist()
        assert again.snapped.tolist() == first.snapped[order].tolist()
    # Many copies of the point, among random others, through the GiST-indexed bulk path.
    lon_many = np.r_[rng.uniform(107.4, 107.8, 3000), np.full(50, lon)]
    lat_many = np.r_[rng.uniform(-7.2, -6.9, 3000), np.full(50, lat)]
    shuffle = rng.permutation(len(lon_many))
    with bandung_db.connect() as conn:
        many = assign_desa(conn, lon_many[shuffle], lat_many[shuffle])
    assert set(many.desa_code[shuffle >= 3000]) == {low}


def test_sliver_snaps_to_the_nearest_desa(bandung_db, places):
    _, _, _, nearest, distance, containing = places["sliver"]
    assert containing == 0 and 0 < distance < 250
    a = _assign(bandung_db, [places["sliver"]])
    assert a.desa_code.tolist() == [nearest]
    assert a.snapped.tolist() == [True]
    assert a.distance_m[0] == pytest.approx(distance, abs=0.05)


def test_just_outside_the_edge_snaps(bandung_db, places):
    _, _, _, nearest, distance, containing = places["edge100"]
    assert containing == 0 and 95 < distance < 105
    a = _assign(bandung_db, [places["edge100"]])
    assert a.desa_code.tolist() == [nearest] and a.snapped.tolist() == [True]
    assert a.distance_m[0] == pytest.approx(distance, abs=0.05)
    assert a.kecamatan_code.tolist() == [nearest[:8]]


def test_beyond_the_tolerance_is_outside(bandung_db, places):
    *_, distance, _ = places["edge1000"]
    assert 990 < distance < 1010
    a = _assign(bandung_db, [places["edge1000"]])
    assert a.desa_code.tolist() == [None] and a.snapped.tolist() == [False]
    assert np.isnan(a.distance_m[0])
    assert a.kecamatan_code.tolist() == [None]


def test_custom_tolerance(bandung_db, places):
    far, near = places["edge1000"], places["edge100"]
    wide = _assign(bandung_db, [far, near], tolerance_m=1500)
    assert wide.desa_code.tolist() == [far[3], near[3]]
    assert wide.snapped.tolist() == [True, True]
    assert wide.distance_m[0] == pytest.approx(far[4], abs=0.05)
    narrow = _assign(bandung_db, [far, near], tolerance_m=50)
    assert narrow.desa_code.tolist() == [None, None]
    inside = _assign(bandung_db, [places["inside"]], tolerance_m=0)
    assert inside.desa_code.tolist() == [places["inside"][0]]


def test_nan_coordinates_are_unassigned(bandung_db, places):
    a = _assign(bandung_db, [places["inside"], (None, np.nan, np.nan)])
    assert a.desa_code.tolist() == [places["inside"][0], None]


def test_kecamatan_comes_from_the_desa_code(bandung_db):
    """Where a neighbouring kecamatan's polygon covers part of a desa, the record's
    kecamatan is still the one the desa code names."""
    with bandung_db.connect() as conn:
        row = conn.execute(
            """SELECT d.code, k.code, ST_X(p), ST_Y(p)
                 FROM region d
                 JOIN region k ON d.level = 'desa' AND k.level = 'kecamatan'
                              AND k.code <> d.parent_code AND ST_Intersects(d.geom, k.geom)
                CROSS JOIN LATERAL ST_CollectionExtract(ST_Intersection(d.geom, k.geom), 3) i
                CROSS JOIN LATERAL ST_PointOnSurface(i) p
                WHERE NOT ST_IsEmpty(i)
                  AND (SELECT count(*) FROM region o WHERE o.level = 'desa'
                          AND ST_Intersects(o.geom, p)) = 1
                  AND NOT ST_Intersects((SELECT geom FROM region WHERE code = d.parent_code), p)
                ORDER BY ST_Area(i) DESC LIMIT 1""").fetchone()
        assert row, "no desa reaches into another kecamatan's polygon"
        desa, other_kecamatan, lon, lat = row
        a = assign_desa(conn, np.array([lon]), np.array([lat]))
    assert a.desa_code.tolist() == [desa]
    assert a.kecamatan_code.tolist() == [desa[:8]] != [other_kecamatan]


def test_sql_function_on_a_table(bandung_db, places):
    """``geomap_assign_desa`` itself, for callers in SQL: ids are theirs, order is not."""
    roles = ["edge1000", "sliver", "overlap", "inside", "edge100"]
    with bandung_db.connect() as conn:
        conn.execute("CREATE TABLE pts (id bigint, geom geometry(Point, 4326))")
        for i, role in enumerate(roles):
            conn.execute("INSERT INTO pts VALUES (%s, ST_SetSRID(ST_MakePoint(%s, %s), 4326))",
                         (100 + i * 7, places[role][1], places[role][2]))
        got = {i: (c, s) for i, c, s, _ in conn.execute(
            "SELECT * FROM geomap_assign_desa('pts', 250)")}
        api = _assign(bandung_db, [places[r] for r in roles])
    assert sorted(got) == [100 + i * 7 for i in range(5)]  # every point answers once
    assert [got[100 + i * 7][0] for i in range(5)] == api.desa_code.tolist()
    assert [bool(got[100 + i * 7][1]) if got[100 + i * 7][0] else False
            for i in range(5)] == api.snapped.tolist()


def test_parallel_slices_give_the_same_answers(bandung_db, monkeypatch):
    """Large inputs are cut into slices on several connections; the answers must come
    back to the right input positions."""
    rng = np.random.default_rng(11)
    lon, lat = rng.uniform(107.25, 107.95, 6000), rng.uniform(-7.35, -6.8, 6000)
    with bandung_db.connect() as conn:
        single = assign_desa(conn, lon, lat)
        monkeypatch.setattr(geomap.assign, "PARALLEL_FROM", 1000)
        monkeypatch.setattr(geomap.assign.os, "cpu_count", lambda: 3)
        sliced = assign_desa(conn, lon, lat, connect=bandung_db.connect)
    assert sliced.desa_code.tolist() == single.desa_code.tolist()
    assert sliced.snapped.tolist() == single.snapped.tolist()
    np.testing.assert_allclose(sliced.distance_m, single.distance_m)
    assert (single.desa_code != None).sum() > 1000  # noqa: E711 - elementwise
