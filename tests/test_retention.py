"""``geomap retention run``: closed cases past retention go with their personal data,
audited; open and recently closed cases stay."""

from __future__ import annotations

import os

from tests.conftest import Database

DESA = "SELECT min(code) FROM region WHERE level = 'desa'"


def add_case(db: Database, status: str, closed_days_ago: int | None = None) -> int:
    """One case with personal data, closed ``closed_days_ago`` days ago if given."""
    with db.connect() as conn:
        case_id = conn.execute(
            "INSERT INTO pmks_case (category_code, geom, desa_code, recorded_on, status, "
            "fingerprint, closed_at) "
            "SELECT (SELECT min(code) FROM pmks_category), ST_PointOnSurface(geom), code, "
            "DATE '2019-01-01', %s, %s, now() - make_interval(days => %s) "
            "FROM region WHERE code = (" + DESA + ") RETURNING id",
            (status, os.urandom(32), closed_days_ago)).fetchone()[0]
        conn.execute("INSERT INTO case_person (case_id, name, nik) VALUES (%s, %s, %s)",
                     (case_id, "Siti Contoh", "3204054101900001"))
    return case_id


def test_closed_cases_past_retention_are_purged_and_audited(bandung_db: Database, cli):
    old = add_case(bandung_db, "selesai", closed_days_ago=400)
    recent = add_case(bandung_db, "selesai", closed_days_ago=10)
    open_case = add_case(bandung_db, "ditangani")
    assert bandung_db.scalar("SELECT closed_at FROM pmks_case WHERE id = %s", (open_case,)) \
        is None  # the trigger: only closed cases carry a closing date

    dry = cli(bandung_db, "retention", "run", "--days", "365", "--dry-run")
    assert dry.code == 0, dry.stderr
    assert "would delete: 1 " in dry.stdout
    assert bandung_db.scalar("SELECT count(*) FROM pmks_case") == 3

    done = cli(bandung_db, "retention", "run", "--days", "365")
    assert done.code == 0, done.stderr
    assert "deleted: 1 " in done.stdout
    remaining = {r for r, in bandung_db.connect().execute("SELECT id FROM pmks_case")}
    assert remaining == {recent, open_case}
    assert bandung_db.scalar("SELECT count(*) FROM case_person WHERE case_id = %s", (old,)) == 0
    assert bandung_db.scalar(
        "SELECT record_ids FROM audit_log WHERE action = 'personal.purge' "
        "AND purpose = 'retention'") == [old]

    again = cli(bandung_db, "retention", "run", "--days", "365")
    assert "deleted: 0 " in again.stdout
    assert bandung_db.scalar("SELECT count(*) FROM audit_log WHERE action = 'personal.purge'") \
        == 1  # nothing purged, nothing to record


def test_retention_period_comes_from_the_setting(bandung_db: Database, cli):
    add_case(bandung_db, "selesai", closed_days_ago=40)
    done = cli(bandung_db, "retention", "run", env={"GEOMAP_RETENTION_DAYS": "30"})
    assert "deleted: 1 " in done.stdout
    bad = cli(bandung_db, "retention", "run", env={"GEOMAP_RETENTION_DAYS": "lima"})
    assert bad.code == 1
    assert "GEOMAP_RETENTION_DAYS" in bad.stderr


def test_closing_date_follows_the_status(bandung_db: Database):
    case_id = add_case(bandung_db, "baru")
    with bandung_db.connect() as conn:
        conn.execute("UPDATE pmks_case SET status = 'selesai' WHERE id = %s", (case_id,))
        closed = conn.execute("SELECT closed_at FROM pmks_case WHERE id = %s",
                              (case_id,)).fetchone()[0]
        assert closed is not None
        conn.execute("UPDATE pmks_case SET notes = 'x' WHERE id = %s", (case_id,))
        assert conn.execute("SELECT closed_at FROM pmks_case WHERE id = %s",
                            (case_id,)).fetchone()[0] == closed
        conn.execute("UPDATE pmks_case SET status = 'dirujuk' WHERE id = %s", (case_id,))
        assert conn.execute("SELECT closed_at FROM pmks_case WHERE id = %s",
                            (case_id,)).fetchone()[0] is None
