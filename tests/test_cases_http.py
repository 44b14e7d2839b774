"""PMKS cases through HTTP: every way in (file, form, JSON API, token) meets the one
validation path; preview, confirm, discard and re-upload; the size limit; escaping.

Real app, real PostGIS (``bandung_db``), real logins (``tests.auth_fixtures``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from tests.auth_fixtures import KECAMATAN, OTHER_KECAMATAN, bearer, csrf_from
from tests.cases_fixtures import (
    case_record,
    csv_bytes,
    geojson_bytes,
    points_in,
    valid_nik,
    xlsx_bytes,
)

FORMATS = {"csv": csv_bytes, "xlsx": xlsx_bytes, "geojson": geojson_bytes}


@pytest.fixture
def here(bandung_db):
    """Points inside the tksk's kecamatan (Cileunyi) and the other one (Cimenyan)."""
    with bandung_db.connect() as conn:
        return {"mine": points_in(conn, KECAMATAN, 3), "other": points_in(conn, OTHER_KECAMATAN, 1)}


def n_cases(db) -> int:
    return db.scalar("SELECT count(*) FROM pmks_case")


def post_file(client, name: str, data: bytes, url: str = "/api/uploads",
              headers: dict | None = None, **form):
    """A multipart upload; a session client's API call needs ``X-CSRFToken``."""
    return client.post(url, data={"file": (io.BytesIO(data), name), **form},
                       content_type="multipart/form-data", headers=headers or {})


def good_records(here, n: int = 3) -> list[dict]:
    return [case_record(lon, lat, nik=valid_nik(KECAMATAN, 100 + i), nama=f"Orang {i}")
            for i, (lon, lat) in enumerate(here["mine"][:n])]


# --- files ----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_file_upload_previews_then_confirm_writes(fmt, bandung_db, users, login_as, here):
    client = login_as(users["tksk"])
    records = [*good_records(here), case_record(*here["other"][0], kategori="AT")]
    token = client.csrf_token()
    response = post_file(client, f"kasus.{fmt}", FORMATS[fmt](records),
                         headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.get_data(as_text=True)
    preview = response.get_json()
    assert (preview["accepted"], preview["rejected"]) == (3, 1)
    assert [e["code"] for e in preview["errors"]] == ["outside_area"]
    assert preview["status"] == "preview"
    assert n_cases(bandung_db) == 0  # nothing written before confirm

    points = client.get(f"/api/uploads/{preview['id']}/points").get_json()
    assert len(points["features"]) == 3
    done = client.post(f"/api/uploads/{preview['id']}/confirm", headers={"X-CSRFToken": token})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert done.get_json()["inserted"] == 3
    assert n_cases(bandung_db) == 3
    assert bandung_db.scalar("SELECT count(*) FROM case_person") == 3
    assert bandung_db.scalar(
        "SELECT count(*) FROM pmks_case WHERE kecamatan_code = %s", (KECAMATAN,)) == 3


def test_upload_page_preview_confirm_and_reupload(bandung_db, users, login_as, here):
    """The HTML flow: upload form, preview page with counts and errors, confirm; the same
    file again adds nothing and the preview says so."""
    client = login_as(users["tksk"])
    page = client.get("/cases/upload")
    assert page.status_code == 200
    typo = case_record(*here["mine"][2], kategori="Anak Terlantarr")
    data = csv_bytes([*good_records(here, 2), typo], delimiter=";")
    response = post_file(client, "kasus.csv", data, url="/cases/upload",
                         csrf_token=csrf_from(page.get_data(as_text=True)))
    assert response.status_code == 303
    preview = client.get(response.headers["Location"])
    html = preview.get_data(as_text=True)
    assert re.search(r'id="accepted">2<', html) and re.search(r'id="rejected">1<', html)
    assert "<code>unknown_category</code>" in html
    assert "kategori PMKS tidak dikenal" in html and "unknown PMKS category" in html
    assert "Anak Terlantar" in html  # the suggestion
    assert 'id="preview-map"' in html
    assert n_cases(bandung_db) == 0
    confirm_url = re.search(r'action="([^"]+/confirm)"', html).group(1)
    done = client.post(confirm_url, data={"csrf_token": csrf_from(html)})
    assert done.status_code == 303
    after = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "2 kasus tersimpan / 2 cases saved" in after
    assert n_cases(bandung_db) == 2

    again = post_file(client, "kasus.csv", data, url="/cases/upload",
                      csrf_token=csrf_from(page.get_data(as_text=True)))
    html = client.get(again.headers["Location"]).get_data(as_text=True)
    assert re.search(r'id="accepted">0<', html)
    assert "sudah pernah dikonfirmasi" in html and "already confirmed" in html
    assert html.count("<code>duplicate</code>") == 2
    assert n_cases(bandung_db) == 2


def test_discard_writes_nothing(bandung_db, users, login_as, here):
    client = login_as(users["tksk"])
    token = client.csrf_token()
    preview = post_file(client, "k.csv", csv_bytes(good_records(here)),
                        headers={"X-CSRFToken": token}).get_json()
    gone = client.delete(f"/api/uploads/{preview['id']}", headers={"X-CSRFToken": token})
    assert gone.status_code == 200
    assert n_cases(bandung_db) == 0
    assert bandung_db.scalar("SELECT count(*) FROM case_staging") == 0
    # a discarded upload can no longer be confirmed
    late = client.post(f"/api/uploads/{preview['id']}/confirm", headers={"X-CSRFToken": token})
    assert late.status_code == 409
    assert n_cases(bandung_db) == 0


def test_confirm_needs_csrf(bandung_db, users, login_as, here):
    client = login_as(users["tksk"])
    preview = post_file(client, "k.csv", csv_bytes(good_records(here)),
                        headers={"X-CSRFToken": client.csrf_token()}).get_json()
    refused = client.post(f"/api/uploads/{preview['id']}/confirm")
    assert refused.status_code == 400
    assert n_cases(bandung_db) == 0


# --- JSON API -------------------------------------------------------------------------

def test_api_token_one_case_and_a_list(bandung_db, users, web_client, api_token, here):
    headers = bearer(api_token(users["tksk"]))
    one = case_record(*here["mine"][0], nik=valid_nik(KECAMATAN, 7))
    response = web_client.post("/api/cases", json=one, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["accepted"], body["rejected"], body["created"]) == (1, 0, 1)
    case_id = body["ids"][0]
    got = web_client.get(f"/api/cases/{case_id}", headers=headers).get_json()
    assert got["kecamatan_code"] == KECAMATAN and got["category_code"] == "AT"
    assert "person" not in got  # personal data only when asked for, with a purpose

    many = [case_record(*p) for p in here["mine"][1:]]
    response = web_client.post("/api/cases", json={"cases": many}, headers=headers)
    assert response.status_code == 201
    assert response.get_json()["created"] == 2
    assert n_cases(bandung_db) == 3

    # the same request again adds nothing, and says so
    again = web_client.post("/api/cases", json={"cases": many}, headers=headers)
    assert again.status_code == 200
    assert again.get_json()["already_recorded"] is True
    assert {e["code"] for e in again.get_json()["errors"]} == {"duplicate"}
    assert n_cases(bandung_db) == 3


def test_api_session_write_needs_csrf(bandung_db, users, login_as, here):
    client = login_as(users["tksk"])
    record = case_record(*here["mine"][0])
    assert client.post("/api/cases", json=record).status_code == 400
    assert n_cases(bandung_db) == 0
    ok = client.post("/api/cases", json=record, headers={"X-CSRFToken": client.csrf_token()})
    assert ok.status_code == 201
    assert n_cases(bandung_db) == 1


def test_api_refuses_bad_token_and_planner(bandung_db, users, web_client, api_token, here):
    record = case_record(*here["mine"][0])
    assert web_client.post("/api/cases", json=record,
                           headers=bearer("gm_not-a-token")).status_code == 401
    planner = bearer(api_token(users["planner"]))
    assert web_client.post("/api/cases", json=record, headers=planner).status_code == 403
    assert n_cases(bandung_db) == 0


def test_api_bad_body_is_bilingual_400(users, web_client, api_token):
    response = web_client.post("/api/cases", data="not json", headers={
        **bearer(api_token(users["tksk"])), "Content-Type": "application/json"})
    assert response.status_code == 400
    detail = response.get_json()["error"]["detail"]
    assert "badan permintaan" in detail and "the body must be" in detail


def _violations(here) -> dict[str, list[dict]]:
    """For each reason code: records whose last row breaks exactly that rule."""
    (lon, lat), other = here["mine"][0], here["other"][0]
    tomorrow = (date.today() + timedelta(days=10)).isoformat()
    good = case_record(lon, lat)
    return {
        "missing_coordinates": [case_record("", "")],
        "invalid_coordinates": [case_record(lon, "utara")],
        "swapped_coordinates": [case_record(lat, lon)],
        "outside_area": [case_record(*other)],
        "missing_category": [case_record(lon, lat, kategori="")],
        "unknown_category": [case_record(lon, lat, kategori="Kucing Terlantar Sekali")],
        "missing_date": [case_record(lon, lat, tanggal="")],
        "invalid_date": [case_record(lon, lat, tanggal="32/13/2020")],
        "future_date": [case_record(lon, lat, tanggal=tomorrow)],
        "invalid_nik": [case_record(lon, lat, nik="1234567890123456")],
        "duplicate": [good, dict(good)],
        "invalid_status": [case_record(lon, lat, status="hilang")],
        "invalid_sex": [case_record(lon, lat, jenis_kelamin="X")],
        "invalid_age_group": [case_record(lon, lat, kelompok_umur="purba")],
        "invalid_household_size": [case_record(lon, lat, jumlah_anggota_keluarga="banyak")],
        "invalid_phone": [case_record(lon, lat, telepon="hubungi saya")],
        "text_too_long": [case_record(lon, lat, catatan="x" * 2001)],
    }


REASON_CODES = sorted(_violations({"mine": [(0, 0)], "other": [(0, 0)]}))


@pytest.mark.parametrize("code", REASON_CODES)
def test_each_reason_through_http(code, bandung_db, users, web_client, api_token, here):
    """Every validation reason reaches the API caller with its code and both languages."""
    from geomap.ingest.problems import REASONS

    records = _violations(here)[code]
    response = web_client.post("/api/cases", json=records,
                               headers=bearer(api_token(users["tksk"])))
    body = response.get_json()
    last = [e for e in body["errors"] if e["row"] == len(records)]
    assert code in [e["code"] for e in last], body
    error = next(e for e in last if e["code"] == code)
    text_id, text_en = REASONS[code]
    assert text_id in error["reason"] and text_en in error["reason"]
    assert " / " in error["reason"] and error["column"]
    if code == "unknown_category":
        assert error.get("suggestion")
    if code == "swapped_coordinates":
        assert error.get("suggestion")
    # nothing is written for a refused row
    assert n_cases(bandung_db) == (1 if code == "duplicate" else 0)


# --- the form -------------------------------------------------------------------------

def _form(client, **values):
    page = client.get("/cases/new")
    assert page.status_code == 200
    return client.post("/cases/new", data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                           **values})


def test_form_saves_one_case_and_escapes_html(bandung_db, users, login_as, here):
    client = login_as(users["tksk"])
    lon, lat = here["mine"][0]
    nasty = "<script>alert('nama')</script>"
    response = _form(client, lat=str(lat), lon=str(lon), category="AT",
                     date=date.today().isoformat(), status="baru", sex="L", age_group="anak",
                     household_size="3", notes="<img src=x onerror=alert(1)>", name=nasty,
                     nik=valid_nik(KECAMATAN, 55), address="Jl. Mawar", phone="0812345678")
    assert response.status_code == 303, response.get_data(as_text=True)
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert "Kasus tersimpan / Case saved" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    assert n_cases(bandung_db) == 1
    shown = client.get(response.headers["Location"] + "?purpose=kunjungan+lanjutan")
    html = shown.get_data(as_text=True)
    assert "&lt;script&gt;alert(" in html and nasty not in html
    # the same form again is a duplicate, shown with its reason; nothing added
    again = _form(client, lat=str(lat), lon=str(lon), category="AT",
                  date=date.today().isoformat(), status="baru", sex="L", age_group="anak",
                  household_size="3", notes="<img src=x onerror=alert(1)>", name=nasty,
                  nik=valid_nik(KECAMATAN, 55), address="Jl. Mawar", phone="0812345678")
    assert again.status_code == 422
    assert 'data-code="duplicate"' in again.get_data(as_text=True)
    assert n_cases(bandung_db) == 1


def test_form_shows_bilingual_reasons(bandung_db, users, login_as, here):
    client = login_as(users["tksk"])
    lon, lat = here["other"][0]
    response = _form(client, lat=str(lat), lon=str(lon), category="AT",
                     date=date.today().isoformat(), status="baru")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-code="outside_area"' in html
    assert "koordinat di luar wilayah" in html and "outside the area" in html
    assert n_cases(bandung_db) == 0


# --- files: details -------------------------------------------------------------------

@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_rejected_rows_come_back_in_the_same_format(fmt, users, login_as, here):
    client = login_as(users["tksk"])
    records = [*good_records(here, 1), case_record(*here["mine"][1], kategori="Kucing")]
    token = client.csrf_token()
    preview = post_file(client, f"k.{fmt}", FORMATS[fmt](records),
                        headers={"X-CSRFToken": token}).get_json()
    assert preview["rejected"] == 1
    got = client.get(f"/cases/uploads/{preview['id']}/rejected")
    assert got.status_code == 200
    data = got.get_data()
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert len(rows) == 2 and any("unknown PMKS category" in c for c in rows[1])
    elif fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(data)).active
        values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
        assert len(values) == 2 and any("unknown PMKS category" in str(c) for c in values[1])
    else:
        features = json.loads(data)["features"]
        assert len(features) == 1
        assert any("unknown PMKS category" in str(v) for v in features[0]["properties"].values())


def test_template_download_has_category_dropdown(users, login_as):
    client = login_as(users["dinas"])
    got = client.get("/cases/template.xlsx")
    assert got.status_code == 200
    book = load_workbook(io.BytesIO(got.get_data()))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert any("lintang" in str(h) for h in headers)
    assert sheet.data_validations.dataValidation  # the dropdowns


def test_upload_over_the_limit_is_413_before_reading(bandung_db, users, login_as, here,
                                                     monkeypatch):
    monkeypatch.setenv("GEOMAP_MAX_UPLOAD_MB", "0.01")  # about 10 kB
    client = login_as(users["tksk"])
    big = csv_bytes(good_records(here, 1)) + b"x" * 200_000
    token = client.csrf_token()
    api = post_file(client, "big.csv", big, headers={"X-CSRFToken": token})
    assert api.status_code == 413
    error = api.get_json()["error"]
    assert (error["message_id"], error["message_en"]) == ("Berkas terlalu besar", "File too large")
    page = post_file(client, "big.csv", big, url="/cases/upload", csrf_token=token)
    assert page.status_code == 413
    assert "Berkas terlalu besar" in page.get_data(as_text=True)
    assert bandung_db.scalar("SELECT count(*) FROM case_upload") == 0


def test_a_refused_file_is_a_bilingual_400(users, login_as):
    client = login_as(users["tksk"])
    response = post_file(client, "k.csv", b"nama;alamat\nBudi;Jl. A\n",
                         headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 400
    detail = response.get_json()["error"]["detail"]
    assert " / " in detail and "Budi" not in detail


def test_someone_elses_upload_is_404(users, login_as, here):
    owner = login_as(users["tksk"])
    preview = post_file(owner, "k.csv", csv_bytes(good_records(here)),
                        headers={"X-CSRFToken": owner.csrf_token()}).get_json()
    other = login_as(users["dinas"])
    token = other.csrf_token()
    for method, url in [("get", f"/api/uploads/{preview['id']}"),
                        ("get", f"/api/uploads/{preview['id']}/points"),
                        ("get", f"/cases/uploads/{preview['id']}"),
                        ("get", f"/cases/uploads/{preview['id']}/points"),
                        ("get", f"/cases/uploads/{preview['id']}/rejected"),
                        ("post", f"/api/uploads/{preview['id']}/confirm"),
                        ("delete", f"/api/uploads/{preview['id']}")]:
        got = getattr(other, method)(url, headers={"X-CSRFToken": token})
        assert got.status_code == 404, (method, url, got.status_code)
