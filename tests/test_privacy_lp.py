"""The linear-programming audit's shortcuts, checked against the whole programme.

``privacy_lp`` proves cells safe on slices (a kabupaten's cells with the rest held at
their true values; the cells one sum away from those left), which only a province's
table is big enough to use. Here the sizes that switch them on are made small, so a
table of a few kabupaten takes every path, and every hidden cell is then audited by the
tests' independent programme over the whole table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geomap.analysis import counts, privacy, privacy_lp
from tests.analysis_fixtures import assert_no_hidden_cell_recoverable, recoverable

T = 5
CATEGORIES = ["AT", "ABT", "FM", "PD", "LUT"]


def province(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three kabupaten of three kecamatan of four desa; counts mostly small, some large."""
    rng = np.random.default_rng(seed)
    codes = [f"32.{k:02d}.{c:02d}.{2000 + d}" for k in (1, 2, 3) for c in (1, 2, 3)
             for d in range(1, 5)]
    kec = [code[:8] for code in codes]
    desa = pd.DataFrame({"code": codes, "name": codes, "kecamatan": kec,
                         "kecamatan_name": kec, "population": np.nan}).set_index("code")
    n = rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 14], size=(len(codes), len(CATEGORIES)))
    pairs = pd.DataFrame({"desa_code": np.repeat(codes, len(CATEGORIES)),
                          "category_code": CATEGORIES * len(codes), "n": n.ravel()})
    return desa, pairs[pairs["n"] > 0].reset_index(drop=True)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_slices_prove_only_what_the_whole_programme_confirms(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(privacy_lp, "_BATCH", 40)  # blocks (kabupaten) from 40 cells
    monkeypatch.setattr(privacy_lp, "_WHOLE", 60)  # "one sum away" slices from 60 cells
    slices = {"block": 0, "near": 0}
    prove = privacy_lp._prove

    def counting(poly, free, unproven, **kwargs):
        if not free.all():
            slices["near" if kwargs.get("one_by_one") else "block"] += 1
        return prove(poly, free, unproven, **kwargs)

    monkeypatch.setattr(privacy_lp, "_prove", counting)
    desa, pairs = province(seed)
    table = counts.build(desa, pairs, suppress=True, threshold=T)
    assert slices["block"] > 0 and slices["near"] > 0  # both shortcuts were taken
    assert_no_hidden_cell_recoverable(table.cells, table.cell_status, table.equations)
    small = (table.cells >= 1) & (table.cells < T)
    assert (table.cell_status[small] != privacy.SHOWN).all()


def test_a_proof_holds_after_more_cells_are_hidden() -> None:
    """Why ``proven`` may be carried between audits: hiding a shown cell only widens the
    polytope, so what a point proved stays proved. After hiding more, every cell the
    carried audit does not report is safe by the whole programme."""
    desa, pairs = province(4)
    table = counts.build(desa, pairs, suppress=True, threshold=T)
    values, status, eqs = table.cells, table.cell_status.copy(), table.equations
    proven = np.zeros(len(values), bool)
    assert len(privacy_lp.pinned(values, status, eqs, T, proven=proven)) == 0
    assert proven[status != privacy.SHOWN].all()
    status[np.flatnonzero(status == privacy.SHOWN)[::3]] = privacy.HIDDEN
    reported = set(privacy_lp.pinned(values, status, eqs, T, proven=proven).tolist())
    assert set(recoverable(values, status, eqs, T)) <= reported
