"""``geomap cases import`` end to end: every validation code, every format, the area rule.

Each test runs the real command in a subprocess against its own database; what it
stored is read back from PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.ingest_fixtures import (
    KECAMATAN,
    OTHER_KECAMATAN,
    count,
    nik,
    points_in,
    read_rows,
    row,
    write_csv,
    write_geojson,
    write_xlsx,
)


def run_import(cli, db, path, *args: str) -> dict:
    done = cli(db, "cases", "import", str(path), "--json", *args)
    assert done.code == 0, done.stderr
    return json.loads(done.stdout)


def codes_by_row(report: dict) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for error in report["errors"]:
        out.setdefault(error["row"], set()).add(error["code"])
    return out


def test_every_validation_code(bandung_db, users, cli, tmp_path):
    here = points_in(bandung_db, KECAMATAN, 12)
    there = points_in(bandung_db, OTHER_KECAMATAN, 1)[0]
    tomorrow = (date.today() + timedelta(days=2)).isoformat()  # future in every zone
    woman = nik(born="520385", serial=7)  # 12 March 1985, day + 40
    rows = [
        row(here[0], NIK=woman, nama="Siti Aminah", alamat="Jl. Mawar 1", telepon="08123456789",
            kategori="Fakir Miskin", status="ditangani"),            # 2 accepted
        row(here[1], lintang=""),                                    # 3 missing_coordinates
        row(here[1], lintang="abc"),                                 # 4 invalid_coordinates
        row((here[2][1], here[2][0])),                               # 5 swapped_coordinates
        row(there),                                                  # 6 outside_area
        row(here[3], kategori="Fakir Miskinn"),                      # 7 unknown_category
        row(here[3], kategori=""),                                   # 8 missing_category
        row(here[4], tanggal=tomorrow),                              # 9 future_date
        row(here[4], tanggal="31/02/2025"),                          # 10 invalid_date
        row(here[4], tanggal=""),                                    # 11 missing_date
        row(here[5], NIK=nik(born="320385")),                        # 12 invalid_nik (32nd)
        row(here[5], NIK="9999991203850001"),                        # 13 invalid_nik (region)
        row(here[0], NIK=woman, nama="Siti Aminah", alamat="Jl. Mawar 1", telepon="08123456789",
            kategori="Fakir Miskin", status="ditangani"),            # 14 duplicate of row 2
        row(here[6], NIK=woman, kategori="FM"),                      # 15 duplicate (NIK+cat)
        row(here[7], status="hilang"),                               # 16 invalid_status
        row(here[7], jenis_kelamin="X"),                             # 17 invalid_sex
        row(here[7], kelompok_umur="bayi tua"),                      # 18 invalid_age_group
        row(here[7], jumlah_anggota_keluarga="0"),                   # 19 invalid_household_size
        row(here[7], catatan="x" * 2001),                            # 20 text_too_long
        row(here[7], telepon="telepon saya"),                        # 21 invalid_phone
        row(here[8], nama="<b>Budi</b>", catatan="baris\x07satu\nbaris dua", kategori="24",
            jenis_kelamin="laki-laki", kelompok_umur="lansia",
            jumlah_anggota_keluarga="4"),                            # 22 accepted
    ]
    report = run_import(cli, bandung_db, write_csv(tmp_path / "kasus.csv", rows),
                        "--as", users["tksk"].username)
    by_row = codes_by_row(report)
    assert by_row == {
        3: {"missing_coordinates"}, 4: {"invalid_coordinates"}, 5: {"swapped_coordinates"},
        6: {"outside_area"}, 7: {"unknown_category"}, 8: {"missing_category"},
        9: {"future_date"}, 10: {"invalid_date"}, 11: {"missing_date"},
        12: {"invalid_nik"}, 13: {"invalid_nik"}, 14: {"duplicate"}, 15: {"duplicate"},
        16: {"invalid_status"}, 17: {"invalid_sex"}, 18: {"invalid_age_group"},
        19: {"invalid_household_size"}, 20: {"text_too_long"}, 21: {"invalid_phone"}}
    assert (report["accepted"], report["rejected"]) == (2, 19)
    errors = {e["row"]: e for e in report["errors"]}
    assert errors[5]["suggestion"] == f"{here[2][1]:.6f}, {here[2][0]:.6f}"
    assert errors[7]["suggestion"] == "FM Fakir Miskin"
    assert errors[3]["column"] == "lintang" and errors[7]["column"] == "kategori"
    assert " / " in errors[6]["reason"] and "outside the area" in errors[6]["reason"]
    assert "row 2" in errors[14]["reason"]
    assert all(woman not in e["reason"] for e in report["errors"])  # no personal data back

    with bandung_db.connect() as conn:
        stored = conn.execute(
            "SELECT c.category_code, c.status, c.sex, c.age_group, c.household_size, c.notes,"
            " c.kecamatan_code, c.nik_hmac IS NOT NULL, p.name, p.nik, p.address, p.phone,"
            " c.created_by FROM pmks_case c LEFT JOIN case_person p ON p.case_id = c.id"
            " ORDER BY p.name DESC").fetchall()  # Siti (row 2), then <b>Budi (row 22)
    assert stored[0][:5] == ("FM", "ditangani", "P", "dewasa", None)  # sex, age from NIK
    assert stored[0][6:12] == (KECAMATAN, True, "Siti Aminah", woman, "Jl. Mawar 1",
                               "08123456789")
    assert stored[1][:6] == ("FM", "baru", "L", "lansia", 4, "barissatu\nbaris dua")
    assert stored[1][8] == "<b>Budi</b>"  # stored as text; escaping is the renderer's job
    assert {s[12] for s in stored} == {users["tksk"].id}


def test_duplicate_of_open_case_in_database(bandung_db, users, cli, tmp_path):
    a, b = points_in(bandung_db, KECAMATAN, 2)
    person = nik(serial=42)
    first = run_import(cli, bandung_db, write_csv(tmp_path / "a.csv", [row(a, NIK=person)]),
                       "--as", users["tksk"].username)
    assert first["accepted"] == 1
    second = run_import(cli, bandung_db, write_csv(tmp_path / "b.csv", [
        row(b, NIK=person), row(b, NIK=person, kategori="PD")]),
        "--as", users["tksk"].username)
    assert codes_by_row(second) == {2: {"duplicate"}}
    assert second["errors"][0]["column"] == "NIK"
    assert count(bandung_db, "pmks_case") == 2


@pytest.mark.parametrize("variant", ["bom", "semicolon", "cp1252", "decimal_comma"])
def test_csv_variants(bandung_db, users, cli, tmp_path, variant):
    points = points_in(bandung_db, KECAMATAN, 2)
    rows = [row(points[0], nama="José Surya Ñ", catatan="café"), row(points[1])]
    options = {"bom": {"encoding": "utf-8-sig"}, "semicolon": {"sep": ";"},
               "cp1252": {"encoding": "cp1252", "sep": ";"},
               "decimal_comma": {"sep": ";", "decimal_comma": True}}[variant]
    path = write_csv(tmp_path / f"{variant}.csv", rows, **options)
    report = run_import(cli, bandung_db, path, "--as", users["tksk"].username)
    assert (report["accepted"], report["rejected"], report["errors"]) == (2, 0, [])
    assert bandung_db.scalar("SELECT name FROM case_person") == "José Surya Ñ"
    assert bandung_db.scalar("SELECT notes FROM pmks_case WHERE notes IS NOT NULL") == "café"
    lon, lat = bandung_db.scalar(
        "SELECT array[ST_X(geom), ST_Y(geom)] FROM pmks_case WHERE notes IS NOT NULL")
    assert (round(lon, 6), round(lat, 6)) == points[0]


@pytest.mark.parametrize("fmt", ["xlsx", "geojson"])
def test_xlsx_and_geojson(bandung_db, users, cli, tmp_path, fmt):
    here = points_in(bandung_db, KECAMATAN, 2)
    there = points_in(bandung_db, OTHER_KECAMATAN, 1)[0]
    rows = [row(here[0], NIK=nik(serial=5), nama="Ani"), row(there),
            row(here[1], kategori="Anak Jalanan", tanggal="05/01/2025")]
    write = write_xlsx if fmt == "xlsx" else write_geojson
    report = run_import(cli, bandung_db, write(tmp_path / f"kasus.{fmt}", rows),
                        "--as", users["tksk"].username)
    assert report["accepted"] == 2
    assert [(e["row"], e["code"]) for e in report["errors"]] == [
        (3 if fmt == "xlsx" else 2, "outside_area")]
    if fmt == "geojson":
        assert report["errors"][0]["column"] == "geometry"
    assert bandung_db.scalar("SELECT nik FROM case_person") == nik(serial=5)
    assert bandung_db.scalar("SELECT recorded_on FROM pmks_case WHERE category_code = 'AJ'"
                             ) == date(2025, 1, 5)


def test_dry_run_writes_nothing(bandung_db, users, cli, tmp_path):
    points = points_in(bandung_db, KECAMATAN, 3)
    path = write_csv(tmp_path / "kasus.csv", [row(p) for p in points])
    report = run_import(cli, bandung_db, path, "--as", users["tksk"].username, "--dry-run")
    assert (report["accepted"], report["rejected"], report["upload_id"]) == (3, 0, None)
    for table in ("pmks_case", "case_person", "case_upload", "case_staging"):
        assert count(bandung_db, table) == 0, table
    text = cli(bandung_db, "cases", "import", str(path), "--as", users["tksk"].username,
               "--dry-run")
    assert text.code == 0 and "accepted: 3" in text.stdout and "not stored (dry run)" in text.stdout
    assert count(bandung_db, "pmks_case") == 0


def test_reimport_adds_nothing(bandung_db, users, cli, tmp_path):
    points = points_in(bandung_db, KECAMATAN, 3)
    path = write_csv(tmp_path / "kasus.csv", [row(points[0], NIK=nik(serial=9)),
                                              row(points[1]), row(points[2], nama="Ujang")])
    first = run_import(cli, bandung_db, path, "--as", users["tksk"].username)
    assert (first["accepted"], first["inserted"]) == (3, 3)
    again = run_import(cli, bandung_db, path, "--as", users["dinas"].username)
    assert (again["accepted"], again["inserted"]) == (0, 0)
    assert {e["code"] for e in again["errors"]} == {"duplicate"}
    assert count(bandung_db, "pmks_case") == 3
    assert count(bandung_db, "case_staging") == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_rejected_file_round_trip(bandung_db, users, cli, tmp_path, fmt):
    here = points_in(bandung_db, KECAMATAN, 3)
    rows = [row(here[0]), row(here[1], kategori="Fakir Miskinn", nama="=HYPERLINK(\"x\")"),
            row(here[2], tanggal="kemarin", catatan="+1 lagi")]
    write = {"csv": write_csv, "xlsx": write_xlsx, "geojson": write_geojson}[fmt]
    out = tmp_path / f"ditolak.{fmt}"
    report = run_import(cli, bandung_db, write(tmp_path / f"kasus.{fmt}", rows),
                        "--as", users["tksk"].username, "--rejected", str(out))
    assert (report["accepted"], report["rejected"]) == (1, 2)
    back = read_rows(out)
    assert len(back) == 2
    assert "unknown PMKS category" in back[0]["alasan / reason"]
    assert back[0]["nama"] == "'=HYPERLINK(\"x\")"  # neutralised for spreadsheets
    assert back[1]["catatan"] == "'+1 lagi"
    back[0]["kategori"], back[1]["tanggal"] = "Fakir Miskin", "2025-02-01"
    fixed = run_import(cli, bandung_db, write(tmp_path / f"diperbaiki.{fmt}", back),
                       "--as", users["tksk"].username)
    assert (fixed["accepted"], fixed["rejected"]) == (2, 0)
    assert bandung_db.scalar("SELECT name FROM case_person") == "=HYPERLINK(\"x\")"
    assert count(bandung_db, "pmks_case") == 3


def test_tksk_cannot_import_into_another_kecamatan(bandung_db, users, cli, tmp_path):
    there = points_in(bandung_db, OTHER_KECAMATAN, 2)
    path = write_csv(tmp_path / "kasus.csv", [row(p) for p in there])
    report = run_import(cli, bandung_db, path, "--as", users["tksk"].username)
    assert [e["code"] for e in report["errors"]] == ["outside_area", "outside_area"]
    assert count(bandung_db, "pmks_case") == 0
    other = run_import(cli, bandung_db, path, "--as", users["tksk_other"].username)
    assert other["accepted"] == 2


def test_system_import_needs_an_area(bandung_db, cli, tmp_path):
    points = points_in(bandung_db, KECAMATAN, 1) + points_in(bandung_db, OTHER_KECAMATAN, 1)
    path = write_csv(tmp_path / "kasus.csv", [row(p) for p in points])
    refused = cli(bandung_db, "cases", "import", str(path))
    assert refused.code == 1 and "--area" in refused.stderr
    report = run_import(cli, bandung_db, path, "--area", KECAMATAN)
    assert report["accepted"] == 1 and report["errors"][0]["code"] == "outside_area"
    assert bandung_db.scalar("SELECT created_by FROM pmks_case") is None


def test_planner_may_not_import(bandung_db, users, cli, tmp_path):
    path = write_csv(tmp_path / "kasus.csv", [row(points_in(bandung_db, KECAMATAN, 1)[0])])
    done = cli(bandung_db, "cases", "import", str(path), "--as", users["planner"].username)
    assert done.code == 1 and "may not add cases" in done.stderr
    assert count(bandung_db, "case_upload") == 0


def test_size_limit_refuses_before_reading(bandung_db, users, cli, tmp_path):
    path = tmp_path / "besar.csv"
    path.write_bytes(b"lintang,bujur,kategori,tanggal\n" + b"\xff" * 300_000)  # not even CSV
    done = cli(bandung_db, "cases", "import", str(path), "--as", users["tksk"].username,
               env={"GEOMAP_MAX_UPLOAD_MB": "0.25"})
    assert done.code == 1
    assert "larger than the 0.25 MB limit" in done.stderr
    assert count(bandung_db, "case_upload") == 0


def test_missing_columns_refuse_the_file(bandung_db, users, cli, tmp_path):
    path = tmp_path / "kasus.csv"
    path.write_text("nama,kategori,tanggal\nBudi,FM,2025-01-01\n", encoding="utf-8")
    done = cli(bandung_db, "cases", "import", str(path), "--as", users["tksk"].username)
    assert done.code == 1 and "no latitude and longitude columns" in done.stderr


def test_template_has_category_dropdown_and_reads_back(bandung_db, users, cli, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "templat.xlsx"
    done = cli(bandung_db, "cases", "template", str(out))
    assert done.code == 0, done.stderr
    book = load_workbook(out)
    sheet = book.worksheets[0]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["C2"] == "Kategori!$C$2:$C$27"
    assert [c.value for c in book["Kategori"]["C"]][1:] == [
        "Anak Balita Terlantar", *[c.value for c in book["Kategori"]["C"]][2:]]
    assert book["Kategori"].max_row == 27
    point = points_in(bandung_db, KECAMATAN, 1)[0]
    sheet.append([point[1], point[0], book["Kategori"]["C5"].value, "2025-03-01"])
    book.save(out)
    report = run_import(cli, bandung_db, out, "--as", users["tksk"].username)
    assert (report["accepted"], report["errors"]) == (1, [])
    assert bandung_db.scalar("SELECT category_code FROM pmks_case") == "AJ"
