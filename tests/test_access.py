"""Coverage by E2SFCA: a hand-computed example, pysal ``access`` agreement, PostGIS data."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from access import Access, weights

from geomap.analysis.access import (
    Resources,
    Units,
    coverage,
    e2sfca,
    in_reach,
    nearest_distance,
    pairs_within_reach,
    tksk_caseload,
    zone_weight,
)
from geomap.analysis.area import load_area, project, unproject
from geomap.analysis.counts import count_table
from geomap.analysis.filters import CaseFilter
from tests.analysis_fixtures import add_cases, add_resources


def example() -> tuple[Units, Resources]:
    """Three desa on a line, two resources with a 3 km radius, one TKSK for k1."""
    units = Units(np.array(["d0", "d1", "d2"], dtype=object),
                  np.array(["k1", "k1", "k2"], dtype=object),
                  np.array([0.0, 1500.0, 4000.0]), np.zeros(3), np.array([10.0, 20.0, 30.0]))
    resources = Resources(np.array([0.0, 4000.0, 800.0]), np.zeros(3), np.array([6.0, 3.0, 12.0]),
                          np.array([3000.0, 3000.0, np.nan]),
                          np.array(["k1", "k2", "k1"], dtype=object))
    return units, resources


def test_zone_weights() -> None:
    d = np.array([0, 1000, 1001, 2000, 2001, 3000, 3001.0])
    assert zone_weight(d, np.full(7, 3000.0)).tolist() == [1, 1, 0.68, 0.68, 0.22, 0.22, 0]


def test_hand_computed_example() -> None:
    units, resources = example()
    # A (x=0, S=6): d0 at 0 m (w 1), d1 at 1.5 km (w .68).  B (x=4 km, S=3): d1 at
    # 2.5 km (w .22), d2 at 0 (w 1).  TKSK of k1 (S=12): d0 and d1, weight 1.
    r_a = 6 / (1 * 10 + 0.68 * 20)
    r_b = 3 / (0.22 * 20 + 1 * 30)
    r_t = 12 / (10 + 20)
    expected = [r_a + r_t, 0.68 * r_a + 0.22 * r_b + r_t, r_b]
    assert e2sfca(units, resources) == pytest.approx(expected, rel=1e-12)
    # Supply is conserved: what the desa score, weighted back by demand, is the capacity
    # of the resources that reach any demand (all three here).
    pairs = pairs_within_reach(units, resources)
    assert len(pairs.unit) == 6
    assert nearest_distance(np.array([1000.0]), np.array([0.0]), resources)[0] == 200.0
    reach = in_reach(np.array([0.0, 2900.0, 10_000.0, 10_000.0]), np.zeros(4),
                     np.array(["k2", "k2", "k2", "k1"], dtype=object), resources)
    assert reach.tolist() == [True, True, False, True]


def test_no_demand_in_reach_gives_nothing() -> None:
    units, resources = example()
    units.demand[:] = 0
    assert (e2sfca(units, resources) == 0).all()


def test_agrees_with_pysal_access() -> None:
    rng = np.random.default_rng(7)
    n, m, radius = 60, 15, 3000.0
    units = Units(np.array([f"d{i}" for i in range(n)], dtype=object),
                  np.array(["k"] * n, dtype=object), rng.uniform(0, 10_000, n),
                  rng.uniform(0, 10_000, n), rng.integers(1, 50, n).astype(float))
    resources = Resources(rng.uniform(0, 10_000, m), rng.uniform(0, 10_000, m),
                          rng.integers(1, 20, m).astype(float), np.full(m, radius),
                          np.array(["k"] * m, dtype=object))
    ours = e2sfca(units, resources)
    dx = units.x[:, None] - resources.x[None, :]
    dy = units.y[:, None] - resources.y[None, :]
    cost = pd.DataFrame({"origin": np.repeat(units.code, m), "dest": np.tile(np.arange(m), n),
                         "cost": np.hypot(dx, dy).ravel()})
    model = Access(demand_df=pd.DataFrame({"geoid": units.code, "demand": units.demand}),
                   demand_index="geoid", demand_value="demand",
                   supply_df=pd.DataFrame({"geoid": np.arange(m),
                                           "capacity": resources.capacity}),
                   supply_index="geoid", supply_value="capacity", cost_df=cost,
                   cost_origin="origin", cost_dest="dest", cost_name="cost")
    step = weights.step_fn({radius / 3: 1.0, 2 * radius / 3: 0.68, radius: 0.22})
    theirs = model.enhanced_two_stage_fca(weight_fn=step, max_cost=radius)
    assert ours == pytest.approx(theirs.iloc[:, 0].reindex(units.code).fillna(0).to_numpy(),
                                 rel=1e-9)


def test_coverage_from_postgis(bandung_db) -> None:
    with bandung_db.connect() as conn:
        area = load_area(conn, "32.04")
        kec = conn.execute("SELECT min(code) FROM region WHERE level = 'kecamatan'").fetchone()[0]
        d0 = conn.execute("SELECT ST_X(p), ST_Y(p) FROM region, ST_PointOnSurface(geom) p"
                          " WHERE parent_code = %s ORDER BY code LIMIT 1", (kec,)).fetchone()
        x, y = project(np.array([d0[0]]), np.array([d0[1]]), area.srid)
        lon, lat = unproject(x + np.array([0.0, 100, -100, 0, 20_000]),
                             y + np.array([0.0, 0, 0, 100, 0]), area.srid)
        add_cases(conn, lon[:4], lat[:4], "AT", dt.date(2026, 2, 1))
        far = add_cases(conn, lon[4:], lat[4:], "AT", dt.date(2026, 2, 1))
        add_resources(conn, [d0[0]], [d0[1]], "PSM", capacity=8)  # 2 km by default
        add_resources(conn, [d0[0]], [d0[1]], "TKSK", capacity=40)
        where = CaseFilter("32.04")
        cov = coverage(conn, area, where, ("PSM",))
        assert cov.cases == 4 + far and cov.cases_in_reach == 4
        desa = cov.desa.set_index("code")
        assert len(desa) == 280 and desa["demand"].sum() == 4 + far
        best = desa["score"].idxmax()
        assert desa.loc[best, "nearest_m"] < 2000 and desa["score"].max() > 0
        # Capacity 8 shared by what the PSM reaches: score x demand sums to 8 at most.
        assert (desa["score"] * desa["demand"]).sum() <= 8 + 1e-9
        tksk_only = coverage(conn, area, where, ("TKSK",))
        inside_kec = (tksk_only.desa["kecamatan"] == kec)
        assert (tksk_only.desa.loc[inside_kec, "score"] > 0).all()
        assert (tksk_only.desa.loc[~inside_kec, "score"] == 0).all()
        table = count_table(conn, where, suppress=False)
        load = tksk_caseload(conn, table, area)
        row = load.kecamatan.set_index("code").loc[kec]
        assert row["tksk"] == 1 and row["caseload"] == row["count"]
        assert len(load.without_tksk) == 30 and kec not in load.without_tksk
        planner = tksk_caseload(conn, count_table(conn, where, suppress=True), area)
        hidden = planner.kecamatan[planner.kecamatan["label"].isin(["<5", "*"])]
        assert hidden["caseload"].isna().all()
