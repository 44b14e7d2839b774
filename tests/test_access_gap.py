"""Gap: the 3x3 need x coverage classes and the ranked table of desa to look at first."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geomap.analysis.access import Coverage
from geomap.analysis.counts import build
from geomap.analysis.gap import gap, tertiles


def test_tertiles_keep_ties_together() -> None:
    cls, cuts = tertiles(np.array([0, 0, 0, 0, 1, 2, 3, 4, 5, np.nan]))
    assert cls.tolist() == [0, 0, 0, 0, 1, 1, 2, 2, 2, -1]
    assert len(cuts) == 2


def tables(counts: list[int], scores: list[float], suppress: bool):
    n = len(counts)
    codes = [f"32.04.01.20{i:02d}" for i in range(n)]
    desa = pd.DataFrame({"code": codes, "name": [f"Desa {i}" for i in range(n)],
                         "kecamatan": "32.04.01", "kecamatan_name": "Kec",
                         "population": np.nan}).set_index("code")
    pairs = pd.DataFrame({"desa_code": codes, "category_code": "AT", "n": counts})
    table = build(desa, pairs[pairs.n > 0], suppress=suppress, threshold=5)
    cov = Coverage(pd.DataFrame({"code": codes, "kecamatan": "32.04.01", "demand": counts,
                                 "score": scores, "nearest_m": np.arange(n) * 100.0}),
                   sum(counts), 0, "cases")
    return table, cov


def test_bivariate_classes_and_ranking() -> None:
    counts = [40, 35, 30, 20, 18, 15, 8, 7, 6]
    scores = [0.0, 0.5, 0.9, 0.1, 0.6, 1.0, 0.2, 0.7, 1.1]
    result = gap(*tables(counts, scores, suppress=False))
    assert result.need_measure == "count"
    d = result.desa.set_index("name")
    assert (d.loc["Desa 0", "need_class"], d.loc["Desa 0", "coverage_class"]) == (2, 0)
    assert (d.loc["Desa 8", "need_class"], d.loc["Desa 8", "coverage_class"]) == (0, 2)
    assert (d.loc["Desa 4", "need_class"], d.loc["Desa 4", "coverage_class"]) == (1, 1)
    top = result.ranked(3)
    assert top["name"].tolist()[0] == "Desa 0"  # most need, least coverage
    assert list(top.columns) == ["code", "name", "kecamatan_name", "cases", "nearest_m",
                                 "score", "need", "gap"]
    assert result.desa["gap"].is_monotonic_decreasing


def test_hidden_need_is_not_ranked_for_a_planner() -> None:
    counts = [40, 3, 30, 20, 18, 15, 8, 7, 6]
    scores = [0.0, 0.0, 0.9, 0.1, 0.6, 1.0, 0.2, 0.7, 1.1]
    result = gap(*tables(counts, scores, suppress=True))
    d = result.desa.set_index("name")
    assert d.loc["Desa 1", "cases"] == "<5" and d.loc["Desa 1", "need_class"] == -1
    assert "Desa 1" not in result.ranked(20)["name"].tolist()
    shown = result.ranked(20)
    assert not shown["cases"].isin(["<5", "*"]).any()
