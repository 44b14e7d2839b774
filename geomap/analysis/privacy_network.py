"""The exact audit of a planner's count table, as a network: no linear programme.

A count table (area, kecamatan and desa, each in total and per category; see ``counts``)
is a network. Its sums are flow conservation at these nodes:

- each desa row: its total flows in, its categories flow out;
- each kecamatan and column (a category, or the total): its desa cells flow in, its own
  cell flows out (for the total column, the other way round);
- the area's columns likewise, and one root closes the area's row.

(A kecamatan's own row sum, and the area's, follow from the others, so they add nothing.)
Every cell is an arc between two nodes, and a table consistent with everything published
is a flow within each hidden cell's published bounds ("<5" in [1, threshold-1], "*" at
least the threshold, or at least 0 for a "*" below it; shown cells fixed).

So a hidden cell can rise by one exactly when its arc lies on a cycle of the residual
graph (an edge along each arc that can rise, against each arc that can fall) that does
not come straight back along the same arc, and likewise to fall. For an arc that can move
only one way that is "both ends in one strongly connected component"; for an arc with
room both ways it is "each end reaches the other without this arc". A cell that can do
neither is pinned: the published table gives it away. This is what the linear programme
of ``privacy_lp`` decides, in milliseconds for the province, and exactly.

The two-way arcs are checked in three steps, cheapest first: a rectangle of four hidden
cells in one kecamatan (two desa, two columns) or between two kecamatan (each carried by
one of its desa) proves most of them in one batched matrix product; then the components
with the remaining candidates' arcs all removed; then a search per cell for the few left.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components

from geomap.analysis import privacy


@dataclass(frozen=True)
class HierarchicalTable:
    """Where each cell of an area's count table sits, as arrays of cell indices (-1: no
    cell, a zero count, which is published and cannot move). The last column of each is
    the row's total."""

    desa: np.ndarray  # (kecamatan, desa of it, categories + 1)
    kecamatan: np.ndarray  # (kecamatan, categories + 1)
    area: np.ndarray  # (categories + 1,)

    @classmethod
    def from_positions(cls, *, area: np.ndarray, kecamatan_total: np.ndarray,
                       desa_kecamatan: np.ndarray, desa_total: np.ndarray,
                       kc_kecamatan: np.ndarray, kc_category: np.ndarray, kc_cell: np.ndarray,
                       dc_desa: np.ndarray, dc_category: np.ndarray,
                       dc_cell: np.ndarray) -> HierarchicalTable:
        """The grids from cell positions: ``area`` is the area's row (one cell per category,
        then the total); ``kecamatan_total[k]`` is kecamatan k's total cell;
        ``desa_kecamatan[i]`` and ``desa_total[i]`` are desa i's kecamatan and total cell;
        the kecamatan-by-category cells ``kc_cell`` sit at (``kc_kecamatan``,
        ``kc_category``), the desa-by-category cells ``dc_cell`` at (``dc_desa``,
        ``dc_category``), categories numbered as in ``area``."""
        categories = len(area) - 1
        n_kec = len(kecamatan_total)
        per_kec = np.bincount(desa_kecamatan, minlength=n_kec)
        order = np.argsort(desa_kecamatan, kind="stable")
        row = np.empty(len(desa_kecamatan), np.int64)
        row[order] = np.arange(len(order)) - np.repeat(np.cumsum(per_kec) - per_kec, per_kec)
        desa = np.full((n_kec, int(per_kec.max(initial=0)), categories + 1), -1, np.int64)
        desa[desa_kecamatan, row, categories] = desa_total
        desa[desa_kecamatan[dc_desa], row[dc_desa], dc_category] = dc_cell
        kec = np.full((n_kec, categories + 1), -1, np.int64)
        kec[:, categories] = kecamatan_total
        kec[kc_kecamatan, kc_category] = kc_cell
        return cls(desa, kec, np.asarray(area, np.int64))

    @cached_property
    def arcs(self) -> tuple[np.ndarray, np.ndarray]:
        """Each cell's arc (tail, head): one more in the cell is one more unit of flow from
        tail to head. Nodes: the desa rows, then each (kecamatan, column), then each area
        column, then the root."""
        n_kec, n_desa, width = self.desa.shape
        kec_node = n_kec * n_desa + np.arange(n_kec * width).reshape(n_kec, width)
        area_node = kec_node.size + n_kec * n_desa + np.arange(width)
        root = area_node[-1] + 1
        total = np.arange(width) == width - 1
        n = 1 + max(int(self.desa.max(initial=-1)), int(self.kecamatan.max(initial=-1)),
                    int(self.area.max(initial=-1)))
        tail, head = np.full(n, -1, np.int64), np.full(n, -1, np.int64)

        def place(cells: np.ndarray, lower: np.ndarray, upper: np.ndarray,
                  is_total: np.ndarray) -> None:
            """Categories flow from the lower node to the upper one, totals the other way."""
            tail[cells] = np.where(is_total, upper, lower)
            head[cells] = np.where(is_total, lower, upper)

        k, d, c = np.nonzero(self.desa >= 0)
        place(self.desa[k, d, c], k * n_desa + d, kec_node[k, c], total[c])
        k, c = np.nonzero(self.kecamatan >= 0)
        place(self.kecamatan[k, c], kec_node[k, c], area_node[c], total[c])
        c = np.flatnonzero(self.area >= 0)
        place(self.area[c], area_node[c], np.full(len(c), root), total[c])
        if (tail < 0).any():
            raise ValueError("a cell of the table has no place in its grid")
        return tail, head

    def pinned(self, values: np.ndarray, status: np.ndarray, threshold: int) -> np.ndarray:
        """The hidden cells whose value the published table fixes to one integer."""
        tail, head = self.arcs
        lo, hi = privacy._initial_bounds(values, status, threshold)
        hidden = status != privacy.SHOWN
        up, down = hidden & (hi - values >= 1), hidden & (values - lo >= 1)
        n_nodes = int(max(tail.max(), head.max())) + 1
        graph = _residual(tail, head, up, down, n_nodes)
        _, component = connected_components(graph, directed=True, connection="strong")
        together = component[tail] == component[head]
        free = together & (up ^ down)  # a one-way arc on a cycle: it moves
        both = together & up & down
        free |= both & self._rectangles(up, down)
        left = np.flatnonzero(both & ~free)
        if len(left):
            # Without every candidate's arc at once: what still closes a cycle moves.
            keep = np.ones(len(values), bool)
            keep[left] = False
            _, component = connected_components(
                _residual(tail, head, up & keep, down & keep, n_nodes),
                directed=True, connection="strong")
            free[left] = component[tail[left]] == component[head[left]]
            for cell in left[~free[left]].tolist():
                free[cell] = _moves_alone(graph, int(tail[cell]), int(head[cell]))
        return np.flatnonzero(hidden & ~free)

    def _rectangles(self, up: np.ndarray, down: np.ndarray) -> np.ndarray:
        """The cells some move of four hidden cells (eight between kecamatan) proves."""
        d_up, d_down = _signed(self.desa, up, down)
        k_up, k_down = _signed(self.kecamatan, up, down)
        d_ok = (_rectangle(d_down, d_up) & d_up) | (_rectangle(d_up, d_down) & d_down)
        # Between kecamatan k1 and k2: k1 does +c -e, carried by one of its desa doing the
        # same (so that desa's own total stays), and k2 does +e -c likewise.
        trade = np.einsum("kdc,kde->kce", d_up.astype(np.float32),
                          d_down.astype(np.float32)) > 0
        side = k_up[:, :, None] & k_down[:, None, :] & trade
        width = side.shape[1]
        side[:, np.arange(width), np.arange(width)] = False
        others = side.sum(axis=0)[None] - side
        partner = side & (others.transpose(0, 2, 1) > 0)
        k_ok = partner.any(axis=2) | partner.any(axis=1)
        carried = partner.astype(np.float32)
        d_ok |= d_up & (np.einsum("kde,kce->kdc", d_down.astype(np.float32), carried) > 0)
        d_ok |= d_down & (np.einsum("kdc,kce->kde", d_up.astype(np.float32), carried) > 0)
        out = np.zeros(len(up), bool)
        out[self.desa[d_ok & (self.desa >= 0)]] = True
        out[self.kecamatan[k_ok & (self.kecamatan >= 0)]] = True
        return out


def _residual(tail: np.ndarray, head: np.ndarray, up: np.ndarray, down: np.ndarray,
              n_nodes: int) -> csr_matrix:
    """An edge along each arc that can rise, against each arc that can fall."""
    src = np.concatenate([tail[up], head[down]])
    dst = np.concatenate([head[up], tail[down]])
    return coo_matrix((np.ones(len(src)), (src, dst)), shape=(n_nodes, n_nodes)).tocsr()


def _moves_alone(graph: csr_matrix, tail: int, head: int) -> bool:
    """Whether either end of a two-way arc reaches the other without the arc itself (no
    other arc joins the same two nodes, so dropping the two edges between them drops
    just this one)."""
    without = graph.copy()
    for a, b in ((tail, head), (head, tail)):
        row = slice(without.indptr[a], without.indptr[a + 1])
        without.data[row][without.indices[row] == b] = 0.0
    without.eliminate_zeros()
    return bool(np.isin(tail, breadth_first_order(without, head, return_predecessors=False))
                or np.isin(head, breadth_first_order(without, tail,
                                                     return_predecessors=False)))


def _signed(grid: np.ndarray, up: np.ndarray, down: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """Which cells of ``grid`` may rise and fall by one in the signed table, where the total
    column counts negative (its row sums to zero), so its rising is the total falling."""
    present = grid >= 0
    cell_up = np.where(present, up[grid], False)
    cell_down = np.where(present, down[grid], False)
    total = np.zeros(grid.shape[-1], bool)
    total[-1] = True
    return np.where(total, cell_down, cell_up), np.where(total, cell_up, cell_down)


def _rectangle(fall: np.ndarray, rise: np.ndarray) -> np.ndarray:
    """For each cell (r1, c1) of each (rows x columns) table of the batch: is there a
    rectangle r1, r2 x c1, c2 (r2 != r1, c2 != c1) with (r1, c2) and (r2, c1) able to fall
    and (r2, c2) able to rise, so (r1, c1) can rise? ``pairs[r1, r2]`` counts the columns
    where r1 can fall and r2 rise; the one column to leave out is c1 itself, which matters
    only when exactly one column pairs them."""
    f, r = fall.astype(np.float32), rise.astype(np.float32)
    pairs = np.einsum("kac,kbc->kab", f, r)
    n = pairs.shape[1]
    pairs[:, np.arange(n), np.arange(n)] = 0.0  # r2 != r1
    many = (pairs >= 2).astype(np.float32)
    one = (pairs == 1).astype(np.float32)
    with_many = np.einsum("kab,kbc->kac", many, f) > 0
    one_clear = np.where(fall, np.einsum("kab,kbc->kac", one, f * (1.0 - r)) > 0,
                         np.einsum("kab,kbc->kac", one, f) > 0)
    return with_many | one_clear
