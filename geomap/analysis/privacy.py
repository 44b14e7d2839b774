"""Small-count suppression for ``planner``: "<5", and no way back by subtraction.

Primary suppression: a count from 1 to ``threshold - 1`` is shown as "<5"
(zero stays 0: it names nobody). Complementary suppression: a published table
also shows totals (a kecamatan's count is the sum of its desa, a desa's count
the sum of its categories), so one hidden cell among shown siblings is the
total minus the rest. We audit the table the way an attacker would, by
interval reasoning over every published equation ``total = sum(parts)``:

* a shown cell is known exactly; a "<5" cell lies in [1, threshold-1];
* a complementary cell is hidden ("*"); we grant the attacker that it is at
  least ``threshold`` (it is, unless it is a last-resort zero), which is the
  knowledge most favourable to them;
* each equation tightens its members' bounds (a part is at least the total's
  low bound minus the other parts' high bounds, and so on), repeated to a
  fixpoint across all equations, so chains of totals are followed too.

A hidden cell whose bounds close to one integer is pinned: we then hide the
smallest shown non-zero sibling in an equation that pins it (failing that the
equation's total, then its parts) and audit again, until nothing hidden is
pinned. The tests check the result with a linear programme as well.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

SHOWN, SMALL, HIDDEN = 0, 1, 2  # cell status
DEFAULT_THRESHOLD = 5
_MAX_ROUNDS = 10_000


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


def bounds(values: np.ndarray, status: np.ndarray, eqs: Equations,
           threshold: int) -> tuple[np.ndarray, np.ndarray]:
    """What an attacker can infer about each cell: low and high bounds, at the fixpoint."""
    lo, hi = _initial_bounds(values, status, threshold)
    n_eq = len(eqs.total)
    if n_eq == 0:
        return lo, hi
    for _ in range(1000):
        before = (lo.copy(), hi.copy())
        plo, phi = lo[eqs.member], hi[eqs.member]
        sum_lo = np.bincount(eqs.member_eq, plo, minlength=n_eq)
        finite = np.isfinite(phi)
        sum_hi_finite = np.bincount(eqs.member_eq, np.where(finite, phi, 0.0), minlength=n_eq)
        n_inf = np.bincount(eqs.member_eq, ~finite, minlength=n_eq)
        sum_hi = np.where(n_inf > 0, np.inf, sum_hi_finite)
        # The total from its parts.
        eqs.into_totals.maximum(lo, sum_lo)
        eqs.into_totals.minimum(hi, sum_hi)
        # Each part from the total and the other parts.
        tlo, thi = lo[eqs.total][eqs.member_eq], hi[eqs.total][eqs.member_eq]
        others_lo = sum_lo[eqs.member_eq] - plo
        others_inf = n_inf[eqs.member_eq] - (~finite)
        others_hi = np.where(others_inf > 0, np.inf,
                             sum_hi_finite[eqs.member_eq] - np.where(finite, phi, 0.0))
        eqs.into_members.minimum(hi, thi - others_lo)
        with np.errstate(invalid="ignore"):
            part_lo = np.where(np.isinf(others_hi), -np.inf, tlo - others_hi)
        eqs.into_members.maximum(lo, part_lo)
        if np.array_equal(lo, before[0]) and np.array_equal(hi, before[1]):
            break
    return lo, hi


def pinned(values: np.ndarray, status: np.ndarray, eqs: Equations,
           threshold: int) -> np.ndarray:
    """Hidden cells whose bounds leave a single integer: recoverable by subtraction."""
    lo, hi = bounds(values, status, eqs, threshold)
    return (status != SHOWN) & (np.floor(hi + 1e-9) - np.ceil(lo - 1e-9) < 1)


def suppress(values: np.ndarray, eqs: Equations, threshold: int | None = None) -> np.ndarray:
    """The status of every cell (SHOWN, SMALL "<5", HIDDEN "*") so no hidden cell is pinned."""
    threshold = suppress_below() if threshold is None else threshold
    values = np.asarray(values, dtype=np.int64)
    status = np.where((values >= 1) & (values < threshold), SMALL, SHOWN).astype(np.int8)
    if threshold <= 1:
        return status
    # Which equations each cell is in, as a part or as the total.
    cell_eqs_part = _index(eqs.member, eqs.member_eq, len(values))
    cell_eqs_total = _index(eqs.total, np.arange(len(eqs.total)), len(values))
    parts_of = _index(eqs.member_eq, eqs.member, len(eqs.total))
    for _ in range(_MAX_ROUNDS):
        stuck = np.flatnonzero(pinned(values, status, eqs, threshold))
        if len(stuck) == 0:
            return status
        # One fix per equation and round: a fix may already free the other pinned cells
        # of the equations it touches, so they wait for the next audit.
        # Shown cells are hidden first; only when none can help does a "<5" cell become
        # "*" (a round where nothing shown is left around any pinned cell).
        for last_resort in (False, True):
            touched: set[int] = set()
            for cell in stuck:
                mine = {*cell_eqs_part[cell].tolist(), *cell_eqs_total[cell].tolist()}
                if mine & touched:
                    continue
                pick = _complement(cell, values, status, eqs, cell_eqs_part, cell_eqs_total,
                                   parts_of, last_resort)
                if pick is not None:
                    status[pick] = HIDDEN
                    touched |= mine | {*cell_eqs_part[pick].tolist(),
                                       *cell_eqs_total[pick].tolist()}
            if touched:
                break
        if not touched:
            break
    raise RuntimeError("penekanan tidak konvergen / suppression did not converge")


def _index(keys: np.ndarray, values: np.ndarray, n: int) -> list[np.ndarray]:
    order = np.argsort(keys, kind="stable")
    splits = np.searchsorted(keys[order], np.arange(1, n))
    return np.split(values[order], splits)


def _complement(cell: int, values: np.ndarray, status: np.ndarray, eqs: Equations,
                cell_eqs_part: list[np.ndarray], cell_eqs_total: list[np.ndarray],
                parts_of: list[np.ndarray], last_resort: bool = False) -> int | None:
    """The cell to hide next for a pinned ``cell``: the smallest shown non-zero sibling,
    else a shown total over it, else a shown part under it, else a shown zero, else a
    "<5" cell among those, else ``cell`` itself."""
    tiers: list[np.ndarray] = []
    siblings = [parts_of[e] for e in cell_eqs_part[cell]]
    tiers.append(np.concatenate(siblings) if siblings else np.empty(0, np.int64))
    tiers.append(eqs.total[cell_eqs_part[cell]])
    below = [parts_of[e] for e in cell_eqs_total[cell]]
    tiers.append(np.concatenate(below) if below else np.empty(0, np.int64))
    for nonzero in (True, False):
        for tier in tiers:
            ok = tier[(status[tier] == SHOWN) & (tier != cell)]
            ok = ok[values[ok] > 0] if nonzero else ok
            if len(ok):
                return int(ok[np.argmin(values[ok])])
    if not last_resort:
        return None
    # Nothing shown is left around it (a small area where every count is "<5"): a "<5"
    # neighbour becomes "*", which also drops the attacker's lower bound of 1, and as a
    # last resort the pinned cell itself.
    for tier in (*tiers, np.array([cell])):
        ok = tier[status[tier] == SMALL]
        if len(ok):
            return int(ok[np.argmin(values[ok])])
    return None


def labels(values: np.ndarray, status: np.ndarray, threshold: int | None = None) -> list[str]:
    """What a planner sees in each cell: the count, "<5" or "*"."""
    threshold = suppress_below() if threshold is None else threshold
    small, hidden = f"<{threshold}", "*"
    return [small if s == SMALL else hidden if s == HIDDEN else str(int(v))
            for v, s in zip(np.asarray(values).tolist(), np.asarray(status).tolist(),
                            strict=True)]
