"""``geomap population``: residents per desa, for rates and coverage demand."""

from __future__ import annotations

from pathlib import Path

import click

from geomap import codes
from geomap.cli.common import connection, fail


@click.group()
def population() -> None:
    """Data penduduk per desa / population per desa."""


@population.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--area", help="Hanya desa di wilayah ini / only the desa under this code.")
def import_command(path: Path, area: str | None) -> None:
    """Import a CSV (desa code, population) or a population GeoTIFF (e.g. WorldPop 100 m),
    summed per desa."""
    if area:
        try:
            area = codes.normalise(area)
        except codes.InvalidCode as exc:
            raise click.BadParameter(str(exc), param_hint="--area") from exc
    from geomap.population import PopulationError, import_file  # rasterio: import when used

    with connection() as conn:
        try:
            result = import_file(conn, path, area)
        except PopulationError as exc:
            fail(str(exc))
            return
    click.echo(f"Penduduk dimuat untuk {result.desa} desa, total {result.total:,.0f} jiwa / "
               f"population loaded for {result.desa} desa, {result.total:,.0f} residents")
    if result.without:
        click.echo(f"{result.without} desa belum punya data / {result.without} desa still "
                   "without a figure", err=True)
