"""The linear-programming audit's shortcut (proofs carried between audits), checked
against the tests' independent programme over the whole table."""

from __future__ import annotations

import numpy as np

from geomap.analysis import counts, privacy, privacy_lp
from tests.analysis_fixtures import province, recoverable

T = 5


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
