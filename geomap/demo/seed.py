"""``geomap demo seed``: a whole kabupaten of plausible, reproducible demo data.

One seed and one reference date give the same people, cases, resources and
accounts on any machine: every draw comes from one numpy Generator in a fixed
order, and every desa comes from the point rule, which gives the same answer
whatever the order of rows. The seed is recorded as an upload (format ``demo``);
seeding again with the same parameters adds nothing, and with other parameters it
is refused rather than mixing two demos.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import psycopg

from geomap import accounts, ingest
from geomap.assign import assign_desa
from geomap.demo import cases, places, resources, tables
from geomap.ingest.columns import map_headers
from geomap.ingest.staging import STAGING_COLUMNS
from geomap.resources import store as resource_store
from geomap.resources.load import import_rows
from geomap.sql import sql

DEFAULT_CASES = 20_000
DEFAULT_SEED = 2024
DEFAULT_AREA = "32.04"
# The password of every demo account unless one is given (documented in the README):
# demo data is public, these accounts must never exist on a server holding real cases.
DEMO_PASSWORD = "geomap-demo"


@dataclass(frozen=True)
class Params:
    cases: int
    seed: int
    today: dt.date
    area: str = DEFAULT_AREA

    def label(self) -> str:
        return (f"demo seed={self.seed} today={self.today.isoformat()} cases={self.cases} "
                f"area={self.area}")

    def as_json(self) -> dict:
        return {"seed": self.seed, "today": self.today.isoformat(), "cases": self.cases,
                "area": self.area}


class AlreadySeeded(RuntimeError):
    """A demo with other parameters is in the database; seeding again would mix two demos."""

    def __init__(self, existing: dict) -> None:
        self.existing = existing
        super().__init__(
            "data demo lain sudah ada / other demo data is already present "
            f"(seed {existing.get('seed')}, {existing.get('today')}, {existing.get('cases')} "
            "kasus/cases); tidak ada yang diubah / nothing was changed")


@dataclass
class SeedResult:
    params: Params
    cases_added: int
    resources: resource_store.Saved
    resource_errors: list[dict]
    users_created: list[str]
    without_tksk: list[tuple[str, str]]  # (code, name) of kecamatan left without a TKSK

    def as_json(self) -> dict:
        return {**self.params.as_json(), "cases_added": self.cases_added,
                "resources_inserted": self.resources.inserted,
                "resources_updated": self.resources.updated,
                "resources_unchanged": self.resources.unchanged,
                "users_created": self.users_created,
                "without_tksk": [code for code, _ in self.without_tksk]}


def existing_demo(conn: psycopg.Connection) -> dict | None:
    """The parameters of the demo already seeded, if any."""
    row = conn.execute("SELECT report FROM case_upload WHERE format = 'demo' AND kind = 'case' "
                       "AND status = 'confirmed' "
                       "ORDER BY id LIMIT 1").fetchone()
    return row[0].get("params") if row else None


def _users(conn: psycopg.Connection, wanted: list[resources.DemoUser],
           password: str) -> list[str]:
    """Create the demo accounts that do not exist yet; return their names.

    They share one argon2 hash of the one demo password: hashing is deliberately slow
    (about 0.1 s each) and thirty identical passwords gain nothing from thirty salts.
    """
    names = [u.username for u in wanted]
    have = {r[0] for r in conn.execute("SELECT username FROM app_user WHERE username = ANY(%s)",
                                       (names,)).fetchall()}
    new = [u for u in wanted if u.username not in have]
    if not new:
        return []
    accounts.check_password(password)
    digest = accounts.password_hasher().hash(password)
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO app_user (username, role, area_code, password_hash) "
                        "VALUES (%s, %s, %s, %s)",
                        [(u.username, u.role, u.area, digest) for u in new])
    return [u.username for u in new]


def _sha(params: Params) -> bytes:
    return hashlib.sha256(params.label().encode()).digest()


def _upload(conn: psycopg.Connection, kind: str, params: Params, rows: int,
            report: dict) -> int:
    """The demo's upload record of this kind, made the first time."""
    found = conn.execute("SELECT id FROM case_upload WHERE format = 'demo' AND kind = %s "
                         "AND sha256 = %s", (kind, _sha(params))).fetchone()
    if found:
        return found[0]
    return resource_store.record_upload(conn, kind=kind, filename=params.label(), fmt="demo",
                                        sha256=_sha(params), accepted=rows, rejected=0,
                                        report=report)


def _bytea_text(digests: np.ndarray) -> np.ndarray:
    """32-byte digests in COPY's text form for bytea (``\\x`` + hex), in one pass."""
    hexed = np.frombuffer(b"".join(digests).hex().encode(), dtype="S64").astype(str)
    return np.char.add("\\x", hexed)


def _cases(conn: psycopg.Connection, params: Params, rows: pd.DataFrame) -> int:
    """Check the cases by the ingest rules, as a system import, and write them by COPY.

    The checks, the desa, the NIK hash and the fingerprint are ingest's own
    (:func:`geomap.ingest.check_table`), so a demo case and the same row in an
    office's file are the same case. The write is the demo's: one COPY and one INSERT
    that also set who recorded each case and when it was closed, which no upload
    knows (writing through preview and confirm and then updating every row would
    write each case twice). A generated row that fails a check is a bug in the
    generator and stops the seed before anything is written.
    """
    text = rows.drop(columns=["desa"]).astype(str)
    text["lintang"] = np.char.mod("%.6f", rows["lintang"].to_numpy())
    text["bujur"] = np.char.mod("%.6f", rows["bujur"].to_numpy())
    text["telepon"] = rows["telepon"].fillna("").astype(str)
    table = ingest.Table(params.label(), "demo", _sha(params), text,
                         np.arange(len(text)) + 2, map_headers(list(text.columns)))
    checked = ingest.check_table(conn, ingest.SystemImport(params.area), table,
                                 today=params.today)
    if checked.n_rejected:
        raise RuntimeError(f"kasus demo ditolak / demo cases rejected: "
                           f"{[e.as_dict() for e in checked.errors[:3]]}")
    stage = checked.cases.loc[:, list(STAGING_COLUMNS)].copy()
    stage["household_size"] = stage["household_size"].astype("Int64")
    for column in ("nik_hmac", "fingerprint"):
        stage[column] = _bytea_text(stage[column].to_numpy())
    buffer = io.StringIO()
    stage.to_csv(buffer, header=False, index=False, float_format="%.6f")
    with conn.transaction(), conn.cursor() as cur:
        upload = resource_store.record_upload(
            conn, kind="case", filename=params.label(), fmt="demo", sha256=_sha(params),
            accepted=len(stage), rejected=0, report={"params": params.as_json()})
        cur.execute("CREATE TEMP TABLE demo_case_stage (LIKE case_staging) ON COMMIT DROP")
        cur.execute("ALTER TABLE demo_case_stage ALTER upload_id SET DEFAULT "
                    + str(int(upload)))
        with cur.copy(f"COPY demo_case_stage ({', '.join(STAGING_COLUMNS)}) FROM STDIN "
                      "WITH (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())
        cur.execute(sql("demo/case_insert"), {"dinas": "dinas", "today": params.today,
                                              "mean_days": tables.DAYS_TO_CLOSE})
        return cur.rowcount


def seed(conn: psycopg.Connection, params: Params, password: str = DEMO_PASSWORD) -> SeedResult:
    """Seed (or re-seed, adding nothing) the demo; raise :class:`AlreadySeeded` on a mix.

    Re-seeding with the same parameters checks the resources and accounts again (an
    idempotent import) and leaves the cases, already confirmed, as they are.
    """
    existing = existing_demo(conn)
    if existing is not None and existing != params.as_json():
        raise AlreadySeeded(existing)
    rng = np.random.default_rng(params.seed)
    assign = partial(assign_desa, conn)
    desa = places.load_desa(conn, params.area, rng)
    where = places.settlements(desa, rng)
    case_rows = cases.generate(desa, where, params.cases, params.today, rng, assign)
    resource_rows, gap = resources.generate(desa, where, rng, assign)
    tksk = resource_rows[resource_rows["pengguna"].notna()]
    report = {"params": params.as_json()}
    # Each step is idempotent, so a seed cut short is finished by running it again
    # (no one transaction around them all: the point rule's temporary tables live
    # until a real commit).
    with conn.transaction():
        created = _users(conn, resources.users(params.area, tksk), password)
    as_file = resource_rows.fillna("").astype(str)  # text cells, as a file is read
    as_file.insert(0, "row", np.arange(len(as_file)) + 2)
    imported = import_rows(conn, as_file, filename=params.label(), fmt="demo",
                           sha256=_sha(params), area=params.area, all_or_nothing=True,
                           upload_id=_upload(conn, "resource", params, len(as_file), report))
    if imported.rejected:  # the generator's own rows must pass the import rules
        raise RuntimeError(f"sumber daya demo ditolak / demo resources rejected: "
                           f"{imported.errors[:3]}")
    added = 0 if existing else _cases(conn, params, case_rows)
    names = dict(zip(desa.kecamatan, desa.kecamatan_name, strict=True))
    return SeedResult(params, added, imported.saved, imported.errors, created,
                      [(code, names[code]) for code in gap])
