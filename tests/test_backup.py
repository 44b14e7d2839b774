"""``geomap backup`` / ``geomap restore``: a round trip that keeps every row, and a
restore that is all or nothing."""

from __future__ import annotations

import stat
import uuid

import psycopg
import pytest

from geomap.db.cluster import Cluster
from tests.conftest import Database


def table_counts(url: str) -> dict[str, int]:
    """Rows in every table of the public schema, by table name."""
    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        return {t: conn.execute(f'SELECT count(*) FROM public."{t}"').fetchone()[0]
                for t in tables}


@pytest.fixture
def blank_url(pg_cluster: Cluster) -> str:
    """A database with PostGIS and nothing else, as a new server would have."""
    return pg_cluster.create_database(f"blank_{uuid.uuid4().hex[:10]}")


def test_round_trip_into_an_empty_database(bandung_db: Database, blank_url: str, cli, tmp_path):
    backup = tmp_path / "geomap.dump"
    done = cli(bandung_db, "backup", str(backup))
    assert done.code == 0, done.stderr
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert bandung_db.scalar("SELECT count(*) FROM audit_log WHERE action = 'personal.export' "
                             "AND purpose = 'backup'") == 1
    before = table_counts(bandung_db.url)
    assert before["region"] == 313

    restored = Database(blank_url, {**bandung_db.env, "GEOMAP_DATABASE_URL": blank_url})
    done = cli(restored, "restore", str(backup))
    assert done.code == 0, done.stderr
    assert "313" in done.stdout
    assert table_counts(blank_url) == before
    # the geometry survived, not just the rows
    area = "SELECT round(sum(area_km2)::numeric, 3) FROM region WHERE level = 'desa'"
    assert restored.scalar(area) == bandung_db.scalar(area)


def test_restore_over_existing_schema_needs_replace(bandung_db: Database, empty_db: Database,
                                                    cli, tmp_path):
    backup = tmp_path / "geomap.dump"
    assert cli(bandung_db, "backup", str(backup)).code == 0
    done = cli(empty_db, "restore", str(backup))
    assert done.code == 1
    assert "--replace" in done.stderr
    assert empty_db.scalar("SELECT count(*) FROM region") == 0

    done = cli(empty_db, "restore", "--replace", str(backup))
    assert done.code == 0, done.stderr
    assert table_counts(empty_db.url) == table_counts(bandung_db.url)


def test_truncated_backup_changes_nothing(bandung_db: Database, empty_db: Database, cli,
                                          tmp_path):
    backup = tmp_path / "geomap.dump"
    assert cli(bandung_db, "backup", str(backup)).code == 0
    cut = tmp_path / "cut.dump"
    data = backup.read_bytes()
    cut.write_bytes(data[: int(len(data) * 0.8)])
    before = table_counts(empty_db.url)

    done = cli(empty_db, "restore", "--replace", str(cut))
    assert done.code == 1
    assert "nothing was changed" in done.stderr, done.stderr
    assert table_counts(empty_db.url) == before


def test_a_file_that_is_not_a_backup_is_refused(empty_db: Database, cli, tmp_path):
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"PGDMP" + b"\0" * 100)
    done = cli(empty_db, "restore", "--replace", str(junk))
    assert done.code == 1
    assert "Galat / Error" in done.stderr
    assert "postgresql://" not in done.stderr  # no connection string in the message
