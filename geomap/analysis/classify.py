"""Choropleth classes: quantiles, natural breaks (Fisher-Jenks) or equal interval.

Quantiles and equal interval come from mapclassify. Natural breaks are the exact
Fisher-Jenks optimum, but mapclassify's ``FisherJenks`` is pure Python without
numba (minutes for the ~5,950 desa of Jawa Barat), so the same dynamic programme
runs here over the *distinct* values with their multiplicities (counts repeat a
lot), one numpy vector per step: well under a second for a province. The tests
check it against ``mapclassify.FisherJenks`` on small data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Method = Literal["quantiles", "natural_breaks", "equal_interval"]
METHODS: tuple[Method, ...] = ("quantiles", "natural_breaks", "equal_interval")
METHOD_NAMES = {"quantiles": "Kuantil / Quantiles",
                "natural_breaks": "Jeda alami (Fisher-Jenks) / Natural breaks",
                "equal_interval": "Interval sama / Equal interval"}


@dataclass(frozen=True)
class Classes:
    """A legend: class upper bounds (``breaks``), their labels, and how many units in each."""

    method: Method
    breaks: list[float]
    labels: list[str]
    counts: list[int]
    minimum: float | None

    def as_dict(self) -> dict[str, object]:
        return {"method": self.method, "method_name": METHOD_NAMES[self.method],
                "breaks": self.breaks, "labels": self.labels, "counts": self.counts,
                "minimum": self.minimum}


def fisher_jenks_breaks(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of the ``k`` classes minimising the within-class sum of squares."""
    v, w = np.unique(np.asarray(values, float), return_counts=True)
    u = len(v)
    k = min(k, u)
    w = w.astype(float)
    s1 = np.concatenate([[0.0], np.cumsum(w * v)])
    s2 = np.concatenate([[0.0], np.cumsum(w * v * v)])
    sw = np.concatenate([[0.0], np.cumsum(w)])

    def ssd(start: np.ndarray, end: int) -> np.ndarray:
        """Sum of squared deviations of distinct values start..end-1 (start a vector)."""
        n = sw[end] - sw[start]
        s = s1[end] - s1[start]
        return s2[end] - s2[start] - s * s / n

    # cost[c, j]: best cost of the first j distinct values in c + 1 classes.
    cost = np.full((k, u + 1), np.inf)
    back = np.zeros((k, u + 1), dtype=np.int64)
    cost[0, 1:] = s2[1:] - s1[1:] ** 2 / sw[1:]
    for c in range(1, k):
        for j in range(c + 1, u + 1):
            starts = np.arange(c, j)  # the last class is starts..j-1
            total = cost[c - 1, starts] + ssd(starts, j)
            best = int(np.argmin(total))
            cost[c, j], back[c, j] = total[best], starts[best]
    ends = [u]
    for c in range(k - 1, 0, -1):
        ends.append(int(back[c, ends[-1]]))
    return v[np.array(ends[::-1]) - 1]


def _label(lo: float, hi: float, integers: bool) -> str:
    if integers:
        lo_i, hi_i = int(np.ceil(lo)), int(np.floor(hi))
        return f"{lo_i}" if lo_i == hi_i else f"{lo_i}–{hi_i}"
    return f"{lo:,.1f}–{hi:,.1f}"


def classify(values: np.ndarray, method: Method = "quantiles",
             k: int = 5) -> tuple[np.ndarray, Classes]:
    """Class of each value (0-based; -1 for NaN, i.e. not shown) and the legend.

    Fewer classes than ``k`` when there are fewer distinct values.
    """
    if method not in METHODS:
        raise ValueError(f"metode tidak dikenal / unknown method: {method}")
    import mapclassify  # slow to import (seconds): only when classifying
    values = np.asarray(values, float)
    shown = np.isfinite(values)
    y = values[shown]
    out = np.full(len(values), -1, dtype=np.int64)
    if len(y) == 0:
        return out, Classes(method, [], [], [], None)
    k = max(1, min(k, len(np.unique(y))))
    if k == 1:
        breaks = np.array([y.max()])
    elif method == "quantiles":
        breaks = mapclassify.Quantiles(y, k=k).bins
    elif method == "equal_interval":
        breaks = mapclassify.EqualInterval(y, k=k).bins
    else:
        breaks = fisher_jenks_breaks(y, k)
    breaks = np.unique(np.asarray(breaks, float))
    out[shown] = np.searchsorted(breaks, y, side="left")
    integers = bool(np.all(y == np.round(y)))
    lows = [float(y.min()), *(np.floor(breaks[:-1]) + 1 if integers else breaks[:-1])]
    labels = [_label(lo, hi, integers) for lo, hi in zip(lows, breaks, strict=True)]
    counts = np.bincount(out[shown], minlength=len(breaks)).tolist()
    return out, Classes(method, [float(b) for b in breaks], labels, counts, float(y.min()))
