"""``geomap export data``: GeoPackage, GeoJSON, CSV, XLSX and GeoTIFF read back."""

from __future__ import annotations

import csv
import json

import numpy as np
import openpyxl
import pyogrio
import pytest
import rasterio

from tests.export_fixtures import seed

FORMULA = '=HYPERLINK("http://x","klik")'


@pytest.fixture
def seeded(bandung_db, cli):
    seed(bandung_db, cli)
    with bandung_db.connect() as conn:
        conn.execute("UPDATE region SET name = %s WHERE code = (SELECT min(code) FROM region "
                     "WHERE level = 'desa')", ("=1+1",))
        conn.execute("UPDATE psks_resource SET name = %s WHERE id = (SELECT min(id) FROM "
                     "psks_resource WHERE category_code <> 'TKSK')", (FORMULA,))
    return bandung_db


def test_gpkg_has_every_layer_with_database_counts(seeded, cli, tmp_path):
    out = tmp_path / "bandung.gpkg"
    done = cli(seeded, "export", "data", "--area", "32.04", "--format", "gpkg", "--as", "dinas",
               str(out))
    assert done.code == 0, done.stderr
    layers = dict(pyogrio.list_layers(out))
    assert {"choropleth_desa", "choropleth_kecamatan", "resources", "coverage_desa"} <= set(layers)
    desa = pyogrio.read_dataframe(out, layer="choropleth_desa")
    kec = pyogrio.read_dataframe(out, layer="choropleth_kecamatan")
    assert len(desa) == seeded.scalar("SELECT count(*) FROM region WHERE level = 'desa'") == 280
    assert len(kec) == seeded.scalar("SELECT count(*) FROM region WHERE level = 'kecamatan'") \
        == 31
    assert desa.crs.to_epsg() == 4326
    assert int(desa["count"].sum()) == seeded.scalar("SELECT count(*) FROM pmks_case")
    per_kec = dict(seeded.connect().execute(
        "SELECT kecamatan_code, count(*) FROM pmks_case GROUP BY 1").fetchall())
    assert dict(zip(kec["code"], kec["count"], strict=True)) == \
        {k: per_kec.get(k, 0) for k in kec["code"]}
    res = pyogrio.read_dataframe(out, layer="resources")
    assert len(res) == seeded.scalar("SELECT count(*) FROM psks_resource WHERE active")
    assert "contact" not in res.columns
    assert res.loc[res["category"] == "TKSK", "name"].isna().all()  # a TKSK is a person
    cov = pyogrio.read_dataframe(out, layer="coverage_desa")
    assert len(cov) == 280 and "demand" not in cov.columns
    assert np.isfinite(cov["score"]).all()


def test_planner_exports_are_suppressed(seeded, cli, tmp_path):
    out = tmp_path / "fm.gpkg"
    done = cli(seeded, "export", "data", "--area", "32.04", "--categories", "FM",
               "--format", "gpkg", str(out))
    assert done.code == 0, done.stderr
    assert json.loads(done.stdout)["suppressed"] is True
    desa = pyogrio.read_dataframe(out, layer="choropleth_desa")
    assert "count" not in desa.columns
    small = desa["cases"] == "<5"
    assert small.any() and desa.loc[small, "value"].isna().all()
    assert (desa.loc[small, "class"] == -1).all()
    geojson = tmp_path / "fm.geojson"
    done = cli(seeded, "export", "data", "--area", "32.04", "--categories", "FM",
               "--level", "kecamatan", str(geojson))
    assert done.code == 0, done.stderr
    doc = json.loads(geojson.read_text())
    assert len(doc["features"]) == 31
    assert all("count" not in f["properties"] for f in doc["features"])
    assert "nik" not in geojson.read_text().lower()


def test_csv_and_xlsx_neutralise_formulas(seeded, cli, tmp_path):
    out = tmp_path / "desa.csv"
    done = cli(seeded, "export", "data", "--area", "32.04", "--as", "dinas", str(out))
    assert done.code == 0, done.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 280
    assert "'=1+1" in {r["name"] for r in rows}
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r.values())
    xlsx = tmp_path / "bandung.xlsx"
    done = cli(seeded, "export", "data", "--area", "32.04", "--as", "dinas", str(xlsx))
    assert done.code == 0, done.stderr
    book = openpyxl.load_workbook(xlsx)
    assert {"choropleth_desa", "choropleth_kecamatan", "resources"} <= set(book.sheetnames)
    assert book["choropleth_desa"].max_row == 281
    cells = [c for ws in book for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert "'=1+1" in values and "'" + FORMULA in values


def test_density_geotiff_crs_and_transform(seeded, cli, tmp_path):
    out = tmp_path / "heat.tif"
    done = cli(seeded, "export", "data", "--area", "32.04", "--format", "tif", str(out))
    assert done.code == 0, done.stderr
    with rasterio.open(out) as src:
        assert src.crs.to_epsg() == 32748  # UTM 48S, Kabupaten Bandung's zone
        assert src.transform.a == 100.0 and src.transform.e == -100.0
        assert src.transform.b == src.transform.d == 0
        assert src.transform.c % 100 == 0 and src.transform.f % 100 == 0
        band = src.read(1, masked=True)
        assert band.count() > 0 and float(band.max()) > 0
        west, south, east, north = src.bounds
    # The raster covers the kabupaten (in its UTM zone).
    x0, y0, x1, y1 = seeded.scalar(
        "SELECT ARRAY[ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)] FROM (SELECT "
        "ST_Extent(ST_Transform(geom, 32748))::geometry AS b FROM region WHERE code = '32.04') s")
    assert west <= x0 and south <= y0 and east >= x1 and north >= y1


def test_planner_coverage_export_has_no_scores_that_give_counts_back(seeded, cli, tmp_path):
    """Without population, a score is capacity over cases: a planner's file carries the
    coverage classes, not the scores (the same rule as the Coverage overlay)."""
    out = tmp_path / "planner.gpkg"
    done = cli(seeded, "export", "data", "--area", "32.04", "--format", "gpkg", str(out))
    assert done.code == 0, done.stderr
    cov = pyogrio.read_dataframe(out, layer="coverage_desa")
    assert len(cov) == 280 and "score" not in cov.columns and "demand" not in cov.columns
    assert set(cov["coverage_class"].dropna().astype(int)) <= {0, 1, 2}
