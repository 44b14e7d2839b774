"""Kernel density of case points on a grid: what a planner sees instead of points.

Method: the points are counted per cell (``np.bincount``, the same as
``np.histogram2d`` without its sorting) on a grid in the
area's UTM zone, then the counts are convolved by FFT with a Gaussian kernel
(sigma = the bandwidth, truncated at 3 sigma and normalised to sum 1, so the
raster integrates to the number of points). Dividing by the cell area gives
cases per km². The grid is padded by the kernel's radius, so no mass is lost
at the edges. Cost is one pass over the points plus two FFTs of the grid,
whatever the number of points.

Privacy rule: a cell is drawn only when at least ``min_cases`` cases (by
default ``GEOMAP_SUPPRESS_BELOW``, 5) lie within one bandwidth (1 km) of its
centre; elsewhere it is 0. So every visible patch pools at least that many
households, and a lone case (or a pair) disappears entirely instead of
showing as a blob centred on its home. Cells outside the area are nodata.

Display: the raster stays in UTM (true 100 m cells, exact km²); for Leaflet it
is warped once to Web Mercator with ``rasterio.warp.reproject`` (bilinear),
because Leaflet stretches an image overlay linearly in Mercator pixels between
its lat/lon bounds. Computing in EPSG:3857 instead would need a scale factor
that varies with latitude (1/cos φ) in every cell area and in the bandwidth;
warping only the picture keeps the numbers exact and the picture aligned.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import psycopg
import rasterio
import rasterio.features
import rasterio.warp
import shapely
from affine import Affine
from scipy import fft as sfft

from geomap.analysis.area import Area, project
from geomap.analysis.filters import CaseFilter
from geomap.analysis.privacy import suppress_below
from geomap.analysis.query import float_arrays
from geomap.sql import sql

CELL_M = 100.0
BANDWIDTH_M = 1000.0
TRUNCATE = 3.0  # kernel radius in bandwidths
NODATA = -9999.0
WEB_MERCATOR = "EPSG:3857"


@dataclass(frozen=True)
class Grid:
    """A north-up grid in a metric CRS: top-left corner, cell size, shape."""

    srid: int
    x0: float  # west edge
    y1: float  # north edge
    cell: float
    width: int
    height: int

    @classmethod
    def around(cls, bounds: tuple[float, float, float, float], srid: int, cell: float,
               pad: float) -> Grid:
        """The grid covering ``bounds`` plus ``pad`` metres, snapped to multiples of ``cell``."""
        minx, miny, maxx, maxy = bounds
        x0 = np.floor((minx - pad) / cell) * cell
        y0 = np.floor((miny - pad) / cell) * cell
        x1 = np.ceil((maxx + pad) / cell) * cell
        y1 = np.ceil((maxy + pad) / cell) * cell
        return cls(srid, float(x0), float(y1), cell, int(np.rint((x1 - x0) / cell)),
                   int(np.rint((y1 - y0) / cell)))

    @property
    def transform(self) -> Affine:
        return Affine(self.cell, 0.0, self.x0, 0.0, -self.cell, self.y1)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.height, self.width)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y1 - self.height * self.cell, self.x0 + self.width * self.cell,
                self.y1)

    def counts(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Points per cell (float64); points off the grid are dropped."""
        col = np.floor((np.asarray(x) - self.x0) / self.cell)
        row = np.floor((self.y1 - np.asarray(y)) / self.cell)
        keep = (col >= 0) & (col < self.width) & (row >= 0) & (row < self.height)
        flat = row[keep].astype(np.int64) * self.width + col[keep].astype(np.int64)
        return np.bincount(flat, minlength=self.width * self.height).reshape(self.shape) \
            .astype(np.float64)


def gaussian_kernel(bandwidth_m: float, cell_m: float) -> np.ndarray:
    """A Gaussian (sigma = bandwidth) sampled at cell centres, truncated at 3 sigma, sum 1."""
    r = int(np.ceil(TRUNCATE * bandwidth_m / cell_m))
    d = np.arange(-r, r + 1) * cell_m
    g = np.exp(-0.5 * (d / bandwidth_m) ** 2)
    k = np.outer(g, g)
    k[np.hypot(*np.meshgrid(d, d)) > TRUNCATE * bandwidth_m] = 0.0
    return k / k.sum()


def disk_kernel(radius_m: float, cell_m: float) -> np.ndarray:
    """Ones on the cells whose centre lies within ``radius_m`` of the middle cell's centre."""
    r = int(np.floor(radius_m / cell_m))
    d = np.arange(-r, r + 1) * cell_m
    return (np.hypot(*np.meshgrid(d, d)) <= radius_m).astype(np.float64)


def convolve_same(image: np.ndarray, kernels: list[np.ndarray]) -> list[np.ndarray]:
    """``scipy.signal.fftconvolve(image, k, mode="same")`` for each odd-sized kernel,
    sharing one forward transform of the image (the density and the privacy count
    both need it). The transform is padded past the largest kernel, so nothing wraps.

    FFT rather than ``scipy.ndimage.gaussian_filter``: both take tens of milliseconds
    on a kabupaten grid, but the FFT takes the exact kernel (circular, truncated at
    3 sigma, normalised) and serves the disk count from the same transform.
    """
    kh = max(k.shape[0] for k in kernels)
    kw = max(k.shape[1] for k in kernels)
    shape = (sfft.next_fast_len(image.shape[0] + kh - 1, real=True),
             sfft.next_fast_len(image.shape[1] + kw - 1, real=True))
    spectrum = sfft.rfft2(image, shape)
    out = []
    for k in kernels:
        full = sfft.irfft2(spectrum * sfft.rfft2(k, shape), shape)
        r0, c0 = (k.shape[0] - 1) // 2, (k.shape[1] - 1) // 2
        out.append(full[r0:r0 + image.shape[0], c0:c0 + image.shape[1]])
    return out


@dataclass
class Legend:
    """Colour stops of the overlay: value (cases/km²) and its colour (#rrggbb)."""

    values: list[float]
    colors: list[str]
    unit: str = "kasus/km² / cases per km²"


@dataclass
class Overlay:
    """A PNG for Leaflet's ``L.imageOverlay(url, bounds)``: bounds are [[S, W], [N, E]]."""

    png: bytes
    bounds: list[list[float]]
    legend: Legend


@dataclass
class DensityRaster:
    """Cases per km² on ``grid``; NaN outside the area; suppressed cells are 0."""

    values: np.ndarray
    grid: Grid
    points: int  # points that fell on the grid
    bandwidth_m: float
    min_cases: int

    def write_geotiff(self, path: Path | str) -> None:
        """A float32 GeoTIFF in the grid's UTM CRS, nodata outside the area."""
        data = np.where(np.isnan(self.values), NODATA, self.values).astype(np.float32)
        with rasterio.open(path, "w", driver="GTiff", width=self.grid.width,
                           height=self.grid.height, count=1, dtype="float32",
                           crs=f"EPSG:{self.grid.srid}", transform=self.grid.transform,
                           nodata=NODATA, compress="deflate") as dst:
            dst.write(data, 1)
            dst.update_tags(units="cases per km2", bandwidth_m=str(self.bandwidth_m),
                            min_cases=str(self.min_cases))

    def overlay(self, cmap: str = "YlOrRd", stops: int = 5) -> Overlay:
        """Warp to Web Mercator and colour it; transparent where 0 or nodata."""
        from matplotlib import colormaps, colors
        from matplotlib.image import imsave

        dst_transform, width, height = rasterio.warp.calculate_default_transform(
            f"EPSG:{self.grid.srid}", WEB_MERCATOR, self.grid.width, self.grid.height,
            *self.grid.bounds)
        warped = np.full((height, width), np.nan, dtype=np.float32)
        rasterio.warp.reproject(self.values.astype(np.float32), warped,
                                src_transform=self.grid.transform,
                                src_crs=f"EPSG:{self.grid.srid}", src_nodata=np.nan,
                                dst_transform=dst_transform, dst_crs=WEB_MERCATOR,
                                dst_nodata=np.nan,
                                resampling=rasterio.warp.Resampling.bilinear)
        visible = np.isfinite(warped) & (warped > 0)
        vmax = float(np.nanmax(warped[visible])) if visible.any() else 1.0
        palette = colormaps[cmap]
        rgba = (palette(np.clip(np.nan_to_num(warped) / vmax, 0, 1)) * 255).astype(np.uint8)
        rgba[..., 3] = np.where(visible, 255, 0)
        buf = io.BytesIO()
        imsave(buf, rgba, format="png")
        west, north = dst_transform @ (0, 0)
        east, south = dst_transform @ (width, height)
        lon, lat = rasterio.warp.transform(WEB_MERCATOR, "EPSG:4326", [west, east],
                                           [south, north])
        values = [float(v) for v in np.linspace(0, vmax, stops + 1)[1:]]
        legend = Legend(values, [colors.to_hex(palette(v / vmax)) for v in values])
        return Overlay(buf.getvalue(), [[lat[0], lon[0]], [lat[1], lon[1]]], legend)


def density(x: np.ndarray, y: np.ndarray, area: Area, *, cell_m: float = CELL_M,
            bandwidth_m: float = BANDWIDTH_M, min_cases: int | None = None,
            projected_area: shapely.Geometry | None = None) -> DensityRaster:
    """Density of points (x, y in the area's UTM metres) over ``area``, in cases per km².

    ``projected_area`` spares re-projecting the boundary when the caller has it.
    """
    min_cases = suppress_below() if min_cases is None else min_cases
    shape_utm = projected_area if projected_area is not None else area.projected()
    grid = Grid.around(shapely.bounds(shape_utm), area.srid, cell_m, TRUNCATE * bandwidth_m)
    counts = grid.counts(x, y)
    cell_km2 = (cell_m / 1000.0) ** 2
    kernels = [gaussian_kernel(bandwidth_m, cell_m)]
    if min_cases > 1:
        kernels.append(disk_kernel(bandwidth_m, cell_m))
    smoothed = convolve_same(counts, kernels)
    values = smoothed[0] / cell_km2
    values[values < 1e-9 / cell_km2] = 0.0  # FFT round-off, not density
    if min_cases > 1:
        values[np.rint(smoothed[1]) < min_cases] = 0.0
    outside = rasterio.features.geometry_mask([shape_utm], grid.shape, grid.transform,
                                              all_touched=True)
    values[outside] = np.nan
    return DensityRaster(values, grid, int(counts.sum()), bandwidth_m, min_cases)


def density_lonlat(lon: np.ndarray, lat: np.ndarray, area: Area, **kwargs) -> DensityRaster:
    """``density`` from longitude/latitude arrays."""
    x, y = project(lon, lat, area.srid)
    return density(x, y, area, **kwargs)


PARALLEL_FROM = 200_000  # cases in the table from which slices on several connections pay
_ALL_PAGES = ("(0,0)", "(4294967295,0)")


def case_points(conn: psycopg.Connection, where: CaseFilter, srid: int, *,
                connect: Callable[[], psycopg.Connection] | None = None,
                ) -> tuple[np.ndarray, np.ndarray]:
    """The filter's case points in ``srid`` metres.

    PostGIS sends longitude and latitude as two binary arrays; pyproj projects them
    (faster than a million ``ST_Transform`` calls, and the same PROJ underneath).
    With ``connect`` and a large table, the heap is cut into one page range per CPU
    core, each read on its own connection at the same time (reading is the cost:
    one backend per core instead of one in all; the same idea as ``assign_desa``).
    """
    params = where.params()
    pages = conn.execute(sql("analysis/case_table_size")).fetchone()
    slices = os.cpu_count() or 1
    if connect is None or pages is None or pages[1] < PARALLEL_FROM or slices < 2:
        lon, lat = float_arrays(conn, "case_points", {**params, "tid_from": _ALL_PAGES[0],
                                                       "tid_to": _ALL_PAGES[1]})
        return project(lon, lat, srid)
    cuts = np.linspace(0, int(pages[0]), slices + 1).astype(np.int64)
    ranges = [(f"({cuts[i]},0)", f"({cuts[i + 1]},0)") for i in range(slices)]
    ranges[-1] = (ranges[-1][0], _ALL_PAGES[1])  # pages added since the last ANALYZE

    def run(i: int) -> list[np.ndarray]:
        sliced = {**params, "tid_from": ranges[i][0], "tid_to": ranges[i][1]}
        if i == 0:
            return float_arrays(conn, "case_points", sliced)
        with connect() as other:
            return float_arrays(other, "case_points", sliced)

    with ThreadPoolExecutor(max_workers=slices) as pool:
        parts = list(pool.map(run, range(slices)))
    return project(np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
                   srid)


def case_density(conn: psycopg.Connection, area: Area, where: CaseFilter, *,
                 connect: Callable[[], psycopg.Connection] | None = None,
                 **kwargs) -> DensityRaster:
    """Density of the cases a filter selects, over ``area`` (``connect``: see case_points)."""
    x, y = case_points(conn, where, area.srid, connect=connect)
    return density(x, y, area, **kwargs)


__all__ = ["BANDWIDTH_M", "CELL_M", "DensityRaster", "Grid", "Legend", "Overlay", "case_density",
           "case_points", "convolve_same", "density", "density_lonlat", "disk_kernel",
           "gaussian_kernel"]
