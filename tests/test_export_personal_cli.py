"""``geomap export data --personal``: the cases with their personal data, only for a user
who may read it (``--as``), only with a purpose, audited; formula cells neutralised."""

from __future__ import annotations

import csv
import json
import re

import openpyxl
import pyogrio

from tests.export_fixtures import seed

HOSTILE = ("=cmd|' /C calc'!A0", "@SUM(1+1)", '+HYPERLINK("http://x","y")', "-2+3")
PLAIN_NUMBER = re.compile(r"^[+-]?[0-9][0-9 .,]*$")  # a phone "+62..." stays a number


def test_personal_export_by_cli(bandung_db, cli, tmp_path):
    seed(bandung_db, cli)
    with bandung_db.connect() as conn:
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM pmks_case ORDER BY id LIMIT %s", (len(HOSTILE),)).fetchall()]
        for case_id, name in zip(ids, HOSTILE, strict=True):
            conn.execute("UPDATE case_person SET name = %s WHERE case_id = %s", (name, case_id))
    total = bandung_db.scalar("SELECT count(*) FROM pmks_case")

    out = tmp_path / "cases.csv"
    done = cli(bandung_db, "export", "data", "--area", "32.04", "--as", "dinas", "--personal",
               "--purpose", "verifikasi data bansos", str(out))
    assert done.code == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["personal"] is True and report["features"] == total
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    names = {r["name"] for r in rows}
    assert {"'" + h for h in HOSTILE} <= names
    assert not any(r[c].startswith(("=", "+", "-", "@")) and not PLAIN_NUMBER.match(r[c])
                   for r in rows for c in ("name", "address", "phone", "notes", "desa_name")
                   if r[c])
    audit = bandung_db.connect().execute(
        "SELECT id, username, purpose, cardinality(record_ids) FROM audit_log "
        "WHERE action = 'personal.export'").fetchall()
    assert [a[1:] for a in audit] == [("dinas", "verifikasi data bansos", total)]
    assert report["audit_id"] == audit[0][0]

    xlsx = tmp_path / "cases.xlsx"
    done = cli(bandung_db, "export", "data", "--area", "32.04.05", "--as", "dinas",
               "--personal", "--purpose", "rapat", "--no-coverage", str(xlsx))
    assert done.code == 0, done.stderr
    book = openpyxl.load_workbook(xlsx)
    cells = [c for ws in book for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert book["cases"].max_row == 1 + bandung_db.scalar(
        "SELECT count(*) FROM pmks_case WHERE kecamatan_code = '32.04.05'")

    gpkg = tmp_path / "cases.gpkg"
    done = cli(bandung_db, "export", "data", "--area", "32.04", "--as", "admin", "--personal",
               "--purpose", "audit", "--no-coverage", str(gpkg))
    assert done.code == 0, done.stderr
    cases = pyogrio.read_dataframe(gpkg, layer="cases")
    assert len(cases) == total and cases.crs.to_epsg() == 4326 and cases["nik"].notna().any()

    # Without the flag: no personal data, no audit row.
    plain = tmp_path / "plain.gpkg"
    done = cli(bandung_db, "export", "data", "--area", "32.04", "--as", "dinas", str(plain))
    assert done.code == 0 and "cases" not in dict(pyogrio.list_layers(plain))
    assert bandung_db.scalar("SELECT count(*) FROM audit_log WHERE action = "
                             "'personal.export'") == 3


def test_personal_export_refused(bandung_db, cli, tmp_path):
    seed(bandung_db, cli)
    out = tmp_path / "x.csv"
    refusals = [
        ("--personal", "--purpose", "x"),  # for nobody: no --as
        ("--as", "planner", "--personal", "--purpose", "x"),
        ("--as", "dinas", "--personal"),  # no purpose
        ("--as", "dinas", "--personal", "--purpose", "   "),
    ]
    for extra in refusals:
        done = cli(bandung_db, "export", "data", "--area", "32.04", *extra, str(out))
        assert done.code != 0, extra
        assert " / " in done.stderr, (extra, done.stderr)
        assert not out.exists()
    done = cli(bandung_db, "export", "data", "--area", "32.04", "--as", "dinas", "--personal",
               "--purpose", "x", str(tmp_path / "heat.tif"))
    assert done.code != 0 and "GPKG, GeoJSON, CSV or XLSX" in done.stderr
    assert bandung_db.scalar("SELECT count(*) FROM audit_log WHERE action = "
                             "'personal.export'") == 0
