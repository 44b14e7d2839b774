"""``geomap export``: maps for meetings and data for GIS offices, from the command line.

The same numbers as the map pages (``geomap.analysis``), drawn or written on the
server by :mod:`geomap.export.run` (which the web app's export jobs share). Counts
follow the privacy rule of the user the export is for (``--as``): without ``--as``,
or for a ``planner``, counts from 1 to 4 are "<5" and their complements hidden, so a
file that leaves the office is safe by default. Exports are aggregates (and resources,
without contacts); personal data only with ``data --personal --purpose`` for a user
who may read it, audited.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from geomap.analysis.classify import METHODS
from geomap.analysis.filters import CaseFilter, FilterError
from geomap.cli.common import connection, fail
from geomap.export.run import HTML_LAYERS, LAYER_CHOICES

# matplotlib, geopandas, mapclassify and python-pptx take seconds to import: they are
# imported inside the commands, so every other ``geomap`` command starts fast.


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
    return _overlay_options(fn)


def _overlay_options(fn):
    """The map page's overlay parameters, for the layers drawn from an overlay."""
    for option in reversed([
        click.option("--psks", default="",
                     help="Kategori PSKS untuk coverage/gap/resources, dipisah koma (kosong = "
                          "semua) / PSKS categories of those layers (empty = all)."),
        click.option("--radius", is_flag=True,
                     help="Lapisan resources: gambar radius layanan / resources layer: draw "
                          "the service circles."),
        click.option("--lang", type=click.Choice(["id", "en"]), default="id",
                     show_default=True, help="Bahasa legenda lapisan / the layer legend's "
                                             "language."),
    ]):
        fn = option(fn)
    return fn


def _psks(raw: str) -> tuple[str, ...] | None:
    from layers.overlays import psks

    try:
        return psks.parse(raw)
    except FilterError as exc:
        fail(str(exc))
        raise  # unreachable: fail exits


def _filter(area: str, categories: str, date_from: dt.datetime | None,
            date_to: dt.datetime | None) -> CaseFilter:
    cats = tuple(c for c in (s.strip() for s in categories.split(",")) if c)
    try:
        return CaseFilter(area, cats or None, date_from.date() if date_from else None,
                          date_to.date() if date_to else None)
    except FilterError as exc:
        fail(str(exc))
        raise  # unreachable: fail exits


def _user(conn, as_user: str | None, area: str):
    """The user of ``--as`` (None without it); that user's area must hold the export's."""
    if as_user is None:
        return None
    from geomap.accounts import get_user
    from geomap.area import in_area

    user = get_user(conn, as_user.strip().lower())
    if user is None:
        fail("pengguna tidak ada atau nonaktif / no such enabled user")
    if not in_area(user, area):
        fail("wilayah di luar wilayah pengguna / the area is outside the user's area")
    return user


def _suppressed(user) -> bool:
    """Counts are suppressed unless the export is for a user whose role may read cases."""
    from geomap.case_reads import CASE_ROW_ROLES

    return user is None or user.role not in CASE_ROW_ROLES


def _run(where: CaseFilter, as_user: str | None, out: Path, *, purpose: str | None = None,
         **fields) -> None:
    """Build the request for ``--as``'s privacy rule, make the file, print the report."""
    from geomap.analysis.area import AreaNotFound
    from geomap.export.page import LogoError
    from geomap.export.run import ExportError, ExportRequest, Personal, run

    with connection() as conn:
        user = _user(conn, as_user, where.area)
        personal = None
        if purpose is not None:
            from geomap.case_reads import may_read_personal

            if user is None or not may_read_personal(user):
                fail("data pribadi hanya untuk tksk wilayahnya, dinas dan admin (--as) / "
                     "personal data only for a tksk of the area, dinas or admin (--as)")
            personal = Personal(user, purpose)
        try:
            req = ExportRequest(where=where, suppress=_suppressed(user), personal=personal,
                                user=user, **fields)
            report = run(conn, req, out)
        except (ExportError, AreaNotFound, LogoError) as exc:
            fail(str(exc))
            return
        except RuntimeError:
            fail("penekanan jumlah kecil gagal; ekspor dibatalkan / small-count suppression "
                 "failed; nothing exported")
            return
    click.echo(json.dumps({"out": str(out), **report}, ensure_ascii=False))


@click.group()
def export() -> None:
    """Ekspor peta dan data / export maps and data (PDF, PNG, PPTX, GPKG, CSV, XLSX, HTML)."""


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
                title: str | None, logo: Path | None, psks: str, radius: bool, lang: str,
                fmt: str | None, out: Path) -> None:
    """Peta siap cetak / a print-ready map page (PDF or PNG at 200 dpi) of one layer: the
    PMKS choropleth, boundaries, or the map page's coverage, gap, heat (the density
    raster: never case points) or resources overlay, with that overlay's legend."""
    fmt = fmt or ("png" if out.suffix.lower() == ".png" else "pdf")
    _run(_filter(area, categories, date_from, date_to), as_user, out, kind="map", fmt=fmt,
         layer=layer, method=method, paper=paper, orientation=orientation, title=title,
         logo=logo, psks=_psks(psks), radius=radius, lang=lang)


@export.command("atlas")
@_common
@click.option("--layer", type=click.Choice(LAYER_CHOICES), default="choropleth-desa",
              show_default=True)
@_page_options
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def atlas_command(area: str, categories: str, date_from, date_to, method: str,
                  as_user: str | None, layer: str, paper: str, orientation: str,
                  title: str | None, logo: Path | None, psks: str, radius: bool, lang: str,
                  out: Path) -> None:
    """Atlas: satu halaman per kecamatan / one page per kecamatan, in one PDF."""
    _run(_filter(area, categories, date_from, date_to), as_user, out, kind="atlas", fmt="pdf",
         layer=layer, method=method, paper=paper, orientation=orientation, title=title,
         logo=logo, psks=_psks(psks), radius=radius, lang=lang)


@export.command("data")
@_common
@click.option("--format", "fmt", type=click.Choice(["gpkg", "geojson", "csv", "xlsx", "tif"]),
              default=None, help="Default: from OUT's extension.")
@click.option("--level", type=click.Choice(["desa", "kecamatan"]), default="desa",
              show_default=True, help="The table of GeoJSON/CSV (one layer per file).")
@click.option("--no-coverage", is_flag=True, help="Skip the E2SFCA coverage layer.")
@click.option("--personal", is_flag=True,
              help="Sertakan kasus dengan data pribadi (diaudit; perlu --as dan --purpose) / "
                   "include the cases with their personal data (audited; needs --as and "
                   "--purpose).")
@click.option("--purpose", help="Keperluan / the purpose of a personal-data export.")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def data_command(area: str, categories: str, date_from, date_to, method: str,
                 as_user: str | None, fmt: str | None, level: str, no_coverage: bool,
                 personal: bool, purpose: str | None, out: Path) -> None:
    """Data agregat / aggregated data: GeoPackage (every layer), GeoJSON, CSV, XLSX, or
    the heat raster as GeoTIFF. Personal data only with ``--personal --purpose``, for a
    user (``--as``) who may read it; that export is written to the audit log."""
    from geomap.export import data

    ext = out.suffix.lower().lstrip(".")
    fmt = fmt or {"tiff": "tif", "json": "geojson"}.get(ext, ext)
    if fmt not in data.FORMATS:
        fail("format tidak dikenal (gpkg, geojson, csv, xlsx, tif) / unknown format")
    if personal and not (purpose or "").strip():
        fail("--personal perlu --purpose (keperluan) / --personal needs --purpose")
    _run(_filter(area, categories, date_from, date_to), as_user, out, kind="data", fmt=fmt,
         method=method, level=level, coverage=not no_coverage,
         purpose=purpose if personal else None)


@export.command("slides")
@_common
@click.option("--layer", "layers", type=click.Choice(LAYER_CHOICES), multiple=True,
              help="Peta, boleh berulang / a map, repeatable (default: desa and kecamatan).")
@click.option("--title", help="Judul presentasi / the deck's title.")
@click.option("--top", type=click.IntRange(3, 25), default=12, show_default=True,
              help="Rows of the ranked table.")
@_overlay_options
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def slides_command(area: str, categories: str, date_from, date_to, method: str,
                   as_user: str | None, layers: tuple[str, ...], title: str | None, top: int,
                   psks: str, radius: bool, lang: str, out: Path) -> None:
    """Presentasi PPTX / a PPTX deck: title, one slide per map, the ranked gap table."""
    _run(_filter(area, categories, date_from, date_to), as_user, out, kind="slides",
         fmt="pptx", method=method, layers=layers, title=title, top=top, psks=_psks(psks),
         radius=radius, lang=lang)


@export.command("html")
@_common
@click.option("--layer", type=click.Choice(HTML_LAYERS), default="choropleth-desa",
              show_default=True)
@click.option("--title", help="Judul / title (default: the layer's name).")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def html_command(area: str, categories: str, date_from, date_to, method: str,
                 as_user: str | None, layer: str, title: str | None, out: Path) -> None:
    """Peta interaktif mandiri / a standalone interactive HTML map (Leaflet, data and
    legend inlined: opens offline, from a USB stick)."""
    _run(_filter(area, categories, date_from, date_to), as_user, out, kind="html",
         fmt="html", layer=layer, method=method, title=title)
