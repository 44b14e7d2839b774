"""``geomap cases import`` of a file checked a piece at a time (``--piece-rows``).

A large CSV is read, checked and staged in pieces to bound memory; these tests use
pieces of two rows so every rule has to hold across pieces: a repeated row or an
open case of the same person in a later piece is a duplicate of the earlier row,
the report and the rejected file cover the whole file, and the import is one
transaction (an unreadable later piece stores nothing).
"""

from __future__ import annotations

import json

from tests.ingest_fixtures import KECAMATAN, count, nik, points_in, read_rows, row, write_csv


def _run(cli, db, path, *args: str):
    return cli(db, "cases", "import", str(path), "--area", "32.04", "--piece-rows", "2",
               "--json", *args)


def test_duplicates_and_rejections_across_pieces(bandung_db, cli, tmp_path):
    p = points_in(bandung_db, KECAMATAN, 5)
    person = nik(serial=41)
    rows = [row(p[0]), row(p[1], NIK=person),          # piece 1: rows 2, 3
            row(p[2]), row(p[0]),                      # piece 2: row 5 repeats row 2
            row(p[3], NIK=person), row(p[4], kategori="bukan"),  # piece 3: 6 ~ 3; 7 bad
            row(p[3], NIK=person, status="selesai")]   # piece 4: closed: no open duplicate
    path = write_csv(tmp_path / "besar.csv", rows)
    done = _run(cli, bandung_db, path, "--rejected", str(tmp_path / "ditolak.csv"))
    assert done.code == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["accepted"], report["rejected"], report["inserted"]) == (4, 3, 4)
    by_row = {(e["row"], e["code"]): e for e in report["errors"]}
    assert set(by_row) == {(5, "duplicate"), (6, "duplicate"), (7, "unknown_category")}
    assert "same as row 2" in by_row[(5, "duplicate")]["reason"]
    assert "same as row 3" in by_row[(6, "duplicate")]["reason"]
    assert by_row[(6, "duplicate")]["column"] == "NIK"
    assert count(bandung_db, "pmks_case") == 4
    assert count(bandung_db, "case_staging") == 0
    back = read_rows(tmp_path / "ditolak.csv")
    assert [r["kategori"] for r in back] == ["FM", "FM", "bukan"]
    assert [r["lintang"] for r in back] == [str(p[0][1]), str(p[3][1]), str(p[4][1])]

    again = _run(cli, bandung_db, path)  # the same file twice adds nothing
    assert json.loads(again.stdout)["inserted"] == 0
    assert count(bandung_db, "pmks_case") == 4


def test_dry_run_and_a_failing_piece_store_nothing(bandung_db, cli, tmp_path):
    p = points_in(bandung_db, KECAMATAN, 4)
    rows = [row(p[0]), row(p[1]), row(p[2]), row(p[0])]
    path = write_csv(tmp_path / "uji.csv", rows)
    dry = _run(cli, bandung_db, path, "--dry-run")
    assert dry.code == 0, dry.stderr
    report = json.loads(dry.stdout)
    assert (report["accepted"], report["rejected"], report["upload_id"]) == (3, 1, None)
    assert (count(bandung_db, "case_upload"), count(bandung_db, "case_staging")) == (0, 0)

    broken = path.read_bytes() + b'1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\r\n'
    (tmp_path / "rusak.csv").write_bytes(broken)
    done = _run(cli, bandung_db, tmp_path / "rusak.csv")
    assert done.code != 0
    assert "nothing was stored" in done.stderr
    assert (count(bandung_db, "case_upload"), count(bandung_db, "pmks_case"),
            count(bandung_db, "case_staging")) == (0, 0, 0)
