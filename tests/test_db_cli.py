"""``geomap db start|status|url|migrate|stop``: its own cluster without GEOMAP_DATABASE_URL,
and hands off everything local when it is set."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from geomap.db.cluster import Cluster
from tests.conftest import Database


@pytest.fixture
def var_dir() -> Iterator[Path]:
    """A fresh GEOMAP_VAR_DIR. Not pytest's tmp_path: as root the server runs as the
    ``postgres`` user, which cannot enter pytest's private (0700) base folder."""
    path = Path(tempfile.mkdtemp(prefix="geomap-var-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        Cluster(path / "pg").stop()
        shutil.rmtree(path, ignore_errors=True)


def _local(var_dir: Path) -> Database:
    """The environment of a developer with no GEOMAP_DATABASE_URL."""
    env = {k: v for k, v in os.environ.items() if k != "GEOMAP_DATABASE_URL"}
    env["GEOMAP_VAR_DIR"] = str(var_dir)
    return Database("", env)


def _migrations(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT name, checksum, applied_at FROM schema_migration"
                            " ORDER BY name").fetchall()


def test_local_cluster_lifecycle(var_dir, cli):
    me = _local(var_dir)
    down = cli(me, "db", "status")
    assert down.code == 1 and "Tidak berjalan / not running" in down.stdout

    started = cli(me, "db", "start")
    assert started.code == 0, started.stderr
    assert (var_dir / "pg" / "data" / "PG_VERSION").exists()
    url = cli(me, "db", "url").stdout.strip()
    assert url == f"postgresql://geomap@/geomap?host={var_dir}/pg/run&port=5432"
    assert f"Berjalan / running: {url}" in started.stdout
    # A unix socket in var/, no TCP port.
    assert (var_dir / "pg" / "run" / ".s.PGSQL.5432").is_socket()
    with psycopg.connect(url) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone()[0] == ""
        assert conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'postgis'"
                            ).fetchone()

    status = cli(me, "db", "status")
    assert status.code == 0 and "POSTGIS=" in status.stdout

    applied = _migrations(url)
    names = sorted(p.name for p in (Path(__file__).parent.parent / "layers" / "schema")
                   .glob("*.sql"))
    assert [name for name, *_ in applied] == names
    for _ in range(2):
        again = cli(me, "db", "migrate")
        assert again.code == 0, again.stderr
        assert "Diterapkan / applied: tidak ada / none" in again.stdout
        assert _migrations(url) == applied

    second_start = cli(me, "db", "start")  # already running: nothing to do, no error
    assert second_start.code == 0, second_start.stderr

    stopped = cli(me, "db", "stop")
    assert stopped.code == 0 and "Berhenti / stopped." in stopped.stdout
    assert cli(me, "db", "status").code == 1
    # Data survives a restart.
    assert cli(me, "db", "start").code == 0
    assert _migrations(url) == applied


def test_external_database_is_used_and_nothing_local_is_touched(empty_db, cli, tmp_path):
    env = {"GEOMAP_VAR_DIR": str(tmp_path / "var")}
    url = cli(empty_db, "db", "url", env=env)
    assert url.code == 0 and url.stdout.strip() == empty_db.url
    for command in ("start", "stop"):
        result = cli(empty_db, "db", command, env=env)
        assert result.code == 0, result.stderr
        assert "GEOMAP_DATABASE_URL is set; the local cluster is not touched." in result.stdout
    assert not (tmp_path / "var").exists()
    status = cli(empty_db, "db", "status", env=env)
    assert status.code == 0 and empty_db.url in status.stdout
    first = cli(empty_db, "db", "migrate", env=env)  # may apply files newer than the template
    assert first.code == 0, first.stderr
    migrate = cli(empty_db, "db", "migrate", env=env)
    assert migrate.code == 0 and "tidak ada / none" in migrate.stdout
    assert not (tmp_path / "var").exists()
