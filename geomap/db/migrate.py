"""Apply the schema files under ``layers/schema`` in order, once each.

Each file is applied in its own transaction and recorded with its checksum in
``schema_migration``; running ``migrate`` twice changes nothing. A file that
was changed after it was applied is reported rather than re-run: schema
changes go in a new file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import psycopg

from geomap.config import LAYERS_DIR

SCHEMA_DIR = LAYERS_DIR / "schema"
_LOCK_KEY = 0x6765_6F6D  # "geom": one migrator at a time


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def pending_files(directory: Path = SCHEMA_DIR) -> list[Migration]:
    return [Migration(p.name, p.read_text(encoding="utf-8"))
            for p in sorted(directory.glob("*.sql"))]


class MigrationChanged(RuntimeError):
    """An applied migration file no longer matches what was applied."""


def migrate(conn: psycopg.Connection, directory: Path = SCHEMA_DIR) -> list[str]:
    """Apply what is not yet applied; return the names applied now."""
    conn.autocommit = True
    conn.execute("""CREATE TABLE IF NOT EXISTS schema_migration (
        name text PRIMARY KEY, checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())""")
    conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
    try:
        applied = dict(conn.execute("SELECT name, checksum FROM schema_migration").fetchall())
        done: list[str] = []
        for migration in pending_files(directory):
            if migration.name in applied:
                if applied[migration.name] != migration.checksum:
                    raise MigrationChanged(
                        f"{migration.name} berubah setelah diterapkan / changed after "
                        "it was applied; put schema changes in a new file")
                continue
            with conn.transaction():
                conn.execute(migration.sql)
                conn.execute("INSERT INTO schema_migration (name, checksum) VALUES (%s, %s)",
                             (migration.name, migration.checksum))
            done.append(migration.name)
        return done
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))


def prepare(conn: psycopg.Connection) -> list[str]:
    """Migrate, then mirror the official category lists: what every entry point runs."""
    from geomap import taxonomy

    done = migrate(conn)
    taxonomy.sync(conn)
    return done
