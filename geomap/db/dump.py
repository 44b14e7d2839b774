"""Backups with PostgreSQL's own tools: ``pg_dump`` out, ``pg_restore`` back in.

A backup holds personal data, so the file is written with mode 0600 and the backup is
recorded in the audit log. A restore is all or nothing: the dump is turned into SQL by
``pg_restore`` and played by ``psql`` in one transaction, so a broken or foreign file
leaves the database as it was. Restoring over a database that already holds geomap's
schema needs ``replace=True``, which drops the old schema inside that same transaction.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from geomap.db.cluster import find_bindir

# Run before the dump's own SQL when replacing: the dump recreates everything,
# PostGIS included (pg_dump writes CREATE EXTENSION IF NOT EXISTS).
_REPLACE = b"DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
# The transaction is opened and committed by us, not by ``psql --single-transaction``:
# COMMIT is sent only once pg_restore has finished cleanly, so a dump cut short in the
# middle (a truncated file) rolls back instead of committing what came before the cut.
_BEGIN = b"BEGIN;\n"
_COMMIT = b"COMMIT;\n"


class DumpError(RuntimeError):
    """pg_dump or pg_restore failed; the message says why, in both languages."""


def _tool(name: str) -> str:
    return str(find_bindir() / name)


def _libpq_error(stderr: bytes) -> str:
    """The first error line of a PostgreSQL tool, without the connection string."""
    lines = [line for line in stderr.decode(errors="replace").splitlines() if line.strip()]
    return next((line for line in lines if "error" in line.lower()), lines[0] if lines else "")


def backup(url: str, path: Path) -> int:
    """Write a custom-format dump of ``url`` to ``path`` (0600); return its size in bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            done = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner",
                                   "--dbname", url], stdout=out, stderr=subprocess.PIPE)
        if done.returncode != 0:
            raise DumpError(f"pg_dump gagal / failed: {_libpq_error(done.stderr)}")
        partial.replace(path)  # a half-written backup never carries the final name
    finally:
        partial.unlink(missing_ok=True)
    return path.stat().st_size


def has_schema(url: str) -> bool:
    """Whether the database already holds geomap's schema."""
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT to_regclass('public.schema_migration') IS NOT NULL"
                            ).fetchone()[0]


def restore(url: str, path: Path, *, replace: bool = False) -> None:
    """Restore ``path`` into ``url`` in one transaction.

    Raises :class:`DumpError` if the file is not a geomap dump, or the target holds a
    schema and ``replace`` is false, or any statement fails; the database is then
    unchanged. The dump streams from pg_restore into psql, never whole in memory.
    """
    if has_schema(url) and not replace:
        raise DumpError("Basis data tujuan sudah berisi skema geomap; pakai --replace. / "
                        "The target database already holds geomap's schema; use --replace.")
    listing = subprocess.run([_tool("pg_restore"), "--list", str(path)], capture_output=True)
    if listing.returncode != 0:
        raise DumpError("Berkas bukan cadangan yang sah / not a valid backup file: "
                        f"{_libpq_error(listing.stderr)}")
    if b" TABLE public schema_migration " not in listing.stdout:
        raise DumpError("Berkas bukan cadangan geomap / not a geomap backup.")
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
        reader = subprocess.Popen([_tool("pg_restore"), "--no-owner", "--file=-", str(path)],
                                  stdout=subprocess.PIPE, stderr=restore_err)
        player = subprocess.Popen(
            [_tool("psql"), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1",
             "--dbname", url],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_err)
        failed = True
        try:
            player.stdin.write(_BEGIN + (_REPLACE if replace else b""))
            shutil.copyfileobj(reader.stdout, player.stdin, 1 << 20)
            failed = reader.wait() != 0
            if not failed:
                player.stdin.write(_COMMIT)
        except BrokenPipeError:
            pass  # psql stopped at an error; the transaction was never committed
        finally:
            with contextlib.suppress(BrokenPipeError):
                player.stdin.close()
            reader.stdout.close()
            reader.wait()
        failed = player.wait() != 0 or failed
        if failed:
            psql_err.seek(0)
            restore_err.seek(0)
            reason = _libpq_error(psql_err.read()) or _libpq_error(restore_err.read())
            raise DumpError("Pemulihan gagal, tidak ada yang diubah / restore failed, nothing "
                            f"was changed: {reason}")
