"""What a resource file may call its columns, and the problems a row can have.

Offices keep their lists in Bahasa Indonesia or English, with whatever spelling
their spreadsheet grew: headers are compared after lower-casing and turning every
run of other characters into ``_`` (``Radius (km)`` is ``radius_km``), then looked
up in :data:`ALIASES`. The problem codes are stable machine names: scripts and
tests match on them, people read the bilingual reason.
"""

from __future__ import annotations

import re

import pandas as pd

# Canonical column -> the headers that mean it (already normalised by ``header_key``).
ALIASES: dict[str, tuple[str, ...]] = {
    "kategori": ("kategori", "category", "kode", "code", "kode_psks", "psks", "jenis", "type"),
    "nama": ("nama", "name", "nama_sumber", "resource", "nama_lembaga"),
    "lintang": ("lintang", "lat", "latitude", "y"),
    "bujur": ("bujur", "lon", "lng", "long", "longitude", "x"),
    "kapasitas": ("kapasitas", "capacity", "daya_tampung"),
    "radius_km": ("radius_km", "radius", "service_radius_km", "jangkauan_km", "jangkauan"),
    "aktif": ("aktif", "active", "status"),
    "kontak": ("kontak", "contact", "telepon", "phone", "hp"),
    "pengguna": ("pengguna", "username", "user", "akun"),
}
REQUIRED = ("kategori", "nama", "lintang", "bujur", "kapasitas")

# Stable code -> (Bahasa Indonesia, English).
PROBLEMS: dict[str, tuple[str, str]] = {
    "missing_category": ("kategori PSKS kosong", "PSKS category is empty"),
    "unknown_category": ("kategori PSKS tidak dikenal", "unknown PSKS category"),
    "missing_name": ("nama kosong", "name is empty"),
    "invalid_name": ("nama maksimal 200 karakter", "a name has at most 200 characters"),
    "missing_coordinates": ("koordinat kosong", "coordinates are missing"),
    "invalid_coordinates": ("koordinat bukan angka", "coordinates are not numbers"),
    "swapped_coordinates": ("lintang dan bujur tertukar", "latitude and longitude are swapped"),
    "outside_area": ("koordinat di luar wilayah", "outside the area"),
    "invalid_capacity": ("kapasitas harus bilangan bulat 0 atau lebih",
                         "capacity must be a whole number, 0 or more"),
    "invalid_radius": ("radius harus angka lebih dari 0 sampai 100 km",
                       "the radius must be a number above 0 and at most 100 km"),
    "radius_not_applicable": ("TKSK melayani seluruh kecamatan, tanpa radius",
                              "a TKSK serves its whole kecamatan, without a radius"),
    "invalid_active": ("aktif harus ya/tidak", "active must be yes/no"),
    "invalid_contact": ("kontak maksimal 200 karakter", "a contact has at most 200 characters"),
    "unknown_user": ("pengguna tidak ada", "no such user"),
    "user_mismatch": ("pengguna bukan TKSK kecamatan ini",
                      "the user is not the TKSK of this kecamatan"),
    "duplicate": ("baris ganda dalam berkas", "duplicate row in the file"),
    "tksk_conflict": ("kecamatan ini sudah punya TKSK aktif",
                      "this kecamatan already has an active TKSK"),
}

TRUE_WORDS = frozenset({"ya", "y", "yes", "true", "t", "1", "aktif", "active", "benar"})
FALSE_WORDS = frozenset({"tidak", "tdk", "n", "no", "false", "f", "0", "nonaktif",
                         "non_aktif", "tidak_aktif", "inactive", "salah"})


def reason(code: str) -> str:
    """The reason a person reads: ``Bahasa Indonesia / English``."""
    return " / ".join(PROBLEMS[code])


def header_key(header: object) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(header).strip().lower()).strip("_")


class MissingColumns(ValueError):
    """The file lacks a required column: nothing in it can be read as a resource."""


def canonical(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """``frame`` with its columns renamed to the canonical names, as stripped strings.

    Returns the frame and, per canonical column, the header the file used (so a
    report names the column the user sees). Unknown columns are dropped; a missing
    optional column is added empty.
    """
    lookup = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
    used: dict[str, str] = {}
    for header in frame.columns:
        name = lookup.get(header_key(header))
        if name and name not in used:
            used[name] = str(header)
    missing = [c for c in REQUIRED if c not in used]
    if missing:
        raise MissingColumns(
            "kolom wajib tidak ada / required columns missing: " + ", ".join(missing)
            + " (" + "; ".join(f"{c}: {'/'.join(ALIASES[c][:4])}" for c in missing) + ")")
    out = pd.DataFrame(index=frame.index)
    for name in ALIASES:
        if name in used:
            out[name] = frame[used[name]].fillna("").astype(str).str.strip()
        else:
            out[name] = ""
            used[name] = name
    return out, used
