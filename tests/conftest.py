"""Fixtures: a throwaway PostGIS cluster per test run, databases cloned per test.

The cluster lives in a temporary folder, listens on a unix socket only and runs
without fsync; it is destroyed when the run ends. Each test that writes gets
its own database, cloned from a template that already holds the schema (and,
for most tests, Kabupaten Bandung's boundaries), so tests never see each
other's data and never touch a developer's ``var/`` cluster.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from geomap.config import PROJECT_ROOT
from geomap.db.cluster import Cluster
from geomap.db.migrate import prepare

pytest_plugins = ["tests.auth_fixtures", "tests.browser_fixtures", "tests.fault_fixtures"]

os.environ.setdefault("GEOMAP_SECRET_KEY", "test-secret-not-for-production")

SHARED = PROJECT_ROOT.parent / "shared"
WILAYAH = SHARED / "data" / "boundaries" / "wilayah_boundaries"
WILAYAH_DB = WILAYAH / "db"
KAB_BANDUNG_FILES = [
    WILAYAH_DB / "prov" / "wilayah_boundaries_prov_3.sql",
    WILAYAH_DB / "kab" / "wilayah_boundaries_kab_32.sql",
    WILAYAH_DB / "kec" / "wilayah_boundaries_kec_32.sql",
    WILAYAH_DB / "kel" / "32" / "wilayah_boundaries_kel_32.04.sql",
]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    with Cluster.throwaway("geomap-test-") as cluster:
        yield cluster


def _template(cluster: Cluster, name: str, *, with_boundaries: bool) -> str:
    url = cluster.create_database(name)
    with psycopg.connect(url, autocommit=True) as conn:
        prepare(conn)
        if with_boundaries:
            from geomap.boundaries.load import load
            from geomap.boundaries.records import read_sources

            load(conn, read_sources(KAB_BANDUNG_FILES).within("32.04"))
    return name


@pytest.fixture(scope="session")
def template_bandung(pg_cluster: Cluster) -> str:
    return _template(pg_cluster, "template_bandung", with_boundaries=True)


@pytest.fixture(scope="session")
def template_empty(pg_cluster: Cluster) -> str:
    return _template(pg_cluster, "template_empty", with_boundaries=False)


@dataclass
class Database:
    """A database of one test, and the environment that points geomap at it."""

    url: str
    env: dict[str, str]

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True)

    def scalar(self, query: str, params: tuple | dict | None = None):
        with self.connect() as conn:
            row = conn.execute(query, params).fetchone()
            return row[0] if row else None


def _clone(cluster: Cluster, template: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    url = cluster.url(name)
    monkeypatch.setenv("GEOMAP_DATABASE_URL", url)
    env = {**os.environ, "GEOMAP_DATABASE_URL": url}
    yield Database(url, env)
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def bandung_db(pg_cluster: Cluster, template_bandung: str,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A database with the schema and Kabupaten Bandung's boundaries."""
    yield from _clone(pg_cluster, template_bandung, monkeypatch)


@pytest.fixture
def empty_db(pg_cluster: Cluster, template_empty: str,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A database with the schema and no data."""
    yield from _clone(pg_cluster, template_empty, monkeypatch)


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli():
    """Run the real ``geomap`` command in a subprocess against a test database."""

    def run(db: Database, *args: str, input: str | None = None,
            env: dict[str, str] | None = None) -> CliResult:
        done = subprocess.run([sys.executable, "-m", "geomap", *args], input=input,
                              capture_output=True, text=True, env={**db.env, **(env or {})},
                              cwd=PROJECT_ROOT, timeout=600)
        return CliResult(done.returncode, done.stdout, done.stderr)

    return run
