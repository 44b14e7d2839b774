"""Small-count suppression: "<5" for planners, and no hidden count recoverable from totals.

The property tests audit every suppressed table with a linear programme (the
attacker's best interval for each hidden cell given every published total), an
independent check of the interval reasoning ``suppress`` uses.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geomap.analysis.privacy import (
    HIDDEN,
    SHOWN,
    SMALL,
    Equations,
    labels,
    suppress,
    suppress_below,
)
from tests.analysis_fixtures import assert_no_hidden_cell_recoverable, lp_range

T = 5


def assert_safe(values: np.ndarray, sums: list[tuple[int, list[int]]]) -> np.ndarray:
    status = suppress(values, Equations.build(sums), T)
    small = (values >= 1) & (values < T)
    assert (status[small] != SHOWN).all()  # "<5", or "*" where nothing shown could cover it
    assert small[status == SMALL].all()
    for cell in np.flatnonzero(status != SHOWN):
        low, high = lp_range(values, status, sums, int(cell))
        assert np.floor(high + 1e-6) - np.ceil(low - 1e-6) >= 1, (cell, values, status)
    return status


counts = st.integers(0, 12)


@st.composite
def hierarchy(draw) -> tuple[np.ndarray, list[tuple[int, list[int]]]]:
    """A kabupaten of kecamatan of desa: cell 0 the kabupaten, then kecamatan, then desa."""
    desa = [draw(st.lists(counts, min_size=1, max_size=6)) for _ in range(draw(st.integers(1, 4)))]
    values = [sum(map(sum, desa))]
    sums: list[tuple[int, list[int]]] = [(0, [])]
    for kec in desa:
        kec_cell = len(values)
        values.append(sum(kec))
        sums[0][1].append(kec_cell)
        parts = list(range(len(values), len(values) + len(kec)))
        values.extend(kec)
        sums.append((kec_cell, parts))
    return np.array(values), sums


@st.composite
def crosstab(draw) -> tuple[np.ndarray, list[tuple[int, list[int]]]]:
    """Desa x category counts with desa totals, category totals and the grand total."""
    rows, cols = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    inner = np.array(draw(st.lists(counts, min_size=rows * cols, max_size=rows * cols)))
    grid = inner.reshape(rows, cols)
    values = np.concatenate([inner, grid.sum(1), grid.sum(0), [grid.sum()]])
    idx = np.arange(rows * cols).reshape(rows, cols)
    row_tot = rows * cols + np.arange(rows)
    col_tot = rows * cols + rows + np.arange(cols)
    grand = rows * cols + rows + cols
    sums = [(int(row_tot[r]), idx[r].tolist()) for r in range(rows)]
    sums += [(int(col_tot[c]), idx[:, c].tolist()) for c in range(cols)]
    sums += [(grand, row_tot.tolist()), (grand, col_tot.tolist())]
    return values, sums


@settings(max_examples=300, deadline=None)
@given(hierarchy())
def test_no_hidden_count_recoverable_in_a_hierarchy(table) -> None:
    assert_safe(*table)


@settings(max_examples=200, deadline=None)
@given(crosstab())
def test_no_hidden_count_recoverable_in_a_category_breakdown(table) -> None:
    assert_safe(*table)


def test_one_suppressed_desa_drags_the_next_smallest() -> None:
    # A kecamatan of 27 shown with desa 3, 10, 6, 8: the 3 alone would be 27 - 24.
    values = np.array([27, 3, 10, 6, 8])
    status = assert_safe(values, [(0, [1, 2, 3, 4])])
    assert status.tolist() == [SHOWN, SMALL, SHOWN, HIDDEN, SHOWN]
    assert labels(values, status, T) == ["27", "<5", "10", "*", "8"]


def test_nothing_small_nothing_hidden() -> None:
    values = np.array([20, 0, 12, 8])
    status = suppress(values, Equations.build([(0, [1, 2, 3])]), T)
    assert (status == SHOWN).all()


def test_threshold_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert suppress_below() == 5
    monkeypatch.setenv("GEOMAP_SUPPRESS_BELOW", "11")
    assert suppress_below() == 11
    values = np.array([30, 10, 20])
    status = suppress(values, Equations.build([(0, [1, 2])]))
    assert labels(values, status) == ["30", "<11", "*"]
    monkeypatch.setenv("GEOMAP_SUPPRESS_BELOW", "lima")
    with pytest.raises(ValueError, match="integer"):
        suppress_below()


@st.composite
def case_counts(draw):
    """Desa (in 1-3 kecamatan) x categories, as count_table gets them from SQL."""
    import pandas as pd

    n_desa = draw(st.integers(1, 5))
    kec = [f"k{draw(st.integers(0, 2))}" for _ in range(n_desa)]
    desa = pd.DataFrame({"code": [f"d{i}" for i in range(n_desa)], "name": "x",
                         "kecamatan": kec, "kecamatan_name": kec,
                         "population": np.nan}).set_index("code")
    cats = ["AT", "ABT", "FM"]
    n = draw(st.lists(st.integers(0, 9), min_size=n_desa * 3, max_size=n_desa * 3))
    pairs = pd.DataFrame({"desa_code": np.repeat(desa.index, 3), "category_code": cats * n_desa,
                          "n": n})
    return desa, pairs[pairs["n"] > 0]


@settings(max_examples=60, deadline=None)
@given(case_counts())
def test_count_tables_for_planners_are_safe(data) -> None:
    from geomap.analysis.counts import build

    desa, pairs = data
    table = build(desa, pairs, suppress=True, threshold=T)
    assert_no_hidden_cell_recoverable(table.cells, table.cell_status, table.equations)
    shown = table.desa[table.desa.status == SHOWN]
    assert (shown["label"] == shown["count"].astype(str)).all()
    small = table.desa[(table.desa["count"] > 0) & (table.desa["count"] < T)]
    assert (small["label"] == "<5").all()


def test_two_small_totals_together_pin_a_third() -> None:
    """Found by the crosstab property test: a 4 x 4 table whose col-1 total (3) is the sum
    of two "<5" row totals that the grand total fixes. Interval reasoning alone misses it;
    the linear-programming audit (``privacy_lp``) catches it."""
    grid = np.array([[0, 2, 0, 0], [0, 0, 0, 0], [0, 0, 1, 4], [0, 1, 0, 0]])
    values = np.concatenate([grid.ravel(), grid.sum(1), grid.sum(0), [grid.sum()]])
    idx = np.arange(16).reshape(4, 4)
    sums = [(16 + r, idx[r].tolist()) for r in range(4)]
    sums += [(20 + c, idx[:, c].tolist()) for c in range(4)]
    sums += [(24, [16, 17, 18, 19]), (24, [20, 21, 22, 23])]
    assert_safe(values, sums)


@pytest.mark.parametrize("seed", range(6))
def test_bounds_after_hiding_more_are_the_same_from_the_last_fixpoint(seed: int) -> None:
    """The settling rounds recompute the bounds only in the groups of hidden cells a new
    complement joins (``privacy._rebound``); that must equal the whole fixpoint."""
    from geomap.analysis import counts, privacy
    from tests.analysis_fixtures import province

    rng = np.random.default_rng(seed)
    desa, pairs = province(seed)
    table = counts.build(desa, pairs, suppress=True, threshold=T)
    values, eqs = table.cells, table.equations
    status = table.cell_status.copy()
    # Start from fewer hidden cells (some complements shown again), then hide some more.
    before = status.copy()
    before[(before == privacy.HIDDEN) & (rng.random(len(values)) < 0.5)] = privacy.SHOWN
    known = privacy.bounds(values, before, eqs, T)
    after = before.copy()
    shown = np.flatnonzero(after == privacy.SHOWN)
    after[rng.choice(shown, size=max(1, len(shown) // 20), replace=False)] = privacy.HIDDEN
    links = privacy._Links.build(eqs, len(values))
    lo, hi = privacy._rebound(values, after, eqs, links, T, known,
                              np.flatnonzero(after != before))
    whole_lo, whole_hi = privacy.bounds(values, after, eqs, T)
    assert np.array_equal(lo, whole_lo) and np.array_equal(hi, whole_hi)
    assert not np.array_equal(whole_lo, known[0]) or not np.array_equal(whole_hi, known[1])
