"""One export, whoever asks for it: ``geomap export ...`` and the HTTP export jobs.

An :class:`ExportRequest` says what to make (kind, format, layer, filter, page) and
under which privacy rule (``suppress``; ``personal`` for the rare export that carries
personal data, with the user and the stated purpose). :func:`run` makes the file. The
CLI and the web app build the request from their own inputs (options, URL parameters)
and then share everything here, so a file made on the command line and one downloaded
from the map page are the same file.

The caller has already decided the privacy rule from the user's role and area; this
module only applies it (and refuses ``personal`` for a role that may not read it, as a
last line of defence).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg

from geomap.accounts import User
from geomap.analysis.filters import CaseFilter

KINDS = ("map", "atlas", "slides", "data", "html")
# The print map's layers (map, atlas, slides): the PMKS choropleth and boundaries, and
# the map page's overlays (geomap.export.overlay); the HTML map has the first three.
HTML_LAYERS = ("choropleth-desa", "choropleth-kecamatan", "boundaries")
LAYER_CHOICES = (*HTML_LAYERS, "coverage", "gap", "heat", "resources")
FORMATS = {"map": ("pdf", "png"), "atlas": ("pdf",), "slides": ("pptx",),
           "data": ("gpkg", "geojson", "csv", "xlsx", "tif"), "html": ("html",)}
MEDIA_TYPES = {
    "pdf": "application/pdf", "png": "image/png",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "gpkg": "application/geopackage+sqlite3", "geojson": "application/geo+json",
    "csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml"
                              ".sheet",
    "tif": "image/tiff", "html": "text/html"}
# Which kinds/formats may carry personal data: only tables of cases (a map never does).
PERSONAL_FORMATS = ("gpkg", "geojson", "csv", "xlsx")

Progress = Callable[[int, int], None]


class ExportError(ValueError):
    """The export cannot be made as asked; the message is bilingual and names no data."""


@dataclass(frozen=True)
class Personal:
    """An explicit request for personal data: who asks and why (written to the audit log)."""

    user: User
    purpose: str


@dataclass(frozen=True)
class ExportRequest:
    kind: str
    fmt: str
    where: CaseFilter
    suppress: bool = True
    layer: str = "choropleth-desa"
    method: str = "quantiles"
    k: int = 5  # number of classes
    paper: str = "A4"
    orientation: str = "landscape"
    title: str | None = None
    logo: Path | None = None
    level: str = "desa"  # the one table of a GeoJSON/CSV file
    coverage: bool = True  # the E2SFCA layer of a GeoPackage/XLSX
    layers: tuple[str, ...] = ()  # the maps of a deck (default: desa and kecamatan)
    top: int = 12  # rows of a deck's table
    personal: Personal | None = None
    # For the overlay layers: whose view (its role and area, under ``suppress``; None: a
    # planner's), the legend's language, the PSKS categories, the service circles.
    user: User | None = None
    lang: str = "id"
    psks: tuple[str, ...] | None = None
    radius: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ExportError("jenis ekspor tidak dikenal / unknown export kind")
        if self.fmt not in FORMATS[self.kind]:
            allowed = ", ".join(FORMATS[self.kind])
            raise ExportError(f"format tidak sah untuk {self.kind} ({allowed}) / invalid "
                              f"format for {self.kind} ({allowed})")
        if self.layer not in LAYER_CHOICES or not set(self.layers) <= set(LAYER_CHOICES):
            raise ExportError("lapisan tidak dikenal / unknown layer")
        if self.kind == "html" and self.layer not in HTML_LAYERS:
            raise ExportError("peta HTML: lapisan choropleth atau batas wilayah / HTML map: "
                              "a choropleth or boundaries layer")
        if self.lang not in ("id", "en"):
            raise ExportError("bahasa id/en / language id or en")
        if self.paper not in ("A4", "A3") or self.orientation not in ("landscape", "portrait"):
            raise ExportError("kertas A4/A3, orientasi landscape/portrait / paper A4 or A3, "
                              "orientation landscape or portrait")
        if not 2 <= self.k <= 9:
            raise ExportError("jumlah kelas 2-9 / number of classes 2-9")
        if self.level not in ("desa", "kecamatan"):
            raise ExportError("level desa/kecamatan / level desa or kecamatan")
        if self.personal is not None:
            if self.kind != "data" or self.fmt not in PERSONAL_FORMATS:
                raise ExportError("data pribadi hanya dalam GPKG, GeoJSON, CSV atau XLSX / "
                                  "personal data only in GPKG, GeoJSON, CSV or XLSX")
            if not self.personal.purpose.strip():
                raise ExportError("data pribadi hanya dengan keperluan (purpose) / personal "
                                  "data only with a stated purpose")

    def with_logo(self, logo: Path | None) -> ExportRequest:
        return replace(self, logo=logo)


def download_name(req: ExportRequest, today: dt.date | None = None) -> str:
    """A file name safe on every system: ASCII letters, digits, ``.-_`` only.

    Built from what the export is (kind, layer, area, date), never from a path the user
    typed; a title only contributes its safe characters.
    """
    parts = ["geomap", req.kind]
    if req.kind in ("map", "atlas", "html"):
        parts.append(req.layer)
    if req.kind == "data" and req.fmt in ("geojson", "csv"):
        parts.append(req.level)
    if req.personal is not None:
        parts.append("pribadi-personal")
    parts += [req.where.area, f"{today or dt.date.today():%Y-%m-%d}"]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", "_".join(parts)).strip("._") or "geomap"
    return f"{stem[:120]}.{req.fmt}"


def _labels(data):
    """Names on the map: the desa of a kecamatan, else the kecamatan (not too many)."""
    if len(data.kecamatan) <= 1:
        return data.desa
    return data.kecamatan if len(data.kecamatan) <= 60 else None


def _spec(req: ExportRequest):
    from geomap.export.page import PageSpec

    return PageSpec(req.paper, req.orientation, req.title, req.logo)


def _load(conn: psycopg.Connection, req: ExportRequest, layer: str | None = None):
    from geomap.export.source import load_map

    return load_map(conn, req.where, layer or req.layer, suppress=req.suppress,  # type: ignore[arg-type]
                    method=req.method, k=req.k, user=req.user, lang=req.lang,  # type: ignore[arg-type]
                    psks=req.psks, radius=req.radius)


def _map(conn, req: ExportRequest, out: Path, progress: Progress) -> dict:
    from geomap.export.page import render, save

    data = _load(conn, req)
    progress(1, 2)
    save(render(data, _spec(req), labels=_labels(data)), out, req.fmt, req.title or req.layer)
    return {"layer": req.layer, "suppressed": data.suppressed}


def _atlas(conn, req: ExportRequest, out: Path, progress: Progress) -> dict:
    from geomap.export.atlas import write_atlas

    data = _load(conn, req)
    if len(data.kecamatan) == 0:
        raise ExportError("wilayah tanpa kecamatan / the area has no kecamatan")
    pages = write_atlas(data, _spec(req), out, progress=progress)
    return {"pages": pages, "layer": req.layer, "suppressed": data.suppressed}


def _slides(conn, req: ExportRequest, out: Path, progress: Progress) -> dict:
    from geomap.analysis.access import published_coverage, scores_publishable
    from geomap.analysis.counts import count_table
    from geomap.analysis.gap import gap
    from geomap.export import slides
    from geomap.export.page import PageSpec, render, save
    from geomap.export.source import LAYER_TITLES

    layers = req.layers or ("choropleth-desa", "choropleth-kecamatan")
    total = len(layers) * 2 + 1
    loaded = []
    for i, layer in enumerate(layers, 1):
        loaded.append(_load(conn, req, layer))
        progress(i, total)
    counts = next((d.table for d in loaded if d.table is not None), None)
    if counts is None:
        counts = count_table(conn, req.where, suppress=loaded[0].suppressed)
    try:
        cov = published_coverage(conn, loaded[0].area, req.where, req.psks,
                                 suppressed=counts.suppressed)
        table = slides.gap_table(gap(counts, cov).ranked(req.top),
                                 scores=scores_publishable(cov, counts.suppressed))
    except ValueError:  # no coverage without resources or population
        table = slides.top_table(counts, req.top)
    progress(len(layers) + 1, total)
    maps: list[tuple[str, bytes]] = []
    for i, data in enumerate(loaded, len(layers) + 2):
        buf = io.BytesIO()
        save(render(data, PageSpec(), labels=_labels(data)), buf, "png", data.layer)
        maps.append((LAYER_TITLES[data.layer], buf.getvalue()))
        progress(i, total)
    first = loaded[0]
    out.write_bytes(slides.deck(req.title or f"Pemetaan PMKS / PMKS mapping: {first.area.name}",
                                first.subtitle(), maps, table))
    return {"slides": 2 + len(maps), "table": table.title, "suppressed": first.suppressed}


def _data(conn, req: ExportRequest, out: Path, progress: Progress) -> dict:
    from geomap.export import data

    if req.fmt == "tif":
        return data.write_density(conn, req.where, out)
    agg = data.aggregates(conn, req.where, suppress=req.suppress, method=req.method,  # type: ignore[arg-type]
                          k=req.k,
                          with_coverage=req.coverage and req.fmt in ("gpkg", "xlsx"))
    report: dict[str, object] = {}
    if req.personal is not None:
        from geomap.export.personal import add_cases

        report["audit_id"] = add_cases(conn, agg, req.where, req.personal)
    progress(1, 2)
    layer = "cases" if req.personal is not None and req.fmt in ("geojson", "csv") \
        else f"choropleth_{req.level}"
    writers = {"gpkg": lambda: data.write_gpkg(agg, out),
               "xlsx": lambda: data.write_xlsx(agg, out),
               "geojson": lambda: data.write_geojson(agg, layer, out),
               "csv": lambda: data.write_csv(agg, layer, out)}
    return report | {"features": writers[req.fmt](), "suppressed": agg.suppressed,
                     "personal": req.personal is not None, "notes": agg.notes}


def _html(conn, req: ExportRequest, out: Path, progress: Progress) -> dict:
    from geomap.export.html import write_html

    return write_html(conn, req, out)


def run(conn: psycopg.Connection, req: ExportRequest, out: Path,
        progress: Progress | None = None) -> dict:
    """Make the file ``out``; returns a report (what the CLI prints as JSON).

    Raises :class:`ExportError` (or the analysis' ``AreaNotFound``, ``FilterError``) for
    an export that cannot be made, ``RuntimeError`` when small-count suppression failed
    (nothing is written then), ``LogoError`` for a logo that is no image.
    """
    if req.personal is not None:
        from geomap.case_reads import may_read_personal

        if not may_read_personal(req.personal.user):
            raise PermissionError("role may not read personal data")
    make = {"map": _map, "atlas": _atlas, "slides": _slides, "data": _data, "html": _html}
    report = make[req.kind](conn, req, out, progress or (lambda done, total: None))
    return {"format": req.fmt, **report}
