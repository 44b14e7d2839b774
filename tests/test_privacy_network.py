"""The network audit of count tables (``privacy_network``) against linear programming.

Both decide the same question exactly: which hidden cells the published table pins. So on
any statuses, including careless ones that pin many cells, the network must name exactly
the cells the tests' independent programme (two per cell over the whole table) finds
recoverable: one too few would publish a count, one too many would hide for nothing.
"""

from __future__ import annotations

import numpy as np
import pytest

from geomap.analysis import counts, privacy, privacy_network
from tests.analysis_fixtures import province, recoverable

T = 5


def careless(values: np.ndarray, rng: np.random.Generator, hide: float) -> np.ndarray:
    """Statuses a planner's table could have, drawn at random: every 1-4 "<5" or "*", and
    a share ``hide`` of the other cells "*" (a zero one too: a "*" may stand for 0)."""
    small = (values >= 1) & (values < T)
    status = np.where(small, privacy.SMALL, privacy.SHOWN).astype(np.int8)
    status[rng.random(len(values)) < hide] = privacy.HIDDEN
    status[small & (rng.random(len(values)) < 0.7)] = privacy.SMALL
    return status


@pytest.mark.parametrize("seed", range(8))
def test_the_network_pins_exactly_what_the_programme_pins(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(seed)
    desa, pairs = province(seed)
    table = counts.build(desa, pairs, suppress=True, threshold=T)
    values, eqs, network = table.cells, table.equations, table.network
    searched = []  # the two-way arcs left to the per-cell search, to show that path runs
    alone = privacy_network._moves_alone
    monkeypatch.setattr(privacy_network, "_moves_alone",
                        lambda *args: searched.append(args) or alone(*args))
    checked = 0
    for hide in (0.05, 0.2, 0.5):
        status = careless(values, rng, hide)
        expected = set(recoverable(values, status, eqs, T))
        assert set(network.pinned(values, status, T).tolist()) == expected
        checked += len(expected)
    assert checked > 0  # statuses that pin something were among them
    if seed == 0:
        assert searched


def test_the_suppressed_table_passes_both_audits() -> None:
    desa, pairs = province(11)
    table = counts.build(desa, pairs, suppress=True, threshold=T)
    assert len(table.network.pinned(table.cells, table.cell_status, T)) == 0
    assert recoverable(table.cells, table.cell_status, table.equations, T) == []
    assert (table.cell_status != privacy.SHOWN).sum() > 20


def test_a_cell_without_a_place_in_the_grid_is_refused() -> None:
    grid = privacy_network.HierarchicalTable.from_positions(
        area=np.array([1, 0]), kecamatan_total=np.array([2]), desa_kecamatan=np.array([0]),
        desa_total=np.array([3]), kc_kecamatan=np.array([0]), kc_category=np.array([0]),
        kc_cell=np.array([4]), dc_desa=np.array([0]), dc_category=np.array([0]),
        dc_cell=np.array([6]))  # cell 5 is nowhere
    with pytest.raises(ValueError, match="no place"):
        grid.pinned(np.ones(7, np.int64), np.zeros(7, np.int8), T)
