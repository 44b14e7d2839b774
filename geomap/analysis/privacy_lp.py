"""The exact audit of a suppressed table, by linear programming.

Interval reasoning (``privacy.bounds``) follows one sum at a time, so it misses pins
that several sums give only together: two "<5" totals adding up to a third, fixed by
the grand total. The attacker's best knowledge of a hidden cell is its least and
greatest value over the polytope of tables consistent with what is published (every
sum, shown cells exact, "<5" in [1, threshold-1], "*" at least ``threshold``). A cell
is safe when that range holds two integers, and since the true table lies in the
polytope, one point of it whose cell differs from the truth by at least one proves it.

Two programmes per hidden cell (least and greatest) took 3-13 s for a kabupaten. One
vertex moves most cells at once, so we first ask for a few (push every unproven cell up,
then down, then random mixes), then solve per cell only for what is still unproven,
each solution proving whatever else it moved. Cells of different connected groups of
hidden cells never constrain each other, so each group is its own programme.

This audit takes any set of sums. A planner's count table has a shape whose sums make a
network, and ``privacy_network`` audits it exactly without a programme, a hundred times
faster for the province; ``counts`` uses that one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

from geomap.analysis import privacy

_MOVED = 1.0 - 1e-6  # a solution this far from the truth proves a second integer
_RANDOM_PROBES = 12
_BATCH = 4000  # hidden cells in one programme of the first stage


def pinned(values: np.ndarray, status: np.ndarray, eqs: privacy.Equations,
           threshold: int, proven: np.ndarray | None = None) -> np.ndarray:
    """The non-shown cells the published sums fix to one integer.

    ``proven`` (optional, a mask over the cells, updated) carries proofs between audits
    of the same table: hiding more cells or turning "<5" into "*" only widens the
    polytope, so a point that proved a cell still proves it."""
    hidden = np.flatnonzero(status != privacy.SHOWN)
    if len(hidden) == 0 or len(eqs.total) == 0:
        return np.empty(0, np.int64)
    n, n_eq = len(values), len(eqs.total)
    rows = np.concatenate([np.arange(n_eq), eqs.member_eq])
    cols = np.concatenate([eqs.total, eqs.member])
    signs = np.concatenate([np.ones(n_eq), -np.ones(len(eqs.member))])
    whole = coo_matrix((signs, (rows, cols)), shape=(n_eq, n)).tocsc()
    shown = status == privacy.SHOWN
    a = whole[:, hidden].tocsr()
    b = -(whole[:, np.flatnonzero(shown)] @ values[shown].astype(np.float64))
    # The interval fixpoint holds on the whole polytope: as bounds it changes nothing but
    # the solver's work. Unbounded cells get a cap above any count, which can only make
    # us hide more, never less.
    lo, hi = privacy.bounds(values, status, eqs, threshold)
    cap = float(values.sum()) + threshold
    everything = _Polytope(a, b, lo[hidden], np.minimum(hi[hidden], cap),
                           values[hidden].astype(np.float64))
    proven = np.zeros(n, bool) if proven is None else proven
    unproven = ~proven[hidden]
    groups = [g for g in _groups(a) if unproven[g].any()]
    # Many pushes at once: small groups together (a programme each would cost more in
    # calls than in solving).
    for batch in _batches(groups):
        todo = unproven[batch]
        _prove(everything.part(batch), todo, one_by_one=False)
        unproven[batch] = todo
    # Then what is left, one cell at a time, in its own group.
    for group in groups:
        todo = unproven[group]
        if todo.any():
            _prove(everything.part(group), todo, one_by_one=True)
            unproven[group] = todo
    proven[hidden[~unproven]] = True
    return hidden[unproven]


def _batches(groups: list[np.ndarray]) -> list[np.ndarray]:
    """The groups packed into programmes of about ``_BATCH`` cells (a larger group alone)."""
    out: list[np.ndarray] = []
    pending: list[np.ndarray] = []
    size = 0
    for group in sorted(groups, key=len):
        if pending and size + len(group) > _BATCH:
            out.append(np.concatenate(pending))
            pending, size = [], 0
        pending.append(group)
        size += len(group)
    if pending:
        out.append(np.concatenate(pending))
    return out


@dataclass(frozen=True)
class _Polytope:
    """``a @ x == b``, ``lo <= x <= hi``: the tables consistent with what is published,
    over the hidden cells only (shown cells are constants in ``b``)."""

    a: csr_matrix
    b: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    truth: np.ndarray

    def part(self, cells: np.ndarray) -> _Polytope:
        """A group of cells no sum links to the others."""
        a = self.a[:, cells].tocsr()
        used = np.diff(a.indptr) > 0
        return _Polytope(a[used], self.b[used], self.lo[cells], self.hi[cells],
                         self.truth[cells])


def _groups(a: csr_matrix) -> list[np.ndarray]:
    """The hidden cells in groups linked by a shared sum."""
    link = (a.T.astype(bool) @ a.astype(bool)).tocsr()
    count, label = connected_components(link, directed=False)
    order = np.argsort(label, kind="stable")
    return np.split(order, np.searchsorted(label[order], np.arange(1, count)))


def _prove(part: _Polytope, unproven: np.ndarray, *, one_by_one: bool) -> None:
    """Clear ``unproven`` for the cells some point of the polytope moves by at least one."""
    todo = unproven.copy()
    lo, hi, truth = part.lo, part.hi, part.truth
    can_up, can_down = hi - truth >= _MOVED, truth - lo >= _MOVED
    todo &= can_up | can_down  # no room either way: pinned by its own bounds
    if todo.any() and part.a.shape[0]:
        bnds = np.column_stack([lo, hi])

        def probe(objective: np.ndarray) -> None:
            res = linprog(objective, A_eq=part.a, b_eq=part.b, bounds=bnds, method="highs")
            if res.status != 0:  # the truth is a point of it, and it is bounded
                raise RuntimeError(f"audit LP: {res.message}")
            todo[np.abs(res.x - truth) >= _MOVED] = False

        # Push each cell the way its interval leaves room (minimising -x pushes it up),
        # then the other way, then random mixes while they still prove something.
        first = np.where(hi - truth >= truth - lo, -1.0, 1.0)
        probe(first * todo)
        if todo.any():
            probe(-first * (todo & can_up & can_down))
        rng = np.random.default_rng(0)
        idle = 0
        for _ in range(_RANDOM_PROBES):
            left = int(todo.sum())
            if left == 0 or idle == 2:
                break
            probe(np.where(can_up & can_down, rng.choice([-1.0, 1.0], len(todo)), first) * todo)
            idle = idle + 1 if int(todo.sum()) == left else 0
        if one_by_one:
            for cell in np.flatnonzero(todo):
                for sign, room in ((-1.0, can_up), (1.0, can_down)):
                    if todo[cell] and room[cell]:
                        objective = np.zeros(len(todo))
                        objective[cell] = sign
                        probe(objective)
    elif todo.any():  # in no sum with another hidden cell: it moves within its bounds
        todo[:] = False
    unproven[:] = todo | (unproven & ~(can_up | can_down))
