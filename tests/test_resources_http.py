"""PSKS resources through HTTP: the registry page, a file's preview then confirm, the
form (add, edit, deactivate), the JSON API (Bearer and session), the area rule and
escaping. Every way in meets the one check of :mod:`geomap.resources` (codes and
bilingual reasons as the CLI gives them).

Real app, real PostGIS (``bandung_db``), real logins (``tests.auth_fixtures``).
"""

from __future__ import annotations

import io
import re

import pytest

from tests.auth_fixtures import KECAMATAN, OTHER_KECAMATAN, bearer, csrf_from
from tests.cases_fixtures import csv_bytes, geojson_bytes, points_in, xlsx_bytes

FORMATS = {"csv": csv_bytes, "xlsx": xlsx_bytes, "geojson": geojson_bytes}
OUTSIDE = (106.8271, -6.1754)  # Jakarta: outside Kabupaten Bandung


@pytest.fixture
def here(bandung_db):
    with bandung_db.connect() as conn:
        return {"mine": points_in(conn, KECAMATAN, 4), "other": points_in(conn, OTHER_KECAMATAN, 1)}


def record(lon: float, lat: float, **extra) -> dict:
    out = {"kategori": "PSM", "nama": "Posko Melati", "lat": lat, "lon": lon,
           "kapasitas": 20, "kontak": "0812-0000-1111"}
    out.update(extra)
    return out


def n_resources(db) -> int:
    return db.scalar("SELECT count(*) FROM psks_resource")


def post_file(client, url: str, name: str, data: bytes, headers: dict | None = None, **form):
    return client.post(url, data={"file": (io.BytesIO(data), name), **form},
                       content_type="multipart/form-data", headers=headers or {})


def page_token(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return csrf_from(response.get_data(as_text=True))


def good_and_bad(here) -> list[dict]:
    (a, b, c, _) = here["mine"]
    return [record(*a), record(*b, kategori="Karang Taruna", nama="KT Mekar", radius_km=""),
            record(*c, kategori="PSKX", nama="Salah"),       # unknown category
            record(*OUTSIDE, nama="Jauh"),                   # outside the area
            record(c[1], c[0], nama="Tertukar")]             # lat/lon swapped


# --- files: preview then confirm ----------------------------------------------------------

@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_file_preview_then_confirm_page(fmt, bandung_db, users, login_as, here):
    client = login_as(users["dinas"])
    token = page_token(client, "/resources/upload")
    response = post_file(client, "/resources/upload", f"psks.{fmt}",
                         FORMATS[fmt](good_and_bad(here)), csrf_token=token)
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'id="accepted">2<', html) and re.search(r'id="rejected">3<', html)
    for code, text in (("unknown_category", "kategori PSKS tidak dikenal / unknown PSKS category"),
                       ("outside_area", "koordinat di luar wilayah / outside the area"),
                       ("swapped_coordinates",
                        "lintang dan bujur tertukar / latitude and longitude are swapped")):
        assert f"<code>{code}</code>" in html and text in html
    assert n_resources(bandung_db) == 0  # a preview writes nothing
    confirm = re.search(r'action="(/resources/uploads/\d+/confirm)"', html).group(1)
    done = client.post(confirm, data={"csrf_token": csrf_from(html)})
    assert done.status_code == 303
    assert n_resources(bandung_db) == 2
    listing = client.get("/resources").get_data(as_text=True)
    assert "2 sumber daya baru, 0 diubah / 2 new resources, 0 updated" in listing
    assert "KT Mekar" in listing and "Posko Melati" in listing
    # The draft is gone once confirmed: a second confirm finds nothing.
    assert client.post(confirm, data={"csrf_token": csrf_from(html)}).status_code == 404


def test_reupload_is_idempotent_and_confirm_uses_stored_bytes(bandung_db, users, api_token,
                                                              web_client, here):
    auth = bearer(api_token(users["dinas"]))
    data = csv_bytes(good_and_bad(here))
    results = []
    for _ in range(2):
        preview = post_file(web_client, "/api/resources/uploads", "psks.csv", data, auth)
        assert preview.status_code == 201, preview.get_json()
        body = preview.get_json()
        assert (body["accepted"], body["rejected"], body["dry_run"]) == (2, 3, True)
        assert {e["code"] for e in body["errors"]} == {
            "unknown_category", "outside_area", "swapped_coordinates"}
        assert all(" / " in e["reason"] for e in body["errors"])
        # The confirm takes no rows from the client; what it imports is the stored file.
        done = web_client.post(f"/api/resources/uploads/{body['id']}/confirm", headers=auth,
                               json=[record(*OUTSIDE, nama="Disusupkan")])
        assert done.status_code == 200
        results.append(done.get_json())
    assert (results[0]["inserted"], results[0]["updated"]) == (2, 0)
    assert (results[1]["inserted"], results[1]["updated"], results[1]["unchanged"]) == (0, 0, 2)
    assert n_resources(bandung_db) == 2
    assert bandung_db.scalar("SELECT count(*) FROM resource_upload_draft") == 0


def test_draft_is_its_owner_only_and_discard(bandung_db, users, make_user, api_token,
                                             web_client, here):
    owner = bearer(api_token(users["dinas"]))
    other = bearer(api_token(make_user("dinas")))
    body = post_file(web_client, "/api/resources/uploads", "p.csv",
                     csv_bytes([record(*here["mine"][0])]), owner).get_json()
    url = f"/api/resources/uploads/{body['id']}"
    assert web_client.get(url, headers=other).status_code == 404
    assert web_client.post(url + "/confirm", headers=other).status_code == 404
    assert web_client.get(url, headers=owner).get_json()["accepted"] == 1
    assert web_client.delete(url, headers=owner).status_code == 200
    assert web_client.post(url + "/confirm", headers=owner).status_code == 404
    assert n_resources(bandung_db) == 0


def test_unreadable_file_and_missing_columns_are_bilingual_400(bandung_db, users, api_token,
                                                               web_client):
    auth = bearer(api_token(users["dinas"]))
    missing = post_file(web_client, "/api/resources/uploads", "p.csv",
                        b"nama,kapasitas\nA,3\n", auth)
    assert missing.status_code == 400
    detail = missing.get_json()["error"]["detail"]
    assert detail.startswith("kolom wajib tidak ada / required columns missing: kategori")
    broken = post_file(web_client, "/api/resources/uploads", "p.xlsx", b"not a workbook", auth)
    assert broken.status_code == 400
    assert " / " in broken.get_json()["error"]["detail"]
    assert bandung_db.scalar("SELECT count(*) FROM resource_upload_draft") == 0


# --- the form --------------------------------------------------------------------------------

def test_form_adds_edits_and_deactivates(bandung_db, users, login_as, here):
    client = login_as(users["dinas"])
    form = client.get("/resources/new").get_data(as_text=True)
    assert form.count("<option value=") == 13  # the 12 PSKS categories and the blank
    assert 'data-radius=""' in form  # TKSK: no radius, a whole kecamatan
    lon, lat = here["mine"][0]
    values = {"csrf_token": csrf_from(form), "category": "LKS", "name": "LKS Harapan",
              "lat": str(lat), "lon": str(lon), "capacity": "40", "radius_km": "",
              "active": "1", "contact": "022-123"}
    assert client.post("/resources/new", data=values).status_code == 303
    rid, radius = bandung_db.connect().execute(
        "SELECT id, service_radius_km FROM psks_resource").fetchone()
    default = bandung_db.scalar(
        "SELECT radius_km FROM psks_category_radius WHERE code = 'LKS'")
    assert radius == default
    # Edit: capacity, radius and the point (tapped elsewhere); the id stays.
    new_lon, new_lat = here["mine"][1]
    edit = client.get(f"/resources/{rid}/edit").get_data(as_text=True)
    assert 'value="LKS Harapan"' in edit
    changed = {**values, "csrf_token": csrf_from(edit), "capacity": "55", "radius_km": "7,5",
               "lat": str(new_lat), "lon": str(new_lon)}
    assert client.post(f"/resources/{rid}/edit", data=changed).status_code == 303
    row = bandung_db.connect().execute(
        "SELECT id, capacity, service_radius_km, round(ST_X(geom)::numeric, 6)::float8 "
        "FROM psks_resource").fetchall()
    assert row == [(rid, 55, 7.5, new_lon)]
    # A bad edit is refused with its code and reason, and nothing changes.
    bad = client.post(f"/resources/{rid}/edit", data={**changed, "capacity": "-3",
                                                       "radius_km": "500"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "[invalid_capacity]" in html and "[invalid_radius]" in html
    assert "kapasitas harus bilangan bulat 0 atau lebih / capacity must be a whole number" in html
    assert bandung_db.scalar("SELECT capacity FROM psks_resource") == 55
    # Deactivate.
    listing = client.get("/resources").get_data(as_text=True)
    off = client.post(f"/resources/{rid}/deactivate", data={"csrf_token": csrf_from(listing)})
    assert off.status_code == 303
    assert bandung_db.scalar("SELECT active FROM psks_resource") is False
    assert "Nonaktifkan" not in client.get("/resources").get_data(as_text=True).split(
        "<tbody>")[1]


def test_form_errors_are_bilingual_with_codes(users, login_as, bandung_db):
    client = login_as(users["dinas"])
    token = page_token(client, "/resources/new")
    response = client.post("/resources/new", data={
        "csrf_token": token, "category": "", "name": "", "lat": "abc", "lon": "107.7",
        "capacity": "x"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for code in ("missing_category", "missing_name", "invalid_coordinates", "invalid_capacity"):
        assert f'data-code="{code}"' in html
    assert "kategori PSKS kosong / PSKS category is empty" in html
    assert n_resources(bandung_db) == 0


def test_csrf_missing_is_400(users, login_as, bandung_db, here):
    client = login_as(users["dinas"])
    lon, lat = here["mine"][0]
    response = client.post("/resources/new", data={"category": "PSM", "name": "X",
                                                   "lat": lat, "lon": lon, "capacity": 1})
    assert response.status_code == 400
    assert "Token formulir tidak ada" in response.get_data(as_text=True)
    api = client.post("/api/resources", json=record(lon, lat))
    assert api.status_code == 400
    upload = post_file(client, "/resources/upload", "p.csv", csv_bytes([record(lon, lat)]))
    assert upload.status_code == 400
    assert n_resources(bandung_db) == 0


def test_html_in_a_name_is_escaped(users, login_as, api_token, web_client, here):
    auth = bearer(api_token(users["dinas"]))
    evil = '<script>alert(1)</script><b>Panti</b>'
    created = web_client.post("/api/resources", headers=auth,
                              json=record(*here["mine"][0], nama=evil))
    assert created.status_code == 201, created.get_json()
    html = login_as(users["dinas"]).get("/resources").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<b>Panti" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;Panti&lt;/b&gt;" in html  # the table
    assert "\\u003cscript\\u003e" in html  # the map's JSON block


# --- the JSON API ---------------------------------------------------------------------------

def test_api_post_one_and_list_and_repeat(bandung_db, users, api_token, web_client, here):
    auth = bearer(api_token(users["admin"]))
    (a, b, c, d) = here["mine"]
    one = web_client.post("/api/resources", headers=auth, json=record(*a))
    assert one.status_code == 201 and one.get_json()["inserted"] == 1
    batch = {"resources": [
        {"category": "TKSK", "name": "TKSK Cileunyi", "lat": b[1], "lon": b[0], "capacity": 1,
         "active": True, "username": users["tksk"].username},
        {"category": "LK3", "name": "LK3 Sehati", "lat": c[1], "lon": c[0], "capacity": 5,
         "radius_km": 0},
        {"category": "TKSK", "name": "TKSK Kedua", "lat": d[1], "lon": d[0], "capacity": 1,
         "radius_km": 3}]}
    many = web_client.post("/api/resources", headers=auth, json=batch)
    assert many.status_code == 201
    body = many.get_json()
    assert (body["accepted"], body["rejected"], body["inserted"]) == (1, 2, 1)
    assert {(e["row"], e["code"]) for e in body["errors"]} == {
        (2, "invalid_radius"), (3, "radius_not_applicable")}
    linked = bandung_db.scalar("SELECT u.username FROM psks_resource r JOIN app_user u "
                               "ON u.id = r.user_id WHERE r.category_code = 'TKSK'")
    assert linked == users["tksk"].username
    again = web_client.post("/api/resources", headers=auth, json=record(*a))
    assert again.status_code == 200 and again.get_json()["unchanged"] == 1
    none = web_client.post("/api/resources", headers=auth, json=record(*OUTSIDE))
    assert none.status_code == 422
    assert none.get_json()["errors"][0]["reason"] == "koordinat di luar wilayah / outside the area"
    assert web_client.post("/api/resources", headers=auth, json=[]).status_code == 400
    assert n_resources(bandung_db) == 2


def test_api_session_with_csrf_header(bandung_db, users, login_as, here):
    client = login_as(users["dinas"])
    token = client.csrf_token()
    response = client.post("/api/resources", json=record(*here["mine"][0]),
                           headers={"X-CSRFToken": token})
    assert response.status_code == 201
    assert n_resources(bandung_db) == 1


def test_api_patch_and_list(bandung_db, users, api_token, web_client, here):
    auth = bearer(api_token(users["dinas"]))
    web_client.post("/api/resources", headers=auth, json=[
        record(*here["mine"][0]), record(*here["other"][0], kategori="WKSBM", nama="WKSBM")])
    rid = bandung_db.scalar("SELECT id FROM psks_resource WHERE category_code = 'PSM'")
    patched = web_client.patch(f"/api/resources/{rid}", headers=auth,
                               json={"capacity": 33, "radius_km": 4.5, "contact": None})
    assert patched.status_code == 200, patched.get_json()
    assert (patched.get_json()["capacity"], patched.get_json()["radius_km"]) == (33, 4.5)
    assert patched.get_json()["contact"] is None
    bad = web_client.patch(f"/api/resources/{rid}", headers=auth, json={"active": "mungkin"})
    assert bad.status_code == 422
    assert bad.get_json()["errors"][0]["code"] == "invalid_active"
    assert web_client.patch(f"/api/resources/{rid}", headers=auth,
                            json={"name": "lain"}).status_code == 400
    off = web_client.patch(f"/api/resources/{rid}", headers=auth, json={"active": False})
    assert off.get_json()["active"] is False
    assert bandung_db.scalar("SELECT count(*) FROM psks_resource WHERE id = %s", (rid,)) == 1
    # Lists: by category, by kecamatan; a planner gets no contact.
    listed = web_client.get("/api/resources?category=WKSBM", headers=auth).get_json()
    assert [r["name"] for r in listed["resources"]] == ["WKSBM"]
    assert listed["resources"][0]["contact"] == "0812-0000-1111"
    within = web_client.get(f"/api/resources?area={KECAMATAN}", headers=auth).get_json()
    assert [r["id"] for r in within["resources"]] == [rid]
    planner = bearer(api_token(users["planner"]))
    seen = web_client.get("/api/resources", headers=planner).get_json()["resources"]
    assert len(seen) == 2 and all("contact" not in r and "username" not in r for r in seen)
    unknown = web_client.get("/api/resources?category=PSKX", headers=auth)
    assert unknown.status_code == 400
    assert "tidak dikenal / unknown" in unknown.get_data(as_text=True)


# --- who may do what ------------------------------------------------------------------------

@pytest.fixture
def other_dinas(bandung_db, make_user):
    """A dinas of Kota Bandung (32.73), a kabupaten other than the test boundaries'."""
    with bandung_db.connect() as conn:
        conn.execute("INSERT INTO region (code, level, kind, parent_code, name, source) "
                     "VALUES ('32.73', 'kabupaten', 'kota', '32', 'Kota Bandung', 'test') "
                     "ON CONFLICT DO NOTHING")
    return make_user("dinas", area="32.73")


def test_roles_and_area_rule(bandung_db, users, api_token, login_as, web_client, other_dinas,
                             here):
    admin = bearer(api_token(users["admin"]))
    web_client.post("/api/resources", headers=admin, json=record(*here["mine"][0]))
    rid = bandung_db.scalar("SELECT id FROM psks_resource")
    for role in ("tksk", "planner"):
        auth = bearer(api_token(users[role]))
        assert web_client.post("/api/resources", headers=auth,
                               json=record(*here["mine"][1])).status_code == 403
        assert web_client.patch(f"/api/resources/{rid}", headers=auth,
                                json={"capacity": 1}).status_code == 403
        assert post_file(web_client, "/api/resources/uploads", "p.csv",
                         csv_bytes([record(*here["mine"][1])]), auth).status_code == 403
        page = login_as(users[role]).get("/resources")
        assert page.status_code == 403
    assert web_client.get("/api/resources",
                          headers=bearer(api_token(users["tksk"]))).status_code == 403
    # A dinas of another kabupaten: the resource is not there for it, and its writes
    # inside Kabupaten Bandung are refused as outside its area.
    stranger = bearer(api_token(other_dinas))
    assert web_client.patch(f"/api/resources/{rid}", headers=stranger,
                            json={"capacity": 1}).status_code == 404
    assert web_client.get("/api/resources", headers=stranger).get_json()["count"] == 0
    assert web_client.get("/api/resources?area=32.04",
                          headers=stranger).status_code == 404
    refused = web_client.post("/api/resources", headers=stranger, json=record(*here["mine"][1]))
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["code"] == "outside_area"
    client = login_as(other_dinas)
    assert client.get(f"/resources/{rid}/edit").status_code == 404
    token = page_token(client, "/resources")
    assert client.post(f"/resources/{rid}/deactivate",
                       data={"csrf_token": token}).status_code == 404
    assert "Posko Melati" not in client.get("/resources").get_data(as_text=True)
    assert bandung_db.scalar("SELECT capacity FROM psks_resource") == 20
    assert n_resources(bandung_db) == 1
    # Anonymous: login first.
    assert web_client.get("/resources").status_code == 302
    assert web_client.get("/api/resources").status_code == 401


def test_page_filters_by_category_and_kecamatan(users, api_token, login_as, web_client, here):
    auth = bearer(api_token(users["dinas"]))
    web_client.post("/api/resources", headers=auth, json=[
        record(*here["mine"][0], nama="Di Cileunyi"),
        record(*here["other"][0], kategori="LKS", nama="Di Cimenyan")])
    client = login_as(users["dinas"])
    whole = client.get("/resources").get_data(as_text=True)
    assert "Di Cileunyi" in whole and "Di Cimenyan" in whole
    assert 'id="resource-map"' in whole and "vendor/leaflet/leaflet.js" in whole
    by_kec = client.get(f"/resources?kecamatan={OTHER_KECAMATAN}").get_data(as_text=True)
    assert "Di Cimenyan" in by_kec and "Di Cileunyi" not in by_kec
    by_cat = client.get("/resources?category=PSM").get_data(as_text=True)
    assert "Di Cileunyi" in by_cat and "Di Cimenyan" not in by_cat


def test_tksk_edits_keep_the_account_and_the_one_tksk_rule(bandung_db, users, api_token,
                                                           login_as, web_client, here):
    auth = bearer(api_token(users["dinas"]))
    (a, b, c, _) = here["mine"]
    tksk = {"category": "TKSK", "name": "TKSK Cileunyi", "lat": a[1], "lon": a[0],
            "capacity": 1, "username": users["tksk"].username}
    assert web_client.post("/api/resources", headers=auth, json=tksk).status_code == 201
    rid = bandung_db.scalar("SELECT id FROM psks_resource")
    patched = web_client.patch(f"/api/resources/{rid}", headers=auth,
                               json={"contact": "0813-1", "capacity": 2})
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["username"] == users["tksk"].username
    # A radius is refused for a TKSK, with its code.
    refused = web_client.patch(f"/api/resources/{rid}", headers=auth, json={"radius_km": 2})
    assert refused.get_json()["errors"][0]["code"] == "radius_not_applicable"
    # Moved within its kecamatan through the form: still the one TKSK, same id and account.
    client = login_as(users["dinas"])
    edit = client.get(f"/resources/{rid}/edit").get_data(as_text=True)
    assert f'name="username" maxlength="100" autocomplete="off" value="{users["tksk"].username}"' \
        in edit
    moved = client.post(f"/resources/{rid}/edit", data={
        "csrf_token": csrf_from(edit), "category": "TKSK", "name": "TKSK Cileunyi",
        "lat": str(b[1]), "lon": str(b[0]), "capacity": "2", "radius_km": "",
        "active": "1", "contact": "0813-1", "username": users["tksk"].username})
    assert moved.status_code == 303, moved.get_data(as_text=True)
    assert bandung_db.connect().execute(
        "SELECT id, user_id, active, round(ST_Y(geom)::numeric, 6)::float8 "
        "FROM psks_resource").fetchall() == [(rid, users["tksk"].id, True, b[1])]
    # A second active TKSK in the kecamatan is refused.
    second = web_client.post("/api/resources", headers=auth, json={
        **tksk, "name": "TKSK Lain", "lat": c[1], "lon": c[0], "username": ""})
    assert second.status_code == 422
    assert second.get_json()["errors"][0]["code"] == "tksk_conflict"
