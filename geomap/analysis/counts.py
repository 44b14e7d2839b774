"""Case counts of a filter per desa and kecamatan, per PMKS category, ready to publish.

One table holds every count a map page can show for a filter: the area total,
each kecamatan and desa, and each of those per category (the popups). They are
suppressed together, in one audit, because a page shows them together: a desa
count hidden on the desa layer must not come back from the kecamatan layer minus
the other desa, nor from a popup's categories. See ``privacy`` for the rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import psycopg

from geomap.analysis import privacy
from geomap.analysis.filters import CaseFilter
from geomap.analysis.privacy_network import HierarchicalTable
from geomap.analysis.query import frame

PER = 1000.0  # rates are cases per 1,000 residents
# What hiding a cell costs the reader, per cell kind in ``build``'s order (area total,
# kecamatan, desa, then area, kecamatan and desa per category): the choropleths show the
# totals, the popups the categories, so complements come from the categories first.
_COST_WEIGHT = np.array([1000.0, 30.0, 10.0, 4.0, 2.0, 1.0])


@dataclass
class CountTable:
    """Counts at every level with their privacy status and what may be shown.

    ``desa`` and ``kecamatan``: one row per unit of the area (zero counts included),
    columns code, name, kecamatan (desa only), population, count, status, label,
    rate (NaN when hidden or no population). ``categories``: non-zero counts per unit
    and category, columns level, code, category, count, status, label.
    """

    desa: pd.DataFrame
    kecamatan: pd.DataFrame
    categories: pd.DataFrame
    total: int
    total_label: str
    suppressed: bool
    threshold: int
    # The audit trail: every published cell's value and status, and the sums between them.
    cells: np.ndarray | None = None
    cell_status: np.ndarray | None = None
    equations: privacy.Equations | None = None
    network: HierarchicalTable | None = None  # the same sums as a network (the exact audit)


def _units(conn: psycopg.Connection, where: CaseFilter) -> pd.DataFrame:
    units = frame(conn, "desa_units", {"prefix": where.area + ".", "srid": 4326})
    units["population"] = units["population"].astype(float)
    return units.drop(columns=["x", "y"]).set_index("code")


def count_table(conn: psycopg.Connection, where: CaseFilter, *, suppress: bool,
                threshold: int | None = None) -> CountTable:
    """The filter's counts; with ``suppress`` (a planner), small counts are hidden."""
    threshold = privacy.suppress_below() if threshold is None else threshold
    desa = _units(conn, where)
    pairs = frame(conn, "counts", where.params())
    pairs = pairs[pairs["desa_code"].isin(desa.index)]
    return build(desa, pairs, suppress=suppress, threshold=threshold)


def build(desa: pd.DataFrame, pairs: pd.DataFrame, *, suppress: bool,
          threshold: int) -> CountTable:
    """The table from desa units (index code; name, kecamatan, kecamatan_name, population)
    and non-zero (desa_code, category_code, n) counts. Pure: the tests call it directly."""
    pairs = pairs.assign(kecamatan=desa.loc[pairs["desa_code"], "kecamatan"].to_numpy())
    dc = pairs.rename(columns={"desa_code": "code", "category_code": "category", "n": "count"})
    kc = dc.groupby(["kecamatan", "category"], as_index=False)["count"].sum() \
        .rename(columns={"kecamatan": "code"})
    ac = dc.groupby("category", as_index=False)["count"].sum()
    d_tot = dc.groupby("code")["count"].sum()
    k_tot = kc.groupby("code")["count"].sum()
    total = int(ac["count"].sum())

    # Cells: area total, kecamatan totals, desa totals, area x cat, kec x cat, desa x cat.
    sizes = [1, len(k_tot), len(d_tot), len(ac), len(kc), len(dc)]
    start = np.concatenate([[0], np.cumsum(sizes)])
    values = np.concatenate([[total], k_tot.to_numpy(), d_tot.to_numpy(), ac["count"],
                             kc["count"], dc["count"]]).astype(np.int64)
    status = np.zeros(len(values), dtype=np.int8)
    eqs = grid = None  # the sums between cells matter only to the suppression
    if suppress:
        eqs = _equations(start, k_tot, d_tot, ac, kc, dc, desa)
        grid = _grid(start, k_tot, d_tot, ac, kc, dc, desa)
        status = privacy.suppress(values, eqs, threshold, cost=values * _COST_WEIGHT.repeat(sizes),
                                  audit=lambda s: grid.pinned(values, s, threshold))
    label = np.array(privacy.labels(values, status, threshold), dtype=object)

    def cells(i: int) -> slice:
        return slice(start[i], start[i + 1])

    desa_out = _level(desa, d_tot,
                      status[cells(2)], label[cells(2)])
    kec_units = desa.groupby("kecamatan").agg(name=("kecamatan_name", "first"))
    pop = desa.groupby("kecamatan")["population"]
    # A kecamatan's population is known only when every desa's is.
    kec_units["population"] = pop.sum().where(pop.count() == pop.size())
    kec_out = _level(kec_units, k_tot, status[cells(1)], label[cells(1)])
    cats = pd.concat([
        ac.assign(level="area", code="", status=status[cells(3)], label=label[cells(3)]),
        kc.assign(level="kecamatan", status=status[cells(4)], label=label[cells(4)]),
        dc.drop(columns="kecamatan").assign(level="desa", status=status[cells(5)],
                                            label=label[cells(5)]),
    ], ignore_index=True)[["level", "code", "category", "count", "status", "label"]]
    return CountTable(desa_out, kec_out, cats, total, str(label[0]), suppress, threshold,
                      values, status, eqs, grid)


def _level(units: pd.DataFrame, totals: pd.Series, status: np.ndarray,
           label: np.ndarray) -> pd.DataFrame:
    out = units.copy()
    out["count"] = totals.reindex(out.index, fill_value=0).astype(int)
    out["status"] = pd.Series(status, index=totals.index).reindex(out.index, fill_value=0)
    out["label"] = pd.Series(label, index=totals.index).reindex(out.index, fill_value="0")
    population = out["population"].astype(float)
    rate = out["count"] / population.where(population > 0) * PER
    out["rate"] = rate.where(out["status"] == privacy.SHOWN)
    out.index.name = "code"
    return out.reset_index()


def _grid(start: np.ndarray, k_tot: pd.Series, d_tot: pd.Series, ac: pd.DataFrame,
          kc: pd.DataFrame, dc: pd.DataFrame, desa: pd.DataFrame) -> HierarchicalTable:
    """The cells laid out as kecamatan x desa x category: the table as a network, which
    the exact audit searches (``privacy_network``)."""
    kec, dsa, cat = pd.Index(k_tot.index), pd.Index(d_tot.index), pd.Index(ac["category"])
    return HierarchicalTable.from_positions(
        area=np.r_[start[3] + np.arange(len(cat)), 0],
        kecamatan_total=start[1] + np.arange(len(kec)),
        desa_kecamatan=kec.get_indexer(desa["kecamatan"].reindex(dsa).to_numpy()),
        desa_total=start[2] + np.arange(len(dsa)),
        kc_kecamatan=kec.get_indexer(kc["code"]), kc_category=cat.get_indexer(kc["category"]),
        kc_cell=start[4] + np.arange(len(kc)),
        dc_desa=dsa.get_indexer(dc["code"]), dc_category=cat.get_indexer(dc["category"]),
        dc_cell=start[5] + np.arange(len(dc)))


def _equations(start: np.ndarray, k_tot: pd.Series, d_tot: pd.Series, ac: pd.DataFrame,
               kc: pd.DataFrame, dc: pd.DataFrame, desa: pd.DataFrame) -> privacy.Equations:
    """Every published sum between the cells, as (kind, total cell, part cell) rows.

    Lookups are by hash on plain arrays (kecamatan and category joined into one key):
    pandas' ``.loc`` on a MultiIndex and the factorising of (kind, total) tuples took
    0.15-0.25 s of every count table of a kabupaten or the province; this takes 0.01 s
    and gives the same equations in the same order.
    """
    def ids(first: int, labels: np.ndarray, asked: np.ndarray) -> np.ndarray:
        """The cell of each label of ``asked``: ``first`` plus its position in ``labels``."""
        return first + pd.Index(labels).get_indexer(asked)

    k_codes, d_codes = k_tot.index.to_numpy(), d_tot.index.to_numpy()
    kc_key = kc["code"].to_numpy(object) + "|" + kc["category"].to_numpy(object)
    dc_key = dc["kecamatan"].to_numpy(object) + "|" + dc["category"].to_numpy(object)
    k_all = start[1] + np.arange(len(k_codes))
    ac_all = start[3] + np.arange(len(ac))
    kc_all = start[4] + np.arange(len(kc))
    dc_all = start[5] + np.arange(len(dc))
    d_kec = desa["kecamatan"].reindex(d_codes).to_numpy()
    rows = [
        (ids(start[1], k_codes, d_kec), start[2] + np.arange(len(d_codes))),  # kecamatan = its desa
        (np.zeros(len(k_codes), np.int64), k_all),  # area = its kecamatan
        (ids(start[2], d_codes, dc["code"].to_numpy()), dc_all),  # desa = its categories
        (ids(start[1], k_codes, kc["code"].to_numpy()), kc_all),  # kecamatan = its categories
        (np.zeros(len(ac), np.int64), ac_all),  # area = its categories
        (ids(start[4], kc_key, dc_key), dc_all),  # kecamatan x category = its desa
        (ids(start[3], ac["category"].to_numpy(), kc["category"].to_numpy()),
         kc_all),  # area x category = its kecamatan
    ]
    kind = np.concatenate([np.full(len(t), i, np.int64) for i, (t, _) in enumerate(rows)])
    total = np.concatenate([t for t, _ in rows]).astype(np.int64)
    part = np.concatenate([p for _, p in rows]).astype(np.int64)
    # One equation per (kind, total cell), numbered in the order they first appear.
    width = int(start[-1]) + 1
    eq_of, first = pd.factorize(kind * width + total)
    eq_total = np.asarray(first, dtype=np.int64) % width
    return privacy.Equations.from_arrays(eq_total, eq_of.astype(np.int64), part)
