"""Gap: where need is high and coverage low.

Need is the PMKS rate per 1,000 residents (the count when population is not
loaded), coverage the E2SFCA score. Each is cut into tertiles (low, middle,
high) at its 1/3 and 2/3 quantiles, giving the 3x3 bivariate class of each desa.
Equal values always share a tertile, so the three need not be the same size.

The ranked table orders desa by ``gap = need percentile - coverage percentile``
(from +1: the neediest and least covered, to -1), the desa a planner should look
at first. For a planner, a desa whose count is hidden has no known need: it gets
no class and is left out of the table, as it is left out of the choropleth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geomap.analysis import privacy
from geomap.analysis.access import Coverage
from geomap.analysis.counts import CountTable

TERTILE_NAMES = ("rendah / low", "sedang / middle", "tinggi / high")


@dataclass
class Gap:
    """``desa``: code, name, kecamatan, kecamatan_name, cases (label), need, score,
    nearest_m, need_class, coverage_class (0-2, -1 unknown), gap. Sorted by gap."""

    desa: pd.DataFrame
    need_breaks: list[float]
    coverage_breaks: list[float]
    need_measure: str  # "rate" or "count"

    def ranked(self, limit: int = 20) -> pd.DataFrame:
        """The desa with most need and least coverage first."""
        known = self.desa[self.desa["need_class"] >= 0]
        return known.head(limit)[["code", "name", "kecamatan_name", "cases", "nearest_m",
                                  "score", "need", "gap"]]


def tertiles(values: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """Class 0-2 of each value (-1 for NaN) and the two cut points."""
    values = np.asarray(values, float)
    known = np.isfinite(values)
    out = np.full(len(values), -1, dtype=np.int64)
    if not known.any():
        return out, []
    cuts = np.quantile(values[known], [1 / 3, 2 / 3])
    out[known] = (values[known] > cuts[0]).astype(int) + (values[known] > cuts[1])
    return out, [float(c) for c in cuts]


def gap(table: CountTable, cov: Coverage) -> Gap:
    """Join need (from the count table, privacy applied) and coverage per desa."""
    desa = table.desa.merge(cov.desa[["code", "score", "nearest_m"]], on="code", how="left")
    measure = "rate" if desa["population"].notna().all() and len(desa) else "count"
    shown = desa["status"].to_numpy() == privacy.SHOWN
    raw = desa["rate"] if measure == "rate" else desa["count"].astype(float)
    need = np.where(shown, raw.to_numpy(float), np.nan)
    need_cls, need_cuts = tertiles(need)
    cov_cls, cov_cuts = tertiles(desa["score"].to_numpy(float))
    need_pct = pd.Series(need).rank(pct=True)
    cov_pct = desa["score"].rank(pct=True)
    out = pd.DataFrame({
        "code": desa["code"], "name": desa["name"], "kecamatan": desa["kecamatan"],
        "kecamatan_name": desa["kecamatan_name"], "cases": desa["label"], "need": need,
        "score": desa["score"], "nearest_m": desa["nearest_m"], "need_class": need_cls,
        "coverage_class": cov_cls, "gap": (need_pct - cov_pct).to_numpy()})
    out = out.sort_values(["gap", "need"], ascending=[False, False], na_position="last",
                          kind="stable").reset_index(drop=True)
    return Gap(out, need_cuts, cov_cuts, measure)
