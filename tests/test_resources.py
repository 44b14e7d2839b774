"""``geomap resources``: import with every problem code, idempotent re-import, list, radius."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from geomap.assign import assign_desa
from geomap.resources.columns import PROBLEMS

# Points inside Kabupaten Bandung (a point on the surface of each desa).
BALEENDAH = (-7.00964, 107.62584)       # 32.04.32.1001, kelurahan Baleendah
SANGKANHURIP = (-7.00009, 107.56778)    # 32.04.11.2001, kecamatan Katapang
CILEUNYI_KULON = (-6.93532, 107.74820)  # 32.04.05.2001
PANGALENGAN = (-7.17621, 107.59243)     # 32.04.15.2001
YOGYAKARTA = (-7.797, 110.370)          # far outside

HEADER = "kategori;nama;lintang;bujur;kapasitas;radius_km;aktif;kontak;pengguna"


def _row(cat, name, point, cap="20", radius="", active="", contact="", user="") -> str:
    lat, lon = (str(v).replace(".", ",") for v in point) if point else ("", "")
    return ";".join([cat, name, lat, lon, cap, radius, active, contact, user])


GOOD = [
    _row("PSM", "PSM Desa Baleendah", BALEENDAH, "25"),
    _row("Lembaga Kesejahteraan Sosial", "Panti Asuhan Harapan", SANGKANHURIP, "80", "4", "ya",
         "022-5940000"),
    _row("tksk", "TKSK Kecamatan Cileunyi", CILEUNYI_KULON, "120", "", "ya", "", "tksk-cileunyi"),
    _row("KT", "Karang Taruna Pangalengan", PANGALENGAN, "30", "", "tidak"),
]
# One row per problem code; the comment-free list keeps each row about one thing.
BAD = {
    "missing_category": _row("", "Tanpa Kategori", BALEENDAH),
    "unknown_category": _row("Pekerja Sosial Masyrakat", "Salah Eja", BALEENDAH),
    "missing_name": _row("PSM", "", BALEENDAH),
    "invalid_name": _row("PSM", "N" * 201, BALEENDAH),
    "missing_coordinates": _row("PSM", "Tanpa Titik", None),
    "invalid_coordinates": _row("PSM", "Titik Huruf", ("utara", "timur")),
    "swapped_coordinates": _row("PSM", "Titik Tertukar", BALEENDAH[::-1]),
    "outside_area": _row("PSM", "Di Yogya", YOGYAKARTA),
    "invalid_capacity": _row("PSM", "Kapasitas Minus", BALEENDAH, "-5"),
    "invalid_radius": _row("PSM", "Radius Besar", BALEENDAH, "5", "500"),
    "radius_not_applicable": _row("TKSK", "TKSK Beradius", PANGALENGAN, "5", "3"),
    "invalid_active": _row("PSM", "Mungkin Aktif", BALEENDAH, "5", "", "mungkin"),
    "invalid_contact": _row("PSM", "Kontak Panjang", BALEENDAH, "5", "", "", "0" * 201),
    "unknown_user": _row("TKSK", "TKSK Tanpa Akun", PANGALENGAN, "5", "", "", "", "siapa"),
    "user_mismatch": _row("TKSK", "TKSK Akun Lain", PANGALENGAN, "5", "", "", "",
                          "tksk-cileunyi"),
    "duplicate": _row("PSM", "PSM Desa Baleendah", BALEENDAH, "25"),
    "tksk_conflict": _row("TKSK", "TKSK Kedua Cileunyi", CILEUNYI_KULON, "60"),
}


@pytest.fixture
def registry(bandung_db):
    """Kabupaten Bandung with the TKSK account of Cileunyi."""
    with bandung_db.connect() as conn:
        conn.execute("INSERT INTO app_user (username, role, area_code) "
                     "VALUES ('tksk-cileunyi', 'tksk', '32.04.05')")
    return bandung_db


def _csv(tmp_path: Path, rows: list[str], name: str = "psks.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _import(cli, db, path: Path, *extra: str) -> dict:
    done = cli(db, "resources", "import", str(path), "--json", *extra)
    assert done.code == 0, done.stderr
    return json.loads(done.stdout)


def test_every_problem_code_is_reported_with_row_column_and_bilingual_reason(cli, registry,
                                                                              tmp_path):
    path = _csv(tmp_path, GOOD + list(BAD.values()))
    report = _import(cli, registry, path)
    assert report["accepted"] == len(GOOD)
    assert report["rejected"] == len(BAD)
    by_row = {}
    for e in report["errors"]:
        by_row.setdefault(e["row"], set()).add(e["code"])
        assert " / " in e["reason"]
    # The file's line numbers: header is line 1, GOOD rows are lines 2..5.
    for line, code in enumerate(BAD, start=len(GOOD) + 2):
        assert by_row[line] == {code}, (line, code, by_row.get(line))
    assert {e["code"] for e in report["errors"]} == set(PROBLEMS)
    errors = {e["code"]: e for e in report["errors"]}
    assert errors["unknown_category"]["suggestion"].startswith("PSM")
    assert errors["unknown_category"]["column"] == "kategori"
    assert errors["swapped_coordinates"]["suggestion"] == (
        f"lintang/lat {BALEENDAH[0]:.6f}, bujur/lon {BALEENDAH[1]:.6f}")
    assert errors["invalid_capacity"]["column"] == "kapasitas"
    assert registry.scalar("SELECT count(*) FROM psks_resource") == len(GOOD)


def test_import_stores_desa_from_the_point_rule_defaults_and_the_tksk_user(cli, registry,
                                                                          tmp_path):
    _import(cli, registry, _csv(tmp_path, GOOD))
    with registry.connect() as conn:
        rows = {r[0]: r[1:] for r in conn.execute(
            "SELECT r.name, r.category_code, r.desa_code, r.kecamatan_code, r.capacity,"
            " r.service_radius_km, r.active, r.contact, u.username FROM psks_resource r"
            " LEFT JOIN app_user u ON u.id = r.user_id").fetchall()}
        stored = conn.execute("SELECT ST_X(geom), ST_Y(geom), desa_code FROM psks_resource"
                              ).fetchall()
        lon, lat, desa = (np.array(c) for c in zip(*stored, strict=True))
        assert list(assign_desa(conn, lon, lat).desa_code) == list(desa)
    assert rows["PSM Desa Baleendah"] == ("PSM", "32.04.32.1001", "32.04.32", 25, 2.0, True,
                                          None, None)
    assert rows["Panti Asuhan Harapan"] == ("LKS", "32.04.11.2001", "32.04.11", 80, 4.0, True,
                                            "022-5940000", None)
    assert rows["TKSK Kecamatan Cileunyi"] == ("TKSK", "32.04.05.2001", "32.04.05", 120, None,
                                               True, None, "tksk-cileunyi")
    assert rows["Karang Taruna Pangalengan"][5] is False


def test_reimport_is_idempotent_and_a_changed_row_is_updated(cli, registry, tmp_path):
    path = _csv(tmp_path, GOOD)
    first = _import(cli, registry, path)
    assert (first["inserted"], first["updated"], first["unchanged"]) == (4, 0, 0)
    stamp = registry.scalar("SELECT max(updated_at) FROM psks_resource")
    again = _import(cli, registry, path)
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 4)
    assert registry.scalar("SELECT count(*) FROM psks_resource") == 4
    assert registry.scalar("SELECT max(updated_at) FROM psks_resource") == stamp
    # Same category, name and point (to ~10 m), new capacity: the same resource, updated.
    moved = [GOOD[0].replace(";25;", ";40;").replace("107,62584", "107,625845"), *GOOD[1:]]
    changed = _import(cli, registry, _csv(tmp_path, moved, "changed.csv"))
    assert (changed["inserted"], changed["updated"], changed["unchanged"]) == (0, 1, 3)
    assert registry.scalar("SELECT capacity FROM psks_resource WHERE category_code = 'PSM'") == 40


def test_dry_run_writes_nothing(cli, registry, tmp_path):
    report = _import(cli, registry, _csv(tmp_path, [*GOOD, BAD["outside_area"]]), "--dry-run")
    assert (report["accepted"], report["rejected"], report["dry_run"]) == (4, 1, True)
    assert registry.scalar("SELECT count(*) FROM psks_resource") == 0
    assert registry.scalar("SELECT count(*) FROM case_upload") == 0


def test_xlsx_and_geojson_with_english_headers(cli, registry, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Category", "Name", "Latitude", "Longitude", "Capacity", "Radius (km)",
                  "Active", "Contact"])
    sheet.append(["Karang Taruna", "KT Baleendah", BALEENDAH[0], BALEENDAH[1], 30, 1.5, "yes",
                  None])
    sheet.append(["Village youth organisation", "KT Sangkanhurip", SANGKANHURIP[0],
                  SANGKANHURIP[1], 15, None, "no", "0812"])
    sheet.append(["KT", "KT Terbalik", BALEENDAH[1], BALEENDAH[0], 15, None, None, None])
    xlsx = tmp_path / "english.xlsx"
    book.save(xlsx)
    report = _import(cli, registry, xlsx)
    assert (report["accepted"], report["rejected"]) == (2, 1)
    assert [(e["row"], e["code"]) for e in report["errors"]] == [(4, "swapped_coordinates")]

    geojson = tmp_path / "psks.geojson"
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": {"category": cat, "name": name, "capacity": cap}}
        for (lat, lon), cat, name, cap in [(PANGALENGAN, "DU", "PT Teh Malabar (CSR)", 200),
                                           (YOGYAKARTA, "DU", "PT Jauh", 10),
                                           (BALEENDAH, "PSP", "Pekerja Sosial Ani", "x")]]}))
    report = _import(cli, registry, geojson)
    assert report["accepted"] == 1
    assert [(e["row"], e["code"]) for e in report["errors"]] == [(2, "outside_area"),
                                                                 (3, "invalid_capacity")]
    with registry.connect() as conn:
        got = dict(conn.execute("SELECT name, service_radius_km FROM psks_resource").fetchall())
    assert got == {"KT Baleendah": 1.5, "KT Sangkanhurip": 2.0, "PT Teh Malabar (CSR)": 10.0}


def test_a_file_with_no_known_category_is_reported_not_a_crash(cli, registry, tmp_path):
    """No known category at all: the codes are still text (once float64 NaN, which the
    fingerprint could not fill with "": a Pandas4Warning, an error in pandas 4)."""
    rows = [BAD["unknown_category"], BAD["missing_category"]]
    done = cli(registry, "resources", "import", str(_csv(tmp_path, rows)), "--json",
               env={"PYTHONWARNINGS": "error::DeprecationWarning"})
    assert done.code == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["accepted"] == 0
    assert {e["code"] for e in report["errors"]} == {"unknown_category", "missing_category"}


def test_area_option_refuses_points_outside_it(cli, registry, tmp_path):
    report = _import(cli, registry, _csv(tmp_path, GOOD), "--area", "32.04.32")
    assert report["accepted"] == 1
    assert {e["code"] for e in report["errors"]} == {"outside_area"}


def test_unreadable_and_incomplete_files_are_refused_bilingually(cli, registry, tmp_path):
    missing = tmp_path / "missing.csv"
    missing.write_text("nama,lintang\nX,-7\n", encoding="utf-8")
    done = cli(registry, "resources", "import", str(missing))
    assert done.code == 1
    assert "kolom wajib tidak ada / required columns missing" in done.stderr
    assert "kategori" in done.stderr and "Traceback" not in done.stderr
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    done = cli(registry, "resources", "import", str(empty))
    assert done.code == 1 and "the file is empty" in done.stderr
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    done = cli(registry, "resources", "import", str(broken))
    assert done.code == 1 and "cannot read the XLSX" in done.stderr
    assert registry.scalar("SELECT count(*) FROM case_upload") == 0


def test_set_radius_moves_defaults_and_keeps_own_radii(cli, registry, tmp_path):
    rows = [_row("PSM", "PSM A", BALEENDAH), _row("PSM", "PSM B", SANGKANHURIP, "20", "5"),
            _row("KT", "KT A", BALEENDAH)]
    _import(cli, registry, _csv(tmp_path, rows))
    done = cli(registry, "resources", "set-radius", "psm", "3.5")
    assert done.code == 0, done.stderr
    assert "1 sumber daya diubah / resources changed" in done.stdout
    with registry.connect() as conn:
        radius = dict(conn.execute("SELECT name, service_radius_km FROM psks_resource").fetchall())
    assert radius == {"PSM A": 3.5, "PSM B": 5.0, "KT A": 2.0}
    # New resources of the category take the office's default; the domain list is unchanged.
    _import(cli, registry, _csv(tmp_path, [_row("PSM", "PSM C", PANGALENGAN)], "c.csv"))
    assert registry.scalar("SELECT service_radius_km FROM psks_resource WHERE name = 'PSM C'"
                           ) == 3.5
    assert registry.scalar("SELECT default_radius_km FROM psks_category WHERE code = 'PSM'") == 2
    done = cli(registry, "resources", "set-radius", "PSM", "4", "--all")
    assert "3 sumber daya diubah" in done.stdout
    for args, text in [(("TKSK", "3"), "serves its whole kecamatan"),
                       (("Pekerja Sosial Masyrakat", "3"), "did you mean PSM"),
                       (("PSM", "0"), "above 0 and at most 100 km")]:
        done = cli(registry, "resources", "set-radius", *args)
        assert done.code == 1 and text in done.stderr, done.stderr


def _list(cli, db, *args: str) -> list[dict]:
    done = cli(db, "resources", "list", *args)
    assert done.code == 0, done.stderr
    return json.loads(done.stdout)


def test_list_filters_by_area_and_category(cli, registry, tmp_path):
    _import(cli, registry, _csv(tmp_path, GOOD))
    done = cli(registry, "resources", "list", "--json")
    assert done.code == 0, done.stderr
    assert len(json.loads(done.stdout)) == 4
    in_baleendah = _list(cli, registry, "--area", "32.04.32", "--json")
    assert [(r["name"], r["desa_name"], r["radius_km"]) for r in in_baleendah] == [
        ("PSM Desa Baleendah", "Baleendah", 2.0)]
    tksk = _list(cli, registry, "--category", "tksk", "--json")
    assert [(r["kecamatan_name"], r["username"]) for r in tksk] == [("Cileunyi", "tksk-cileunyi")]
    done = cli(registry, "resources", "list", "--area", "3204")
    assert done.code == 0, done.stderr
    text = done.stdout
    assert "Karang Taruna Pangalengan" in text and "nonaktif / inactive" in text
