"""``geomap export``: maps for meetings and data for GIS offices, from the command line.

The same numbers as the map pages (``geomap.analysis``), drawn or written on the
server. Counts follow the privacy rule of the user the export is for (``--as``):
without ``--as``, or for a ``planner``, counts from 1 to 4 are "<5" and their
complements hidden, so a file that leaves the office is safe by default. No export
here ever holds personal data: they are aggregates (and resources, without contacts).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from geomap.analysis.classify import METHODS
from geomap.analysis.filters import CaseFilter, FilterError
from geomap.cli.common import connection, fail

# matplotlib, geopandas, mapclassify and python-pptx take seconds to import: they are
# imported inside the commands, so every other ``geomap`` command starts fast.

LAYER_CHOICES = ("choropleth-desa", "choropleth-kecamatan", "boundaries")


def _common(fn):
    """The filter and privacy options every export shares."""
    for option in reversed([
        click.option("--area", required=True, help="Kode provinsi/kabupaten/kecamatan."),
        click.option("--categories", "categories", default="",
                     help="Kategori PMKS, dipisah koma (kosong = semua) / PMKS categories, "
                          "comma separated (empty = all)."),
        click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]),
                     help="Sejak / from (YYYY-MM-DD)."),
        click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]),
                     help="Sampai / to (YYYY-MM-DD)."),
        click.option("--classes", "method", type=click.Choice(METHODS), default="quantiles",
                     show_default=True, help="Metode kelas / classification method."),
        click.option("--as", "as_user", metavar="USER",
                     help="Ekspor untuk pengguna ini (peran & wilayahnya) / export for this "
                          "user (role and area). Default: the planner's privacy rule."),
    ]):
        fn = option(fn)
    return fn


def _page_options(fn):
    for option in reversed([
        click.option("--paper", type=click.Choice(["A4", "A3"]), default="A4",
                     show_default=True),
        click.option("--orientation", type=click.Choice(["landscape", "portrait"]),
                     default="landscape", show_default=True),
        click.option("--title", help="Judul / title (default: the layer's name)."),
        click.option("--logo", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Logo PNG/JPEG di pojok / logo in the corner."),
    ]):
        fn = option(fn)
    return fn


def _filter(area: str, categories: str, date_from: dt.datetime | None,
            date_to: dt.datetime | None) -> CaseFilter:
    cats = tuple(c for c in (s.strip() for s in categories.split(",")) if c)
    try:
        return CaseFilter(area, cats or None, date_from.date() if date_from else None,
                          date_to.date() if date_to else None)
    except FilterError as exc:
        fail(str(exc))
        raise  # unreachable: fail exits


def _suppress(conn, as_user: str | None, area: str) -> bool:
    """Whether counts are suppressed: yes unless ``--as`` names a user whose role may
    read cases; that user's area must hold the export's area."""
    if as_user is None:
        return True
    from geomap.accounts import get_user
    from geomap.area import in_area
    from geomap.case_reads import CASE_ROW_ROLES

    user = get_user(conn, as_user.strip().lower())
    if user is None:
        fail("pengguna tidak ada atau nonaktif / no such enabled user")
    if not in_area(user, area):
        fail("wilayah di luar wilayah pengguna / the area is outside the user's area")
    return user.role not in CASE_ROW_ROLES


def _load(conn, where: CaseFilter, layer: str, method: str, as_user: str | None):
    from geomap.analysis.area import AreaNotFound
    from geomap.export.source import load_map

    suppress = _suppress(conn, as_user, where.area)
    try:
        return load_map(conn, where, layer, suppress=suppress, method=method)  # type: ignore[arg-type]
    except AreaNotFound as exc:
        fail(str(exc))
    except RuntimeError:
        fail("penekanan jumlah kecil gagal; ekspor dibatalkan / small-count suppression "
             "failed; nothing exported")
    raise AssertionError("unreachable")


def _labels(data):
    """Names on the map: the desa of a kecamatan, else the kecamatan (not too many)."""
    if len(data.kecamatan) <= 1:
        return data.desa
    return data.kecamatan if len(data.kecamatan) <= 60 else None


def _spec(paper: str, orientation: str, title: str | None, logo: Path | None):
    from geomap.export.page import PageSpec

    return PageSpec(paper, orientation, title, logo)


@click.group()
def export() -> None:
    """Ekspor peta dan data / export maps and data (PDF, PNG, PPTX, GPKG, CSV, XLSX)."""


@export.command("map")
@_common
@click.option("--layer", type=click.Choice(LAYER_CHOICES), default="choropleth-desa",
              show_default=True)
@_page_options
@click.option("--format", "fmt", type=click.Choice(["pdf", "png"]), default=None,
              help="Default: from OUT's extension.")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def map_command(area: str, categories: str, date_from, date_to, method: str,
                as_user: str | None, layer: str, paper: str, orientation: str,
                title: str | None, logo: Path | None, fmt: str | None, out: Path) -> None:
    """Peta siap cetak / a print-ready map page (PDF or PNG at 200 dpi)."""
    from geomap.export.page import LogoError, render, save

    fmt = fmt or ("png" if out.suffix.lower() == ".png" else "pdf")
    where = _filter(area, categories, date_from, date_to)
    with connection() as conn:
        data = _load(conn, where, layer, method, as_user)
    spec = _spec(paper, orientation, title, logo)
    try:
        fig = render(data, spec, labels=_labels(data))
    except LogoError as exc:
        fail(str(exc))
        return
    save(fig, out, fmt, spec.title or layer)
    click.echo(json.dumps({"out": str(out), "format": fmt, "layer": layer,
                           "suppressed": data.suppressed}, ensure_ascii=False))


@export.command("atlas")
@_common
@click.option("--layer", type=click.Choice(LAYER_CHOICES), default="choropleth-desa",
              show_default=True)
@_page_options
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def atlas_command(area: str, categories: str, date_from, date_to, method: str,
                  as_user: str | None, layer: str, paper: str, orientation: str,
                  title: str | None, logo: Path | None, out: Path) -> None:
    """Atlas: satu halaman per kecamatan / one page per kecamatan, in one PDF."""
    from geomap.export.atlas import write_atlas
    from geomap.export.page import LogoError

    where = _filter(area, categories, date_from, date_to)
    with connection() as conn:
        data = _load(conn, where, layer, method, as_user)
    if len(data.kecamatan) == 0:
        fail("wilayah tanpa kecamatan / the area has no kecamatan")
    try:
        pages = write_atlas(data, _spec(paper, orientation, title, logo), out)
    except LogoError as exc:
        fail(str(exc))
        return
    click.echo(json.dumps({"out": str(out), "pages": pages, "layer": layer,
                           "suppressed": data.suppressed}, ensure_ascii=False))


@export.command("data")
@_common
@click.option("--format", "fmt", type=click.Choice(["gpkg", "geojson", "csv", "xlsx", "tif"]),
              default=None, help="Default: from OUT's extension.")
@click.option("--level", type=click.Choice(["desa", "kecamatan"]), default="desa",
              show_default=True, help="The table of GeoJSON/CSV (one layer per file).")
@click.option("--no-coverage", is_flag=True, help="Skip the E2SFCA coverage layer.")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def data_command(area: str, categories: str, date_from, date_to, method: str,
                 as_user: str | None, fmt: str | None, level: str, no_coverage: bool,
                 out: Path) -> None:
    """Data agregat / aggregated data: GeoPackage (every layer), GeoJSON, CSV, XLSX, or
    the heat raster as GeoTIFF. Never personal data."""
    from geomap.analysis.area import AreaNotFound
    from geomap.export import data

    ext = out.suffix.lower().lstrip(".")
    fmt = fmt or {"tiff": "tif", "json": "geojson"}.get(ext, ext)
    if fmt not in data.FORMATS:
        fail("format tidak dikenal (gpkg, geojson, csv, xlsx, tif) / unknown format")
    where = _filter(area, categories, date_from, date_to)
    report: dict[str, object] = {"out": str(out), "format": fmt}
    with connection() as conn:
        suppress = _suppress(conn, as_user, where.area)
        try:
            if fmt == "tif":
                report |= data.write_density(conn, where, out)
            else:
                agg = data.aggregates(conn, where, suppress=suppress, method=method,  # type: ignore[arg-type]
                                      with_coverage=not no_coverage and fmt in ("gpkg", "xlsx"))
        except AreaNotFound as exc:
            fail(str(exc))
        except RuntimeError:
            fail("penekanan jumlah kecil gagal; ekspor dibatalkan / small-count suppression "
                 "failed; nothing exported")
    if fmt != "tif":
        layer = f"choropleth_{level}"
        writers = {"gpkg": lambda: data.write_gpkg(agg, out),
                   "xlsx": lambda: data.write_xlsx(agg, out),
                   "geojson": lambda: data.write_geojson(agg, layer, out),
                   "csv": lambda: data.write_csv(agg, layer, out)}
        report |= {"features": writers[fmt](), "suppressed": agg.suppressed,
                   "notes": agg.notes}
    click.echo(json.dumps(report, ensure_ascii=False))


@export.command("slides")
@_common
@click.option("--layer", "layers", type=click.Choice(LAYER_CHOICES), multiple=True,
              help="Peta, boleh berulang / a map, repeatable (default: desa and kecamatan).")
@click.option("--title", help="Judul presentasi / the deck's title.")
@click.option("--top", type=click.IntRange(3, 25), default=12, show_default=True,
              help="Rows of the ranked table.")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def slides_command(area: str, categories: str, date_from, date_to, method: str,
                   as_user: str | None, layers: tuple[str, ...], title: str | None, top: int,
                   out: Path) -> None:
    """Presentasi PPTX / a PPTX deck: title, one slide per map, the ranked gap table."""
    import io

    from geomap.analysis.access import coverage
    from geomap.analysis.gap import gap
    from geomap.export import slides
    from geomap.export.page import PageSpec, render, save
    from geomap.export.source import LAYER_TITLES

    where = _filter(area, categories, date_from, date_to)
    layers = layers or ("choropleth-desa", "choropleth-kecamatan")
    maps: list[tuple[str, bytes]] = []
    table = None
    with connection() as conn:
        loaded = [_load(conn, where, layer, method, as_user) for layer in layers]
        counts = next((d.table for d in loaded if d.table is not None), None)
        if counts is None:
            from geomap.analysis.counts import count_table

            counts = count_table(conn, where, suppress=loaded[0].suppressed)
        try:
            ranked = gap(counts, coverage(conn, loaded[0].area, where)).ranked(top)
            table = slides.gap_table(ranked)
        except ValueError:
            table = slides.top_table(counts, top)
    for data in loaded:
        buf = io.BytesIO()
        save(render(data, PageSpec(), labels=_labels(data)), buf, "png", data.layer)
        maps.append((LAYER_TITLES[data.layer], buf.getvalue()))
    first = loaded[0]
    deck = slides.deck(title or f"Pemetaan PMKS / PMKS mapping: {first.area.name}",
                       first.subtitle(), maps, table)
    out.write_bytes(deck)
    click.echo(json.dumps({"out": str(out), "slides": 2 + len(maps), "table": table.title,
                           "suppressed": first.suppressed}, ensure_ascii=False))
