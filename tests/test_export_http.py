"""Exports over HTTP (``/api/exports``): jobs, progress, downloads, roles and area, and
personal data only when asked, for the roles that may read it, audited."""

from __future__ import annotations

import csv
import io
import json
import time

import openpyxl
import pyogrio
import pytest
from PIL import Image

from tests.auth_fixtures import OTHER_KECAMATAN, bearer
from tests.export_fixtures import page_size_pt, pdf_info, pdf_text, seed

HOSTILE = '=HYPERLINK("http://x","klik")'


@pytest.fixture
def seeded(bandung_db, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("GEOMAP_VAR_DIR", str(tmp_path / "var"))
    seed(bandung_db, cli)
    with bandung_db.connect() as conn:  # a hostile name on one case of Cileunyi
        conn.execute("UPDATE case_person SET name = %s, address = %s WHERE case_id = (SELECT "
                     "min(id) FROM pmks_case WHERE kecamatan_code = '32.04.05')",
                     (HOSTILE, "+62 jalan"))
    return bandung_db


@pytest.fixture
def client_of(web_app, api_token):
    """A test client and Bearer headers for a user."""

    def make(user):
        return web_app.test_client(), bearer(api_token(user))

    return make


def start(client, headers, **params) -> dict:
    answer = client.post("/api/exports", data=params, headers=headers)
    assert answer.status_code == 202, answer.get_data(as_text=True)
    assert answer.headers["Location"].endswith(answer.json["id"])
    return answer.json


def wait(client, headers, job: dict, timeout: float = 180) -> tuple[dict, list[tuple]]:
    """Poll the job until it ends; returns it and the (state, done, total) seen."""
    seen = []
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        job = client.get(job["status_url"], headers=headers).json
        seen.append((job["state"], job["done"], job["total"]))
        if job["state"] in ("done", "failed"):
            return job, seen
        time.sleep(0.2)
    raise AssertionError(f"export still {job['state']} after {timeout} s")


def fetch(client, headers, **params) -> tuple[dict, object]:
    job, _ = wait(client, headers, start(client, headers, **params))
    assert job["state"] == "done", job
    answer = client.get(job["file_url"], headers=headers)
    assert answer.status_code == 200
    return job, answer


def test_dinas_gets_the_map_pdf_png_and_data_it_asked_for(seeded, users, client_of, tmp_path):
    client, headers = client_of(users["dinas"])
    job, answer = fetch(client, headers, kind="map", format="pdf", area="32.04",
                        categories="KM,AT", paper="A4", orientation="landscape",
                        title="Rapat Bupati ../../etc/passwd", layer="choropleth-kecamatan")
    assert answer.mimetype == "application/pdf"
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    name = disposition.split("filename=")[1]
    assert name == job["download_name"] and "/" not in name and ".." not in name
    assert name.startswith("geomap_map_choropleth-kecamatan_32.04_") and name.endswith(".pdf")
    pdf = tmp_path / "map.pdf"
    pdf.write_bytes(answer.data)
    width, height = page_size_pt(pdf)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape
    words = pdf_text(pdf)
    assert "Rapat Bupati" in words and "Kecamatan" in words

    # A3 portrait PNG with a logo, exact counts for dinas (no "<5" note).
    logo = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 30, 30)).save(logo, "PNG")
    answer = client.post("/api/exports", headers=headers, content_type="multipart/form-data",
                         data={"kind": "map", "format": "png", "paper": "A3",
                               "orientation": "portrait", "area": "32.04",
                               "logo": (io.BytesIO(logo.getvalue()), "logo.png")})
    assert answer.status_code == 202
    job, _ = wait(client, headers, answer.json)
    assert job["state"] == "done" and job["report"]["suppressed"] is False
    png = client.get(job["file_url"], headers=headers)
    image = Image.open(io.BytesIO(png.data))
    assert image.format == "PNG" and image.height > image.width  # portrait
    assert not list((tmp_path / "var" / "exports").glob("*logo*"))  # the logo is not kept

    # GeoPackage with every aggregated layer and the database's counts.
    job, answer = fetch(client, headers, kind="data", format="gpkg", area="32.04")
    gpkg = tmp_path / "all.gpkg"
    gpkg.write_bytes(answer.data)
    layers = dict(pyogrio.list_layers(gpkg))
    assert {"choropleth_desa", "choropleth_kecamatan", "resources", "coverage_desa"} <= set(layers)
    assert "cases" not in layers  # no personal data unless asked
    desa = pyogrio.read_dataframe(gpkg, layer="choropleth_desa")
    assert len(desa) == 280
    assert int(desa["count"].sum()) == seeded.scalar("SELECT count(*) FROM pmks_case")


def test_planner_gets_suppressed_counts_and_no_personal_data(seeded, users, client_of,
                                                             tmp_path):
    client, headers = client_of(users["planner"])
    job, answer = fetch(client, headers, kind="data", format="geojson", area="32.04",
                        categories="FM", level="desa")
    assert job["report"]["suppressed"] is True
    doc = json.loads(answer.data)
    assert len(doc["features"]) == 280
    labels = {f["properties"]["cases"] for f in doc["features"]}
    assert "<5" in labels and all("count" not in f["properties"] for f in doc["features"])
    for fmt in ("csv", "gpkg"):
        refused = client.post("/api/exports", headers=headers, data={
            "kind": "data", "format": fmt, "personal": "1", "purpose": "rapat"})
        assert refused.status_code == 403
        error = refused.json["error"]
        assert error["message_id"] and error["message_en"]
        assert "personal data only for" in error["detail"] and "data pribadi" in error["detail"]
    assert seeded.scalar("SELECT count(*) FROM export_job") == 1
    assert seeded.scalar("SELECT count(*) FROM audit_log WHERE action = 'personal.export'") == 0


def test_area_rule_roles_and_bad_input(seeded, users, client_of, web_client):
    tksk = users["tksk"]  # Cileunyi 32.04.05
    client, headers = client_of(tksk)
    # The kabupaten page narrows to the tksk's own kecamatan, as on the map.
    job, answer = fetch(client, headers, kind="data", format="csv", area="32.04")
    rows = list(csv.DictReader(io.StringIO(answer.data.decode("utf-8"))))
    assert rows and {r["code"][:8] for r in rows} == {"32.04.05"}
    assert "32.04.05" in job["download_name"]
    # Another kecamatan does not exist for it; nor does another user's job.
    assert client.post("/api/exports", headers=headers,
                       data={"kind": "map", "area": OTHER_KECAMATAN}).status_code == 404
    other, other_headers = client_of(users["tksk_other"])
    assert other.get(job["status_url"], headers=other_headers).status_code == 404
    assert other.get(job["file_url"], headers=other_headers).status_code == 404
    # Not logged in (a POST without a session is already refused by the CSRF check).
    assert web_client.get("/api/exports/options").json == {"allowed": False}
    assert web_client.post("/api/exports", data={"kind": "map"}).status_code in (400, 401)
    assert web_client.get(job["status_url"]).status_code == 401
    assert web_client.get(job["file_url"]).status_code == 401
    # Bad input: 400 with a bilingual reason, before any job is made.
    jobs_before = seeded.scalar("SELECT count(*) FROM export_job")
    for params in ({"kind": "docx"}, {"kind": "map", "format": "gpkg"},
                   {"kind": "map", "paper": "A5"}, {"kind": "map", "title": "x" * 121},
                   {"kind": "map", "categories": "NOPE"}, {"kind": "map", "from": "2026-13-01"},
                   {"kind": "map", "area": "32.04.05.2001"},
                   {"kind": "data", "format": "csv", "personal": "1"}):
        answer = client.post("/api/exports", headers=headers, data=params)
        assert answer.status_code == 400, (params, answer.status_code)
        assert " / " in answer.json["error"]["detail"], params
    bad_logo = client.post("/api/exports", headers=headers, content_type="multipart/form-data",
                           data={"kind": "map", "logo": (io.BytesIO(b"<svg/>"), "x.png")})
    assert bad_logo.status_code == 400 and "PNG/JPEG" in bad_logo.json["error"]["detail"]
    assert seeded.scalar("SELECT count(*) FROM export_job") == jobs_before
    # Ids are 32 hex digits: a path in their place is simply not found.
    for bad in ("..%2F..%2Fetc%2Fpasswd", "../secret.key", "0" * 31 + "g"):
        assert client.get(f"/api/exports/{bad}/file", headers=headers).status_code == 404


def test_atlas_is_a_job_with_page_progress(seeded, users, client_of, tmp_path):
    client, headers = client_of(users["dinas"])
    began = time.monotonic()
    job = start(client, headers, kind="atlas", area="32.04", layer="choropleth-desa")
    assert time.monotonic() - began < 5  # the request does not wait for the pages
    assert job["state"] in ("queued", "running")
    job, seen = wait(client, headers, job, timeout=300)
    assert job["state"] == "done", job
    assert (job["done"], job["total"]) == (1, 1) and job["percent"] == 100
    pages = [done for state, done, total in seen if state == "running" and total == 31]
    assert pages and pages == sorted(pages)  # progress counted pages, never backwards
    pdf = tmp_path / "atlas.pdf"
    pdf.write_bytes(client.get(job["file_url"], headers=headers).data)
    assert pdf_info(pdf)["Pages"] == "31"


def test_session_needs_the_csrf_token_from_options(seeded, users, login_as):
    client = login_as(users["dinas"])
    options = client.get("/api/exports/options?lang=en")
    assert options.status_code == 200
    assert options.json["personal"] is True and options.json["texts"]["export"] == "Export"
    assert client.post("/api/exports", data={"kind": "map"}).status_code == 400  # no token
    answer = client.post("/api/exports", data={"kind": "html", "area": "32.04"},
                         headers={"X-CSRFToken": options.json["csrf_token"]})
    assert answer.status_code == 202
    job, _ = wait(client, {}, answer.json)
    assert job["state"] == "done"
    page = client.get(job["file_url"])
    assert page.mimetype == "text/html" and page.headers["Content-Disposition"].startswith(
        "attachment;")


def test_personal_export_only_when_asked_and_audited(seeded, users, client_of, tmp_path):
    tksk = users["tksk"]
    client, headers = client_of(tksk)
    job, answer = fetch(client, headers, kind="data", format="csv", area="32.04.05",
                        personal="1", purpose="verifikasi lapangan")
    assert job["personal"] is True and "pribadi-personal" in job["download_name"]
    rows = list(csv.DictReader(io.StringIO(answer.data.decode("utf-8"))))
    in_kec = seeded.scalar("SELECT count(*) FROM pmks_case WHERE kecamatan_code = '32.04.05'")
    assert len(rows) == in_kec > 0
    assert {"name", "nik", "address", "phone", "lon", "lat"} <= set(rows[0])
    assert "'" + HOSTILE in {r["name"] for r in rows} and "'+62 jalan" in {r["address"]
                                                                           for r in rows}
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r.values() if v)
    audit = seeded.connect().execute(
        "SELECT username, purpose, cardinality(record_ids) FROM audit_log "
        "WHERE action = 'personal.export'").fetchall()
    assert audit == [(tksk.username, "verifikasi lapangan", in_kec)]

    dinas, dinas_headers = client_of(users["dinas"])
    job, answer = fetch(dinas, dinas_headers, kind="data", format="xlsx", area="32.04",
                        personal="1", purpose="rapat koordinasi", coverage="0")
    book = openpyxl.load_workbook(io.BytesIO(answer.data))
    assert book["cases"].max_row == seeded.scalar("SELECT count(*) FROM pmks_case") + 1
    cells = [c for ws in book for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'" + HOSTILE in {c.value for c in cells}
    assert seeded.scalar("SELECT count(*) FROM audit_log WHERE action = 'personal.export'") == 2


def test_finished_jobs_expire_with_their_files_and_dead_jobs_fail(seeded, users, client_of,
                                                                  tmp_path):
    client, headers = client_of(users["dinas"])
    job, _ = fetch(client, headers, kind="data", format="csv", area="32.04.05",
                   personal="1", purpose="cek")
    files = tmp_path / "var" / "exports"
    assert [p.name for p in files.iterdir()] == [f"{job['id']}.csv"]
    with seeded.connect() as conn:  # a day and a bit later; and a job whose worker died
        conn.execute("UPDATE export_job SET finished_at = now() - interval '25 hours', "
                     "updated_at = now() - interval '25 hours'")
        conn.execute("INSERT INTO export_job (id, user_id, kind, format, params, state, "
                     "download_name, updated_at) VALUES (%s, %s, 'atlas', 'pdf', '{}', "
                     "'running', 'x.pdf', now() - interval '20 minutes')",
                     ("f" * 32, users["dinas"].id))
    dead = client.get(f"/api/exports/{'f' * 32}", headers=headers).json
    assert dead["state"] == "failed" and " / " in dead["error"]
    new = start(client, headers, kind="map", area="32.04.05")  # a new job sweeps old ones
    assert client.get(job["status_url"], headers=headers).status_code == 404
    assert client.get(job["file_url"], headers=headers).status_code == 404
    assert not (files / f"{job['id']}.csv").exists()
    assert wait(client, headers, new)[0]["state"] == "done"


def test_slides_and_heat_raster_over_http(seeded, users, client_of, tmp_path):
    import rasterio
    from pptx import Presentation

    client, headers = client_of(users["planner"])
    job, answer = fetch(client, headers, kind="slides", area="32.04")
    assert answer.mimetype.endswith("presentationml.presentation")
    deck = Presentation(io.BytesIO(answer.data))
    assert len(deck.slides) == job["report"]["slides"] == 4  # title, 2 maps, the table
    texts = " ".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes
                     if shape.has_text_frame)
    assert "Kabupaten Bandung" in texts
    job, answer = fetch(client, headers, kind="data", format="tif", area="32.04")
    tif = tmp_path / "heat.tif"
    tif.write_bytes(answer.data)
    with rasterio.open(tif) as src:
        assert src.crs.to_epsg() == 32748 and src.transform.a == 100.0
