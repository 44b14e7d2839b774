"""Small-count suppression for ``planner``: "<5", and no way back by subtraction.

Primary suppression: a count from 1 to ``threshold - 1`` is shown as "<5"
(zero stays 0: it names nobody). Complementary suppression: a published table
also shows totals (a kecamatan's count is the sum of its desa, a desa's count
the sum of its categories), so one hidden cell among shown siblings is the
total minus the rest. The attacker knows every published sum ``total = sum(parts)``,
that a shown cell is exact, that a "<5" cell lies in [1, threshold-1], and (most
favourable to them) that a complementary cell ("*") is at least ``threshold``
unless it is a last-resort zero or small count.

Two audits, a fast one that steers and an exact one that decides:

1. Interval reasoning: each equation tightens its members' bounds (a part is at
   least the total's low bound minus the other parts' high bounds, and so on),
   repeated to a fixpoint. A hidden cell whose bounds close to one integer is
   pinned, and the audit also says *which* equations pin it: we hide the cheapest
   shown cell of such an equation that loosens the binding bound by at least one
   (hiding a sibling removes a part's lower bound, hiding the total its upper
   bound), not any sibling in any of its sums. Hiding in sums that do not pin the
   cell cascaded until every kecamatan total of a kabupaten was "*".
2. An exact audit: interval reasoning misses pins that two or more sums give only
   together (two "<5" totals adding up to a third). Every hidden cell must keep two
   possible integers over the polytope of tables consistent with what is published;
   the few it pins get a complement and both audits run again. For a count table
   the polytope is a network flow and graph search decides (``privacy_network``);
   for any other set of sums, linear programming (``privacy_lp``).

``cost`` orders the complements (default: the count itself, so small cells are
hidden first); ``counts`` makes totals dearer than category cells so the
choropleths keep their numbers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

SHOWN, SMALL, HIDDEN = 0, 1, 2  # cell status
DEFAULT_THRESHOLD = 5
_MAX_ROUNDS = 10_000
_EPS = 1e-9


def suppress_below() -> int:
    """The threshold: counts from 1 to this minus one are suppressed (GEOMAP_SUPPRESS_BELOW)."""
    raw = os.environ.get("GEOMAP_SUPPRESS_BELOW", "").strip()
    try:
        value = int(raw) if raw else DEFAULT_THRESHOLD
    except ValueError as exc:
        raise ValueError("GEOMAP_SUPPRESS_BELOW harus bilangan bulat / must be an integer") \
            from exc
    if value < 1:
        raise ValueError("GEOMAP_SUPPRESS_BELOW minimal 1 / must be at least 1")
    return value


@dataclass(frozen=True)
class Equations:
    """Published sums: for equation e, ``cell[total[e]] == sum(cell[parts of e])``.

    Stored flat: ``member_eq[k]`` is the equation of the k-th part, ``member[k]`` its cell.
    """

    total: np.ndarray  # (E,) cell index of each equation's total
    member_eq: np.ndarray  # (M,) equation of each part
    member: np.ndarray  # (M,) cell index of each part

    @classmethod
    def build(cls, sums: Sequence[tuple[int, Sequence[int]]]) -> Equations:
        total = np.array([t for t, _ in sums], dtype=np.int64)
        sizes = [len(parts) for _, parts in sums]
        member = np.concatenate([np.asarray(p, dtype=np.int64) for _, p in sums]) \
            if sums else np.empty(0, np.int64)
        return cls(total, np.repeat(np.arange(len(sums)), sizes), member)

    @cached_property
    def into_totals(self) -> _Scatter:
        return _Scatter(self.total)

    @cached_property
    def into_members(self) -> _Scatter:
        return _Scatter(self.member)

    @classmethod
    def from_arrays(cls, total: np.ndarray, member_eq: np.ndarray,
                    member: np.ndarray) -> Equations:
        return cls(np.asarray(total, np.int64), np.asarray(member_eq, np.int64),
                   np.asarray(member, np.int64))


class _Scatter:
    """``out[index[k]] = max/min(out[index[k]], values[k])`` over all k, by one sort made
    once (``np.maximum.at`` is several times slower, and the audit runs it often)."""

    def __init__(self, index: np.ndarray) -> None:
        self.order = np.argsort(index, kind="stable")
        ordered = index[self.order]
        self.starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) \
            if len(ordered) else np.empty(0, np.int64)
        self.targets = ordered[self.starts]

    def maximum(self, out: np.ndarray, values: np.ndarray) -> None:
        if len(self.targets):
            best = np.maximum.reduceat(values[self.order], self.starts)
            out[self.targets] = np.maximum(out[self.targets], best)

    def minimum(self, out: np.ndarray, values: np.ndarray) -> None:
        if len(self.targets):
            best = np.minimum.reduceat(values[self.order], self.starts)
            out[self.targets] = np.minimum(out[self.targets], best)


def _initial_bounds(values: np.ndarray, status: np.ndarray,
                    threshold: int) -> tuple[np.ndarray, np.ndarray]:
    lo = values.astype(np.float64).copy()
    hi = lo.copy()
    small = status == SMALL
    lo[small], hi[small] = 1.0, threshold - 1.0
    hidden = status == HIDDEN
    lo[hidden] = np.where(values[hidden] >= threshold, float(threshold), 0.0)
    hi[hidden] = np.inf
    return lo, hi


def _infer(lo: np.ndarray, hi: np.ndarray, eqs: Equations
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What each equation alone says of its members, given everyone's bounds: the low and
    high bound of each part (from the total and the other parts), then of each total (from
    its parts)."""
    n_eq = len(eqs.total)
    plo, phi = lo[eqs.member], hi[eqs.member]
    finite = np.isfinite(phi)
    sum_lo = np.bincount(eqs.member_eq, plo, minlength=n_eq)
    sum_hi_finite = np.bincount(eqs.member_eq, np.where(finite, phi, 0.0), minlength=n_eq)
    n_inf = np.bincount(eqs.member_eq, ~finite, minlength=n_eq)
    sum_hi = np.where(n_inf > 0, np.inf, sum_hi_finite)
    tlo, thi = lo[eqs.total][eqs.member_eq], hi[eqs.total][eqs.member_eq]
    others_lo = sum_lo[eqs.member_eq] - plo
    others_inf = n_inf[eqs.member_eq] - (~finite)
    others_hi = np.where(others_inf > 0, np.inf,
                         sum_hi_finite[eqs.member_eq] - np.where(finite, phi, 0.0))
    part_hi = thi - others_lo
    with np.errstate(invalid="ignore"):
        part_lo = np.where(np.isinf(others_hi), -np.inf, tlo - others_hi)
    return part_lo, part_hi, sum_lo, sum_hi


def bounds(values: np.ndarray, status: np.ndarray, eqs: Equations,
           threshold: int) -> tuple[np.ndarray, np.ndarray]:
    """What an attacker can infer about each cell: low and high bounds, at the fixpoint."""
    lo, hi = _initial_bounds(values, status, threshold)
    return _fixpoint(lo, hi, eqs)


def _fixpoint(lo: np.ndarray, hi: np.ndarray, eqs: Equations
              ) -> tuple[np.ndarray, np.ndarray]:
    """Tighten ``lo`` and ``hi`` (in place) by every equation until nothing changes."""
    if len(eqs.total) == 0:
        return lo, hi
    for _ in range(1000):
        before = (lo.copy(), hi.copy())
        part_lo, part_hi, total_lo, total_hi = _infer(lo, hi, eqs)
        eqs.into_totals.maximum(lo, total_lo)
        eqs.into_totals.minimum(hi, total_hi)
        eqs.into_members.minimum(hi, part_hi)
        eqs.into_members.maximum(lo, part_lo)
        if np.array_equal(lo, before[0]) and np.array_equal(hi, before[1]):
            break
    return lo, hi


def _rebound(values: np.ndarray, status: np.ndarray, eqs: Equations, links: _Links,
             threshold: int, known: tuple[np.ndarray, np.ndarray], changed: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """``bounds`` after the cells ``changed`` were hidden, given the fixpoint ``known``
    from before: only the groups of non-shown cells linked through sums to a changed cell
    can move (a shown cell's bounds are fixed, so nothing passes through it), and only
    their sums are iterated again, from the initial bounds. The province's table splits
    into hundreds of such groups, and a round of the settling touches a few."""
    n, n_eq = len(values), len(eqs.total)
    cell, eq = links.membership_cell, links.membership_eq
    hidden = status[cell] != SHOWN
    # One graph of cells and sums (sum e is node n + e), linked where a non-shown cell is in it.
    link = coo_matrix((np.ones(int(hidden.sum())), (cell[hidden], n + eq[hidden])),
                      shape=(n + n_eq, n + n_eq))
    _, group = connected_components(link, directed=False)
    moved = np.zeros(group.max() + 1, bool)
    moved[group[changed]] = True
    active_eq = moved[group[n:]] & (np.bincount(eq[hidden], minlength=n_eq) > 0)
    active = moved[group[:n]] & (status != SHOWN)
    lo, hi = known[0].copy(), known[1].copy()
    first_lo, first_hi = _initial_bounds(values, status, threshold)
    lo[active], hi[active] = first_lo[active], first_hi[active]
    renumber = np.cumsum(active_eq) - 1
    keep = active_eq[eqs.member_eq]
    sub = Equations.from_arrays(eqs.total[active_eq], renumber[eqs.member_eq[keep]],
                                eqs.member[keep])
    return _fixpoint(lo, hi, sub)


def _closed(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return np.floor(hi + 1e-9) - np.ceil(lo - 1e-9) < 1


@dataclass(frozen=True)
class _Links:
    """Who is in which equation, both ways, for choosing complements."""

    parts_of: _Ragged  # equation -> its part cells
    eqs_of: _Ragged  # cell -> equations it is in (as part or total)
    memberships_of: _Ragged  # cell -> its membership rows (parts first, then totals)
    membership_eq: np.ndarray  # membership row -> its equation
    membership_cell: np.ndarray  # membership row -> its cell
    membership_is_total: np.ndarray  # membership row -> is the cell the equation's total

    @classmethod
    def build(cls, eqs: Equations, n: int) -> _Links:
        cells = np.concatenate([eqs.member, eqs.total])
        in_eq = np.concatenate([eqs.member_eq, np.arange(len(eqs.total))])
        is_total = np.r_[np.zeros(len(eqs.member), bool), np.ones(len(eqs.total), bool)]
        return cls(_Ragged(eqs.member_eq, eqs.member, len(eqs.total)),
                   _Ragged(cells, in_eq, n), _Ragged(cells, np.arange(len(cells)), n),
                   in_eq, cells, is_total)


def suppress(values: np.ndarray, eqs: Equations, threshold: int | None = None,
             cost: np.ndarray | None = None,
             audit: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
    """The status of every cell (SHOWN, SMALL "<5", HIDDEN "*") so no hidden cell is pinned,
    by interval reasoning and an exact audit. ``cost`` orders the complements.
    ``audit`` (optional) maps the statuses to the hidden cells the published table pins,
    exactly, for tables with a known shape (``privacy_network`` for count tables); by
    default a linear programme decides (``privacy_lp``)."""
    from geomap.analysis import privacy_lp

    threshold = suppress_below() if threshold is None else threshold
    values = np.asarray(values, dtype=np.int64)
    status = np.where((values >= 1) & (values < threshold), SMALL, SHOWN).astype(np.int8)
    if threshold <= 1 or len(eqs.total) == 0:
        return status
    cost = values.astype(np.float64) if cost is None else np.asarray(cost, np.float64)
    # A zero hidden as "*" looks like a count: the dearest complement there is.
    cost = np.where(values > 0, cost, cost.max(initial=0.0) + 1.0)
    links = _Links.build(eqs, len(values))
    proven = np.zeros(len(values), bool)  # by the programme, for good (see privacy_lp)
    for _ in range(_MAX_ROUNDS):
        _settle(values, status, eqs, threshold, cost, links)
        stuck = privacy_lp.pinned(values, status, eqs, threshold, proven) \
            if audit is None else audit(status)
        if len(stuck) == 0:
            return status
        touched: set[int] = set()
        for cell in stuck.tolist():
            if touched.intersection(links.eqs_of[cell].tolist()):
                continue  # a complement just chosen may already free it
            pick = _complement(cell, values, status, eqs, links, cost)
            if status[pick] == SMALL and touched:
                continue  # "<5" to "*" only when no shown cell helped this round
            status[pick] = HIDDEN
            touched.update(links.eqs_of[cell].tolist(), links.eqs_of[pick].tolist())
    raise RuntimeError("penekanan tidak konvergen / suppression did not converge")


def _settle(values: np.ndarray, status: np.ndarray, eqs: Equations, threshold: int,
            cost: np.ndarray, links: _Links) -> None:
    """Hide complements until interval reasoning pins nothing, in rounds of one fix per
    equation (a fix loosens every cell of the equations it is in, so their other pinned
    cells wait for the next audit)."""
    cells = links.membership_cell
    known: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # lo, hi, their status
    for _ in range(_MAX_ROUNDS):
        if known is None:
            lo, hi = bounds(values, status, eqs, threshold)
        else:
            lo, hi = _rebound(values, status, eqs, links, threshold, known[:2],
                              np.flatnonzero(status != known[2]))
        known = (lo, hi, status.copy())
        stuck = (status != SHOWN) & _closed(lo, hi)
        if not stuck.any():
            return
        part_lo, part_hi, total_lo, total_hi = _infer(lo, hi, eqs)
        m_lo, m_hi = np.r_[part_lo, total_lo], np.r_[part_hi, total_hi]
        ilo, ihi = _initial_bounds(values, status, threshold)
        # The memberships whose equation sets a pinned cell's binding low or high bound.
        binds_lo = stuck[cells] & (m_lo >= lo[cells] - _EPS) & (lo[cells] > ilo[cells] + _EPS)
        binds_hi = stuck[cells] & (m_hi <= hi[cells] + _EPS) & (hi[cells] < ihi[cells] - _EPS)
        # A cell pinned only through another pinned cell (a desa equal to its one category,
        # a kecamatan whose sibling is pinned) is freed with it. So the cheapest fixes go
        # first, each blocking the other fixes in its equations until the next audit, and
        # cells are hidden further out only in a round where nothing could be loosened.
        loosener = _looseners(binds_lo, binds_hi, values, status, eqs, links, cost,
                              threshold)
        for fallback in (False, True):
            plans = []
            for cell in np.flatnonzero(stuck & ((loosener >= 0) | fallback)).tolist():
                mine = links.memberships_of[cell]
                binding = links.membership_eq[mine[binds_lo[mine] | binds_hi[mine]]]
                pick = int(loosener[cell])
                if pick < 0:
                    pick = _complement(cell, values, status, eqs, links, cost, within=binding)
                plans.append((cost[pick], cell, pick, binding))
            touched: set[int] = set()
            for _, _cell, pick, binding in sorted(plans, key=lambda plan: plan[:2]):
                if status[pick] == HIDDEN or touched.intersection(binding.tolist()):
                    continue
                status[pick] = HIDDEN
                touched.update(binding.tolist(), links.eqs_of[pick].tolist())
            if touched:
                break
    raise RuntimeError("penekanan tidak konvergen / suppression did not converge")


def _looseners(binds_lo: np.ndarray, binds_hi: np.ndarray, values: np.ndarray,
               status: np.ndarray, eqs: Equations, links: _Links, cost: np.ndarray,
               threshold: int) -> np.ndarray:
    """For each pinned cell, the cheapest shown cell whose hiding loosens a binding bound
    by at least one (-1: none). Hidden, a shown cell becomes [threshold, inf) (or [0, inf)
    for a zero): its high bound is gone, its low bound drops by ``value - threshold``. So
    a part's low bound (total minus the others' highs) goes with any sibling, or drops
    with a total above ``threshold``; a part's high bound (total minus the others' lows)
    goes with the total, or drops with a sibling above ``threshold``; and the reverse for
    a total. ``binds_lo``/``binds_hi`` say which memberships (a cell in a sum) bind.

    All at once: per sum, its cheapest shown part and cheapest shown part above the
    threshold; then per membership its candidates; then per cell the cheapest, ties
    going to the earlier membership and to removing a bound before lowering it."""
    shown = status == SHOWN
    big = shown & (values > threshold)
    any_part = _cheapest_part(shown, eqs, links, cost)
    big_part = _cheapest_part(big, eqs, links, cost)
    total = eqs.total[links.membership_eq]
    part_any, part_big = any_part[links.membership_eq], big_part[links.membership_eq]
    is_total = links.membership_is_total
    no_total = np.full(len(total), -1)
    # (candidate, whether it lowers rather than removes the bound, order within the row)
    options = [
        (part_any, is_total & binds_hi, 0, 0),
        (part_big, is_total & binds_lo & ~binds_hi, 1, 0),
        (part_any, ~is_total & binds_lo, 0, 0),
        (np.where(big[total], total, no_total), ~is_total & binds_lo, 1, 0),
        (np.where(shown[total], total, no_total), ~is_total & binds_hi, 0, 1),
        (part_big, ~is_total & binds_hi, 1, 1),
    ]
    rows, picks, lowers, orders = [], [], [], []
    for candidate, when, lowers_it, order in options:
        ok = when & (candidate >= 0)
        rows.append(np.flatnonzero(ok))
        picks.append(candidate[ok])
        lowers.append(np.full(int(ok.sum()), lowers_it))
        orders.append(np.full(int(ok.sum()), order))
    row, pick = np.concatenate(rows), np.concatenate(picks)
    lower, order = np.concatenate(lowers), np.concatenate(orders)
    cell = links.membership_cell[row]
    best = np.lexsort((order, row, lower, cost[pick], cell))
    first = best[np.r_[True, cell[best][1:] != cell[best][:-1]]] if len(best) else best
    out = np.full(len(values), -1, np.int64)
    out[cell[first]] = pick[first]
    return out


def _cheapest_part(allowed: np.ndarray, eqs: Equations, links: _Links,
                   cost: np.ndarray) -> np.ndarray:
    """Per sum, its first part of least cost among ``allowed`` cells (-1: none)."""
    parts, starts = links.parts_of.values, links.parts_of.starts
    masked = np.where(allowed[parts], cost[parts], np.inf)
    n_eq = len(eqs.total)
    eq = np.repeat(np.arange(n_eq), np.diff(starts))
    least = np.minimum.reduceat(masked, starts[:-1]) if len(parts) else np.empty(0)
    hit = np.flatnonzero(np.isfinite(masked) & (masked == least[eq]))
    first_eq, first_at = np.unique(eq[hit], return_index=True)
    out = np.full(n_eq, -1, np.int64)
    out[first_eq] = parts[hit[first_at]]
    return out


class _Ragged:
    """``values`` grouped by ``keys`` (0 to n-1): ``self[k]`` is key k's values, in their
    order. One sort, no array per key: only the few pinned cells are ever looked up."""

    def __init__(self, keys: np.ndarray, values: np.ndarray, n: int) -> None:
        order = np.argsort(keys, kind="stable")
        self.values = values[order]
        self.starts = np.searchsorted(keys[order], np.arange(n + 1))

    def __getitem__(self, key: int) -> np.ndarray:
        return self.values[self.starts[key]:self.starts[key + 1]]


def _complement(cell: int, values: np.ndarray, status: np.ndarray, eqs: Equations,
                links: _Links, cost: np.ndarray, within: np.ndarray | None = None) -> int:
    """The cell to hide when no single bound can be loosened (a pin of several sums, found
    by the linear programme, or sums with nothing shown left): the cheapest shown cell in
    an equation of ``cell`` (those in ``within`` first), else a "<5" one, which also drops
    the attacker's lower bound of 1; else the same one sum further out, and so on; else
    ``cell`` itself. Each call hides one more cell, so the rounds end."""
    frontier = links.eqs_of[cell] if within is None or len(within) == 0 else within
    seen = np.zeros(len(eqs.total), bool)
    while len(frontier):
        seen[frontier] = True
        members = np.concatenate([*(links.parts_of[e] for e in frontier.tolist()),
                                  eqs.total[frontier]])
        for wanted in (SHOWN, SMALL):
            pool = members[(status[members] == wanted) & (members != cell)]
            if len(pool):
                return int(pool[np.argmin(cost[pool])])
        if within is not None and len(within) and frontier is within:
            frontier = links.eqs_of[cell][~seen[links.eqs_of[cell]]]
            if len(frontier):
                continue
        linked = np.unique(np.concatenate([links.eqs_of[m] for m in np.unique(members)]))
        frontier = linked[~seen[linked]]
    if status[cell] != HIDDEN:
        return cell
    raise RuntimeError("tidak ada sel yang bisa disembunyikan lagi / nothing left to hide")


def labels(values: np.ndarray, status: np.ndarray, threshold: int | None = None) -> list[str]:
    """What a planner sees in each cell: the count, "<5" or "*"."""
    threshold = suppress_below() if threshold is None else threshold
    small, hidden = f"<{threshold}", "*"
    return [small if s == SMALL else hidden if s == HIDDEN else str(int(v))
            for v, s in zip(np.asarray(values).tolist(), np.asarray(status).tolist(),
                            strict=True)]
