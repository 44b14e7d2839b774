"""Synthetic PMKS cases: who, what, where and when, as one table of rows.

The rows are what an office would upload (category code, coordinates, date,
status, sex, age group, household size, name, NIK, address, phone), with the
file's own headers: the seed sends them through the same validation and write
path as an uploaded file (:mod:`geomap.ingest`).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from geomap import taxonomy
from geomap.demo import people, places, tables


def _weights(urban: bool) -> np.ndarray:
    codes = [c.code for c in taxonomy.pmks()]
    w = np.array([tables.PMKS_WEIGHT[c] * (tables.URBAN_FACTOR.get(c, 1.0) if urban else 1.0)
                  for c in codes])
    return w / w.sum()


def _per_category(codes: np.ndarray, table: dict, default) -> np.ndarray:
    """``table[code]`` (or ``default``) for each official code, in taxonomy order."""
    return np.array([table.get(c, default) for c in codes])


def generate(desa: places.Desa, where: places.Settlements, n: int, today: dt.date,
             rng: np.random.Generator, assign: places.Assign) -> pd.DataFrame:
    """``n`` cases spread over the desa by population, clustered around settlements.

    Each point's desa is the one ``assign`` (the point rule) gives, not the desa it
    was drawn in: where desa overlap the rule decides, and the NIK, the address and
    the kecamatan follow the desa the case is recorded in.
    """
    official = np.array([c.code for c in taxonomy.pmks()])
    drawn = rng.choice(len(desa), size=n, p=desa.population / desa.population.sum())
    drawn.sort(kind="stable")  # rows grouped by desa: easier to read, same draw
    spot = places.pick_settlements(where, drawn, rng)
    lon, lat = places.points_near(where, desa.geom, spot, rng)
    lon, lat = np.round(lon, 6), np.round(lat, 6)
    at_desa = places.locate(desa, assign, lon, lat)

    urban = desa.urban[at_desa]
    category = np.empty(n, dtype=np.int64)
    for is_urban in (False, True):  # two draws, one per weight table
        mask = urban == is_urban
        category[mask] = rng.choice(len(official), size=int(mask.sum()), p=_weights(is_urban))
    # Every official category appears at least once: rare ones (KAT) would not in small runs.
    if n >= len(official):
        category[rng.choice(n, size=len(official), replace=False)] = np.arange(len(official))

    female = rng.random(n) < _per_category(official, tables.FEMALE_SHARE, 0.5)[category]
    mix = np.array([tables.AGE_MIX.get(c, (0.0, 0.0, 0.0, 0.8, 0.2)) for c in official])
    cum = np.cumsum(mix, axis=1)[category]
    group = np.minimum((rng.random(n)[:, None] > cum).sum(axis=1), len(tables.AGE_GROUPS) - 1)

    days_ago = np.floor(tables.DAYS * rng.random(n) ** tables.RECENCY).astype(np.int64)
    recorded = np.datetime64(today, "D") - days_ago.astype("timedelta64[D]")
    f = days_ago / tables.DAYS
    selesai = 0.05 + 0.65 * f
    ditangani = 0.25 * (1 - 0.5 * f)
    # Cumulative thresholds in the order of tables.STATUSES: baru, ditangani, dirujuk, selesai.
    bounds = np.stack([1 - selesai - 0.10 - ditangani, 1 - selesai - 0.10, 1 - selesai], axis=1)
    status = (rng.random(n)[:, None] >= bounds).sum(axis=1)

    lam = _per_category(official, tables.HOUSEHOLD_LAMBDA, tables.HOUSEHOLD_LAMBDA_DEFAULT)
    household = np.minimum(1 + rng.poisson(lam[category]), 15)

    birth = people.birth_dates(rng, recorded, group)
    return pd.DataFrame({
        "kategori": official[category],
        "lintang": lat,
        "bujur": lon,
        "desa": desa.code[at_desa],  # the rule's answer, for the generator's own use
        "tanggal": recorded.astype(str),
        "status": np.asarray(tables.STATUSES)[status],
        "jenis_kelamin": np.where(female, "P", "L"),
        "kelompok_umur": np.asarray(tables.AGE_GROUPS)[group],
        "jumlah_anggota_keluarga": household,
        "nama": people.names(rng, female),
        "nik": people.niks(rng, desa.kecamatan[at_desa], birth, female),
        "alamat": people.addresses(rng, desa.name[at_desa], urban),
        "telepon": people.phones(rng, n),
    })
