"""PMKS cases through HTTP: every way in (file, form, JSON API, token) meets the one
validation path; preview, confirm, discard and re-upload; the size limit; escaping.

Real app, real PostGIS (``bandung_db``), real logins (``tests.auth_fixtures``).
"""

from __future__ import annotations

import io
import re

import pytest

from tests.auth_fixtures import KECAMATAN, OTHER_KECAMATAN, csrf_from
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
