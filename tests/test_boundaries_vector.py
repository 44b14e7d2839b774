"""Importing GeoJSON, GeoPackage and Shapefile with a field mapping.

The files are written from Kabupaten Bandung's kecamatan and desa as imported from
the wilayah dumps; importing them into an empty database (province and kabupaten
first) must give the same regions with the same areas, whatever the format, the
CRS or the column names.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from tests.boundary_fixtures import region_fingerprint
from tests.conftest import WILAYAH_DB

LEVEL_WORDS = {"kecamatan": "Kecamatan", "desa": "Desa/Kelurahan"}


def _regions(db) -> gpd.GeoDataFrame:
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT code, name, level, ST_AsBinary(geom) FROM region"
            " WHERE level IN ('kecamatan', 'desa') ORDER BY code").fetchall()
    code, name, level, wkb = map(list, zip(*rows, strict=True))
    return gpd.GeoDataFrame({"code": code, "name": name, "level": level},
                            geometry=shapely.from_wkb(wkb), crs=4326)


@pytest.fixture(scope="module")
def bandung_frame(pg_cluster, template_bandung):
    from tests.conftest import Database

    url = pg_cluster.url(template_bandung)
    return _regions(Database(url, {}))


def _areas(db) -> dict[str, float]:
    with db.connect() as conn:
        return dict(conn.execute("SELECT code, area_km2 FROM region WHERE level IN"
                                 " ('kecamatan', 'desa')"))


def _write(frame: gpd.GeoDataFrame, kind: str, directory) -> tuple[object, list[str]]:
    """One file of ``kind``, and the CLI options that map its columns."""
    if kind == "geojson":
        path = directory / "bandung.geojson"
        frame.to_file(path, driver="GeoJSON")
        return path, ["--code-field", "code", "--name-field", "name", "--level-field", "level"]
    if kind == "gpkg":
        # BIG-style column names, in UTM zone 48S, levels as words.
        out = gpd.GeoDataFrame({"KDEPUM": frame["code"], "NAMOBJ": frame["name"],
                                "TINGKAT": frame["level"].map(LEVEL_WORDS)},
                               geometry=frame.geometry, crs=4326).to_crs(32748)
        path = directory / "bandung.gpkg"
        out.to_file(path, layer="batas", driver="GPKG")
        return path, ["--code-field", "KDEPUM", "--name-field", "NAMOBJ",
                      "--level-field", "TINGKAT"]
    # Shapefile: ten-character column names, codes without dots, no level column.
    out = gpd.GeoDataFrame({"kode": frame["code"].str.replace(".", "", regex=False),
                            "nama": frame["name"]}, geometry=frame.geometry, crs=4326)
    path = directory / "bandung.shp"
    out.to_file(path, driver="ESRI Shapefile")
    return path, ["--code-field", "kode", "--name-field", "nama"]


def _import_parents(db, cli) -> None:
    result = cli(db, "boundaries", "import", "--area", "32.04",
                 str(WILAYAH_DB / "prov" / "wilayah_boundaries_prov_3.sql"),
                 str(WILAYAH_DB / "kab" / "wilayah_boundaries_kab_32.sql"))
    assert result.code == 0, result.stderr


@pytest.mark.parametrize("kind", ["geojson", "gpkg", "shp"])
def test_vector_import_matches_the_dumps(kind, empty_db, bandung_db, cli, tmp_path,
                                         bandung_frame):
    _import_parents(empty_db, cli)
    path, mapping = _write(bandung_frame, kind, tmp_path)
    result = cli(empty_db, "boundaries", "import", *mapping, str(path))
    assert result.code == 0, result.stderr
    assert "kecamatan 31, desa 280" in result.stdout
    counts = dict(empty_db.connect().execute("SELECT level, count(*) FROM region GROUP BY level"))
    assert counts == {"province": 1, "kabupaten": 1, "kecamatan": 31, "desa": 280}
    got, want = _areas(empty_db), _areas(bandung_db)
    assert got.keys() == want.keys()
    codes = sorted(want)
    # Reprojecting to UTM and back moves vertices by micrometres, no more.
    rel = 1e-6 if kind == "gpkg" else 1e-9
    np.testing.assert_allclose([got[c] for c in codes], [want[c] for c in codes], rtol=rel)
    with empty_db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM region WHERE NOT ST_IsValid(geom)"
                            " OR GeometryType(geom) <> 'MULTIPOLYGON'").fetchone()[0] == 0
        names = dict(conn.execute("SELECT code, name FROM region WHERE level <> 'province'"
                                  " AND level <> 'kabupaten'"))
    assert names == dict(zip(bandung_frame["code"], bandung_frame["name"], strict=True))
    # The point rule works on the imported desa: their pieces were cut.
    assert empty_db.scalar("SELECT count(DISTINCT code) FROM desa_piece") == 280


def test_wrong_level_is_rejected(empty_db, cli, tmp_path, bandung_frame):
    _import_parents(empty_db, cli)
    frame = bandung_frame.copy()
    wrong = int(np.flatnonzero(frame["level"] == "desa")[5])
    frame.loc[wrong, "level"] = "kecamatan"
    path, mapping = _write(frame, "geojson", tmp_path)
    before = region_fingerprint(empty_db)
    result = cli(empty_db, "boundaries", "import", *mapping, str(path))
    assert result.code != 0
    assert f"rekord/row {wrong + 1}, kode {frame.loc[wrong, 'code']}" in result.stderr
    assert "level does not match the code" in result.stderr
    assert "Tidak ada yang diubah / nothing was changed." in result.stderr
    assert region_fingerprint(empty_db) == before


def test_vector_file_needs_a_mapping(empty_db, cli, tmp_path, bandung_frame):
    path, _ = _write(bandung_frame, "geojson", tmp_path)
    result = cli(empty_db, "boundaries", "import", str(path))
    assert result.code != 0
    assert "a vector file needs a field mapping" in result.stderr
    missing = cli(empty_db, "boundaries", "import", "--code-field", "KODE", "--name-field",
                  "name", str(path))
    assert missing.code != 0
    assert "KODE" in missing.stderr and "Traceback" not in missing.stderr
