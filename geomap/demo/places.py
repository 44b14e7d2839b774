"""Where the demo's people live: desa populations and points around settlements.

A desa's synthetic population follows its area (``tables.POPULATION_EXPONENT``),
kelurahan are denser, and the area sums to its BPS total. Points are drawn
around a few settlement centres inside each desa, all at once with numpy and
``shapely.contains_xy`` (rejection sampling in rounds over the whole array, never
a Python loop per point).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import psycopg
import shapely

from geomap.assign import Assignment
from geomap.demo import tables
from geomap.sql import sql

_KM_PER_DEG_LAT = 110.574
_KM_PER_DEG_LON = 111.320  # at the equator; times cos(latitude)
_ROUNDS = 40


class NoDesa(LookupError):
    """The area has no desa boundaries to put demo data in."""


@dataclass
class Desa:
    """The desa of an area, as parallel arrays ordered by code."""

    code: np.ndarray          # str, e.g. 32.04.05.2001
    name: np.ndarray
    kecamatan_name: np.ndarray
    urban: np.ndarray         # bool: kelurahan
    area_km2: np.ndarray
    geom: np.ndarray          # shapely geometries, prepared
    population: np.ndarray    # int64, sums to the area's total

    def __len__(self) -> int:
        return len(self.code)

    @property
    def kecamatan(self) -> np.ndarray:
        return self.code.astype("U8")  # PP.KK.CC: the first 8 characters


# The point rule, as the seed passes it in: (lon, lat) -> geomap.assign.Assignment.
Assign = Callable[[np.ndarray, np.ndarray], Assignment]


def locate(desa: Desa, assign: Assign, lon: np.ndarray,
           lat: np.ndarray) -> np.ndarray:
    """Index into ``desa`` of the desa the point rule gives each point.

    Every demo point is drawn inside a desa, so the rule always finds one; a point it
    cannot place would be a bug in the generator, and stops the seed.
    """
    found = assign(lon, lat)
    code = found.desa_code.astype(str)
    at = np.searchsorted(desa.code, code)
    ok = (at < len(desa)) & (desa.code[np.minimum(at, len(desa) - 1)] == code)
    if not ok.all():
        raise RuntimeError(f"{int((~ok).sum())} titik demo di luar desa / demo points outside "
                           "every desa of the area")
    return at


def population_total(area: str, area_km2: float) -> int:
    """BPS total for a known area, else Kabupaten Bandung's density times the area."""
    if area in tables.POPULATION:
        return tables.POPULATION[area]
    return round(area_km2 * tables.REFERENCE_DENSITY_PER_KM2)


def load_desa(conn: psycopg.Connection, area: str, rng: np.random.Generator) -> Desa:
    """Read the area's desa and give each a synthetic population drawn from ``rng``."""
    rows = conn.execute(sql("demo/desa"), {"area": area}).fetchall()
    if not rows:
        raise NoDesa(f"tidak ada desa dengan batas di {area} / no desa boundaries in {area}; "
                     "import them first (geomap boundaries fetch)")
    frame = pd.DataFrame(rows, columns=["code", "name", "kind", "area_km2", "wkb",
                                        "kecamatan_name"])
    geom = shapely.from_wkb(frame["wkb"].to_numpy())
    shapely.prepare(geom)
    area_km2 = frame["area_km2"].to_numpy(dtype=float)
    urban = (frame["kind"] == "kelurahan").to_numpy()
    code = frame["code"].to_numpy(dtype=str)
    centre = shapely.centroid(geom)
    metro_km = np.hypot((shapely.get_x(centre) - tables.METRO_CENTRE[0]) * _KM_PER_DEG_LON
                        * np.cos(np.radians(tables.METRO_CENTRE[1])),
                        (shapely.get_y(centre) - tables.METRO_CENTRE[1]) * _KM_PER_DEG_LAT)
    weight = (area_km2 ** tables.POPULATION_EXPONENT
              * np.where(urban, tables.KELURAHAN_FACTOR, 1.0)
              * (tables.METRO_FLOOR + np.exp(-metro_km / tables.METRO_DECAY_KM))
              * rng.lognormal(0.0, tables.POPULATION_NOISE, len(code)))
    population = apportion(population_total(area, float(area_km2.sum())), weight)
    return Desa(code, frame["name"].to_numpy(dtype=object),
                frame["kecamatan_name"].to_numpy(dtype=object), urban, area_km2, geom, population)


def apportion(total: int, weight: np.ndarray) -> np.ndarray:
    """Integers proportional to ``weight`` summing exactly to ``total`` (largest remainder)."""
    share = total * weight / weight.sum()
    out = np.floor(share).astype(np.int64)
    short = total - int(out.sum())
    out[np.argsort(-(share - out), kind="stable")[:short]] += 1
    return out


def uniform_in(geom: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One uniform random point inside each geometry of ``geom`` (repeats allowed)."""
    bounds = shapely.bounds(geom)
    x = np.empty(len(geom))
    y = np.empty(len(geom))
    todo = np.arange(len(geom))
    for _ in range(_ROUNDS):
        b = bounds[todo]
        x[todo] = rng.uniform(b[:, 0], b[:, 2])
        y[todo] = rng.uniform(b[:, 1], b[:, 3])
        todo = todo[~shapely.contains_xy(geom[todo], x[todo], y[todo])]
        if not len(todo):
            return x, y
    # Slivers that keep missing: a point on the surface is inside by construction.
    inside = shapely.point_on_surface(geom[todo])
    x[todo], y[todo] = shapely.get_x(inside), shapely.get_y(inside)
    return x, y


@dataclass
class Settlements:
    """Settlement centres: the desa each lies in, where, and how far people spread (deg)."""

    desa: np.ndarray
    x: np.ndarray
    y: np.ndarray
    weight: np.ndarray   # share of the desa's population living there
    sigma_x: np.ndarray
    sigma_y: np.ndarray


def settlements(desa: Desa, rng: np.random.Generator) -> Settlements:
    """A few settlement centres per desa, more for more people."""
    count = np.clip(np.round(desa.population / tables.PEOPLE_PER_SETTLEMENT), 1,
                    tables.MAX_SETTLEMENTS).astype(np.int64)
    which = np.repeat(np.arange(len(desa)), count)
    x, y = uniform_in(desa.geom[which], rng)
    size = rng.gamma(2.0, 1.0, len(which))
    total = np.bincount(which, weights=size, minlength=len(desa))
    spread_km = tables.SETTLEMENT_SPREAD * np.sqrt(desa.area_km2[which] / count[which])
    return Settlements(which, x, y, size / total[which], spread_km / _KM_PER_DEG_LON
                       / np.cos(np.radians(y)), spread_km / _KM_PER_DEG_LAT)


def points_near(places: Settlements, geom: np.ndarray, at: np.ndarray,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """For settlement indices ``at``, Gaussian points around them inside their desa.

    Points falling outside their own desa are drawn again (all of them per round);
    the few that never land inside take the settlement centre, which is inside.
    """
    x = np.empty(len(at))
    y = np.empty(len(at))
    todo = np.arange(len(at))
    outline = geom[places.desa[at]]
    for _ in range(_ROUNDS):
        s = at[todo]
        x[todo] = rng.normal(places.x[s], places.sigma_x[s])
        y[todo] = rng.normal(places.y[s], places.sigma_y[s])
        todo = todo[~shapely.contains_xy(outline[todo], x[todo], y[todo])]
        if not len(todo):
            break
    x[todo], y[todo] = places.x[at[todo]], places.y[at[todo]]
    return x, y


def pick_settlements(places: Settlements, desa_of_each: np.ndarray,
                     rng: np.random.Generator) -> np.ndarray:
    """For each item's desa, one of that desa's settlements, by settlement weight."""
    order = np.argsort(places.desa, kind="stable")
    cum = np.cumsum(places.weight[order])
    # Cumulative weight restarts at each desa: offset by the desa's start.
    start = np.searchsorted(places.desa[order], desa_of_each, side="left")
    base = np.where(start > 0, cum[np.maximum(start - 1, 0)], 0.0)
    u = base + rng.random(len(desa_of_each)) * (1.0 - 1e-12)
    pick = np.searchsorted(cum, u, side="right")
    end = np.searchsorted(places.desa[order], desa_of_each, side="right") - 1
    return order[np.clip(pick, start, end)]
