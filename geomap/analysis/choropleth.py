"""The PMKS choropleth per desa or kecamatan: a value per unit, its class, the legend.

The value is the count, or the rate per 1,000 residents when population is loaded
for every unit of the layer (a rate for some units and a count for others would
make one legend lie). For a planner the value of a suppressed unit is not known to
the layer at all: it gets no class (-1) and the legend's "hidden" entry, so neither
a colour nor a class boundary narrows a "<5" down.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from geomap.analysis import privacy
from geomap.analysis.classify import Classes, Method, classify
from geomap.analysis.counts import CountTable

Level = Literal["desa", "kecamatan"]
Measure = Literal["count", "rate"]
MEASURE_NAMES = {"count": "Jumlah kasus / Number of cases",
                 "rate": "Kasus per 1.000 penduduk / Cases per 1,000 residents"}


@dataclass
class Choropleth:
    """One layer's data: ``rows`` (code, name, label, value, cls, categories) and legend."""

    level: Level
    measure: Measure
    rows: pd.DataFrame
    classes: Classes
    hidden_label: str | None  # the legend entry of suppressed units (planner only)

    def legend(self) -> dict[str, object]:
        return {"level": self.level, "measure": self.measure,
                "measure_name": MEASURE_NAMES[self.measure], **self.classes.as_dict(),
                "hidden": self.hidden_label}


def choropleth(table: CountTable, level: Level = "desa", method: Method = "quantiles",
               k: int = 5, measure: Measure | None = None) -> Choropleth:
    """Classify the units of ``level``; ``measure`` None picks rate when it can."""
    units = table.desa if level == "desa" else table.kecamatan
    has_population = bool(len(units)) and bool(units["population"].notna().all())
    measure = measure or ("rate" if has_population else "count")
    if measure == "rate" and not has_population:
        raise ValueError("data penduduk belum lengkap / population is not loaded for every "
                         "unit: use the count")
    shown = units["status"].to_numpy() == privacy.SHOWN
    raw = units["rate"] if measure == "rate" else units["count"].astype(float)
    values = np.where(shown, raw.to_numpy(float), np.nan)
    cls, classes = classify(values, method, k)
    cols = ["code", "name", "kecamatan"] if level == "desa" else ["code", "name"]
    rows = units[cols].copy()
    rows["label"] = units["label"].to_numpy()
    rows["value"] = values
    rows["cls"] = cls
    rows["categories"] = rows["code"].map(category_labels(table, level)) \
        .apply(lambda v: v if isinstance(v, list) else [])
    hidden = (f"<{table.threshold} atau disembunyikan / <{table.threshold} or hidden"
              if table.suppressed and not shown.all() else None)
    return Choropleth(level, measure, rows, classes, hidden)


def category_labels(table: CountTable, level: Level) -> dict[str, list[tuple[str, str]]]:
    """Per unit, its non-zero categories as (category, label) for the popup."""
    cats = table.categories[table.categories["level"] == level]
    if cats.empty:
        return {}
    # Grouped by one stable sort and slices, not a dict lookup per row: a province has
    # 40,000 pairs (iterating pandas columns item by item cost seconds).
    codes = cats["code"].to_numpy(object)
    order = np.argsort(codes, kind="stable")
    codes = codes[order]
    pairs = list(zip(cats["category"].to_numpy(object)[order].tolist(),
                     cats["label"].to_numpy(object)[order].tolist(), strict=True))
    cuts = [0, *(np.flatnonzero(codes[1:] != codes[:-1]) + 1).tolist(), len(codes)]
    return {codes[a]: pairs[a:b] for a, b in itertools.pairwise(cuts)}
