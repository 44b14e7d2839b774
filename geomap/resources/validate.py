"""Checking resource rows: every rule on whole columns at once, every problem reported.

A row is accepted only when it has no problem; each problem names the row, the
column as the file spells it, a stable code and a bilingual reason, and a
suggestion where one helps (the nearest official category, the point with
latitude and longitude swapped back). The desa of a resource comes from its point
through the one rule (:func:`geomap.assign.assign_desa`), never from the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
import psycopg

from geomap import codes, taxonomy
from geomap.assign import assign_desa
from geomap.ingest.columns import fold
from geomap.ingest.validate import clean_text
from geomap.resources.columns import FALSE_WORDS, TRUE_WORDS, reason
from geomap.sql import sql


@dataclass
class Checked:
    """The rows that passed, ready to store, and the problems of those that did not."""

    accepted: pd.DataFrame   # category, name, lon, lat, desa_code, capacity, radius_km,
    #                          active, contact, user_id, key, row
    problems: pd.DataFrame   # row, column, code, reason, suggestion
    rows: int

    @property
    def rejected(self) -> int:
        return self.problems["row"].nunique() if len(self.problems) else 0

    def errors(self) -> list[dict]:
        """The problems as plain dicts (row order), for JSON and the upload report."""
        frame = self.problems.sort_values(["row", "order"], kind="stable")
        out = frame[["row", "column", "code", "reason", "suggestion"]].to_dict("records")
        for e in out:
            e["row"] = int(e["row"])
            if e["suggestion"] is None or e["suggestion"] != e["suggestion"]:
                del e["suggestion"]
        return out


def _number(text: pd.Series) -> pd.Series:
    """Numbers as people type them: decimal comma accepted, blanks NaN."""
    return pd.to_numeric(text.str.replace(",", ".", regex=False).str.replace(" ", "", regex=False),
                         errors="coerce")


def resource_key(category: pd.Series, name: pd.Series, lon: np.ndarray,
                 lat: np.ndarray) -> pd.Series:
    """What makes two rows the same resource: category, name and point (to ~10 m).

    Its SHA-256 is the stored fingerprint, so importing the same list again updates
    the resources in place instead of adding them twice.
    """
    folded = name.str.casefold().str.split().str.join(" ")
    return (category + "|" + folded + "|" + np.char.mod("%.4f", np.round(lon, 4))
            + "|" + np.char.mod("%.4f", np.round(lat, 4)))


class _Report:
    """Collects problems column by column (boolean masks, never row by row)."""

    def __init__(self, rows: pd.Series, headers: dict[str, str]) -> None:
        self.rows = rows.to_numpy()
        self.headers = headers
        self.parts: list[pd.DataFrame] = []
        self.bad = np.zeros(len(rows), dtype=bool)

    def add(self, mask: np.ndarray, column: str, code: str,
            suggestion: np.ndarray | pd.Series | None = None) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        self.bad |= mask
        sug = (np.full(int(mask.sum()), None, dtype=object) if suggestion is None
               else np.asarray(suggestion, dtype=object)[mask])
        self.parts.append(pd.DataFrame({
            "row": self.rows[mask], "column": self.headers.get(column, column), "code": code,
            "reason": reason(code), "suggestion": sug, "order": len(self.parts)}))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=["row", "column", "code", "reason", "suggestion",
                                         "order"])
        return pd.concat(self.parts, ignore_index=True)


def _categories(raw: pd.Series, report: _Report) -> pd.Series:
    """Official PSKS codes; unknown ones reported with the nearest official name."""
    unique = raw.unique()  # a few distinct spellings, whatever the number of rows
    found = {v: taxonomy.find(taxonomy.psks(), v) for v in unique if v}
    # As text even when no value is known: mapped through an empty table it would be
    # float64 NaN, which cannot take the "" the fingerprint fills in (Pandas4Warning).
    code = raw.map({v: m.category.code for v, m in found.items() if m.category}).astype("str")
    hint = raw.map({v: f"{m.suggestion.code} ({m.suggestion.name_id})"
                    for v, m in found.items() if not m.category and m.suggestion})
    report.add((raw == "").to_numpy(), "kategori", "missing_category")
    report.add(((raw != "") & code.isna()).to_numpy(), "kategori", "unknown_category", hint)
    return code


def _place(conn: psycopg.Connection, frame: pd.DataFrame, area: str | None,
           report: _Report) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """lon, lat and desa per row; missing, unparseable, swapped and outside reported."""
    lat_txt, lon_txt = frame["lintang"], frame["bujur"]
    lat, lon = _number(lat_txt).to_numpy(), _number(lon_txt).to_numpy()
    missing = ((lat_txt == "") | (lon_txt == "")).to_numpy()
    report.add(missing, "lintang", "missing_coordinates")
    report.add(~missing & ~(np.isfinite(lat) & np.isfinite(lon)), "lintang",
               "invalid_coordinates")
    ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    desa = assign_desa(conn, np.where(ok, lon, np.nan), np.where(ok, lat, np.nan)).desa_code
    inside = _in_area(desa, area)
    numeric = np.isfinite(lat) & np.isfinite(lon)
    # Outside as given: would the point land inside with latitude and longitude swapped?
    again = numeric & ~inside & (np.abs(lon) <= 90)
    swapped_desa = assign_desa(conn, np.where(again, lat, np.nan),
                               np.where(again, lon, np.nan)).desa_code
    swapped = again & _in_area(swapped_desa, area)
    hint = pd.Series("lintang/lat " + np.char.mod("%.6f", lon).astype(object) + ", bujur/lon "
                     + np.char.mod("%.6f", lat).astype(object)).to_numpy()
    report.add(swapped, "lintang", "swapped_coordinates", hint)
    report.add(numeric & ~inside & ~swapped, "lintang", "outside_area")
    return lon, lat, np.where(inside, desa, None)


def _in_area(desa: np.ndarray, area: str | None) -> np.ndarray:
    """Assigned, and (when an area is given) inside it: :func:`geomap.codes.contains`."""
    code = pd.Series(desa, dtype=object)
    ok = code.notna()
    if area:
        area = codes.normalise(area)
        ok &= (code == area) | code.str.startswith(area + ".").fillna(False).astype(bool)
    return ok.to_numpy()


def _capacity(text: pd.Series, report: _Report) -> np.ndarray:
    value = _number(text).to_numpy()
    good = np.isfinite(value) & (value >= 0) & (value == np.floor(value)) & (value < 2**31)
    report.add(~good, "kapasitas", "invalid_capacity")
    return np.where(good, value, 0).astype(np.int64)


def _radius(conn: psycopg.Connection, text: pd.Series, category: pd.Series,
            report: _Report) -> np.ndarray:
    """The given radius, else the category's effective default; TKSK have none."""
    defaults = dict(conn.execute("SELECT code, radius_km FROM psks_category_radius").fetchall())
    whole = _whole_kecamatan()
    given = text != ""
    value = _number(text).to_numpy()
    tksk = category.isin(whole).to_numpy()
    report.add(given.to_numpy() & tksk, "radius_km", "radius_not_applicable")
    report.add(given.to_numpy() & ~tksk & ~((value > 0) & (value <= 100)), "radius_km",
               "invalid_radius")
    default = category.map(defaults).astype(float).to_numpy()
    return np.where(tksk, np.nan, np.where(given.to_numpy(), value, default))


def _active(text: pd.Series, report: _Report) -> np.ndarray:
    key = text.map({v: fold(v) for v in text.unique()})  # per distinct word, not per row
    yes, no = key.isin(TRUE_WORDS), key.isin(FALSE_WORDS)
    report.add(((text != "") & ~yes & ~no).to_numpy(), "aktif", "invalid_active")
    return ~no.to_numpy()


def _users(conn: psycopg.Connection, username: pd.Series, category: pd.Series,
           desa: np.ndarray, report: _Report) -> np.ndarray:
    """A TKSK row may name its user: it must be the tksk account of that kecamatan."""
    given = (username != "").to_numpy()
    wanted = username.str.lower()
    accounts = pd.DataFrame(conn.execute(
        "SELECT username, id, role, area_code FROM app_user WHERE username = ANY(%s) "
        "AND NOT disabled", (sorted(set(wanted[given])),)).fetchall(),
        columns=["username", "id", "role", "area"], dtype=object)
    found = pd.DataFrame({"username": wanted}).merge(accounts, on="username", how="left")
    known = found["id"].notna().to_numpy()
    kecamatan = pd.Series(desa, dtype=object).str[:8]
    match = ((found["role"] == "tksk") & (found["area"] == kecamatan)
             & category.isin(_whole_kecamatan()).reset_index(drop=True)).to_numpy()
    report.add(given & ~known, "pengguna", "unknown_user")
    report.add(known & ~match & kecamatan.notna().to_numpy(), "pengguna", "user_mismatch")
    return np.where(known & match, found["id"].to_numpy(), None)


def _whole_kecamatan() -> set[str]:
    """The categories that serve a whole kecamatan (TKSK) rather than a radius."""
    return {c.code for c in taxonomy.psks() if c.serves_kecamatan}


def fingerprint(key: pd.Series) -> pd.Series:
    """SHA-256 of :func:`resource_key`, as ``resources/upsert`` computes it in SQL."""
    return key.map(lambda k: hashlib.sha256(k.encode()).digest())


def _one_tksk(conn: psycopg.Connection, checked: pd.DataFrame, report: _Report) -> None:
    """At most one active TKSK per kecamatan, counting those already registered.

    A TKSK already registered under the same fingerprint is the same person: the
    row updates it and is no conflict.
    """
    tksk = checked[checked["category"].isin(_whole_kecamatan()) & checked["active"]
                   & ~report.bad]
    if tksk.empty:
        return
    kecamatan = tksk["desa_code"].str[:8]
    existing = dict(conn.execute(sql("resources/active_tksk")).fetchall())
    held = kecamatan.map(existing)
    other = held.notna() & (held != fingerprint(tksk["key"]))
    mask = np.zeros(len(report.bad), dtype=bool)
    mask[tksk.index[(kecamatan.duplicated(keep="first") | other).to_numpy()]] = True
    report.add(mask, "kategori", "tksk_conflict")


def check(conn: psycopg.Connection, frame: pd.DataFrame, headers: dict[str, str],
          area: str | None = None) -> Checked:
    """Check canonical rows (see :func:`geomap.resources.columns.canonical`)."""
    frame = frame.reset_index(drop=True)
    report = _Report(frame["row"], headers)
    # Control characters out of the free texts, as for cases: PostgreSQL text cannot hold
    # NUL (it was a 500), and a line break has no place in a name, phone or username.
    frame = frame.assign(**{c: clean_text(frame[c]) for c in ("nama", "kontak", "pengguna")})
    category = _categories(frame["kategori"], report)
    name = frame["nama"]
    report.add((name == "").to_numpy(), "nama", "missing_name")
    report.add((name.str.len() > 200).to_numpy(), "nama", "invalid_name")
    lon, lat, desa = _place(conn, frame, area, report)
    capacity = _capacity(frame["kapasitas"], report)
    radius = _radius(conn, frame["radius_km"], category, report)
    active = _active(frame["aktif"], report)
    report.add((frame["kontak"].str.len() > 200).to_numpy(), "kontak", "invalid_contact")
    user_id = _users(conn, frame["pengguna"], category, desa, report)
    key = resource_key(category.fillna(""), name, lon, lat)
    report.add((key.duplicated(keep="first") & ~pd.Series(report.bad)).to_numpy(), "nama",
               "duplicate")
    out = pd.DataFrame({
        "row": frame["row"], "category": category, "name": name, "lon": lon, "lat": lat,
        "desa_code": desa, "capacity": capacity, "radius_km": radius, "active": active,
        "contact": frame["kontak"].where(frame["kontak"] != "", None), "user_id": user_id,
        "key": key})
    _one_tksk(conn, out, report)
    return Checked(out[~report.bad].reset_index(drop=True), report.frame(), len(frame))
