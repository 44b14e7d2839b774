"""Choropleth counts, rates and classes: the numbers behind the PMKS layers and legends."""

from __future__ import annotations

import datetime as dt
import warnings

import mapclassify
import numpy as np
import pytest

from geomap.analysis import privacy
from geomap.analysis.choropleth import choropleth
from geomap.analysis.classify import classify, fisher_jenks_breaks
from geomap.analysis.counts import count_table
from geomap.analysis.filters import CaseFilter
from tests.analysis_fixtures import add_cases, assert_no_hidden_cell_recoverable


@pytest.mark.parametrize("seed", range(6))
def test_natural_breaks_are_mapclassify_fisher_jenks(seed: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.poisson(rng.uniform(2, 40), 150).astype(float)
    if seed % 2:
        y = rng.gamma(2.0, 3.0, 150)  # continuous, like rates
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "numba not installed"
        expected = mapclassify.FisherJenks(y, k=5).bins
    assert np.allclose(fisher_jenks_breaks(y, 5), expected)


def test_classes_labels_and_counts() -> None:
    values = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, np.nan])
    cls, classes = classify(values, "equal_interval", 3)
    assert classes.breaks == [3.0, 6.0, 9.0]
    assert classes.labels == ["0–3", "4–6", "7–9"]
    assert classes.counts == [4, 3, 3]
    assert cls.tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, -1]
    cls, classes = classify(np.array([2.0, 2.0, 7.0]), "quantiles", 5)
    assert len(classes.breaks) == 2  # no more classes than distinct values
    assert cls.tolist() == [0, 0, 1]
    _, classes = classify(np.array([np.nan]), "natural_breaks")
    assert classes.breaks == [] and classes.labels == []
    with pytest.raises(ValueError, match="unknown method"):
        classify(values, "jenks")


def desa_points(conn, kecamatan: str, n: int) -> list[tuple[str, float, float]]:
    """The first ``n`` desa of a kecamatan with a point inside each."""
    return conn.execute(
        "SELECT code, ST_X(p), ST_Y(p) FROM region, ST_PointOnSurface(geom) p"
        " WHERE parent_code = %s AND level = 'desa' ORDER BY code LIMIT %s",
        (kecamatan, n)).fetchall()


def put(conn, where: tuple[str, float, float], n: int, category: str = "AT",
        day: dt.date = dt.date(2026, 1, 15)) -> None:
    assert add_cases(conn, [where[1]] * n, [where[2]] * n, category, day) == n


def test_counts_per_desa_kecamatan_and_category(bandung_db) -> None:
    with bandung_db.connect() as conn:
        kec = conn.execute("SELECT min(code) FROM region WHERE level = 'kecamatan'").fetchone()[0]
        d = desa_points(conn, kec, 4)
        put(conn, d[0], 12)
        put(conn, d[0], 3, "ABT", dt.date(2026, 4, 1))
        put(conn, d[1], 7)
        put(conn, d[2], 2)
        put(conn, d[3], 9)
        table = count_table(conn, CaseFilter("32.04"), suppress=False)
        april = count_table(conn, CaseFilter("32.04", date_from=dt.date(2026, 4, 1)),
                            suppress=False)
        only_at = count_table(conn, CaseFilter(kec, ("AT",)), suppress=False)
        planner = count_table(conn, CaseFilter("32.04"), suppress=True)
    desa = table.desa.set_index("code")
    assert len(desa) == 280 and table.total == 33
    assert desa.loc[[c for c, *_ in d], "count"].tolist() == [15, 7, 2, 9]
    assert desa["count"].sum() == 33
    kecs = table.kecamatan.set_index("code")
    assert len(kecs) == 31 and kecs.loc[kec, "count"] == 33
    cats = table.categories
    assert cats[(cats.level == "desa") & (cats.code == d[0][0])].set_index("category")[
        "count"].to_dict() == {"AT": 12, "ABT": 3}
    assert april.total == 3 and only_at.total == 30 and len(only_at.desa) == len(
        desa_points_all := only_at.desa) and desa_points_all["count"].sum() == 30
    assert table.desa["rate"].isna().all()  # no population loaded

    # A planner: 2 -> "<5", the 3 ABT -> "<5", and enough else hidden that nothing
    # comes back from the kecamatan total or the categories.
    pd_ = planner.desa.set_index("code")
    assert pd_.loc[d[2][0], "label"] == "<5"
    assert planner.total_label in ("33", "*")
    assert_no_hidden_cell_recoverable(planner.cells, planner.cell_status, planner.equations)
    pc = planner.categories
    assert pc[(pc.level == "desa") & (pc.code == d[0][0]) & (pc.category == "ABT")][
        "label"].item() == "<5"
    labels = pd_.loc[[c for c, *_ in d], "label"].tolist()
    hidden = [lab for lab in labels if lab in ("<5", "*")]
    assert len(hidden) >= 2
    shown = sum(int(lab) for lab in labels if lab not in ("<5", "*"))
    assert 33 - shown >= 5 + 1  # the hidden desa share at least a "<5" and a "*"
    assert (planner.desa.loc[planner.desa.status != privacy.SHOWN, "rate"].isna()).all()


def test_choropleth_counts_then_rates(bandung_db) -> None:
    with bandung_db.connect() as conn:
        kec = conn.execute("SELECT min(code) FROM region WHERE level = 'kecamatan'").fetchone()[0]
        d = desa_points(conn, kec, 3)
        for where, n in zip(d, (10, 20, 40), strict=True):
            put(conn, where, n)
        table = count_table(conn, CaseFilter(kec), suppress=False)
        layer = choropleth(table, "desa", "equal_interval", 3)
        assert layer.measure == "count"
        assert layer.classes.breaks[-1] == 40
        rows = layer.rows.set_index("code")
        assert rows.loc[d[2][0], "cls"] == 2 and rows.loc[d[0][0], "cls"] == 0
        assert rows.loc[d[0][0], "categories"] == [("AT", "10")]
        with pytest.raises(ValueError, match="population"):
            choropleth(table, "desa", measure="rate")
        # Population for every desa of the kecamatan: the layer switches to rates.
        conn.execute("INSERT INTO region_population (code, population, source)"
                     " SELECT code, 1000 + 1000 * (row_number() OVER (ORDER BY code)), 'uji'"
                     " FROM region WHERE parent_code = %s", (kec,))
        table = count_table(conn, CaseFilter(kec), suppress=False)
    layer = choropleth(table, "desa", "natural_breaks", 3)
    assert layer.measure == "rate"
    rows = layer.rows.set_index("code")
    assert rows.loc[d[0][0], "value"] == pytest.approx(10 / 2000 * 1000)
    assert rows.loc[d[2][0], "value"] == pytest.approx(40 / 4000 * 1000)
    kec_layer = choropleth(table, "kecamatan")
    assert kec_layer.measure == "rate"
    pop = table.desa["population"].sum()
    assert kec_layer.rows["value"].item() == pytest.approx(70 / pop * 1000)
    assert kec_layer.legend()["measure_name"].startswith("Kasus per 1.000")
