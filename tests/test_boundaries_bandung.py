"""Kabupaten Bandung imported from the real wilayah_boundaries files."""

from __future__ import annotations

import json

import pytest

from tests.conftest import KAB_BANDUNG_FILES


def test_counts_areas_and_validity(bandung_db, cli):
    result = cli(bandung_db, "boundaries", "stats", "--area", "32.04", "--json")
    assert result.code == 0, result.stderr
    levels = json.loads(result.stdout)["levels"]
    assert {k: v["count"] for k, v in levels.items()} == {
        "province": 0, "kabupaten": 1, "kecamatan": 31, "desa": 280}
    assert abs(levels["desa"]["area_km2"] - 1743) / 1743 < 0.02
    whole = json.loads(cli(bandung_db, "boundaries", "stats", "--json").stdout)["levels"]
    assert whole["province"]["count"] == 1
    assert bandung_db.scalar("SELECT count(*) FROM region WHERE NOT ST_IsValid(geom)"
                             " OR GeometryType(geom) <> 'MULTIPOLYGON' OR ST_SRID(geom) <> 4326"
                             ) == 0


def test_second_import_changes_nothing(bandung_db, cli):
    before = bandung_db.scalar("SELECT max(updated_at) FROM region")
    result = cli(bandung_db, "boundaries", "import", "--area", "32.04",
                 *map(str, KAB_BANDUNG_FILES))
    assert result.code == 0, result.stderr
    assert "inserted 0, diubah / updated 0, tetap / unchanged 313" in result.stdout
    assert bandung_db.scalar("SELECT max(updated_at) FROM region") == before


def test_import_report(empty_db, cli):
    """What the import says: counts per level, repairs, and the overlaps the shared README
    documents for Kabupaten Bandung (518 neighbouring pairs sharing about 0.4 km²)."""
    result = cli(empty_db, "boundaries", "import", "--area", "32.04",
                 *map(str, KAB_BANDUNG_FILES))
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Wilayah / regions: province 1, kabupaten 1, kecamatan 31, desa 280" in lines
    assert "Baru / inserted 313, diubah / updated 0, tetap / unchanged 0" in lines
    overlap = next(line for line in lines if line.startswith("Desa bertumpang tindih"))
    assert "overlapping desa pairs: 518," in overlap
    km2 = float(overlap.split("shared area ")[1].split(" km²")[0])
    assert 0.35 < km2 < 0.45
    # The same area measured in PostGIS, in each overlap's UTM zone.
    assert km2 == pytest.approx(empty_db.scalar(
        """SELECT sum(geomap_area_km2(ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3)))
             FROM region a JOIN region b ON a.level = 'desa' AND b.level = 'desa'
              AND a.code < b.code AND ST_Intersects(a.geom, b.geom)"""), abs=0.001)
    assert "Kode tanpa geometri / codes without a geometry: 0" in lines
    assert empty_db.scalar("SELECT report->>'overlap_pairs' FROM boundary_import") == "518"
