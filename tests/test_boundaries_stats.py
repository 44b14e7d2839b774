"""``geomap boundaries stats --json``: the shape issue #2 specifies, and the figures."""

from __future__ import annotations

import json

from tests.boundary_fixtures import KEL_3204, read_rows

LEVELS = ["province", "kabupaten", "kecamatan", "desa"]


def _stats(db, cli, *args) -> dict:
    result = cli(db, "boundaries", "stats", "--json", *args)
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    # Exactly {"levels": {level: {"count": N, "area_km2": X}}}, levels in order.
    assert list(data) == ["levels"]
    assert list(data["levels"]) == LEVELS
    for figures in data["levels"].values():
        assert list(figures) == ["count", "area_km2"]
        assert isinstance(figures["count"], int) and isinstance(figures["area_km2"], float)
    return data["levels"]


def test_whole_database(bandung_db, cli):
    levels = _stats(bandung_db, cli)
    assert {k: v["count"] for k, v in levels.items()} == {
        "province": 1, "kabupaten": 1, "kecamatan": 31, "desa": 280}
    assert abs(levels["desa"]["area_km2"] - 1743) / 1743 < 0.02
    # Jawa Barat is about 37,000 km²; Kabupaten Bandung's own polygon about 1,760 km².
    assert 35_000 < levels["province"]["area_km2"] < 39_000
    assert abs(levels["kabupaten"]["area_km2"] - 1760) / 1760 < 0.03
    assert levels["desa"]["area_km2"] == round(bandung_db.scalar(
        "SELECT sum(area_km2) FROM region WHERE level = 'desa'"), 3)


def test_under_a_kabupaten(bandung_db, cli):
    """Under 32.04: the kabupaten itself and everything in it, not its province."""
    levels = _stats(bandung_db, cli, "--area", "32.04")
    assert {k: v["count"] for k, v in levels.items()} == {
        "province": 0, "kabupaten": 1, "kecamatan": 31, "desa": 280}
    assert levels["province"]["area_km2"] == 0.0


def test_under_a_kecamatan(bandung_db, cli):
    """Cileunyi (32.04.05): its desa counted from the upstream file, and their area."""
    desa = [r.code for r in read_rows(KEL_3204) if r.code.startswith("32.04.05.")]
    levels = _stats(bandung_db, cli, "--area", "32.04.05")
    assert {k: v["count"] for k, v in levels.items()} == {
        "province": 0, "kabupaten": 0, "kecamatan": 1, "desa": len(desa)}
    assert len(desa) == 6
    area = bandung_db.scalar("SELECT sum(geomap_area_km2(geom)) FROM region"
                             " WHERE code = ANY(%s)", (desa,))
    assert abs(levels["desa"]["area_km2"] - area) < 0.001


def test_unknown_or_invalid_area(bandung_db, cli):
    empty = _stats(bandung_db, cli, "--area", "33")
    assert all(v["count"] == 0 for v in empty.values())
    bad = cli(bandung_db, "boundaries", "stats", "--json", "--area", "32.x")
    assert bad.code != 0
    assert "invalid region code" in bad.stderr and "Traceback" not in bad.stderr


def test_text_output(bandung_db, cli):
    result = cli(bandung_db, "boundaries", "stats", "--area", "32.04")
    assert result.code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == LEVELS
    assert lines[3].split()[1] == "280"
