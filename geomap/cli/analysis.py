"""``geomap analysis``: the map analyses from the command line (files and tables).

The same functions the map pages call: a density GeoTIFF (and its PNG overlay),
choropleth classes, coverage and gap tables, for an office that wants the
numbers in a GIS or a spreadsheet. ``--suppress`` applies the planner's
small-count rule to every count printed.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from geomap.analysis.classify import METHODS
from geomap.analysis.filters import CaseFilter, FilterError
from geomap.cli.common import connection, fail

# The analysis modules pull in scipy, rasterio and mapclassify (seconds to import):
# they are imported inside the commands, so every other ``geomap`` command starts fast.


def _filter_options(fn):
    fn = click.option("--area", required=True, help="Kode provinsi/kabupaten/kecamatan.")(fn)
    fn = click.option("--category", "categories", multiple=True,
                      help="Kategori PMKS (boleh berulang; tanpa = semua) / PMKS category.")(fn)
    fn = click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]),
                      help="Sejak / from (YYYY-MM-DD).")(fn)
    fn = click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]),
                      help="Sampai / to (YYYY-MM-DD).")(fn)
    return fn


def _filter(area: str, categories: tuple[str, ...], date_from: dt.datetime | None,
            date_to: dt.datetime | None) -> CaseFilter:
    try:
        return CaseFilter(area, categories or None, date_from.date() if date_from else None,
                          date_to.date() if date_to else None)
    except FilterError as exc:
        fail(str(exc))
        raise  # unreachable: fail exits


@click.group()
def analysis() -> None:
    """Analisis peta / map analyses: density, choropleth, coverage, gap."""


@analysis.command("density")
@_filter_options
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="GeoTIFF to write (cases per km², the area's UTM zone).")
@click.option("--png", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the coloured overlay PNG (Web Mercator).")
@click.option("--bandwidth", type=click.FloatRange(100, 20_000), default=1000.0,
              show_default=True, help="Metres.")
@click.option("--cell", type=click.FloatRange(10, 5_000), default=100.0, show_default=True,
              help="Metres.")
def density_command(area: str, categories: tuple[str, ...], date_from, date_to, out: Path,
                    png: Path | None, bandwidth: float, cell: float) -> None:
    """Kernel density of the filter's cases over the area."""
    import numpy as np

    from geomap.analysis.area import AreaNotFound, load_area
    from geomap.analysis.density import case_density

    where = _filter(area, categories, date_from, date_to)
    with connection() as conn:
        try:
            region = load_area(conn, where.area)
        except AreaNotFound as exc:
            fail(str(exc))
            return
        raster = case_density(conn, region, where, bandwidth_m=bandwidth, cell_m=cell)
    raster.write_geotiff(out)
    report = {"geotiff": str(out), "crs": f"EPSG:{raster.grid.srid}",
              "width": raster.grid.width, "height": raster.grid.height,
              "cases": raster.points, "max_per_km2": float(np.nanmax(raster.values))}
    if png:
        overlay = raster.overlay()
        png.write_bytes(overlay.png)
        report |= {"png": str(png), "bounds": overlay.bounds,
                   "legend": {"values": overlay.legend.values, "colors": overlay.legend.colors,
                              "unit": overlay.legend.unit}}
    click.echo(json.dumps(report, ensure_ascii=False))


@analysis.command("choropleth")
@_filter_options
@click.option("--level", type=click.Choice(["desa", "kecamatan"]), default="desa",
              show_default=True)
@click.option("--method", type=click.Choice(METHODS), default="quantiles", show_default=True)
@click.option("--classes", type=click.IntRange(2, 9), default=5, show_default=True)
@click.option("--suppress", is_flag=True, help="Aturan planner / the planner's privacy rule.")
def choropleth_command(area: str, categories: tuple[str, ...], date_from, date_to, level: str,
                       method: str, classes: int, suppress: bool) -> None:
    """Counts (or rates) per unit with their class, as CSV; the legend on stderr as JSON."""
    from geomap.analysis.choropleth import choropleth
    from geomap.analysis.counts import count_table

    where = _filter(area, categories, date_from, date_to)
    with connection() as conn:
        table = count_table(conn, where, suppress=suppress)
    layer = choropleth(table, level, method, classes)  # type: ignore[arg-type]
    rows = layer.rows.drop(columns="categories")
    if suppress:
        rows = rows.drop(columns="value")
    click.echo(rows.to_csv(index=False), nl=False)
    click.echo(json.dumps(layer.legend(), ensure_ascii=False), err=True)


@analysis.command("coverage")
@_filter_options
@click.option("--psks", "psks", multiple=True,
              help="Kategori PSKS (boleh berulang; tanpa = semua) / PSKS category.")
@click.option("--demand", type=click.Choice(["cases", "population"]), default="cases",
              show_default=True)
@click.option("--top", type=click.IntRange(1, 1000), default=20, show_default=True,
              help="Rows of the gap table.")
@click.option("--suppress", is_flag=True, help="Aturan planner / the planner's privacy rule.")
def coverage_command(area: str, categories: tuple[str, ...], date_from, date_to,
                     psks: tuple[str, ...], demand: str, top: int, suppress: bool) -> None:
    """E2SFCA coverage summary (JSON on stderr) and the gap table (CSV)."""
    from geomap.analysis.access import coverage, tksk_caseload
    from geomap.analysis.area import AreaNotFound, load_area
    from geomap.analysis.counts import count_table
    from geomap.analysis.gap import gap

    where = _filter(area, categories, date_from, date_to)
    with connection() as conn:
        try:
            region = load_area(conn, where.area)
            cov = coverage(conn, region, where, psks or None, demand)  # type: ignore[arg-type]
        except AreaNotFound as exc:
            fail(str(exc))
            return
        except ValueError as exc:
            fail(str(exc))
            return
        table = count_table(conn, where, suppress=suppress)
        load = tksk_caseload(conn, table, region)
    result = gap(table, cov)
    summary = {"cases": None if suppress else cov.cases,
               "share_in_reach": round(cov.share_in_reach, 4) if cov.cases else None,
               "kecamatan_without_tksk": load.without_tksk,
               "need_breaks": result.need_breaks, "coverage_breaks": result.coverage_breaks}
    click.echo(json.dumps(summary, ensure_ascii=False), err=True)
    click.echo(result.ranked(top).to_csv(index=False), nl=False)
