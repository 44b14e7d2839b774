"""The one validation path for PMKS cases, vectorised over the whole table.

Every way in (file upload, web form, JSON API, ``geomap cases import``) reads its
rows into a :class:`~geomap.ingest.readers.Table` and comes through
:func:`check_table`. Each rule is a whole-column operation (pandas/numpy), the
desa of every point comes from one call of :func:`geomap.assign.assign_desa`, and
the database is asked about duplicates once for all rows: no query, and no
Python loop over rows, except the keyed hashes (one C call each).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

import numpy as np
import pandas as pd
import psycopg

from geomap import nik as niks
from geomap import taxonomy
from geomap.area import area_param
from geomap.assign import assign_desa
from geomap.config import secret_key, settings
from geomap.ingest import textops
from geomap.ingest.problems import REASONS, RowError, UploadError, reason
from geomap.ingest.readers import Table
from geomap.sql import sql


class Uploader(Protocol):
    """Who uploads: :class:`geomap.accounts.User` fits, and so does :class:`SystemImport`."""

    id: int | None
    username: str
    role: str
    area: str | None


@dataclass(frozen=True)
class SystemImport:
    """An import by the operator at the command line, limited to an area (not a user)."""

    area: str
    id: None = None
    username: str = "(sistem / system)"
    role: str = "system"


WRITER_ROLES = ("admin", "dinas", "tksk", "system")
STATUSES = ("baru", "ditangani", "dirujuk", "selesai")
AGE_GROUPS = ("balita", "anak", "remaja", "dewasa", "lansia")
# Upper ages (exclusive) of the age groups, for filling the group from a NIK's birth date.
AGE_LIMITS = (5, 13, 18, 60)
MAX_LENGTH = {"name": 200, "address": 500, "phone": 32, "notes": 2000}
_STATUS = {"baru": "baru", "new": "baru", "ditangani": "ditangani", "sedang ditangani":
           "ditangani", "in progress": "ditangani", "handled": "ditangani",
           "dirujuk": "dirujuk", "referred": "dirujuk", "selesai": "selesai",
           "closed": "selesai", "done": "selesai", "resolved": "selesai"}
_SEX = {"l": "L", "lk": "L", "laki-laki": "L", "laki laki": "L", "lakilaki": "L", "pria": "L",
        "m": "L", "male": "L", "man": "L", "p": "P", "pr": "P", "perempuan": "P",
        "wanita": "P", "w": "P", "f": "P", "female": "P", "woman": "P"}
_AGE = {"balita": "balita", "under five": "balita", "toddler": "balita", "infant": "balita",
        "anak": "anak", "anak-anak": "anak", "child": "anak", "remaja": "remaja",
        "teen": "remaja", "teenager": "remaja", "adolescent": "remaja", "youth": "remaja",
        "dewasa": "dewasa", "adult": "dewasa", "lansia": "lansia", "lanjut usia": "lansia",
        "elderly": "lansia", "senior": "lansia", "older person": "lansia"}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%y")
_SINGLE_LINE_CONTROL = r"[\x00-\x1f\x7f]+"
_NOTES_CONTROL = r"[\x00-\x08\x0b-\x1f\x7f]"
_PHONE = r"^\+?[0-9][0-9 ()./-]{4,31}$"
# JIT compiling costs seconds on these big one-off statements and saves nothing.
NO_JIT = "SET LOCAL jit = off"
# Statements joining an upload's staged rows: case_staging's statistics describe whatever
# uploads were staged when it was last analysed, so a new upload id looks like one row
# and the planner picks a nested loop that scans every staged row once per row (100,000
# rows: minutes of CPU; what stalled the repeated benchmark runs). A hash join is right
# for any size here.
NO_NESTLOOP = "SET LOCAL enable_nestloop = off"
# The duplicate query (ingest/existing.sql) is one index lookup per row, whatever the
# statistics say. During a large import the other connection's uncommitted rows fill
# pmks_case while an autovacuum ANALYZE may have counted it empty (reltuples 0 over
# thousands of pages), and every plan then looks equally cheap (a million-row import
# stalled for minutes in its second benchmark run; see existing.sql for the index).
INDEX_LOOKUPS = "SET LOCAL enable_seqscan = off"
_FIELD_ORDER = ("lat", "lon", "category", "date", "status", "sex", "age_group",
                "household_size", "notes", "name", "nik", "address", "phone")


def today_in_indonesia() -> date:
    """Today's date in WIT (UTC+9), Indonesia's easternmost zone.

    "In the future" must not refuse a case recorded this morning in Papua while the
    server's clock (UTC, or WIB) is still on yesterday.
    """
    return (datetime.now(UTC) + timedelta(hours=9)).date()


def area_limit(user: Uploader) -> str | None:
    """The area code a user's upload is limited to (None: anywhere); refuse non-writers.

    The same rule as every read (:func:`geomap.area.area_param`): admin anywhere, the
    others (and a system import) within their area.
    """
    if user.role not in WRITER_ROLES:
        raise UploadError(f"peran {user.role} tidak boleh menambah kasus / role {user.role} "
                          "may not add cases")
    return area_param(user) or None


@dataclass
class Checked:
    """The verdict on a table: errors per row, and the accepted rows ready to store.

    ``cases`` has one row per accepted row (``row`` is the file's row number) with
    the columns of ``case_staging``; personal data (name, nik, address, phone) is
    in it and must go only to ``case_person``.
    """

    table: Table
    errors: list[RowError]
    accepted: np.ndarray  # bool per table row
    cases: pd.DataFrame

    @property
    def n_accepted(self) -> int:
        return int(self.accepted.sum())

    @property
    def n_rejected(self) -> int:
        return len(self.accepted) - self.n_accepted


class _Errors:
    """Errors gathered column by column, turned into rows once at the end."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.parts: list[pd.DataFrame] = []
        self.bad = np.zeros(len(table), dtype=bool)

    def add(self, mask: np.ndarray, field: str, code: str, why: str | np.ndarray | None = None,
            suggestion: np.ndarray | None = None) -> None:
        at = np.flatnonzero(mask)
        if not len(at):
            return
        self.bad[at] = True
        text = why if why is not None else reason(code)
        self.parts.append(pd.DataFrame({
            "i": at, "order": _FIELD_ORDER.index(field), "column": self.table.label(field),
            "code": code, "reason": text if isinstance(text, str) else np.asarray(text)[at],
            "suggestion": None if suggestion is None else np.asarray(suggestion, dtype=object)[at],
        }))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=["i", "order", "column", "code", "reason", "suggestion"])
        return pd.concat(self.parts, ignore_index=True).sort_values(["i", "order"], kind="stable")

    def rows(self) -> list[RowError]:
        f = self.frame()
        numbers = self.table.rows[f["i"].to_numpy(dtype=np.int64)]
        suggestion = f["suggestion"].astype(object).where(f["suggestion"].notna(), None)
        return [RowError(int(r), c, k, t, s) for r, c, k, t, s in zip(
            numbers, f["column"], f["code"], f["reason"], suggestion, strict=True)]


def _number(values: pd.Series) -> np.ndarray:
    """Decimal point or decimal comma; NaN where not a number."""
    if textops.needs(values, r"[\s,]"):
        values = values.str.replace(r"\s", "", regex=True).str.replace(",", ".", regex=False)
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)


def _dates(values: pd.Series) -> np.ndarray:
    """ISO or day-first dates (how Indonesian offices write them) as datetime64[D]."""
    unique = pd.Series(values.unique())
    day = unique.str.split(r"[T ]", n=1, regex=True).str[0]
    parsed = pd.Series(pd.NaT, index=unique.index, dtype="datetime64[ns]")
    for fmt in _DATE_FORMATS:
        missing = parsed.isna()
        if not missing.any():
            break
        parsed[missing] = pd.to_datetime(day[missing], format=fmt, errors="coerce")
    lookup = pd.Series(parsed.to_numpy(dtype="datetime64[D]"), index=unique.to_numpy())
    return lookup.reindex(values.to_numpy()).to_numpy(dtype="datetime64[D]")


def clean_text(values: pd.Series, notes: bool = False) -> pd.Series:
    """Control characters out (HTML stays as typed: escaping is the renderer's job)."""
    if not textops.has_control(values, allowed="\t\n" if notes else ""):
        return values
    if notes:
        values = values.str.replace(r"\r\n?", "\n", regex=True)
        return values.str.replace(_NOTES_CONTROL, "", regex=True).str.strip()
    return values.str.replace(_SINGLE_LINE_CONTROL, " ", regex=True).str.strip()


def _fmt(values: np.ndarray) -> np.ndarray:
    return np.char.mod("%.6f", values).astype(object)


def check_table(conn: psycopg.Connection, user: Uploader, table: Table, *,
                today: date | None = None,
                connect: Callable[[], psycopg.Connection] | None = None,
                earlier: EarlierRows | None = None) -> Checked:
    """Check every row of ``table`` for ``user``; read the database, write nothing.

    ``connect`` (a function returning a new connection) lets the desa assignment of a
    large table run on every core. ``earlier``: ``table`` is a piece of a file whose
    earlier pieces' accepted rows are in ``earlier``, and a repeat of one of them is a
    duplicate within the file.
    """
    area = area_limit(user)
    today = today or today_in_indonesia()
    n = len(table)
    errors = _Errors(table)
    if "category" not in table.columns:
        raise UploadError("kolom kategori tidak ditemukan / no category column "
                          "(kategori, kode PMKS, category)")
    if "lat" not in table.columns or "lon" not in table.columns:
        raise UploadError("kolom lintang dan bujur tidak ditemukan / no latitude and "
                          "longitude columns (lintang/lat/latitude, bujur/lon/lng/longitude)")
    if "date" not in table.columns:
        raise UploadError("kolom tanggal tidak ditemukan / no date column (tanggal, date)")

    # --- location -----------------------------------------------------------------------
    lat_text, lon_text = table.values("lat"), table.values("lon")
    lat, lon = _number(lat_text), _number(lon_text)
    bad_geometry = (table.bad_geometry if table.bad_geometry is not None
                    else np.zeros(n, dtype=bool))
    missing = ((lat_text == "") | (lon_text == "")).to_numpy() & ~bad_geometry
    errors.add(missing & (lat_text == "").to_numpy(), "lat", "missing_coordinates")
    errors.add(missing & (lat_text != "").to_numpy(), "lon", "missing_coordinates")
    readable = np.isfinite(lat) & np.isfinite(lon) & ~missing & ~bad_geometry
    in_range = readable & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    swap_range = readable & (np.abs(lon) <= 90) & (np.abs(lat) <= 180)
    tolerance = settings().snap_tolerance_m
    found = assign_desa(conn, np.where(in_range, lon, np.nan), np.where(in_range, lat, np.nan),
                        tolerance, connect=connect)
    desa, snapped = found.desa_code, found.snapped
    try_swap = swap_range & pd.isna(desa)
    swapped = np.zeros(n, dtype=bool)
    if try_swap.any():
        flipped = assign_desa(conn, np.where(try_swap, lat, np.nan),
                              np.where(try_swap, lon, np.nan), tolerance, connect=connect)
        swapped = try_swap & pd.notna(flipped.desa_code)
    good_lat, good_lon = _fmt(lon[swapped]), _fmt(lat[swapped])
    suggestion = np.full(n, None, dtype=object)
    suggestion[swapped] = good_lat + ", " + good_lon
    why = np.full(n, None, dtype=object)
    id_, en = REASONS["swapped_coordinates"]
    why[swapped] = (f"{id_} (seharusnya lintang " + good_lat + ", bujur " + good_lon + f") / {en}"
                    " (should be latitude " + good_lat + ", longitude " + good_lon + ")")
    errors.add(swapped, "lat", "swapped_coordinates", why, suggestion)
    unreadable = (~readable & ~missing) | (readable & ~in_range & ~swapped)
    errors.add(unreadable, "lat", "invalid_coordinates")
    located = pd.notna(desa)
    desa_text = pd.Series(desa, dtype=object).fillna("")
    codes = desa_text.to_numpy(dtype=str)
    inside = (located if area is None else
              located & ((codes == area) | np.strings.startswith(codes, area + ".")))
    errors.add(in_range & ~swapped & ~inside, "lat", "outside_area")

    # --- category -----------------------------------------------------------------------
    category_text = table.values("category")
    errors.add((category_text == "").to_numpy(), "category", "missing_category")
    names = category_text.unique()
    matches = {v: taxonomy.find(taxonomy.pmks(), v) for v in names if v}
    code_of = {v: m.category.code for v, m in matches.items() if m.category}
    near = {v: f"{m.suggestion.code} {m.suggestion.name_id}" for v, m in matches.items()
            if m.category is None and m.suggestion}
    category = category_text.map(code_of).to_numpy(dtype=object)
    unknown = (category_text != "").to_numpy() & pd.isna(category)
    why = category_text.map({v: reason("unknown_category", f"maksud Anda: {h}?",
                                       f"did you mean: {h}?") for v, h in near.items()})
    errors.add(unknown, "category", "unknown_category",
               why.astype(object).fillna(reason("unknown_category")).to_numpy(dtype=object),
               category_text.map(near).astype(object).to_numpy())

    # --- date ---------------------------------------------------------------------------
    date_text = table.values("date")
    recorded = _dates(date_text)
    empty_date = (date_text == "").to_numpy()
    errors.add(empty_date, "date", "missing_date")
    bad_date = ~empty_date & (np.isnat(recorded) | (recorded < np.datetime64("1900-01-01")))
    errors.add(bad_date, "date", "invalid_date")
    errors.add(~bad_date & ~empty_date & (recorded > np.datetime64(today)), "date",
               "future_date")

    # --- status, sex, age group, household size, texts ----------------------------------
    status_text = textops.fold_few(table.values("status"))
    status = status_text.map(_STATUS).where(status_text != "", "baru").to_numpy(dtype=object)
    errors.add(pd.isna(status), "status", "invalid_status")
    sex_text = textops.fold_few(table.values("sex"))
    sex = sex_text.map(_SEX).to_numpy(dtype=object)
    errors.add((sex_text != "").to_numpy() & pd.isna(sex), "sex", "invalid_sex")
    age_text = textops.fold_few(table.values("age_group"))
    age_group = age_text.map(_AGE).to_numpy(dtype=object)
    errors.add((age_text != "").to_numpy() & pd.isna(age_group), "age_group",
               "invalid_age_group")
    size_text = table.values("household_size")
    size = _number(size_text)
    bad_size = (size_text != "").to_numpy() & ~(
        np.isfinite(size) & (np.mod(size, 1) == 0) & (size >= 1) & (size <= 99))
    errors.add(bad_size, "household_size", "invalid_household_size")

    texts = {f: clean_text(table.values(f), notes=f == "notes") for f in MAX_LENGTH}
    for f, limit in MAX_LENGTH.items():
        errors.add((texts[f].str.len() > limit).to_numpy(), f, "text_too_long",
                   reason("text_too_long", f"maks. {limit} karakter", f"max. {limit} characters"))
    phone = texts["phone"]
    given = ((phone != "") & (phone.str.len() <= MAX_LENGTH["phone"])).to_numpy()
    bad_phone = np.zeros(n, dtype=bool)
    bad_phone[given] = ~phone[given].str.match(_PHONE).to_numpy(dtype=bool)
    errors.add(bad_phone, "phone", "invalid_phone")

    # --- NIK ----------------------------------------------------------------------------
    nik_text = niks.clean(table.values("nik"))
    has_nik = (nik_text != "").to_numpy()
    checks = niks.check_many(nik_text[has_nik], niks.RegionPrefixes.load(conn), today)
    problem = np.full(n, None, dtype=object)
    problem[has_nik] = checks.problem
    for key, (id_, en) in niks.PROBLEMS.items():
        errors.add(problem == key, "nik", "invalid_nik", reason("invalid_nik", id_, en))
    nik_sex = np.full(n, None, dtype=object)
    nik_sex[has_nik] = checks.sex
    born = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    born[has_nik] = checks.birth_date
    sex = np.where(pd.isna(sex) & (sex_text == "").to_numpy(), nik_sex, sex)
    years = (recorded - born).astype("timedelta64[D]").astype(np.float64) / 365.2425
    from_nik = np.array(AGE_GROUPS, dtype=object)[np.searchsorted(AGE_LIMITS,
                                                                  np.nan_to_num(years),
                                                                  side="right")]
    fill_age = (age_text == "").to_numpy() & ~np.isnat(born) & ~np.isnat(recorded) & (years >= 0)
    age_group = np.where(fill_age, from_nik, age_group)

    # --- duplicates: within the file, then against the database -------------------------
    ok = ~errors.bad
    nik_valid = has_nik & pd.isna(problem)
    nik_hash = np.full(n, None, dtype=object)
    nik_hash[ok & nik_valid] = niks.nik_hmac_many(nik_text[ok & nik_valid])
    fingerprint = np.full(n, None, dtype=object)
    fingerprint[ok] = _fingerprints(category[ok], lon[ok], lat[ok], recorded[ok],
                                    nik_hash[ok], texts["name"][ok])
    _duplicates(conn, errors, ok, fingerprint, nik_hash, category, status, earlier)

    accepted = ~errors.bad

    def text(f: str) -> np.ndarray:
        values = texts[f][accepted].to_numpy(dtype=object)
        return np.where(values == "", None, values)

    cases = pd.DataFrame({
        "row_no": table.rows[accepted], "category_code": category[accepted],
        "lon": lon[accepted], "lat": lat[accepted], "desa_code": desa[accepted],
        "snapped": snapped[accepted], "recorded_on": recorded[accepted],
        "status": status[accepted], "sex": sex[accepted], "age_group": age_group[accepted],
        "household_size": size[accepted], "notes": text("notes"),
        "nik_hmac": nik_hash[accepted], "fingerprint": fingerprint[accepted],
        "name": text("name"),
        "nik": np.where(nik_valid, nik_text.to_numpy(dtype=object), None)[accepted],
        "address": text("address"), "phone": text("phone"),
    })
    return Checked(table, errors.rows(), accepted, cases)


def _fingerprints(category: np.ndarray, lon: np.ndarray, lat: np.ndarray, day: np.ndarray,
                  nik_hash: np.ndarray, name: pd.Series) -> np.ndarray:
    """HMAC of category, point to 1e-5° (about a metre), date and the person.

    The person is the NIK's hash, or without a NIK the name folded to lower case: two
    people of the same category recorded at the same house on the same day stay two
    cases when their names differ. The same row uploaded again has the same fingerprint,
    which ``pmks_case.fingerprint``'s UNIQUE constraint turns into "already there".
    """
    if not len(category):
        return np.zeros(0, dtype=object)
    packed = np.zeros(len(category), dtype=[("nik", "S32"), ("cat", "S8"), ("lon", "<i8"),
                                             ("lat", "<i8"), ("day", "<i8")])
    has_nik = pd.notna(nik_hash)
    packed["nik"][has_nik] = list(nik_hash[has_nik])
    packed["cat"] = np.asarray(category, dtype="S8")
    packed["lon"] = np.round(lon * 1e5).astype(np.int64)
    packed["lat"] = np.round(lat * 1e5).astype(np.int64)
    packed["day"] = day.astype("datetime64[D]").astype(np.int64)
    person = [b"" if n else " ".join(v.lower().split()).encode("utf-8")
              for n, v in zip(has_nik, name.fillna("").tolist(), strict=True)]
    raw, width = memoryview(packed.tobytes()), packed.dtype.itemsize
    out = np.empty(len(person), dtype=object)
    out[:] = niks.hmac_sha256_many(secret_key(), [bytes(raw[i * width:(i + 1) * width]) + p
                                                  for i, p in enumerate(person)])
    return out


def _duplicates(conn: psycopg.Connection, errors: _Errors, ok: np.ndarray,
                fingerprint: np.ndarray, nik_hash: np.ndarray, category: np.ndarray,
                status: np.ndarray, earlier_rows: EarlierRows | None) -> None:
    """Mark repeats: the same fingerprint, or the same NIK and category while open; with
    ``earlier_rows``, also of the accepted rows of the file's earlier pieces."""
    at = np.flatnonzero(ok)
    if not len(at):
        return
    rows = errors.table.rows
    frame = pd.DataFrame({"i": at, "fp": fingerprint[at]})
    first = frame.groupby("fp")["i"].transform("min").to_numpy()
    again = first != at
    open_nik = pd.notna(nik_hash[at]) & (status[at] != "selesai")
    people = pd.DataFrame({"i": at[open_nik], "nik": list(nik_hash[at][open_nik]),
                           "cat": category[at][open_nik]})
    first_person = np.full(len(at), -1)
    if len(people):
        first_person[open_nik] = people.groupby(["nik", "cat"])["i"].transform("min").to_numpy()
    person_again = open_nik & (first_person != at) & ~again
    earlier = np.where(again, first, first_person)
    same = again | person_again
    why = np.full(len(errors.table), "", dtype=object)
    why[at[same]] = [reason("duplicate", f"sama dengan baris {rows[e]}", f"same as row {rows[e]}")
                     for e in earlier[same]]
    mask = np.zeros(len(errors.table), dtype=bool)
    mask[at[same]] = True
    errors.add(mask & ~np.isin(np.arange(len(mask)), at[person_again]), "category", "duplicate",
               why)
    errors.add(mask & np.isin(np.arange(len(mask)), at[person_again]), "nik", "duplicate", why)

    rest = at[~same]
    if len(rest) and earlier_rows is not None:
        rest = _earlier_repeats(errors, rest, earlier_rows, fingerprint, nik_hash, category,
                                status)
    if not len(rest):
        return
    with conn.transaction():
        conn.execute(NO_JIT)
        conn.execute(INDEX_LOOKUPS)
        hits = conn.execute(sql("ingest/existing"),  # hashes end to end: quick to send
                            _packed(rest, fingerprint, nik_hash, category, status)).fetchall()
        # SET LOCAL outlives a savepoint (an import's transaction without a second
        # connection): the next queries get their own plans back.
        conn.execute("RESET enable_seqscan")
    kind = np.full(len(errors.table), None, dtype=object)
    for position, what in hits:
        kind[rest[position - 1]] = what
    errors.add(kind == "fingerprint", "category", "duplicate",
               reason("duplicate", "sudah tercatat", "already recorded"))
    errors.add(kind == "open_case", "nik", "duplicate",
               reason("duplicate", "kasus terbuka dengan NIK dan kategori yang sama sudah ada",
                      "an open case with the same NIK and category exists"))


def _packed(at: np.ndarray, fingerprint: np.ndarray, nik_hash: np.ndarray,
            category: np.ndarray, status: np.ndarray) -> dict:
    """The rows ``at`` as the parameters of ``existing.sql``: the
    hashes as one bytea each (32 bytes a row, end to end), the categories as one text,
    one flag byte a row (1: has a NIK, 2: open)."""
    has_nik = pd.notna(nik_hash[at])
    blank = bytes(32)
    flags = has_nik.astype(np.uint8) | np.where(status[at] != "selesai", 2, 0).astype(np.uint8)
    return {"fp": b"".join(fingerprint[at]),
            "nik": b"".join(h if g else blank for h, g in zip(nik_hash[at], has_nik,
                                                               strict=True)),
            "cat": ",".join(category[at]), "flags": flags.tobytes()}


def _prefix(keys: np.ndarray) -> np.ndarray:
    """The first 8 bytes of each fixed-width key as an unsigned integer (same order)."""
    raw = np.frombuffer(keys.tobytes(), dtype=np.uint8).reshape(len(keys), keys.itemsize)
    return np.ascontiguousarray(raw[:, :8]).view(">u8").ravel()


def _person_keys(nik_hash: np.ndarray, category: np.ndarray) -> np.ndarray:
    """(NIK hash, category) as one 40-byte key a row (numpy ``S40``): the open-case rule's
    key, comparable and sortable in C."""
    keys = np.zeros(len(nik_hash), dtype=[("nik", "S32"), ("cat", "S8")])
    if len(nik_hash):
        keys["nik"] = np.frombuffer(b"".join(nik_hash), dtype="S32")
        keys["cat"] = np.asarray(category, dtype="S8")
    return keys.view("S40")


class EarlierRows:
    """The accepted rows of the pieces of a file checked so far (``geomap cases import``):
    each one's fingerprint and, when open with a NIK, its (NIK hash, category), with its
    row number in the file. A later piece's row with the same fingerprint, or open with
    the same person and category, is a duplicate of that row.

    Kept as one sorted numpy byte array per piece (32 or 40 bytes a row, about 70 MB for
    a million rows) and searched in C: the earlier rows are not read back from the
    database once per piece (that query grew with every piece, ~12 s of a million-row
    import), and the import's connection stays free to store the previous piece meanwhile.
    """

    def __init__(self) -> None:
        self._fingerprints: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._people: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    @staticmethod
    def _sorted(keys: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                             np.ndarray]:
        order = np.lexsort((keys, _prefix(keys)))
        keys = keys[order]
        return _prefix(keys), keys, np.asarray(rows, dtype=np.int64)[order]

    def add(self, cases: pd.DataFrame) -> None:
        """Remember a piece's accepted rows (:attr:`Checked.cases`)."""
        if not len(cases):
            return
        rows = cases["row_no"].to_numpy(dtype=np.int64)
        fingerprints = np.frombuffer(b"".join(cases["fingerprint"]), dtype="S32")
        self._fingerprints.append(self._sorted(fingerprints, rows))
        nik_hash = cases["nik_hmac"].to_numpy(dtype=object)
        open_nik = pd.notna(nik_hash) & (cases["status"].to_numpy(dtype=object) != "selesai")
        if open_nik.any():
            keys = _person_keys(nik_hash[open_nik],
                                cases["category_code"].to_numpy(dtype=object)[open_nik])
            self._people.append(self._sorted(keys, rows[open_nik]))

    @staticmethod
    def _first(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
               keys: np.ndarray) -> np.ndarray:
        """Per key, the row number of the earliest earlier row with that key (0: none).

        Searched on the keys' first 8 bytes as integers (numpy searches fixed-width
        bytes ten times slower); every key with the same first 8 bytes is then
        compared whole, so the answer is exact."""
        found = np.zeros(len(keys), dtype=np.int64)
        prefix = _prefix(keys)
        for known_prefix, known, rows in parts:
            low = np.searchsorted(known_prefix, prefix, side="left")
            high = np.searchsorted(known_prefix, prefix, side="right")
            for step in range(int((high - low).max(initial=0))):
                at = low + step
                near = np.flatnonzero(at < high)
                same = near[known[at[near]] == keys[near]]
                row = rows[at[same]]
                better = (found[same] == 0) | (row < found[same])
                found[same[better]] = row[better]
        return found

    def same_row(self, fingerprints: np.ndarray) -> np.ndarray:
        return self._first(self._fingerprints, fingerprints)

    def same_person(self, keys: np.ndarray) -> np.ndarray:
        return self._first(self._people, keys)


def _earlier_repeats(errors: _Errors, rest: np.ndarray, earlier_rows: EarlierRows,
                     fingerprint: np.ndarray, nik_hash: np.ndarray, category: np.ndarray,
                     status: np.ndarray) -> np.ndarray:
    """Mark the rows of ``rest`` that repeat an accepted row of an earlier piece of the
    same file (the same fingerprint first, as within a piece); the rows left to check."""
    same_row = earlier_rows.same_row(np.frombuffer(b"".join(fingerprint[rest]), dtype="S32"))
    open_nik = pd.notna(nik_hash[rest]) & (status[rest] != "selesai")
    same_person = np.zeros(len(rest), dtype=np.int64)
    if open_nik.any():
        same_person[open_nik] = earlier_rows.same_person(
            _person_keys(nik_hash[rest][open_nik], category[rest][open_nik]))
    by_fingerprint = same_row > 0
    hit = by_fingerprint | (same_person > 0)
    if not hit.any():
        return rest
    first = np.where(by_fingerprint, same_row, same_person)
    why = np.full(len(errors.table), "", dtype=object)
    why[rest[hit]] = [reason("duplicate", f"sama dengan baris {e}", f"same as row {e}")
                      for e in first[hit]]
    for mask, column in ((hit & by_fingerprint, "category"), (hit & ~by_fingerprint, "nik")):
        marked = np.zeros(len(errors.table), dtype=bool)
        marked[rest[mask]] = True
        errors.add(marked, column, "duplicate", why)
    return rest[~hit]
