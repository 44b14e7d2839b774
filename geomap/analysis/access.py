"""Coverage: spatial accessibility of PSKS resources by E2SFCA, and who is in reach.

Enhanced two-step floating catchment (Luo & Qi 2009), with desa as demand units:

1. each resource j shares its capacity S_j among the demand in its catchment,
   weighted by distance decay: R_j = S_j / sum_i W(d_ij) D_i;
2. each desa i scores what reaches it: A_i = sum_j W(d_ij) R_j.

The catchment of a resource is its service radius (its own, else its category's);
a resource without a radius (TKSK) serves every desa of its kecamatan at full
weight. Distance decay is Gaussian in three zones (the inner, middle and outer
third of the radius) with Luo & Qi's weights 1, 0.68 and 0.22. Distances are
straight lines in the area's UTM zone, between desa points (a point surely
inside each desa) and resources.

All pairs within reach come from one ``cKDTree.sparse_distance_matrix`` call in
projected metres, then both steps are two ``np.bincount`` calls: no distance
matrix, no loop over desa or resources. A resource with no demand in reach gives
nothing (R_j = 0), rather than an infinite ratio.

The score reads "capacity per unit of demand": with cases as demand and
capacity in cases a resource can handle, 1.0 means the resources in reach could
take every case of the desa.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import psycopg
from scipy.spatial import cKDTree

from geomap.analysis import privacy
from geomap.analysis.area import Area, project
from geomap.analysis.counts import CountTable
from geomap.analysis.filters import CaseFilter
from geomap.analysis.query import float_arrays, frame

ZONE_WEIGHTS = np.array([1.0, 0.68, 0.22])  # Gaussian decay, Luo & Qi (2009)
Demand = Literal["cases", "population"]


@dataclass
class Units:
    """Demand units (desa): code, kecamatan, position in metres, demand."""

    code: np.ndarray
    kecamatan: np.ndarray
    x: np.ndarray
    y: np.ndarray
    demand: np.ndarray


@dataclass
class Resources:
    """Supply points: position in metres, capacity, radius in metres (NaN: its kecamatan)."""

    x: np.ndarray
    y: np.ndarray
    capacity: np.ndarray
    radius_m: np.ndarray
    kecamatan: np.ndarray

    def __len__(self) -> int:
        return len(self.x)


@dataclass
class Pairs:
    """Desa-resource pairs within reach and their decay weight."""

    unit: np.ndarray
    resource: np.ndarray
    weight: np.ndarray


def zone_weight(distance: np.ndarray, radius: np.ndarray) -> np.ndarray:
    """The decay weight of each distance within its radius (0 beyond it)."""
    # Zone k holds distances in (k r/3, (k+1) r/3], upper bounds inclusive as in pysal
    # access's step functions, so both give the same weights.
    zone = np.ceil(3.0 * np.asarray(distance) / radius).astype(np.int64) - 1
    inside = distance <= radius
    return np.where(inside, ZONE_WEIGHTS[np.clip(zone, 0, 2)], 0.0)


def pairs_within_reach(units: Units, resources: Resources) -> Pairs:
    """Every (desa, resource) pair in reach, by radius or by kecamatan."""
    by_radius = np.isfinite(resources.radius_m)
    idx = np.flatnonzero(by_radius)
    parts_u, parts_r, parts_w = [], [], []
    if len(idx) and len(units.x):
        tree_r = cKDTree(np.column_stack([resources.x[idx], resources.y[idx]]))
        tree_u = cKDTree(np.column_stack([units.x, units.y]))
        near = tree_r.sparse_distance_matrix(tree_u, float(resources.radius_m[idx].max()),
                                             output_type="ndarray")
        res = idx[near["i"]]
        w = zone_weight(near["v"], resources.radius_m[res])
        keep = w > 0
        parts_u.append(near["j"][keep])
        parts_r.append(res[keep])
        parts_w.append(w[keep])
    whole = np.flatnonzero(~by_radius)
    if len(whole):
        left = pd.DataFrame({"kec": resources.kecamatan[whole], "r": whole})
        right = pd.DataFrame({"kec": units.kecamatan, "u": np.arange(len(units.code))})
        m = left.merge(right, on="kec")
        parts_u.append(m["u"].to_numpy())
        parts_r.append(m["r"].to_numpy())
        parts_w.append(np.ones(len(m)))
    if not parts_u:
        return Pairs(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    return Pairs(np.concatenate(parts_u).astype(np.int64),
                 np.concatenate(parts_r).astype(np.int64), np.concatenate(parts_w))


def e2sfca(units: Units, resources: Resources, pairs: Pairs | None = None) -> np.ndarray:
    """Each desa's accessibility score A_i."""
    pairs = pairs_within_reach(units, resources) if pairs is None else pairs
    reached = np.bincount(pairs.resource, pairs.weight * units.demand[pairs.unit],
                          minlength=len(resources))
    ratio = np.divide(resources.capacity, reached, out=np.zeros(len(resources)),
                      where=reached > 0)
    return np.bincount(pairs.unit, pairs.weight * ratio[pairs.resource],
                       minlength=len(units.code))


def nearest_distance(x: np.ndarray, y: np.ndarray, resources: Resources) -> np.ndarray:
    """Metres from each point to the nearest resource (inf when there is none)."""
    if len(resources) == 0:
        return np.full(len(x), np.inf)
    tree = cKDTree(np.column_stack([resources.x, resources.y]))
    return tree.query(np.column_stack([x, y]), k=1)[0]


def in_reach(x: np.ndarray, y: np.ndarray, kecamatan: np.ndarray,
             resources: Resources) -> np.ndarray:
    """Whether each point has at least one resource in reach.

    One nearest-neighbour query per distinct radius (a handful: the categories'
    defaults and the few resources with their own): a point is in reach of a
    radius group when its nearest member lies within that radius.
    """
    covered = np.isin(kecamatan, resources.kecamatan[~np.isfinite(resources.radius_m)])
    radius = resources.radius_m
    points = np.column_stack([x, y])
    for r in np.unique(radius[np.isfinite(radius)]):
        group = radius == r
        tree = cKDTree(np.column_stack([resources.x[group], resources.y[group]]))
        todo = np.flatnonzero(~covered)
        if len(todo) == 0:
            break
        d = tree.query(points[todo], k=1, distance_upper_bound=r * (1 + 1e-12))[0]
        covered[todo[np.isfinite(d)]] = True
    return covered


# --- From the database -------------------------------------------------------------


def province_of(area: str) -> str:
    """Catchments cross kabupaten lines, so scores are computed over the whole province."""
    return area[:2]


def load_units(conn: psycopg.Connection, area: Area, where: CaseFilter,
               demand: Demand = "cases") -> Units:
    """The province's desa with their demand: the filter's cases, or residents."""
    prov = province_of(area.code) + "."
    units = frame(conn, "desa_units", {"prefix": prov, "srid": area.srid})
    if demand == "population":
        if units["population"].isna().any():
            raise ValueError("data penduduk belum lengkap / population is not loaded for "
                             "every desa")
        d = units["population"].to_numpy(float)
    else:
        pairs = frame(conn, "counts", dataclasses.replace(where, area=prov[:-1]).params())
        per_desa = pairs.groupby("desa_code")["n"].sum()
        d = per_desa.reindex(units["code"], fill_value=0).to_numpy(float)
    return Units(units["code"].to_numpy(object), units["kecamatan"].to_numpy(object),
                 units["x"].to_numpy(float), units["y"].to_numpy(float), d)


def load_resources(conn: psycopg.Connection, area: Area,
                   categories: tuple[str, ...] | None = None) -> Resources:
    rows = frame(conn, "resources", {"prefix": province_of(area.code) + ".", "srid": area.srid,
                                     "categories": list(categories) if categories else None})
    return Resources(rows["x"].to_numpy(float), rows["y"].to_numpy(float),
                     rows["capacity"].to_numpy(float),
                     rows["radius_m"].astype(float).to_numpy(),
                     rows["kecamatan_code"].to_numpy(object))


@dataclass
class Coverage:
    """The coverage layer of an area for a filter and PSKS categories."""

    desa: pd.DataFrame  # code, kecamatan, demand, score, nearest_m
    cases: int  # cases of the filter in the area
    cases_in_reach: int
    demand: Demand

    @property
    def share_in_reach(self) -> float:
        return self.cases_in_reach / self.cases if self.cases else float("nan")


def coverage(conn: psycopg.Connection, area: Area, where: CaseFilter,
             categories: tuple[str, ...] | None = None, demand: Demand = "cases") -> Coverage:
    """E2SFCA scores of the area's desa, and the share of its cases with a resource in reach."""
    units = load_units(conn, area, where, demand)
    resources = load_resources(conn, area, categories)
    score = e2sfca(units, resources)
    nearest = nearest_distance(units.x, units.y, resources)
    inside = pd.Series(units.code).str.startswith(area.prefix).to_numpy()
    desa = pd.DataFrame({"code": units.code, "kecamatan": units.kecamatan,
                         "demand": units.demand, "score": score, "nearest_m": nearest})[inside]
    lon, lat, kec = float_arrays(conn, "case_kecamatan_points", where.params())
    x, y = project(lon, lat, area.srid)
    res_kec = pd.Series(resources.kecamatan, dtype=str).str.replace(".", "").astype(float) \
        .to_numpy()
    reach = in_reach(x, y, kec, dataclasses.replace(resources, kecamatan=res_kec))
    return Coverage(desa.reset_index(drop=True), len(x), int(reach.sum()), demand)


def published_coverage(conn: psycopg.Connection, area: Area, where: CaseFilter,
                       categories: tuple[str, ...] | None = None, *,
                       suppressed: bool) -> Coverage:
    """Coverage as a reader may be given it.

    A score is capacity over demand; with cases as demand, a kecamatan's one TKSK makes a
    desa's score its capacity over the kecamatan's case count, so an exact score gives
    back a count a planner's table may hide. A suppressed reader (a planner) therefore
    gets scores with residents as demand when population is loaded for every desa; when
    it is not, the scores still come with cases as demand and ``demand == "cases"`` tells
    the publisher to show only their order (classes), never the numbers.
    """
    if suppressed:
        try:
            return coverage(conn, area, where, categories, "population")
        except ValueError:  # population not loaded for every desa
            pass
    return coverage(conn, area, where, categories)


def scores_publishable(cov: Coverage, suppressed: bool) -> bool:
    """Whether the scores themselves may be published (see :func:`published_coverage`)."""
    return not (suppressed and cov.demand == "cases")


@dataclass
class Caseload:
    """TKSK per kecamatan: cases (as the count table shows them), TKSK, cases per TKSK."""

    kecamatan: pd.DataFrame  # code, name, count, label, tksk, caseload (NaN: none / hidden)

    @property
    def without_tksk(self) -> list[str]:
        return self.kecamatan.loc[self.kecamatan["tksk"] == 0, "code"].tolist()


def tksk_caseload(conn: psycopg.Connection, table: CountTable, area: Area) -> Caseload:
    """Cases per active TKSK in each kecamatan of the area, following the table's privacy:
    a hidden count gives a hidden caseload (the ratio would give the count back)."""
    tksk = frame(conn, "tksk_per_kecamatan", {"prefix": area.prefix}).set_index("code")["tksk"]
    k = table.kecamatan[["code", "name", "count", "label", "status"]].copy()
    k["tksk"] = tksk.reindex(k["code"], fill_value=0).to_numpy().astype(int)
    shown = k["status"].to_numpy() == privacy.SHOWN
    k["caseload"] = np.where(shown & (k["tksk"] > 0),
                             k["count"] / k["tksk"].where(k["tksk"] > 0), np.nan)
    return Caseload(k.drop(columns="status"))
