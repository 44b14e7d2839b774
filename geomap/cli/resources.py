"""``geomap resources``: the registry of PSKS resources from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click

from geomap import codes
from geomap.cli.common import connection, fail
from geomap.resources import columns, read, store
from geomap.resources.load import import_file


@click.group()
def resources() -> None:
    """Sumber daya PSKS / PSKS resources: import, list, service radius."""


def _area(value: str | None) -> str | None:
    try:
        return codes.normalise(value) if value else None
    except codes.InvalidCode as exc:
        fail(str(exc))


@resources.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--area", help="Refuse points outside this Kemendagri code (e.g. 32.04).")
@click.option("--dry-run", is_flag=True, help="Check only; write nothing.")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"accepted", "rejected", "errors": [{"row", "column", "reason", '
                   '"code"}], ...} instead of text.')
def import_command(path: Path, area: str | None, dry_run: bool, as_json: bool) -> None:
    """Import resources from a CSV, XLSX or GeoJSON file.

    Columns (Bahasa Indonesia or English): kategori/category, nama/name, lintang/lat,
    bujur/lon, kapasitas/capacity, and optionally radius_km, aktif/active,
    kontak/contact, pengguna/username (a TKSK's account). Valid rows are written in one
    transaction, invalid ones reported by row (the spreadsheet line, or the GeoJSON
    feature number); importing the same file again changes nothing.
    """
    with connection() as conn:
        try:
            result = import_file(conn, path, area=_area(area), dry_run=dry_run)
        except (read.UploadError, columns.MissingColumns) as exc:
            fail(f"{exc}\nTidak ada yang diubah / nothing was changed.")
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False))
        return
    for e in result.errors:
        hint = f" ({e['suggestion']})" if e.get("suggestion") else ""
        click.echo(f"baris / row {e['row']}, {e['column']}: {e['reason']}{hint} [{e['code']}]",
                   err=True)
    click.echo(f"Diterima / accepted {result.accepted}, ditolak / rejected {result.rejected}")
    if result.saved is None:
        click.echo("Uji saja, tidak ada yang ditulis / dry run, nothing written")
    else:
        s = result.saved
        click.echo(f"Baru / inserted {s.inserted}, diubah / updated {s.updated}, "
                   f"tetap / unchanged {s.unchanged}")


@resources.command("list")
@click.option("--area", help="Only this Kemendagri code and what lies under it.")
@click.option("--category", help="Only this PSKS category code (e.g. TKSK).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_command(area: str | None, category: str | None, as_json: bool) -> None:
    """List resources with category, place, capacity, radius and state."""
    with connection() as conn:
        rows = store.list_resources(conn, _area(area), category.upper() if category else None)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, default=str))
        return
    for r in rows:
        reach = "kecamatan" if r["serves_kecamatan"] else f"{r['radius_km']:g} km"
        state = "" if r["active"] else "  [nonaktif / inactive]"
        click.echo(f"{r['category']:<7} {r['name'][:48]:<48} {r['desa_name'] or '':<20} "
                   f"{r['capacity']:>5}  {reach}{state}")
    click.echo(f"{len(rows)} sumber daya / resources", err=True)


@resources.command("set-radius")
@click.argument("category")
@click.argument("km", type=float)
@click.option("--all", "every_resource", is_flag=True,
              help="Also change resources that were given their own radius.")
def set_radius_command(category: str, km: float, every_resource: bool) -> None:
    """Set the default service radius (km) of a PSKS CATEGORY.

    Resources of the category that had the previous default follow the new one.
    """
    with connection() as conn:
        try:
            code, changed = store.set_radius(conn, category, km, every_resource)
        except store.RadiusError as exc:
            fail(str(exc))
    click.echo(f"Radius {code}: {km:g} km; {changed} sumber daya diubah / resources changed")
