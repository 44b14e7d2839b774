"""geomap's own PostgreSQL cluster: ``initdb`` and ``pg_ctl`` on a unix socket.

Without ``GEOMAP_DATABASE_URL`` geomap runs a private cluster under ``var/pg``
that listens on a unix socket only, so it never clashes with a server already
running on the machine. The same class makes the throwaway clusters of the
test suite.

PostgreSQL refuses to run as root; when we are root the server runs as the
``postgres`` system user that Debian's package creates, and the cluster's
folders are handed to that user.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "geomap"
DATABASE = "geomap"
PORT = 5432  # only names the socket file; the cluster listens on no TCP port


class ClusterError(RuntimeError):
    """The local cluster could not be made, started or reached."""


def find_bindir() -> Path:
    """The newest PostgreSQL whose share folder has PostGIS, else the newest at all."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
        reverse=True,
    )
    for initdb in candidates:
        version = initdb.parent.parent.name
        if Path(f"/usr/share/postgresql/{version}/extension/postgis.control").exists():
            return initdb.parent
    if candidates:
        return candidates[0].parent
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise ClusterError(
        "PostgreSQL tidak ditemukan; jalankan scripts/setup.sh. "
        "/ PostgreSQL was not found; run scripts/setup.sh."
    )


def _run_as() -> str | None:
    """The user the server must run as, or None to run as ourselves."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise ClusterError(
            "Berjalan sebagai root tanpa pengguna 'postgres'. / Running as root "
            "with no 'postgres' user: install PostgreSQL from the system packages."
        ) from exc
    return "postgres"


@dataclass
class Cluster:
    """A PostgreSQL cluster in ``root`` with its socket in ``root/run``."""

    root: Path
    fsync: bool = True

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "run"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    @classmethod
    @contextlib.contextmanager
    def throwaway(cls, prefix: str = "geomap-") -> Iterator[Cluster]:
        """A started cluster in a new temporary folder, without fsync, destroyed afterwards.

        What the test suite and the benchmarks run on: never a developer's data.
        """
        cluster = cls(Path(tempfile.mkdtemp(prefix=prefix)), fsync=False)
        try:
            cluster.start()
            yield cluster
        finally:
            cluster.destroy()

    def url(self, dbname: str = DATABASE) -> str:
        return f"postgresql://{SUPERUSER}@/{dbname}?host={self.socket_dir}&port={PORT}"

    def _cmd(self, *args: str) -> list[str]:
        user = _run_as()
        bindir = find_bindir()
        cmd = [str(bindir / args[0]), *args[1:]]
        return ["runuser", "-u", user, "--", *cmd] if user else cmd

    def _chown(self, path: Path) -> None:
        user = _run_as()
        if user:
            shutil.chown(path, user, user)

    def exists(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def init(self) -> None:
        """Create the cluster with a trusted superuser (the socket is private)."""
        if self.exists():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        for path in (self.root, self.socket_dir):
            self._chown(path)
            path.chmod(0o700)
        subprocess.run(
            self._cmd("initdb", "-D", str(self.data_dir), "-U", SUPERUSER,
                      "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"),
            check=True, capture_output=True,
        )
        settings = {
            "listen_addresses": "''",
            "unix_socket_directories": f"'{self.socket_dir}'",
            "port": str(PORT),
            "shared_buffers": "256MB",
            "work_mem": "32MB",
            "maintenance_work_mem": "256MB",
            "max_connections": "100",
            "fsync": "on" if self.fsync else "off",
            "synchronous_commit": "on" if self.fsync else "off",
            "full_page_writes": "on" if self.fsync else "off",
            "max_parallel_workers_per_gather": "2",
        }
        with open(self.data_dir / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# geomap\n")
            conf.writelines(f"{k} = {v}\n" for k, v in settings.items())

    def running(self) -> bool:
        if not self.exists():
            return False
        done = subprocess.run(self._cmd("pg_ctl", "status", "-D", str(self.data_dir)),
                              capture_output=True)
        return done.returncode == 0

    def start(self) -> None:
        """Initialise if needed, start, and create the geomap database with PostGIS."""
        self.init()
        if not self.running():
            self.log_file.touch()
            self._chown(self.log_file)
            done = subprocess.run(
                self._cmd("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data_dir),
                          "-l", str(self.log_file)),
                capture_output=True, text=True,
            )
            if done.returncode != 0:
                tail = self.log_file.read_text(errors="replace")[-2000:]
                raise ClusterError(f"pg_ctl start failed / gagal: {done.stderr}\n{tail}")
        self._wait_ready()
        self.create_database(DATABASE)

    def _wait_ready(self, timeout: float = 30) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            try:
                psycopg.connect(self.url("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def create_database(self, name: str) -> str:
        """Create ``name`` (with PostGIS) unless it exists; return its URL."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  (name,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(self.url(name), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        return self.url(name)

    def stop(self) -> None:
        if self.running():
            subprocess.run(self._cmd("pg_ctl", "stop", "-m", "fast", "-w",
                                     "-D", str(self.data_dir)),
                           check=True, capture_output=True)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
