"""Fault tests: the real ``geomap serve`` (gunicorn) on a PRIVATE throwaway cluster.

A fault test stops PostgreSQL or kills the server, so it cannot share the session's
cluster with the other tests (``tests/conftest.py``): each test module gets its own
cluster (``Cluster.throwaway``) with a template database holding the schema and
Kabupaten Bandung, and each test a clone of it and its own gunicorn in a subprocess.

The fixtures are registered for every test module (``pytest_plugins`` in
``tests/conftest.py``): a test asks for ``served`` by name, and takes the helpers as one
module (``from tests import fault_fixtures as fault``), so no test repeats an import
list of fixtures that ruff would see as unused.

``served`` is a :class:`Served`: ``.url``, ``.db`` (a :class:`tests.conftest.Database`),
``.cluster``, ``.token`` (an API token of a TKSK of Cileunyi), ``.start()`` /
``.kill()`` of the server, ``.workers()`` (the worker pids). Below them: an upload file
to interrupt (:func:`upload_file`), the upload or confirm caught at a known point of
its transaction by a table lock (:func:`upload_held`, :func:`confirm_held`), and the row
counts to judge what is left (:func:`counts` against :data:`NOTHING`, :data:`PREVIEW`,
:data:`CONFIRMED`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import requests

from geomap import accounts
from geomap.config import PROJECT_ROOT
from geomap.db.cluster import Cluster
from geomap.db.migrate import prepare
from tests.auth_fixtures import KECAMATAN, TEST_ARGON2
from tests.cases_fixtures import csv_bytes
from tests.conftest import KAB_BANDUNG_FILES, Database
from tests.ingest_fixtures import points_in, row

TEMPLATE = "fault_template"
ROWS = 300
COUNTED = ("case_upload", "case_staging", "case_upload_rejected", "pmks_case", "case_person")
START_TIMEOUT_S = 60
# What the counted tables hold: nothing; an upload of ROWS rows (and one rejected) still a
# preview; the same upload confirmed.
NOTHING = dict.fromkeys(COUNTED, 0)
PREVIEW = {"case_upload": 1, "case_staging": ROWS, "case_upload_rejected": 1,
           "pmks_case": 0, "case_person": 0}
CONFIRMED = {"case_upload": 1, "case_staging": 0, "case_upload_rejected": 1,
             "pmks_case": ROWS, "case_person": ROWS}


@pytest.fixture(scope="module")
def fault_cluster() -> Iterator[Cluster]:
    """A cluster of this module alone, with a template database of Kabupaten Bandung."""
    from geomap.boundaries.load import load
    from geomap.boundaries.records import read_sources

    with Cluster.throwaway("geomap-fault-") as cluster:
        with psycopg.connect(cluster.create_database(TEMPLATE), autocommit=True) as conn:
            prepare(conn)
            load(conn, read_sources(KAB_BANDUNG_FILES).within("32.04"))
        yield cluster


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    """A gunicorn of ``geomap serve`` on its own database; restartable, killable."""

    cluster: Cluster
    db: Database
    token: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def start(self, workers: int = 2, env: dict[str, str] | None = None) -> None:
        """``geomap serve`` in a subprocess; returns when it answers."""
        assert self.log is not None
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "geomap", "serve", "--port", str(self.port),
                 "--workers", str(workers)],
                cwd=PROJECT_ROOT, env={**self.db.env, **(env or {})}, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log_text()
            try:
                if requests.get(f"{self.url}/ogcapi", timeout=30).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.3)
        raise AssertionError(f"the server did not start:\n{self.log_text()}")

    def workers(self) -> list[int]:
        """The pids of the gunicorn workers (children of the master)."""
        assert self.process is not None
        pid = self.process.pid
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def kill(self) -> None:
        """SIGKILL the master and every worker at once (a power cut of the server)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log else ""


@pytest.fixture
def served(fault_cluster: Cluster, tmp_path: Path) -> Iterator[Served]:
    """A clone of the template, a TKSK of Cileunyi with an API token, and the server."""
    if not fault_cluster.running():  # a test that failed while the cluster was down
        fault_cluster.start()
    name = f"f_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(fault_cluster.url("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    url = fault_cluster.url(name)
    env = {**os.environ, "GEOMAP_DATABASE_URL": url, "GEOMAP_ARGON2": TEST_ARGON2}
    with psycopg.connect(url, autocommit=True) as conn:
        accounts.create_user(conn, "tksk.fault", "tksk", KECAMATAN, "pw-tksk-fault-1!")
        token = accounts.create_token(conn, "tksk.fault", "fault")[1]
    server = Served(fault_cluster, Database(url, env), token, log=tmp_path / "gunicorn.log")
    server.start()
    try:
        yield server
    finally:
        server.kill()
        if not fault_cluster.running():
            fault_cluster.start()
        with psycopg.connect(fault_cluster.url("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- an upload to interrupt, and where it stands ------------------------------------

def upload_file(served: Served, n: int = ROWS) -> bytes:
    """``n`` valid rows in Cileunyi (with a name: personal data) and one bad category."""
    points = points_in(served.db, KECAMATAN, n)
    rows = [row(p, nama=f"Warga {i}") for i, p in enumerate(points)]
    return csv_bytes([*rows, row(points[0], kategori="XX")])


def counts(served: Served) -> dict[str, int]:
    with served.db.connect() as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}


@contextlib.contextmanager
def held(served: Served, table: str):
    """An open transaction holding ``table`` exclusively: whoever needs it waits."""
    conn = psycopg.connect(served.db.url)
    conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    try:
        yield conn
    finally:
        with contextlib.suppress(psycopg.Error):
            conn.rollback()
        with contextlib.suppress(psycopg.Error):
            conn.close()


def wait_for_lock(served: Served, statement: str, timeout: float = 60) -> None:
    """Until a backend running a query that holds ``statement`` waits on a lock."""
    deadline = time.monotonic() + timeout
    with served.db.connect() as conn:
        while time.monotonic() < deadline:
            if conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                            "current_database() AND pid <> pg_backend_pid() "
                            "AND wait_event_type = 'Lock' AND query LIKE %s",
                            (f"%{statement}%",)).fetchone()[0]:
                return
            time.sleep(0.1)
    raise AssertionError(f"nothing waited on a lock with {statement!r}")


def post_upload(served: Served, data: bytes) -> requests.Response:
    return requests.post(f"{served.url}/api/uploads", headers=served.auth, timeout=120,
                         files={"file": ("kasus.csv", data, "text/csv")})


def post_confirm(served: Served, upload_id: int) -> requests.Response:
    return requests.post(f"{served.url}/api/uploads/{upload_id}/confirm", headers=served.auth,
                         timeout=120)


def staged_upload(served: Served) -> int:
    """The id of a fresh upload of :func:`upload_file`, checked and kept as a preview."""
    staged = post_upload(served, upload_file(served))
    assert staged.status_code == 201, staged.text
    return staged.json()["id"]


@contextlib.contextmanager
def _caught(served: Served, table: str, statement: str,
            send: Callable[..., requests.Response],
            *args: object) -> Iterator[tuple[Future, psycopg.Connection]]:
    """``send(served, *args)`` in a thread, stopped inside its open transaction where its
    ``statement`` waits for ``table`` (locked by us): (its answer to come, our lock)."""
    with ThreadPoolExecutor(1) as pool, held(served, table) as holder:
        answer = pool.submit(send, served, *args)
        wait_for_lock(served, statement)
        yield answer, holder


Caught = contextlib.AbstractContextManager[tuple[Future, psycopg.Connection]]


def upload_held(served: Served, data: bytes) -> Caught:
    """An upload of ``data`` caught when case_upload and every staged row are written and
    it waits to store the rejected rows' file."""
    return _caught(served, "case_upload_rejected", "INSERT INTO case_upload_rejected",
                   post_upload, data)


def confirm_held(served: Served, upload_id: int) -> Caught:
    """A confirm caught when it has locked its upload and waits to insert the cases and
    their people (``layers/ingest/confirm.sql``)."""
    return _caught(served, "case_person", "WITH ins AS", post_confirm, upload_id)
