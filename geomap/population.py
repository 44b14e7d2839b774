"""Residents per desa, from a table or from a population raster.

* CSV: one row per desa, a code column and a population column (Indonesian or
  English headers). Every row is checked first; one bad row stops the import
  with its line number, and nothing is stored.
* GeoTIFF (e.g. WorldPop 100 m, people per pixel): the desa polygons are burnt
  into a label raster on the file's own grid (``rasterio.features.rasterize``,
  pixel centres), and one ``np.bincount`` sums every pixel into its desa. Only
  the window covering the desa is read. Each pixel counts once, so the total is
  kept even where desa polygons overlap (the source's borders do). A desa with
  no pixel centre inside (smaller than a pixel) gets 0.

Both end in ``region_population`` (migration 0050), replacing earlier figures of
the same desa.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import rasterio
import rasterio.features
import rasterio.windows
import shapely

from geomap import codes

CODE_HEADERS = ("code", "kode", "desa_code", "kode_desa", "kode_wilayah")
POPULATION_HEADERS = ("population", "penduduk", "jumlah_penduduk", "jumlah")


class PopulationError(ValueError):
    """The file cannot be imported; the message says why, in both languages."""


@dataclass
class PopulationImport:
    desa: int  # desa given a population
    total: float  # residents over those desa
    without: int  # desa of the area left without a figure


def _pick(headers: list[str], names: tuple[str, ...], what: str) -> str:
    lowered = {h.strip().lower(): h for h in headers}
    for name in names:
        if name in lowered:
            return lowered[name]
    raise PopulationError(f"kolom {what} tidak ada / no {what} column "
                          f"(one of: {', '.join(names)})")


def read_csv(path: Path) -> pd.DataFrame:
    """Desa code and population from a CSV, checked; raises PopulationError."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        table = pd.read_csv(fh, sep=dialect.delimiter, dtype=str, keep_default_na=False)
    code_col = _pick(list(table.columns), CODE_HEADERS, "kode / code")
    pop_col = _pick(list(table.columns), POPULATION_HEADERS, "penduduk / population")
    raw = table[pop_col].str.strip().str.replace(r"[.,\s](?=\d{3}(\D|$))", "", regex=True)
    population = pd.to_numeric(raw, errors="coerce")
    bad = population.isna() | (population < 0)
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise PopulationError(f"baris {line}: jumlah penduduk tidak sah / line {line}: "
                              "invalid population")
    normalised = table[code_col].map(_desa_code)
    if normalised.isna().any():
        line = int(np.flatnonzero(normalised.isna().to_numpy())[0]) + 2
        raise PopulationError(f"baris {line}: bukan kode desa / line {line}: not a desa code")
    out = pd.DataFrame({"code": normalised, "population": population.astype(float)})
    if out["code"].duplicated().any():
        line = int(np.flatnonzero(out["code"].duplicated().to_numpy())[0]) + 2
        raise PopulationError(f"baris {line}: kode desa ganda / line {line}: duplicate desa code")
    return out


def _desa_code(value: str) -> str | None:
    try:
        code = codes.normalise(value)
    except codes.InvalidCode:
        return None
    return code if codes.level(code) == "desa" else None


def raster_sums(path: Path, desa: gpd.GeoSeries) -> np.ndarray:
    """People per desa (in ``desa``'s order) from a population raster."""
    with rasterio.open(path) as src:
        if src.crs is None:
            raise PopulationError("raster tanpa CRS / the raster has no CRS")
        shapes = desa.to_crs(src.crs)
        w = rasterio.windows.from_bounds(*shapes.total_bounds, transform=src.transform)
        col0, row0 = int(np.floor(w.col_off)), int(np.floor(w.row_off))
        window = rasterio.windows.Window(
            col0, row0, int(np.ceil(w.col_off + w.width)) - col0,
            int(np.ceil(w.row_off + w.height)) - row0,
        ).intersection(rasterio.windows.Window(0, 0, src.width, src.height))
        data = src.read(1, window=window, masked=True).astype(np.float64).filled(0.0)
        transform = src.window_transform(window)
    data[~np.isfinite(data) | (data < 0)] = 0.0
    labels = rasterio.features.rasterize(
        zip(shapes.geometry, np.arange(1, len(shapes) + 1), strict=True),
        out_shape=data.shape, transform=transform, fill=0, dtype="int32")
    return np.bincount(labels.ravel(), weights=data.ravel(), minlength=len(shapes) + 1)[1:]


def desa_shapes(conn: psycopg.Connection, area: str | None) -> tuple[list[str], gpd.GeoSeries]:
    prefix = codes.normalise(area) + "." if area else ""
    rows = conn.execute("SELECT code, ST_AsBinary(geom) FROM region WHERE level = 'desa'"
                        " AND geom IS NOT NULL AND starts_with(code, %s) ORDER BY code",
                        (prefix,)).fetchall()
    return [r[0] for r in rows], gpd.GeoSeries(shapely.from_wkb([bytes(r[1]) for r in rows]),
                                               crs="EPSG:4326")


def store(conn: psycopg.Connection, figures: pd.DataFrame, source: str) -> None:
    """Upsert (code, population) rows; every code must be a desa already loaded."""
    with conn.transaction():
        known = conn.execute("SELECT count(*) FROM region WHERE level = 'desa'"
                             " AND code = ANY (%s)", (figures["code"].tolist(),)).fetchone()[0]
        if known != len(figures):
            raise PopulationError(
                f"{len(figures) - known} kode desa tidak dikenal (muat batas wilayah dulu) / "
                f"{len(figures) - known} unknown desa codes (import the boundaries first)")
        conn.execute(
            "INSERT INTO region_population (code, population, source)"
            " SELECT * FROM unnest(%s::text[], %s::float8[], %s::text[])"
            " ON CONFLICT (code) DO UPDATE SET population = excluded.population,"
            " source = excluded.source, imported_at = now()",
            (figures["code"].tolist(), figures["population"].tolist(),
             [source] * len(figures)))


def import_file(conn: psycopg.Connection, path: Path, area: str | None = None) -> PopulationImport:
    """Import a CSV or a GeoTIFF; ``area`` limits a raster to the desa under that code."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        figures = read_csv(path)
        if area:
            figures = figures[figures["code"].str.startswith(codes.normalise(area) + ".")]
    elif suffix in (".tif", ".tiff"):
        names, shapes = desa_shapes(conn, area)
        if not names:
            raise PopulationError("belum ada batas desa / no desa boundaries loaded")
        try:
            sums = raster_sums(path, shapes)
        except rasterio.errors.RasterioIOError as exc:
            raise PopulationError("raster tidak terbaca / cannot read the raster") from exc
        except rasterio.errors.WindowError as exc:
            raise PopulationError("raster tidak mencakup desa mana pun / the raster covers "
                                  "no desa") from exc
        figures = pd.DataFrame({"code": names, "population": sums})
    else:
        raise PopulationError("format tidak dikenal (CSV atau GeoTIFF) / unknown format "
                              "(CSV or GeoTIFF)")
    store(conn, figures, path.name)
    prefix = codes.normalise(area) + "." if area else ""
    without = conn.execute(
        "SELECT count(*) FROM region d LEFT JOIN region_population p USING (code)"
        " WHERE d.level = 'desa' AND starts_with(d.code, %s) AND p.code IS NULL",
        (prefix,)).fetchone()[0]
    return PopulationImport(len(figures), float(figures["population"].sum()), int(without))
