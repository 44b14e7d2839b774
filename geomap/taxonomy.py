"""The official PMKS (26) and PSKS (12) categories, read from ``../shared/domain``.

The CSV files are the project's reference and are read where they are, never
copied into the repository. ``sync`` mirrors them into the ``pmks_category``
and ``psks_category`` tables so that the database can enforce them.
"""

from __future__ import annotations

import csv
import difflib
import os
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import psycopg

from geomap.config import SHARED_DIR


def domain_dir() -> Path:
    return Path(os.environ.get("GEOMAP_DOMAIN_DIR", SHARED_DIR / "domain"))


@dataclass(frozen=True)
class Category:
    no: int
    code: str
    name_id: str
    name_en: str
    default_radius_km: float | None = None  # PSKS only; None = serves its whole kecamatan

    @property
    def serves_kecamatan(self) -> bool:
        return self.default_radius_km is None


def _read(name: str) -> tuple[Category, ...]:
    path = domain_dir() / name
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError as exc:
        raise RuntimeError(f"Daftar kategori tidak ditemukan / category list not found: {path} "
                           "(set GEOMAP_DOMAIN_DIR)") from exc
    out = []
    for row in rows:
        radius = row.get("default_radius_km")
        out.append(Category(int(row["no"]), row["code"].strip(), row["name_id"].strip(),
                            row["name_en"].strip(),
                            None if radius in (None, "", "kecamatan") else float(radius)))
    return tuple(out)


@cache
def pmks() -> tuple[Category, ...]:
    return _read("pmks.csv")


@cache
def psks() -> tuple[Category, ...]:
    return _read("psks.csv")


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("/", " ").split())


@dataclass(frozen=True)
class Match:
    category: Category | None
    suggestion: Category | None  # the nearest official name when nothing matched


def find(categories: tuple[Category, ...], value: str) -> Match:
    """Match a category by code, number, Indonesian or English name (case-insensitive)."""
    key = _key(str(value))
    if not key:
        return Match(None, None)
    for cat in categories:
        if key in (cat.code.lower(), str(cat.no), _key(cat.name_id), _key(cat.name_en)):
            return Match(cat, None)
    names = {_key(c.name_id): c for c in categories} | {_key(c.name_en): c for c in categories}
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.5)
    return Match(None, names[close[0]] if close else None)


def sync(conn: psycopg.Connection) -> None:
    """Upsert both category lists into the database."""
    with conn.transaction(), conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO pmks_category (code, no, name_id, name_en) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (code) DO UPDATE SET no = excluded.no, name_id = excluded.name_id,"
            " name_en = excluded.name_en",
            [(c.code, c.no, c.name_id, c.name_en) for c in pmks()])
        cur.executemany(
            "INSERT INTO psks_category (code, no, name_id, name_en, default_radius_km,"
            " serves_kecamatan) VALUES (%s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (code) DO UPDATE SET no = excluded.no, name_id = excluded.name_id,"
            " name_en = excluded.name_en, default_radius_km = excluded.default_radius_km,"
            " serves_kecamatan = excluded.serves_kecamatan",
            [(c.code, c.no, c.name_id, c.name_en, c.default_radius_km, c.serves_kecamatan)
             for c in psks()])
