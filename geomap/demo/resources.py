"""Synthetic PSKS resources and the demo's user accounts.

Every PSKS category gets resources (``tables.PSKS_PER_DESA``), placed where
people live like the cases. Each kecamatan gets one TKSK, linked to a user
account, except a few left without one (``tables.WITHOUT_TKSK``, chosen by the
seed) so that the gap map has something true to show.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geomap import taxonomy
from geomap.demo import people, places, tables

ORG_FIRST = ("Bina", "Harapan", "Mitra", "Cahaya", "Karya", "Insan", "Amanah", "Al-Ikhlas",
             "Nurul", "Sinar", "Pelita", "Darul")
ORG_SECOND = ("Sejahtera", "Mandiri", "Bangsa", "Umat", "Kasih", "Peduli", "Hikmah", "Huda",
              "Bersama", "Abadi", "Sentosa", "Priangan")
LKS_KIND = ("Panti Asuhan", "Yayasan", "Panti Werdha", "Rumah Singgah", "Pondok Sosial")
COMPANY = ("PT", "CV", "Koperasi", "PT Bank", "PT Tekstil")

# How each category's resources are named; {desa}, {kecamatan}, {person}, {org}, {woman}.
NAME_TEMPLATE = {
    "PSP": "Pekerja Sosial {person}",
    "PSM": "PSM Desa {desa} ({person})",
    "TAGANA": "TAGANA Kecamatan {kecamatan}",
    "LKS": "LKS {lks} {org}",
    "KT": "Karang Taruna {desa}",
    "LK3": "LK3 {org} {kecamatan}",
    "KP": "Keluarga Pioner {person}",
    "WKSBM": "WKSBM Desa {desa}",
    "WPKS": "WPKS {woman}",
    "PS": "Penyuluh Sosial {person}",
    "TKSK": "TKSK Kecamatan {kecamatan} ({person})",
    "DU": "{company} {org} (CSR)",
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    area: str


def slug(name: str) -> str:
    """``Cileunyi`` → ``cileunyi``; ``Pasir Jambu`` → ``pasir-jambu`` (usernames)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def tksk_username(kecamatan_name: str) -> str:
    return f"tksk-{slug(kecamatan_name)}"


def without_tksk(kecamatan: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The kecamatan (sorted codes) left without a TKSK: ``tables.WITHOUT_TKSK`` of them."""
    k = max(1, round(len(kecamatan) * tables.WITHOUT_TKSK)) if len(kecamatan) > 1 else 0
    return np.sort(rng.choice(kecamatan, size=k, replace=False))


def users(area: str, tksk: pd.DataFrame) -> list[DemoUser]:
    """admin (province), dinas and planner (the area), and one tksk per TKSK resource."""
    province = area[:2]
    fixed = [DemoUser("admin", "admin", province), DemoUser("dinas", "dinas", area),
             DemoUser("planner", "planner", area)]
    return fixed + [DemoUser(u, "tksk", k) for u, k in zip(tksk["pengguna"],
                                                            tksk["kode_kecamatan"], strict=True)]


def generate(desa: places.Desa, where: places.Settlements, rng: np.random.Generator,
             assign: places.Assign) -> tuple[pd.DataFrame, np.ndarray]:
    """The resources to import (as a file would hold them), and the kecamatan left without TKSK.

    A TKSK's point must lie, by the point rule, in the kecamatan it serves; where desa
    overlap across a kecamatan border a point can fall to the neighbour, so those
    few are drawn again (all of them per round).
    """
    cats = taxonomy.psks()
    share = desa.population / desa.population.sum()
    code_of: list[np.ndarray] = []
    at_desa: list[np.ndarray] = []
    for cat in cats:
        if cat.serves_kecamatan:
            continue
        per_desa, _, _ = tables.PSKS_PER_DESA[cat.code]
        count = max(1, round(per_desa * len(desa)))
        at_desa.append(rng.choice(len(desa), size=count, replace=count > len(desa), p=share))
        code_of.append(np.full(count, cat.code, dtype=object))

    # TKSK: in each kecamatan's most populous desa (where the kecamatan office usually is).
    kecamatan = np.unique(desa.kecamatan)
    gap = without_tksk(kecamatan, rng)
    order = np.lexsort((-desa.population, desa.kecamatan))
    first = order[np.unique(desa.kecamatan[order], return_index=True)[1]]
    tksk_desa = first[~np.isin(desa.kecamatan[first], gap)]
    tksk_code = next(c.code for c in cats if c.serves_kecamatan)
    at_desa.append(tksk_desa)
    code_of.append(np.full(len(tksk_desa), tksk_code, dtype=object))

    d = np.concatenate(at_desa)
    code = np.concatenate(code_of)
    n = len(d)
    lon, lat = places.points_near(where, desa.geom, places.pick_settlements(where, d, rng), rng)
    lon, lat = np.round(lon, 6), np.round(lat, 6)
    is_tksk = code == tksk_code
    for _ in range(tables.TKSK_PLACEMENT_ROUNDS):
        at = places.locate(desa, assign, lon[is_tksk], lat[is_tksk])
        wrong = np.flatnonzero(is_tksk)[desa.kecamatan[at] != desa.kecamatan[d[is_tksk]]]
        if not len(wrong):
            break
        spot = places.pick_settlements(where, d[wrong], rng)
        lon[wrong], lat[wrong] = np.round(places.points_near(where, desa.geom, spot, rng), 6)
    else:
        raise RuntimeError("TKSK demo tidak dapat ditempatkan / could not place the demo TKSK")

    low = np.array([tables.PSKS_PER_DESA[c][1] for c in code])
    high = np.array([tables.PSKS_PER_DESA[c][2] for c in code])
    default = {c.code: c.default_radius_km for c in cats}
    base = np.array([default[c] or np.nan for c in code])
    # One in five offices has set its own radius: 0.5 to 1.5 times the default, in 0.5 km.
    edited = (rng.random(n) < 0.2) & ~is_tksk
    custom = np.maximum(0.5, np.round(base * rng.uniform(0.5, 1.5, n) * 2) / 2)

    person = people.names(rng, rng.random(n) < 0.5)
    woman_name = people.names(rng, np.ones(n, dtype=bool))  # WPKS are women
    org = (np.asarray(ORG_FIRST, dtype=object)[rng.integers(0, len(ORG_FIRST), n)] + " "
           + np.asarray(ORG_SECOND, dtype=object)[rng.integers(0, len(ORG_SECOND), n)])
    lks = np.asarray(LKS_KIND, dtype=object)[rng.integers(0, len(LKS_KIND), n)]
    company = np.asarray(COMPANY, dtype=object)[rng.integers(0, len(COMPANY), n)]
    fields = pd.DataFrame({"desa": desa.name[d], "kecamatan": desa.kecamatan_name[d],
                           "person": person, "woman": woman_name, "org": org, "lks": lks,
                           "company": company})
    name = _fill(code, fields)

    frame = pd.DataFrame({
        "kategori": code,
        "nama": name,
        "lintang": lat,
        "bujur": lon,
        "kapasitas": rng.integers(low, high + 1),
        "radius_km": np.where(edited, custom, np.nan),
        "aktif": np.where(is_tksk | (rng.random(n) >= tables.INACTIVE), "ya", "tidak"),
        "kontak": people.phones(rng, n),
        "pengguna": np.where(is_tksk, "tksk-" + pd.Series(desa.kecamatan_name[d]).map(slug)
                             .to_numpy(dtype=object), None),
        "kode_kecamatan": desa.kecamatan[d],
    })
    frame.loc[frame["kontak"].isna(), "kontak"] = None
    return frame, gap


def _fill(code: np.ndarray, fields: pd.DataFrame) -> np.ndarray:
    """Each row's category template, filled from its row of ``fields``."""
    out = np.empty(len(code), dtype=object)
    for cat, template in NAME_TEMPLATE.items():
        mask = code == cat
        # re.split with a group alternates literal text and field names.
        parts = re.split(r"{(\w+)}", template)
        text = np.full(int(mask.sum()), parts[0], dtype=object)
        for key, literal in zip(parts[1::2], parts[2::2], strict=True):
            text = text + fields[key].to_numpy(dtype=object)[mask] + literal
        out[mask] = text
    return out
