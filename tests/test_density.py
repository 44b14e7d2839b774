"""Kernel density of case points: mass, peak, GeoTIFF, the PNG overlay and its privacy."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pytest
import rasterio
from matplotlib.image import imread
from scipy.signal import fftconvolve
from shapely.geometry import MultiPolygon, box

import geomap.analysis.density as density_module
from geomap.analysis.area import Area, load_area, project, unproject
from geomap.analysis.density import (
    Grid,
    case_density,
    case_points,
    convolve_same,
    density,
    disk_kernel,
    gaussian_kernel,
)
from geomap.analysis.filters import CaseFilter
from tests.analysis_fixtures import add_cases

SOREANG = (107.52, -7.03)  # inside Kabupaten Bandung


def square_area() -> Area:
    """A 40 km square in Jawa Barat, in lon/lat, for tests without a database."""
    x0, y0 = project(np.array([107.3]), np.array([-7.2]), 32748)
    lon, lat = unproject(np.array([x0[0], x0[0] + 40_000]), np.array([y0[0], y0[0] + 40_000]),
                         32748)
    return Area("32.99", "Kotak", MultiPolygon([box(lon[0], lat[0], lon[1], lat[1])]), 32748)


def cluster(n: int, x: float, y: float, sigma: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return x + rng.normal(0, sigma, n), y + rng.normal(0, sigma, n)


def test_mass_is_the_number_of_points_and_the_peak_is_at_the_cluster() -> None:
    area = square_area()
    minx, miny, maxx, maxy = area.projected().bounds
    cx, cy = minx + 12_000, miny + 25_000
    x1, y1 = cluster(5_000, cx, cy, 400, 1)
    rng = np.random.default_rng(2)
    x2 = rng.uniform(minx + 5_000, maxx - 5_000, 2_000)
    y2 = rng.uniform(miny + 5_000, maxy - 5_000, 2_000)
    raster = density(np.r_[x1, x2], np.r_[y1, y2], area, min_cases=1)
    cell_km2 = (raster.grid.cell / 1000) ** 2
    assert raster.points == 7_000
    assert np.nansum(raster.values) * cell_km2 == pytest.approx(7_000, rel=1e-6)
    row, col = np.unravel_index(np.nanargmax(raster.values), raster.values.shape)
    px, py = raster.grid.transform @ (col + 0.5, row + 0.5)
    assert np.hypot(px - cx, py - cy) < 300
    # Peak height: 5,000 points smoothed by sigma_total = hypot(400, 1000) m.
    sigma = np.hypot(400, 1000) / 1000
    assert np.nanmax(raster.values) == pytest.approx(5_000 / (2 * np.pi * sigma**2), rel=0.1)


def test_kernel_is_a_normalised_gaussian() -> None:
    k = gaussian_kernel(1000, 100)
    assert k.shape == (61, 61)
    assert k.sum() == pytest.approx(1.0)
    assert np.unravel_index(k.argmax(), k.shape) == (30, 30)
    assert k[30, 40] / k[30, 30] == pytest.approx(np.exp(-0.5), rel=1e-9)


def test_shared_fft_is_fftconvolve_and_histogram2d_binning() -> None:
    rng = np.random.default_rng(4)
    image = rng.poisson(1.5, (57, 83)).astype(float)
    kernels = [gaussian_kernel(1000, 100), disk_kernel(1000, 100)]
    for got, k in zip(convolve_same(image, kernels), kernels, strict=True):
        assert np.allclose(got, fftconvolve(image, k, mode="same"), atol=1e-9)
    grid = Grid(32748, 0.0, 5000.0, 100.0, 40, 50)
    x, y = rng.uniform(-500, 4500, 2000), rng.uniform(-500, 5500, 2000)
    hist, _, _ = np.histogram2d(y, x, bins=[np.arange(5000, -1, -100)[::-1], np.arange(0, 4001,
                                                                                       100)])
    assert np.array_equal(grid.counts(x, y), hist[::-1])


def test_a_lone_case_is_not_drawn() -> None:
    area = square_area()
    minx, miny, _, _ = area.projected().bounds
    raster = density(np.array([minx + 20_000]), np.array([miny + 20_000]), area)
    assert raster.min_cases == 5
    assert np.nanmax(raster.values) == 0
    overlay = raster.overlay()
    assert (imread(io.BytesIO(overlay.png))[..., 3] == 0).all()


def test_grid_snaps_to_whole_cells() -> None:
    grid = Grid.around((1234.0, 5678.0, 4321.0, 8765.0), 32748, 100.0, 3000.0)
    assert (grid.x0 % 100, grid.y1 % 100) == (0, 0)
    x0, y0, x1, y1 = grid.bounds
    assert x0 <= 1234 - 3000 and y0 <= 5678 - 3000 and x1 >= 4321 + 3000 and y1 >= 8765 + 3000
    counts = grid.counts(np.array([x0 + 50, x0 + 50, x1 + 10]), np.array([y1 - 50] * 3))
    assert counts[0, 0] == 2 and counts.sum() == 2


def test_case_density_from_postgis(bandung_db, tmp_path, monkeypatch) -> None:
    with bandung_db.connect() as conn:
        area = load_area(conn, "32.04")
        assert area.srid == 32748
        x, y = project(np.array([SOREANG[0]]), np.array([SOREANG[1]]), area.srid)
        cx, cy = cluster(400, x[0], y[0], 300, 3)
        lon, lat = unproject(cx, cy, area.srid)
        add_cases(conn, lon, lat, "AT", dt.date(2026, 1, 10))
        add_cases(conn, lon[:100], lat[:100], "ABT", dt.date(2026, 3, 10))
        everything = CaseFilter("32.04")
        px, py = case_points(conn, everything, area.srid)
        assert len(px) == 500
        assert len(case_points(conn, CaseFilter("32.04", ("ABT",)), area.srid)[0]) == 100
        march = CaseFilter("32.04", None, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        assert len(case_points(conn, march, area.srid)[0]) == 100
        assert len(case_points(conn, CaseFilter("32.04.01"), area.srid)[0]) == 0
        raster = case_density(conn, area, everything)
        # Read in page slices on several connections: the same points.
        conn.execute("ANALYZE pmks_case")
        monkeypatch.setattr(density_module, "PARALLEL_FROM", 0)
        monkeypatch.setattr(density_module.os, "cpu_count", lambda: 3)
        sx, sy = case_points(conn, everything, area.srid, connect=bandung_db.connect)
        assert sorted(zip(sx, sy, strict=True)) == sorted(zip(px, py, strict=True))
        sx, _ = case_points(conn, march, area.srid, connect=bandung_db.connect)
        assert len(sx) == 100
    assert raster.points == 500
    row, col = np.unravel_index(np.nanargmax(raster.values), raster.values.shape)
    px, py = raster.grid.transform @ (col + 0.5, row + 0.5)
    assert np.hypot(px - x[0], py - y[0]) < 300

    path = tmp_path / "density.tif"
    raster.write_geotiff(path)
    with rasterio.open(path) as src:
        assert src.crs.to_epsg() == 32748
        assert src.transform == raster.grid.transform
        assert src.transform.a == 100 and src.transform.e == -100
        back = src.read(1, masked=True)
    assert np.allclose(back.filled(np.nan), raster.values, equal_nan=True, rtol=1e-6)

    overlay = raster.overlay()
    image = imread(io.BytesIO(overlay.png))
    assert image.shape[2] == 4
    assert (image[..., 3] == 0).any() and (image[..., 3] == 1).any()
    (south, west), (north, east) = overlay.bounds
    assert south < SOREANG[1] < north and west < SOREANG[0] < east
    assert overlay.legend.values == sorted(overlay.legend.values)
    assert len(overlay.legend.values) == len(overlay.legend.colors) == 5
    # The overlay is the area's raster: its frame does not depend on where cases are.
    shifted = density(px + 2_000, py, area, min_cases=1).overlay()
    assert shifted.bounds == overlay.bounds
