"""``geomap population import``: CSV and GeoTIFF (a raster made here) summed per desa."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from geomap.population import desa_shapes, raster_sums


def some_desa(db, n: int) -> list[str]:
    with db.connect() as conn:
        return [r[0] for r in conn.execute(
            "SELECT code FROM region WHERE level = 'desa' ORDER BY code LIMIT %s", (n,))]


def test_import_csv(bandung_db, cli, tmp_path) -> None:
    a, b, c = some_desa(bandung_db, 3)
    path = tmp_path / "penduduk.csv"
    path.write_text(f"kode_desa;penduduk\n{a};1.234\n{b.replace('.', '')};5000\n{c};0\n")
    done = cli(bandung_db, "population", "import", str(path))
    assert done.code == 0, done.stderr
    assert "3 desa" in done.stdout and "6,234" in done.stdout
    assert "277 desa" in done.stderr  # still without a figure
    assert bandung_db.scalar("SELECT population FROM region_population WHERE code = %s",
                             (a,)) == 1234
    assert bandung_db.scalar("SELECT population FROM region_population WHERE code = %s",
                             (b,)) == 5000
    # A second import replaces the figure.
    path.write_text(f"code,population\n{a},1500\n")
    assert cli(bandung_db, "population", "import", str(path)).code == 0
    assert bandung_db.scalar("SELECT population FROM region_population WHERE code = %s",
                             (a,)) == 1500


@pytest.mark.parametrize(("content", "message"), [
    ("kode,penduduk\n{a},-4\n", "line 2: invalid population"),
    ("kode,penduduk\n{a},10\n32.04.01,10\n", "line 3: not a desa code"),
    ("kode,penduduk\n{a},10\n{a},11\n", "line 3: duplicate desa code"),
    ("kode,orang\n{a},10\n", "no penduduk / population column"),
    ("kode,penduduk\n32.04.99.2999,10\n", "unknown desa codes"),
])
def test_bad_csv_is_refused_whole(bandung_db, cli, tmp_path, content: str, message: str) -> None:
    (a,) = some_desa(bandung_db, 1)
    path = tmp_path / "bad.csv"
    path.write_text(content.format(a=a))
    done = cli(bandung_db, "population", "import", str(path))
    assert done.code == 1
    assert message in done.stderr and "Traceback" not in done.stderr
    assert bandung_db.scalar("SELECT count(*) FROM region_population") == 0


def write_raster(path, desa_geoms, per_pixel: float = 2.0) -> float:
    """A 0.001° raster (about 110 m) over the desa, ``per_pixel`` people in each pixel,
    with a nodata hole; returns the people whose pixel centre lies in the desa."""
    minx, miny, maxx, maxy = desa_geoms.total_bounds
    res = 0.001
    west, north = minx - 0.01, maxy + 0.01
    width, height = int((maxx - west) / res) + 20, int((north - miny) / res) + 20
    data = np.full((height, width), per_pixel, dtype=np.float32)
    data[:3, :3] = -99999  # nodata corner, outside every desa
    transform = from_origin(west, north, res, res)
    with rasterio.open(path, "w", driver="GTiff", width=width, height=height, count=1,
                       dtype="float32", crs="EPSG:4326", transform=transform,
                       nodata=-99999) as dst:
        dst.write(data, 1)
    cols, rows = np.meshgrid(np.arange(width), np.arange(height))
    xs, ys = transform @ (cols + 0.5, rows + 0.5)
    inside = shapely.contains_xy(shapely.union_all(desa_geoms.values), xs, ys)
    return float(inside.sum() * per_pixel)


def test_raster_sums_per_desa(bandung_db, tmp_path) -> None:
    kec = some_desa(bandung_db, 1)[0][:8]
    with bandung_db.connect() as conn:
        names, shapes = desa_shapes(conn, kec)
    assert len(names) > 3
    path = tmp_path / "pop.tif"
    expected_total = write_raster(path, shapes)
    sums = raster_sums(path, shapes)
    assert len(sums) == len(names) and (sums > 0).all()
    assert sums.sum() == pytest.approx(expected_total, rel=1e-9)
    # Per desa: the pixels whose centre falls inside (area / pixel area, roughly).
    pixel_km2 = (0.001 * 110.6) * (0.001 * 110.6 * np.cos(np.radians(7.0)))
    area_km2 = shapes.to_crs(32748).area.to_numpy() / 1e6
    assert np.median(sums / 2.0 * pixel_km2 / area_km2) == pytest.approx(1.0, rel=0.1)


def test_import_geotiff(bandung_db, cli, tmp_path) -> None:
    kec = some_desa(bandung_db, 1)[0][:8]
    with bandung_db.connect() as conn:
        names, shapes = desa_shapes(conn, kec)
    path = tmp_path / "worldpop.tif"
    total = write_raster(path, shapes, per_pixel=3.0)
    done = cli(bandung_db, "population", "import", str(path), "--area", kec)
    assert done.code == 0, done.stderr
    assert f"{len(names)} desa" in done.stdout
    stored = bandung_db.scalar("SELECT sum(population) FROM region_population")
    assert stored == pytest.approx(total, rel=1e-9)
    assert bandung_db.scalar("SELECT count(*) FROM region_population") == len(names)
    assert bandung_db.scalar("SELECT min(source) FROM region_population") == "worldpop.tif"


def test_unknown_format(bandung_db, cli, tmp_path) -> None:
    path = tmp_path / "pop.xlsx"
    path.write_bytes(b"PK")
    done = cli(bandung_db, "population", "import", str(path))
    assert done.code == 1 and "unknown format" in done.stderr
