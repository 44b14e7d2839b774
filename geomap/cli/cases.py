"""``geomap cases``: import PMKS cases from a file, and the template to fill in.

An import runs as a user (``--as USER``: that user's role and area decide what is
accepted, and the cases are theirs) or, for an operator loading data with no user
behind it, as a system import limited to an area (``--area CODE``). One of the two
is required: an import with no area limit would accept a point anywhere.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import psycopg

from geomap import codes, ingest
from geomap import db as database
from geomap.accounts import get_user
from geomap.cli.common import connection, fail
from geomap.ingest.bulk import PIECE_ROWS, import_file

SHOWN_ERRORS = 50  # without --json, the first errors printed


@click.group()
def cases() -> None:
    """Kasus PMKS / PMKS cases."""


@cases.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "username", help="Impor sebagai pengguna ini / import as this user.")
@click.option("--area", help="Impor sistem terbatas pada wilayah ini / a system import "
                             "limited to this area (a Kemendagri code), without a user.")
@click.option("--dry-run", is_flag=True, help="Periksa saja / only check, store nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--rejected", type=click.Path(dir_okay=False, path_type=Path),
              help="Tulis baris yang ditolak ke berkas ini / write the rejected rows here "
                   "(same format as the input, with a reason column).")
@click.option("--piece-rows", type=click.IntRange(min=1), default=PIECE_ROWS,
              show_default=True,
              help="Baris per bagian yang diperiksa sekaligus / rows checked at a time "
                   "(bounds the memory of a large CSV).")
def import_command(path: Path, username: str | None, area: str | None, dry_run: bool,
                   as_json: bool, rejected: Path | None, piece_rows: int) -> None:
    """Import PMKS cases from a CSV, XLSX or GeoJSON file.

    Every row is checked first; the valid rows are stored in one transaction (none
    with --dry-run). Rows already stored are reported as duplicates, so importing
    the same file twice adds nothing the second time. A large CSV is checked a piece
    at a time (duplicates are still found across the whole file), with a progress
    bar on stderr.
    """
    if bool(username) == bool(area):
        fail("pakai --as PENGGUNA atau --area KODE (salah satu) / give either --as USER or "
             "--area CODE (one of them)")
    try:
        upload = ingest.Upload.from_path(path)
    except ingest.UploadError as exc:
        fail(str(exc))
    with connection() as conn:
        if username:
            user = get_user(conn, username)
            if user is None:
                fail(f"pengguna tidak ditemukan atau nonaktif / no such enabled user: "
                     f"{username}")
        else:
            try:
                user = ingest.SystemImport(codes.normalise(area))
            except codes.InvalidCode as exc:
                fail(str(exc))
        rows = max(1, upload.data.count(b"\n"))  # about the rows of a CSV, for the bar
        try:
            with click.progressbar(length=rows, file=sys.stderr,
                                   label="memeriksa / checking") as bar:
                preview, done = import_file(conn, user, upload, dry_run=dry_run,
                                            piece_rows=piece_rows, connect=database.connect,
                                            progress=bar.update)
        except ingest.UploadError as exc:
            fail(f"{exc}\nTidak ada yang disimpan / nothing was stored.")
        except psycopg.Error as exc:  # no SQL nor data in the message: only its kind
            fail(f"galat basis data / database error ({type(exc).__name__}); tidak ada yang "
                 "disimpan / nothing was stored.")
    if rejected is not None and preview.rejected_file is not None:
        rejected.write_bytes(preview.rejected_file.content)
    report = preview.report()
    if as_json:
        extra = {"dry_run": dry_run, "upload_id": preview.upload_id,
                 "inserted": done.inserted if done else 0}
        click.echo(json.dumps({**report, **extra}, ensure_ascii=False))
        return
    for error in report["errors"][:SHOWN_ERRORS]:
        click.echo(f"baris/row {error['row']}, {error['column']}: {error['reason']} "
                   f"[{error['code']}]")
    if len(report["errors"]) > SHOWN_ERRORS:
        more = len(report["errors"]) - SHOWN_ERRORS
        click.echo(f"... {more} galat lagi / more errors (--json untuk semua / for all)")
    stored = "tidak disimpan (uji) / not stored (dry run)" if dry_run else \
        f"{done.inserted} disimpan / stored"
    click.echo(f"diterima / accepted: {preview.accepted}, ditolak / rejected: "
               f"{preview.rejected}; {stored}")
    if rejected is not None and preview.rejected_file is not None:
        click.echo(f"baris ditolak / rejected rows: {rejected}")


@cases.command("template")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def template_command(out: Path) -> None:
    """Write the XLSX template (with a dropdown of the 26 PMKS categories) to OUT."""
    out.write_bytes(ingest.template_xlsx())
    click.echo(f"templat ditulis / template written: {out}")
