"""The ingest API the web pages build on: preview, confirm, discard, races, ownership."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from geomap import ingest
from tests.ingest_fixtures import KECAMATAN, count, nik, points_in, row, write_csv


def upload(tmp_path, rows, name="kasus.csv") -> ingest.Upload:
    return ingest.Upload.from_path(write_csv(tmp_path / name, rows))


def test_stage_is_a_preview_until_confirmed(bandung_db, users, tmp_path):
    points = points_in(bandung_db, KECAMATAN, 3)
    tksk = users["tksk"].user
    with bandung_db.connect() as conn:
        preview = ingest.stage(conn, tksk, upload(tmp_path, [
            row(points[0], nama="Ani", NIK=nik(serial=3)), row(points[1]),
            row(points[2], kategori="bukan kategori")]))
        assert (preview.accepted, preview.rejected) == (2, 1)
        assert [f["properties"]["row"] for f in preview.points_geojson()["features"]] == [2, 3]
        assert preview.rejected_file.filename == "kasus-ditolak-rejected.csv"
        assert count(bandung_db, "pmks_case") == 0
        assert count(bandung_db, "case_staging") == 2

        again = ingest.load_preview(conn, preview.upload_id, tksk)
        assert (again.accepted, again.rejected, again.status) == (2, 1, "preview")
        assert again.errors == preview.errors
        assert list(again.points["row"]) == [2, 3]
        assert ingest.staged_points(conn, preview.upload_id, tksk) == preview.points_geojson()
        assert ingest.load_preview(conn, preview.upload_id, users["tksk_other"].user) is None

        done = ingest.confirm(conn, preview.upload_id, tksk)
        assert (done.inserted, done.skipped, done.people) == (2, 0, 1)
        assert count(bandung_db, "case_staging") == 0
        assert bandung_db.scalar("SELECT status FROM case_upload") == "confirmed"
        assert bandung_db.scalar("SELECT count(*) FROM pmks_case WHERE upload_id = %s",
                                 (preview.upload_id,)) == 2
        with pytest.raises(ingest.UploadStateError, match="already confirmed"):
            ingest.confirm(conn, preview.upload_id, tksk)
        rejected = ingest.stored_rejected_file(conn, preview.upload_id, tksk)
        assert rejected.content == preview.rejected_file.content


def test_discard_and_ownership(bandung_db, users, tmp_path):
    point = points_in(bandung_db, KECAMATAN, 1)[0]
    tksk, other, admin = (users[k].user for k in ("tksk", "tksk_other", "admin"))
    with bandung_db.connect() as conn:
        first = ingest.stage(conn, tksk, upload(tmp_path, [row(point), row(point, tanggal="")]))
        with pytest.raises(ingest.UploadStateError, match="not found"):
            ingest.confirm(conn, first.upload_id, other)
        with pytest.raises(ingest.UploadStateError, match="not found"):
            ingest.discard(conn, first.upload_id, other)
        ingest.discard(conn, first.upload_id, tksk)
        assert (count(bandung_db, "case_staging"), count(bandung_db, "case_upload_rejected")) \
            == (0, 0)
        with pytest.raises(ingest.UploadStateError, match="already discarded"):
            ingest.confirm(conn, first.upload_id, tksk)
        second = ingest.stage(conn, tksk, upload(tmp_path, [row(point)]))
        assert ingest.confirm(conn, second.upload_id, admin).inserted == 1  # admin may
        assert count(bandung_db, "pmks_case") == 1


def test_a_preview_lost_in_a_crash_is_refused(bandung_db, users, tmp_path):
    """case_staging is unlogged (0101): a crash empties it. Confirm then refuses rather
    than store fewer rows than the preview accepted."""
    points = points_in(bandung_db, KECAMATAN, 2)
    tksk = users["tksk"].user
    assert bandung_db.scalar("SELECT relpersistence FROM pg_class "
                             "WHERE oid = 'case_staging'::regclass") == "u"
    with bandung_db.connect() as conn:
        preview = ingest.stage(conn, tksk, upload(tmp_path, [row(points[0]), row(points[1])]))
        conn.execute("TRUNCATE case_staging")  # what crash recovery does to an unlogged table
        with pytest.raises(ingest.UploadStateError, match="upload the file again"):
            ingest.confirm(conn, preview.upload_id, tksk)
    assert count(bandung_db, "pmks_case") == 0
    assert bandung_db.scalar("SELECT status FROM case_upload") == "preview"


def test_planner_is_refused(bandung_db, users, tmp_path):
    point = points_in(bandung_db, KECAMATAN, 1)[0]
    with bandung_db.connect() as conn, pytest.raises(ingest.UploadError, match="may not"):
        ingest.check(conn, users["planner"].user, upload(tmp_path, [row(point)]))


def test_concurrent_confirms_of_overlapping_files_make_no_duplicates(bandung_db, users,
                                                                     tmp_path):
    p = points_in(bandung_db, KECAMATAN, 5)
    person = nik(serial=77)
    rows_a = [row(p[0]), row(p[1]), row(p[2], NIK=person)]
    rows_b = [row(p[1]), row(p[2], NIK=person), row(p[3]), row(p[4], NIK=person)]
    tksk, dinas = users["tksk"].user, users["dinas"].user
    with bandung_db.connect() as conn:
        a = ingest.stage(conn, tksk, upload(tmp_path, rows_a, "a.csv"))
        b = ingest.stage(conn, dinas, upload(tmp_path, rows_b, "b.csv"))
    assert (a.accepted, b.accepted, b.rejected) == (3, 3, 1)  # b: the NIK twice in the file
    start = threading.Barrier(2)
    results = {}

    def run(name, preview, user):
        with bandung_db.connect() as conn:
            start.wait()
            results[name] = ingest.confirm(conn, preview.upload_id, user)

    threads = [threading.Thread(target=run, args=("a", a, tksk)),
               threading.Thread(target=run, args=("b", b, dinas))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results["a"].inserted + results["b"].inserted == 4
    assert results["a"].skipped + results["b"].skipped == 2
    assert count(bandung_db, "pmks_case") == 4
    assert bandung_db.scalar("SELECT count(*) FROM case_person WHERE nik = %s", (person,)) == 1


def test_records_from_the_api_or_a_form(bandung_db, users):
    point = points_in(bandung_db, KECAMATAN, 1)[0]
    tksk = users["tksk"].user
    records = [{"lat": point[1], "lon": point[0], "category": "PD", "date": "2025-06-01",
                "sex": "P", "notes": "dari formulir"},
               {"lat": point[1], "lon": point[0], "category": "PD"}]
    with bandung_db.connect() as conn:
        preview = ingest.stage(conn, tksk, records)
        assert (preview.accepted, [e.code for e in preview.errors]) == (1, ["missing_date"])
        assert preview.errors[0].row == 2 and preview.rejected_file is None
        assert ingest.confirm(conn, preview.upload_id, tksk).inserted == 1
    assert bandung_db.scalar("SELECT notes FROM pmks_case") == "dari formulir"


def test_size_limit_on_bytes(monkeypatch):
    monkeypatch.setenv("GEOMAP_MAX_UPLOAD_MB", "1")
    assert ingest.max_upload_bytes() == 1024 * 1024
    ingest.check_size(1024 * 1024)
    with pytest.raises(ingest.UploadTooLarge, match="1 MB"):
        ingest.Upload("x.csv", b"x" * (1024 * 1024 + 1))


def test_purge_stale_previews(bandung_db, users, tmp_path):
    point = points_in(bandung_db, KECAMATAN, 1)[0]
    with bandung_db.connect() as conn:
        preview = ingest.stage(conn, users["tksk"].user, upload(tmp_path, [row(point)]))
        assert ingest.purge_stale(conn, timedelta(hours=1)) == 0
        assert ingest.purge_stale(conn, timedelta(0)) == 1
    assert count(bandung_db, "case_staging") == 0
    assert bandung_db.scalar("SELECT status FROM case_upload WHERE id = %s",
                             (preview.upload_id,)) == "discarded"


def test_neutralise_leaves_numbers_alone():
    import pandas as pd

    out = ingest.neutralise(pd.Series(["=1+1", "-6.93", "+62812", "@SUM(A1)", "-x", "Budi",
                                       "\tcmd", "1e5"]))
    assert list(out) == ["'=1+1", "-6.93", "+62812", "'@SUM(A1)", "'-x", "Budi", "'\tcmd",
                         "1e5"]


def test_english_headers_and_non_point_geometry(bandung_db, users, tmp_path):
    import json

    point = points_in(bandung_db, KECAMATAN, 1)[0]
    csv_text = ("Latitude,Longitude,Category,Date,Sex,Age group,Household size,Notes,Name,"
                "Phone,Unrelated\n"
                f"{point[1]},{point[0]},Street child,2025-04-01,female,elderly,3,ok,Ani,"
                "+62 812-3456,x\n")
    tksk = users["tksk"].user
    with bandung_db.connect() as conn:
        preview = ingest.check(conn, tksk, ingest.Upload("en.csv", csv_text.encode()))
        assert (preview.accepted, preview.errors) == (1, [])
        doc = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"category": "PD", "date": "2025-04-01"},
             "geometry": {"type": "LineString", "coordinates": [list(point), list(point)]}},
            {"type": "Feature", "properties": {"category": "PD", "date": "2025-04-01"},
             "geometry": None}]}
        geo = ingest.check(conn, tksk, ingest.Upload("x.geojson", json.dumps(doc).encode()))
    assert [(e.row, e.column, e.code) for e in geo.errors] == [
        (1, "geometry", "invalid_coordinates"), (2, "geometry", "missing_coordinates")]


def test_xlsx_that_unpacks_too_far_is_refused(monkeypatch):
    import io
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:  # a zip bomb, small
        archive.writestr("xl/worksheets/sheet1.xml", " " * 30_000_000)
    assert len(data.getvalue()) < 100_000
    monkeypatch.setenv("GEOMAP_MAX_UPLOAD_MB", "1")  # 25 MB unpacked at most
    with pytest.raises(ingest.UploadTooLarge, match="unpacks"):
        ingest.read(ingest.Upload("besar.xlsx", data.getvalue()))
