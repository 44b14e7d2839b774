"""NIK (Nomor Induk Kependudukan): checking one or a million, and its keyed hash.

A NIK is 16 digits: ``PPKKCC`` (province, kabupaten/kota, kecamatan of
registration), ``DDMMYY`` (birth date, women add 40 to the day) and a serial
that is not ``0000``.

Which region prefixes are real. The database only knows the boundaries that were
loaded, and people registered anywhere in Indonesia live in every kabupaten, so:

* when the kecamatan ``PP.KK.CC`` is in ``region``: valid;
* when kabupaten ``PP.KK`` has its kecamatan loaded but not that one: invalid
  (the code is checkable and it is not there);
* otherwise (kabupaten not loaded): ``PP`` must be a real province code (one in
  ``region`` or in the boundary catalogue, which lists all 38 provinces of the
  official code list) and ``KK`` and ``CC`` must not be ``00``.

The century of ``YY`` is the one that puts the birth date in the past (a NIK
``..0101 25`` in 2025 is 2025, ``..0101 30`` is 1930); the date must exist in that year.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import pandas as pd
import psycopg

from geomap.config import secret_key

# Why a NIK is not valid: stable keys, and what a person reads.
PROBLEMS: dict[str, tuple[str, str]] = {
    "format": ("NIK harus 16 angka", "NIK must be 16 digits"),
    "region": ("kode wilayah dalam NIK tidak dikenal", "unknown region code in the NIK"),
    "birth_date": ("tanggal lahir dalam NIK tidak ada", "the birth date in the NIK does not exist"),
    "serial": ("nomor urut NIK tidak boleh 0000", "the NIK serial number cannot be 0000"),
}
_SEPARATORS = r"[\s.\-]"
_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


@cache
def _catalogue_provinces() -> frozenset[str]:
    """The 38 province codes, from the boundary catalogue (which maps each to its file)."""
    from geomap.boundaries.catalogue import Catalogue

    return frozenset(Catalogue.load().data["province_file"])


@dataclass(frozen=True)
class RegionPrefixes:
    """The region prefixes a NIK may start with, as six/four/two digits without dots."""

    kecamatan: frozenset[str]
    kabupaten_loaded: frozenset[str]
    provinces: frozenset[str]

    @classmethod
    def load(cls, conn: psycopg.Connection) -> RegionPrefixes:
        rows = conn.execute("SELECT code, level FROM region "
                            "WHERE level IN ('province', 'kecamatan')").fetchall()
        kec = frozenset(c.replace(".", "") for c, lv in rows if lv == "kecamatan")
        prov = frozenset(c for c, lv in rows if lv == "province")
        return cls(kec, frozenset(k[:4] for k in kec), prov | _catalogue_provinces())


@dataclass
class NikChecks:
    """Per NIK: the problem key (None when valid), sex ('L'/'P') and birth date."""

    problem: np.ndarray
    sex: np.ndarray
    birth_date: np.ndarray  # datetime64[D], NaT when not valid

    @property
    def valid(self) -> np.ndarray:
        return pd.isna(self.problem)


def clean(values: pd.Series) -> pd.Series:
    """Drop the spaces, dots and dashes people type inside a NIK.

    Searched for in the whole column at once first: most files have none, and a
    per-value regex costs a Python call each.
    """
    values = values.astype(str)
    if re.search(_SEPARATORS, "".join(values.tolist())):
        return values.str.replace(_SEPARATORS, "", regex=True)
    return values


def check_many(niks: pd.Series, prefixes: RegionPrefixes, today: date | None = None) -> NikChecks:
    """Check every NIK at once (numpy on a digit matrix; no loop per NIK)."""
    today = today or date.today()
    s = clean(niks).to_numpy(dtype=object)
    n = len(s)
    problem = np.full(n, "format", dtype=object)
    sex = np.full(n, None, dtype=object)
    born = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    at = np.flatnonzero(np.fromiter((len(v) == 16 for v in s), dtype=bool, count=n))
    raw = np.frombuffer("".join(s[at]).encode("utf-8", "replace"), dtype=np.uint8)
    if len(raw) != 16 * len(at):  # a non-ASCII character: find the rows one by one
        at = np.array([i for i in at if s[i].isascii()], dtype=np.int64)
        raw = np.frombuffer("".join(s[at]).encode("ascii"), dtype=np.uint8)
    d = raw.reshape(-1, 16).astype(np.int64) - 48
    digits = ((d >= 0) & (d <= 9)).all(axis=1)
    at, d = at[digits], d[digits]
    if not len(at):
        return NikChecks(problem, sex, born)

    def num(i: int, j: int) -> np.ndarray:
        out = np.zeros(len(d), dtype=np.int64)
        for k in range(i, j):
            out = out * 10 + d[:, k]
        return out

    def known(values: frozenset[str]) -> np.ndarray:
        return np.fromiter((int(v) for v in values), dtype=np.int64, count=len(values))

    region_ok = (np.isin(num(0, 6), known(prefixes.kecamatan))
                 | (~np.isin(num(0, 4), known(prefixes.kabupaten_loaded))
                    & np.isin(num(0, 2), known(prefixes.provinces))
                    & (num(2, 4) > 0) & (num(4, 6) > 0)))
    day, month, yy = num(6, 8), num(8, 10), num(10, 12)
    female = day > 40
    day = np.where(female, day - 40, day)
    # The century that puts the birth date in the past: 20yy unless that is after today.
    stamp = _stamp(2000 + yy, month, day)
    later = ~(stamp <= np.datetime64(today))  # NaT too: a 29 Feb may exist only in 19yy
    stamp[later] = _stamp(1900 + yy[later], month[later], day[later])
    date_ok = stamp <= np.datetime64(today)
    serial_ok = num(12, 16) > 0
    why = np.select([~region_ok, ~date_ok, ~serial_ok], ["region", "birth_date", "serial"],
                    default="")
    problem[at] = np.where(why == "", None, why)
    good = why == ""
    sex[at[good]] = np.where(female[good], "P", "L")
    born[at[good]] = stamp[good]
    return NikChecks(problem, sex, born)


def _stamp(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The dates (datetime64[D]) of year/month/day arrays; NaT where no such date."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    last = _DAYS[np.clip(month, 0, 12)] + ((month == 2) & leap)
    ok = (month >= 1) & (month <= 12) & (day >= 1) & (day <= last)
    stamp = (((year - 1970) * 12 + np.clip(month, 1, 12) - 1).astype("datetime64[M]")
             .astype("datetime64[D]") + (np.clip(day, 1, 31) - 1).astype("timedelta64[D]"))
    stamp[~ok] = np.datetime64("NaT")
    return stamp


@dataclass(frozen=True)
class NikCheck:
    """One NIK: valid or why not, and what it says about its holder."""

    problem: str | None
    sex: str | None
    birth_date: date | None

    @property
    def valid(self) -> bool:
        return self.problem is None

    @property
    def reason(self) -> str | None:
        """The problem in Bahasa Indonesia and English, or None."""
        return " / ".join(PROBLEMS[self.problem]) if self.problem else None


def check(nik: str, prefixes: RegionPrefixes, today: date | None = None) -> NikCheck:
    """Check one NIK (the same code path as :func:`check_many`)."""
    many = check_many(pd.Series([nik], dtype=object), prefixes, today)
    born = many.birth_date[0]
    return NikCheck(many.problem[0], many.sex[0],
                    None if np.isnat(born) else born.astype(object))


def nik_hmac(nik: str) -> bytes:
    """HMAC-SHA256 of the cleaned NIK with the server's secret: finds duplicates blind.

    Keyed rather than a plain hash because NIKs are few enough (region, birth date,
    serial) to be found again from a bare SHA-256 by trying them all.
    """
    return nik_hmac_many(pd.Series([nik], dtype=object))[0]


def nik_hmac_many(niks: pd.Series) -> np.ndarray:
    """:func:`nik_hmac` of every non-empty NIK (None where empty or missing)."""
    cleaned = clean(niks.fillna("")).to_numpy(dtype=object)
    given = np.flatnonzero(cleaned != "")
    out = np.full(len(cleaned), None, dtype=object)
    out[given] = hmac_sha256_many(secret_key(), [v.encode("utf-8") for v in cleaned[given]])
    return out


def hmac_sha256_many(key: bytes, messages: list[bytes]) -> list[bytes]:
    """``hmac.digest(key, m, sha256)`` of every message, 2.6x faster for many.

    A keyed hash cannot be vectorised; ``hmac.digest`` also digests the padded key
    again for every message. Here the two padded-key states are hashed once and
    copied per message (RFC 2104: H(K^opad || H(K^ipad || m))): the same bytes.
    """
    if len(key) > 64:  # SHA-256's block size: a longer key is hashed first
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    out = []
    for message in messages:
        i = inner.copy()
        i.update(message)
        o = outer.copy()
        o.update(i.digest())
        out.append(o.digest())
    return out
