"""Which column of a file is which field: headers in Bahasa Indonesia and English.

A header is matched after folding case, accents and punctuation, whole or by any
of its parts around ``/`` (the template's own ``lintang / latitude`` matches
twice, to the same field). Columns that match nothing are kept for the rejected
file and otherwise ignored.
"""

from __future__ import annotations

import re
import unicodedata

from geomap.ingest.problems import UploadError

# field -> (label in the template: Indonesian / English, accepted header spellings)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "lat": ("lintang / latitude", ("lintang", "lat", "latitude", "y", "garis lintang")),
    "lon": ("bujur / longitude", ("bujur", "lon", "lng", "long", "longitude", "x",
                                  "garis bujur")),
    "category": ("kategori / category", (
        "kategori", "kode pmks", "kategori pmks", "jenis pmks", "pmks", "nama pmks",
        "category", "category code", "pmks category", "pmks code")),
    "date": ("tanggal / date", ("tanggal", "tgl", "tanggal pencatatan", "tanggal dicatat",
                                "tanggal pendataan", "date", "date recorded", "recorded on",
                                "recorded")),
    "status": ("status", ("status", "status kasus", "case status")),
    "sex": ("jenis kelamin / sex", ("jenis kelamin", "kelamin", "jk", "l p", "sex", "gender")),
    "age_group": ("kelompok umur / age group", (
        "kelompok umur", "kelompok usia", "golongan umur", "age group", "age")),
    "household_size": ("jumlah anggota keluarga / household size", (
        "jumlah anggota keluarga", "anggota keluarga", "jumlah anggota rumah tangga",
        "jumlah art", "household size", "household", "household members")),
    "notes": ("catatan / notes", ("catatan", "keterangan", "notes", "note", "remarks")),
    "name": ("nama / name", ("nama", "nama lengkap", "name", "full name")),
    "nik": ("NIK", ("nik", "no nik", "nomor nik", "no ktp", "nomor ktp", "national id",
                    "id number")),
    "address": ("alamat / address", ("alamat", "alamat lengkap", "address")),
    "phone": ("telepon / phone", ("telepon", "telp", "no telepon", "nomor telepon", "no hp",
                                  "nomor hp", "hp", "phone", "phone number", "mobile")),
}
# The column geomap adds to a rejected file; ignored when that file comes back fixed.
REASON_COLUMN = "alasan / reason"
_IGNORED = {"alasan", "reason", "alasan reason"}

_BY_SPELLING = {spelling: field for field, (_, names) in FIELDS.items() for spelling in names}


def fold(header: str) -> str:
    """Lower case, no accents, single spaces: ``Jenis-Kelamin`` → ``jenis kelamin``."""
    text = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def field_of(header: str) -> str | None:
    """The field a header names, or None."""
    whole = fold(header)
    if whole in _BY_SPELLING:
        return _BY_SPELLING[whole]
    found = {_BY_SPELLING[p] for p in (fold(part) for part in str(header).split("/"))
             if p in _BY_SPELLING}
    return found.pop() if len(found) == 1 else None


def map_headers(headers: list[str]) -> dict[str, str]:
    """field -> the header naming it; a field named by two columns refuses the file."""
    out: dict[str, str] = {}
    for header in headers:
        if fold(header) in _IGNORED:
            continue
        field = field_of(header)
        if field is None:
            continue
        if field in out:
            raise UploadError(
                f"kolom {out[field]!r} dan {header!r} sama-sama berarti {FIELDS[field][0]} / "
                f"columns {out[field]!r} and {header!r} both mean {FIELDS[field][0]}")
        out[field] = header
    return out
