"""What a resource file may call its columns, and the problems a row can have.

Offices keep their lists in Bahasa Indonesia or English, with whatever spelling
their spreadsheet grew: headers are folded as case headers are
(:func:`geomap.ingest.columns.fold`: ``Radius (km)`` is ``radius km``), whole or by
their parts around ``/``, then looked up in :data:`ALIASES`. The problem codes are
stable machine names: scripts and tests match on them, people read the bilingual
reason.
"""

from __future__ import annotations

import pandas as pd

from geomap.ingest.columns import fold

# Canonical column -> the headers that mean it (already folded by ``fold``).
ALIASES: dict[str, tuple[str, ...]] = {
    "kategori": ("kategori", "category", "kode", "code", "kode psks", "kategori psks", "psks",
                 "jenis", "type"),
    "nama": ("nama", "name", "nama sumber", "resource", "nama lembaga"),
    "lintang": ("lintang", "lat", "latitude", "y"),
    "bujur": ("bujur", "lon", "lng", "long", "longitude", "x"),
    "kapasitas": ("kapasitas", "capacity", "daya tampung"),
    "radius_km": ("radius km", "radius", "service radius km", "service radius", "jangkauan km",
                  "jangkauan"),
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
                         "non aktif", "tidak aktif", "inactive", "salah"})


def reason(code: str) -> str:
    """The reason a person reads: ``Bahasa Indonesia / English``."""
    return " / ".join(PROBLEMS[code])


def column_of(header: object, lookup: dict[str, str]) -> str | None:
    """The canonical column a header names: whole, or by one meaning of its ``/`` parts."""
    whole = fold(str(header))
    if whole in lookup:
        return lookup[whole]
    found = {lookup[p] for p in (fold(part) for part in str(header).split("/")) if p in lookup}
    return found.pop() if len(found) == 1 else None


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
        name = column_of(header, lookup)
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
