"""Kabupaten Bandung imported from the real wilayah_boundaries files."""

from __future__ import annotations

import json

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
