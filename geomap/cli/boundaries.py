"""``geomap boundaries``: import, fetch and describe administrative boundaries."""

from __future__ import annotations

import json
from pathlib import Path

import click

from geomap import codes
from geomap.boundaries.catalogue import Catalogue
from geomap.boundaries.errors import BoundaryError
from geomap.boundaries.load import ImportReport, load, stats
from geomap.boundaries.records import BoundaryRecords, FieldMapping, read_sources
from geomap.cli.common import connection, fail
from geomap.config import settings


def _region_code(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Normalise a region code given on the command line; a bad one is a usage error."""
    if value is None:
        return None
    try:
        return codes.normalise(value)
    except codes.InvalidCode as exc:
        raise click.BadParameter(str(exc)) from exc


@click.group()
def boundaries() -> None:
    """Batas wilayah / administrative boundaries."""


def _read_and_load(paths: list[Path], mapping: FieldMapping | None,
                   area: str | None) -> ImportReport:
    with click.progressbar(paths, label="Membaca / reading", file=click.get_text_stream("stderr"),
                           item_show_func=lambda p: p.name if p else "") as bar:
        records: BoundaryRecords = read_sources(bar, mapping)
    if area:
        records = records.within(area)
    click.echo(f"Menyimpan {len(records)} wilayah / storing {len(records)} regions ...", err=True)
    with connection() as conn:
        return load(conn, records)


@boundaries.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False,
                                                                  path_type=Path))
@click.option("--code-field", help="Vector files: the column with the Kemendagri code.")
@click.option("--name-field", help="Vector files: the column with the region's name.")
@click.option("--level-field",
              help="Vector files: a column with the level, checked against the code "
                   "(provinsi, kabupaten/kota, kecamatan, desa/kelurahan).")
@click.option("--area", callback=_region_code,
              help="Import only this code, what lies under it and what lies above it.")
def import_command(paths: tuple[Path, ...], code_field: str | None, name_field: str | None,
                   level_field: str | None, area: str | None) -> None:
    """Import wilayah_boundaries SQL dumps, or GeoJSON/GeoPackage/Shapefile with a field mapping.

    All files go in one transaction: if any row fails, nothing changes and the
    row and reason are printed.
    """
    mapping = None
    if code_field or name_field:
        if not (code_field and name_field):
            fail("--code-field dan --name-field harus bersama / go together")
        mapping = FieldMapping(code_field, name_field, level_field)
    try:
        report = _read_and_load(list(paths), mapping, area)
    except BoundaryError as exc:
        fail(f"{exc}\nTidak ada yang diubah / nothing was changed.")
    click.echo("\n".join(report.lines()))


@boundaries.command()
@click.argument("area", callback=_region_code)
def fetch(area: str) -> None:
    """Download AREA (a province, 32, or a kabupaten, 32.04) from the catalogue and import it.

    Downloads are checked against the catalogue's SHA-256. GEOMAP_BOUNDARY_MIRROR
    (a folder or URL with the upstream layout) replaces the upstream base URL.
    """
    catalogue = Catalogue.load()
    cache = settings().var_dir / "cache" / "boundaries"
    try:
        wanted = catalogue.files_for(area)
        with click.progressbar(wanted, label="Mengunduh / downloading",
                               file=click.get_text_stream("stderr")) as bar:
            files = [catalogue.fetch(p, cache) for p in bar]
        report = _read_and_load(files, None, area)
    except BoundaryError as exc:
        fail(f"{exc}\nTidak ada yang diubah / nothing was changed.")
    click.echo("\n".join(report.lines()))


@boundaries.command("stats")
@click.option("--area", callback=_region_code, help="Only under this code.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats_command(area: str | None, as_json: bool) -> None:
    """Counts and areas per level."""
    with connection() as conn:
        result = stats(conn, area)
    if as_json:
        # Exactly the shape issue #2 specifies: {"levels": {level: {"count", "area_km2"}}}.
        click.echo(json.dumps({"levels": {
            level: {"count": figures["count"], "area_km2": figures["area_km2"]}
            for level, figures in result["levels"].items()}}))
        return
    for level, figures in result["levels"].items():
        click.echo(f"{level:<10} {figures['count']:>6}  {figures['area_km2']:>12.2f} km²")
