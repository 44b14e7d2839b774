"""``geomap demo seed``: plausible, complete, reproducible demo data, through the CLI."""

from __future__ import annotations

import json
import os
import time
import uuid
from types import SimpleNamespace

import pandas as pd
import psycopg
import pytest

from geomap import accounts, nik, taxonomy
from geomap.assign import assign_desa

TODAY = "2026-06-30"


@pytest.fixture
def other_bandung_db(pg_cluster, template_bandung, bandung_db):
    """A second database with Kabupaten Bandung, to compare two seeds."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_cluster.url("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_bandung}"')
    url = pg_cluster.url(name)
    yield SimpleNamespace(url=url, env={**os.environ, "GEOMAP_DATABASE_URL": url},
                          connect=lambda: psycopg.connect(url, autocommit=True))
    with psycopg.connect(pg_cluster.url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _seed(cli, db, *args: str, input: str | None = None) -> tuple[dict, str]:
    done = cli(db, "demo", "seed", "--json", *args, input=input)
    assert done.code == 0, done.stderr
    return json.loads(done.stdout), done.stderr


def _frame(conn: psycopg.Connection, query: str) -> pd.DataFrame:
    cur = conn.execute(query)
    return pd.DataFrame(cur.fetchall(), columns=[c.name for c in cur.description])


def test_default_seed_is_complete_valid_and_plausible(cli, bandung_db):
    started = time.monotonic()
    summary, stderr = _seed(cli, bandung_db, "--today", TODAY)
    elapsed = time.monotonic() - started
    print(f"demo seed, 20,000 cases: {elapsed:.1f} s")
    assert elapsed < 120  # a few seconds on an idle machine; generous on a shared one
    assert summary["cases_added"] == 20_000 and summary["cases"] == 20_000
    with bandung_db.connect() as conn:
        cases = _frame(conn, "SELECT c.category_code, c.desa_code, c.kecamatan_code, c.status,"
                             " c.recorded_on, c.closed_at::date AS closed_on, c.sex,"
                             " c.age_group, c.household_size, ST_X(c.geom) AS lon,"
                             " ST_Y(c.geom) AS lat, d.parent_code, p.name, p.nik, p.address,"
                             " u.username AS recorder"
                             " FROM pmks_case c JOIN region d ON d.code = c.desa_code"
                             " JOIN case_person p ON p.case_id = c.id"
                             " LEFT JOIN app_user u ON u.id = c.created_by ORDER BY c.id")
        resources = _frame(conn, "SELECT r.category_code, r.kecamatan_code, r.active,"
                                 " r.service_radius_km, r.capacity, u.username, u.area_code"
                                 " FROM psks_resource r LEFT JOIN app_user u ON u.id = r.user_id")
        kecamatan = {r[0] for r in conn.execute(
            "SELECT code FROM region WHERE level = 'kecamatan'").fetchall()}
        users = dict(conn.execute("SELECT username, role FROM app_user").fetchall())
        rule = assign_desa(conn, cases["lon"].to_numpy(), cases["lat"].to_numpy()).desa_code
        checks = nik.check_many(cases["nik"], nik.RegionPrefixes.load(conn))
        assert accounts.verify_login(conn, "tksk-cileunyi", "geomap-demo") is not None

    assert len(cases) == 20_000
    # Every official category, weighted as a Dinas Sosial sees them.
    assert set(cases["category_code"]) == {c.code for c in taxonomy.pmks()}
    share = cases["category_code"].value_counts(normalize=True)
    assert share.index[0] == "FM" and share["FM"] > 0.2
    assert share["LUT"] > share["AJ"] > share["KAT"]
    # Each case's desa is the point rule's answer, and its kecamatan is that desa's.
    assert list(cases["desa_code"]) == list(rule)
    assert (cases["kecamatan_code"] == cases["parent_code"]).all()
    # NIKs valid in form, registered in the case's kecamatan, women's day + 40, unique.
    assert checks.valid.all()
    assert (cases["nik"].str[:6] == cases["kecamatan_code"].str.replace(".", "")).all()
    assert (checks.sex == cases["sex"].to_numpy()).all()
    assert cases["nik"].is_unique
    assert cases["name"].str.match(r"^[A-Z][a-z]+ [A-Z][a-z]+$").all()
    assert cases["address"].str.contains("RT 0").all()
    # Two years before the reference date; the older the case, the likelier it is closed.
    today = pd.Timestamp(TODAY).date()
    days = (pd.Timestamp(TODAY) - pd.to_datetime(cases["recorded_on"])).dt.days
    assert days.min() >= 0 and days.max() < 731
    closed = cases["status"] == "selesai"
    assert closed[days > 365].mean() > 2 * closed[days < 90].mean()
    assert set(cases["status"]) == {"baru", "ditangani", "dirujuk", "selesai"}
    assert cases.loc[closed, "closed_on"].notna().all()
    assert (cases.loc[closed, "closed_on"] >= cases.loc[closed, "recorded_on"]).all()
    assert (cases.loc[closed, "closed_on"] <= today).all()
    assert cases.loc[~closed, "closed_on"].isna().all()
    assert set(cases.loc[cases["category_code"] == "LUT", "age_group"]) == {"lansia"}
    assert cases["household_size"].between(1, 15).all()
    # Clustered where people live: the suburbs of Bandung far denser than the mountains.
    area = {"32.04.09": 10.6, "32.04.15": 217.0}  # Margahayu, Pangalengan (km²)
    per_km2 = {k: (cases["kecamatan_code"] == k).sum() / a for k, a in area.items()}
    assert per_km2["32.04.09"] > 3 * per_km2["32.04.15"]

    # Resources of every PSKS category; one active TKSK per kecamatan except three.
    assert set(resources["category_code"]) == {c.code for c in taxonomy.psks()}
    tksk = resources[resources["category_code"] == "TKSK"]
    without = kecamatan - set(tksk.loc[tksk["active"], "kecamatan_code"])
    assert without == set(summary["without_tksk"]) and len(without) == 3
    assert (tksk["username"].notna() & (tksk["area_code"] == tksk["kecamatan_code"])).all()
    assert tksk["service_radius_km"].isna().all()
    other = resources[resources["category_code"] != "TKSK"]
    assert (other["service_radius_km"] > 0).all() and (resources["capacity"] > 0).all()
    # Cases are recorded by their kecamatan's TKSK, or by the dinas where there is none.
    has_tksk = ~cases["kecamatan_code"].isin(without)
    assert (cases.loc[has_tksk, "recorder"] == "tksk-"
            + cases.loc[has_tksk, "kecamatan_code"].map(
                dict(zip(tksk["kecamatan_code"], tksk["username"].str[5:], strict=True)))).all()
    assert (cases.loc[~has_tksk, "recorder"] == "dinas").all()
    # Accounts: admin, dinas, planner and one tksk per TKSK; the password shown once.
    assert {u for u, r in users.items() if r != "tksk"} == {"admin", "dinas", "planner"}
    assert sum(r == "tksk" for r in users.values()) == len(tksk) == 28
    assert "geomap-demo" in stderr


def _snapshot(db) -> tuple:
    with db.connect() as conn:
        return tuple(conn.execute(q).fetchone() for q in (
            "SELECT count(*), md5(string_agg(encode(fingerprint, 'hex'), ',' ORDER BY"
            " fingerprint)), max(updated_at) FROM pmks_case",
            "SELECT count(*), md5(string_agg(p.nik || p.name || p.address, ',' ORDER BY"
            " c.fingerprint)) FROM case_person p JOIN pmks_case c ON c.id = p.case_id",
            "SELECT count(*), md5(string_agg(encode(fingerprint, 'hex') || name || capacity"
            " || coalesce(service_radius_km, 0) || active, ',' ORDER BY fingerprint)),"
            " max(updated_at) FROM psks_resource",
            "SELECT count(*), max(updated_at) FROM app_user",
            "SELECT count(*) FROM case_upload"))


def test_seeding_again_changes_nothing_and_other_parameters_are_refused(cli, bandung_db):
    args = ("--cases", "2000", "--seed", "7", "--today", TODAY)
    first, _ = _seed(cli, bandung_db, *args)
    assert first["cases_added"] == 2000
    before = _snapshot(bandung_db)
    again, stderr = _seed(cli, bandung_db, *args)
    assert again["cases_added"] == 0 and again["resources_inserted"] == 0
    assert again["resources_unchanged"] == first["resources_inserted"]
    assert again["users_created"] == [] and "geomap-demo" not in stderr
    assert _snapshot(bandung_db) == before
    refused = cli(bandung_db, "demo", "seed", "--cases", "2000", "--seed", "8", "--today", TODAY)
    assert refused.code == 1
    assert "other demo data is already present (seed 7" in refused.stderr
    assert "nothing was changed" in refused.stderr and "Traceback" not in refused.stderr
    # Without parameters (scripts/up.sh on another day) the demo is kept and it succeeds.
    kept = cli(bandung_db, "demo", "seed")
    assert kept.code == 0 and "already present" in kept.stderr
    assert _snapshot(bandung_db) == before


def test_same_seed_and_date_give_the_same_data_in_two_databases(cli, bandung_db,
                                                                other_bandung_db):
    args = ("--cases", "3000", "--seed", "11", "--today", "2026-01-15")
    one, _ = _seed(cli, bandung_db, *args)
    two, stderr = _seed(cli, other_bandung_db, *args, "--password-stdin",
                        input="kata-sandi-lain-123\n")
    assert "geomap-demo" not in stderr
    assert one["without_tksk"] == two["without_tksk"]
    for a, b in zip(_snapshot(bandung_db)[:3], _snapshot(other_bandung_db)[:3], strict=True):
        assert a[:2] == b[:2]
    with other_bandung_db.connect() as conn:
        assert accounts.verify_login(conn, "dinas", "kata-sandi-lain-123") is not None
        assert accounts.verify_login(conn, "dinas", "geomap-demo") is None
    # Another seed is other data.
    with psycopg.connect(other_bandung_db.url, autocommit=True) as conn:
        conn.execute("TRUNCATE case_person, pmks_case, psks_resource, case_upload CASCADE")
    _seed(cli, other_bandung_db, "--cases", "3000", "--seed", "12", "--today", "2026-01-15")
    assert _snapshot(bandung_db)[0][1] != _snapshot(other_bandung_db)[0][1]


def test_seed_without_boundaries_is_refused_clearly(cli, empty_db):
    done = cli(empty_db, "demo", "seed", "--cases", "100")
    assert done.code == 1
    assert "no desa boundaries in 32.04" in done.stderr and "Traceback" not in done.stderr
    assert empty_db.scalar("SELECT count(*) FROM app_user") == 0
    done = cli(empty_db, "demo", "seed", "--area", "32.04.05")
    assert done.code == 1 and "must be a kabupaten/kota code" in done.stderr


def test_small_seed_has_every_category_and_is_what_an_upload_would_store(cli, bandung_db,
                                                                         tmp_path):
    summary, _ = _seed(cli, bandung_db, "--cases", "26", "--seed", "3", "--today", TODAY)
    assert summary["cases_added"] == 26
    with bandung_db.connect() as conn:
        cases = _frame(conn, "SELECT c.category_code AS kategori, ST_Y(c.geom) AS lintang,"
                             " ST_X(c.geom) AS bujur, c.recorded_on AS tanggal, c.status,"
                             " p.nik, p.nama FROM pmks_case c JOIN (SELECT case_id, nik,"
                             " name AS nama FROM case_person) p ON p.case_id = c.id")
    assert set(cases["kategori"]) == {c.code for c in taxonomy.pmks()}
    # The same rows in an office's file are the same cases (ingest's fingerprint and NIK
    # hash): every one is a duplicate, nothing would be added.
    path = tmp_path / "again.csv"
    cases.to_csv(path, index=False, float_format="%.6f")
    done = cli(bandung_db, "cases", "import", str(path), "--area", "32.04", "--dry-run",
               "--json")
    assert done.code == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["accepted"], report["rejected"]) == (0, 26)
    assert {e["code"] for e in report["errors"]} == {"duplicate"}
