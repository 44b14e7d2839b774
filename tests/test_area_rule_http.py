"""The area rule, personal-data protection and the audit trail, through every case endpoint.

- a tksk of Cileunyi can neither read nor write a case of Cimenyan, whichever endpoint it
  uses (reads: 404 or absent, never 403; writes: rejected as ``outside_area``);
- a planner's responses never hold a name, NIK, address, phone or exact case point;
- every personal-data read writes exactly one audit row naming the ids read.

Seeded personal data is searched for in the raw response bodies, so a leak through any
field (or an error message) fails the test.
"""

# ruff: noqa: F811  (pytest fixtures imported from tests.cases_fixtures)
from __future__ import annotations

import io
import re

import pytest

from layers import overlays as overlay_registry
from layers import registry
from tests.analysis_fixtures import add_cases
from tests.auth_fixtures import KECAMATAN, OTHER_KECAMATAN, bearer
from tests.cases_fixtures import (
    SECRET_NAME,
    case_record,
    csv_bytes,
    geojson_bytes,
    points_in,
    seeded,  # noqa: F401 (fixture)
    xlsx_bytes,
)

PURPOSE = "tindak lanjut kunjungan rumah"


def cases_in(db, kecamatan: str) -> int:
    return db.scalar("SELECT count(*) FROM pmks_case WHERE kecamatan_code = %s", (kecamatan,))


def audit_rows(db) -> int:
    return db.scalar("SELECT count(*) FROM audit_log WHERE action = 'personal.read'")


def leaks(body: str, seeded, which: str = "all") -> list[str]:
    """Personal data and exact points of the seeded cases found in a response body.

    A point counts as leaked when its longitude and latitude appear together (as GeoJSON
    or any "lon, lat" / "lat, lon" pair would show them); a lone number could be a vertex
    of a boundary.
    """
    start = 0 if which == "all" else 2
    found = [s for person in seeded.persons[start:] for s in person if s in body]
    for lon, lat in seeded.points[start:]:
        x, y = re.escape(f"{lon:.6f}".rstrip("0")), re.escape(f"{lat:.6f}".rstrip("0"))
        pair = rf"{x}\d*[\s,:\"a-z]{{0,12}}{y}|{y}\d*[\s,:\"a-z]{{0,12}}{x}"
        if re.search(pair, body):
            found.append(f"{lon},{lat}")
    return found


# --- reading across kecamatan ----------------------------------------------------------

READS = [
    "/api/cases/{other}",
    "/api/cases/{other}?personal=1&purpose=" + PURPOSE,
    "/cases/{other}",
    "/cases/{other}?purpose=" + PURPOSE,
]


@pytest.mark.parametrize("how", ["session", "token"])
@pytest.mark.parametrize("url", READS)
def test_tksk_cannot_read_a_case_of_another_kecamatan(url, how, seeded, users, login_as,
                                                      web_client, api_token, bandung_db):
    """404 (as for a case that does not exist), never 403: nothing to probe ids with."""
    if how == "session":
        client, headers = login_as(users["tksk"]), {}
    else:
        client, headers = web_client, bearer(api_token(users["tksk"]))
    before = audit_rows(bandung_db)
    for case_id in seeded.other:
        got = client.get(url.format(other=case_id), headers=headers)
        assert got.status_code == 404, (url, got.status_code)
        body = got.get_data(as_text=True)
        assert not leaks(body, seeded, "other")
    missing = client.get(url.format(other=10**9), headers=headers)
    assert missing.status_code == 404  # the same answer as for a case of another kecamatan
    assert audit_rows(bandung_db) == before
    # the tksk's own cases are there through the same endpoint
    assert client.get(url.format(other=seeded.mine[0]), headers=headers).status_code == 200


LISTS = [
    "/api/cases",
    "/api/cases?area=" + OTHER_KECAMATAN,
    "/api/cases?personal=1&purpose=" + PURPOSE,
    "/api/cases?personal=1&area=" + OTHER_KECAMATAN + "&purpose=" + PURPOSE,
    "/api/cases?category=AT&from=2020-01-01&to=2030-12-31",
    "/api/cases/counts",
    "/api/cases/counts?area=" + OTHER_KECAMATAN,
]


@pytest.mark.parametrize("url", LISTS)
def test_lists_hold_only_the_callers_kecamatan(url, seeded, users, web_client, api_token):
    got = web_client.get(url, headers=bearer(api_token(users["tksk"])))
    assert got.status_code == 200, got.get_data(as_text=True)
    body = got.get_json()
    body_text = got.get_data(as_text=True)
    assert not leaks(body_text, seeded, "other")
    if "/counts" in url:
        assert {k["code"] for k in body["kecamatan"]} <= {KECAMATAN}
        assert {c["code"] for c in body["categories"]} <= {KECAMATAN}
        assert body["suppressed"] is False  # a tksk may see its cases: exact counts
        assert body["total"] == (0 if "area=" in url else len(seeded.mine))
    else:
        ids = {c["id"] for c in body["cases"]}
        assert not ids & set(seeded.other)
        assert ids == (set() if "area=" in url else set(seeded.mine))
        assert {c["kecamatan_code"] for c in body["cases"]} <= {KECAMATAN}


def test_dinas_and_admin_read_the_whole_kabupaten(seeded, users, web_client, api_token):
    for role in ("dinas", "admin"):
        got = web_client.get("/api/cases", headers=bearer(api_token(users[role]))).get_json()
        assert {c["id"] for c in got["cases"]} == set(seeded.mine + seeded.other)


# --- writing across kecamatan ----------------------------------------------------------

def _upload(client, headers, fmt, records, url="/api/uploads", **form):
    maker = {"csv": csv_bytes, "xlsx": xlsx_bytes, "geojson": geojson_bytes}[fmt]
    return client.post(url, data={"file": (io.BytesIO(maker(records)), f"k.{fmt}"), **form},
                       content_type="multipart/form-data", headers=headers)


API_WRITES = ["api-one", "api-list", "upload-csv", "upload-xlsx", "upload-geojson"]
# The pages are for browsers (session + CSRF); the API takes both sessions and tokens.
WRITES = [(w, "session") for w in [*API_WRITES, "page-upload", "form"]] + \
    [(w, "token") for w in API_WRITES]


@pytest.mark.parametrize(("way", "how"), WRITES)
def test_tksk_cannot_write_a_case_into_another_kecamatan(way, how, users, login_as,
                                                         web_client, api_token, bandung_db):
    with bandung_db.connect() as conn:
        (lon, lat), = points_in(conn, OTHER_KECAMATAN, 1)
    record = case_record(lon, lat)
    if how == "session":
        client = login_as(users["tksk"])
        token = client.csrf_token()
        headers = {"X-CSRFToken": token}
    else:
        client, token = web_client, None
        headers = bearer(api_token(users["tksk"]))
    if way == "api-one":
        got = client.post("/api/cases", json=record, headers=headers)
        codes = [e["code"] for e in got.get_json()["errors"]]
    elif way == "api-list":
        got = client.post("/api/cases", json=[record, record], headers=headers)
        codes = [e["code"] for e in got.get_json()["errors"]]
    elif way.startswith("upload-"):
        got = _upload(client, headers, way.split("-")[1], [record])
        body = got.get_json()
        codes = [e["code"] for e in body["errors"]]
        done = client.post(f"/api/uploads/{body['id']}/confirm", headers=headers)
        assert done.get_json()["inserted"] == 0
    elif way == "page-upload":
        got = _upload(client, {}, "csv", [record], url="/cases/upload", csrf_token=token)
        page = client.get(got.headers["Location"]).get_data(as_text=True)
        codes = ["outside_area"] if "<code>outside_area</code>" in page else []
    else:
        got = client.post("/cases/new", data={
            "csrf_token": token, "lat": str(lat), "lon": str(lon), "category": "AT",
            "date": "2026-01-05", "status": "baru"})
        assert got.status_code == 422
        codes = ["outside_area"] if 'data-code="outside_area"' in got.get_data(as_text=True) \
            else []
    assert "outside_area" in codes
    assert cases_in(bandung_db, OTHER_KECAMATAN) == 0
    assert bandung_db.scalar("SELECT count(*) FROM pmks_case") == 0


# --- planner: never personal data, never case points -----------------------------------

def _planner_urls(seeded) -> list[tuple[str, int]]:
    case_id = seeded.mine[0]
    urls = [
        ("/api/cases", 403),
        ("/api/cases?personal=1&purpose=" + PURPOSE, 403),
        (f"/api/cases/{case_id}", 403),
        (f"/api/cases/{case_id}?personal=1&purpose=" + PURPOSE, 403),
        (f"/cases/{case_id}", 403),
        (f"/cases/{case_id}?purpose=" + PURPOSE, 403),
        ("/cases/upload", 403),
        ("/cases/new", 403),
        ("/cases/template.xlsx", 403),
        ("/api/cases/counts", 200),
        ("/api/cases/counts?area=" + KECAMATAN, 200),
    ]
    # every map layer a planner can ask for, whoever wrote it
    for name in registry.layers():
        urls.append((f"/api/layers/{name}.geojson", None))
    # and every analysis overlay of the map page, at both levels
    for name in overlay_registry.overlays():
        for level in ("desa", "kecamatan"):
            urls.append((f"/api/map/{name}.json?level={level}", None))
    return urls


@pytest.mark.parametrize("how", ["session", "token"])
def test_no_personal_data_or_points_in_any_planner_response(how, seeded, users, login_as,
                                                            web_client, api_token,
                                                            bandung_db):
    if how == "session":
        client, headers = login_as(users["planner"]), {}
    else:
        client, headers = web_client, bearer(api_token(users["planner"]))
    before = audit_rows(bandung_db)
    for url, status in _planner_urls(seeded):
        got = client.get(url, headers=headers)
        if status is not None:
            assert got.status_code == status, (url, got.status_code)
        body = got.get_data(as_text=True)
        leaked = leaks(body, seeded)
        assert not leaked, (url, leaked)
    # counts only, and small ones suppressed as on the maps (4 cases: "<5")
    # (or, when the suppression audit cannot finish, nothing at all: "withheld")
    counts = client.get("/api/cases/counts", headers=headers).get_json()
    assert counts["suppressed"] is True and counts["total"] is None
    cells = counts["kecamatan"] + counts["categories"]
    assert not [c for c in cells if c["count"] is not None and 0 < c["count"] < 5]
    if not counts["withheld"]:
        # "<5", or "*" where complementary suppression had to hide a "<5" cell too
        assert counts["label"] in ("<5", "*")
        assert {c["code"] for c in counts["kecamatan"]} >= {KECAMATAN, OTHER_KECAMATAN}
        assert {c["label"] for c in cells if c["code"] in (KECAMATAN, OTHER_KECAMATAN)} \
            <= {"<5", "*"}
    assert audit_rows(bandung_db) == before


# --- the audit trail -------------------------------------------------------------------

PERSONAL_READS = [
    "/api/cases?personal=1&purpose=" + PURPOSE,
    "/api/cases/{mine}?personal=1&purpose=" + PURPOSE,
    "/cases/{mine}?purpose=" + PURPOSE,
]


@pytest.mark.parametrize("url", PERSONAL_READS)
@pytest.mark.parametrize("role", ["tksk", "dinas", "admin"])
def test_every_personal_read_is_audited(url, role, seeded, users, login_as, bandung_db):
    client = login_as(users[role])
    before = audit_rows(bandung_db)
    got = client.get(url.format(mine=seeded.mine[0]))
    assert got.status_code == 200
    body = got.get_data(as_text=True)
    assert SECRET_NAME in body and seeded.niks[0] in body
    assert audit_rows(bandung_db) == before + 1
    with bandung_db.connect() as conn:
        username, purpose, ids = conn.execute(
            "SELECT username, purpose, record_ids FROM audit_log "
            "WHERE action = 'personal.read' ORDER BY id DESC LIMIT 1").fetchone()
    assert username == users[role].username and purpose == PURPOSE
    if url.startswith("/api/cases?"):
        expected = set(seeded.mine) if role == "tksk" else set(seeded.mine + seeded.other)
    else:
        expected = {seeded.mine[0]}
    assert set(ids) == expected


@pytest.mark.parametrize("url", ["/api/cases", "/api/cases/{mine}", "/cases/{mine}",
                                 "/api/cases?personal=1", "/api/cases/{mine}?personal=1"])
def test_no_personal_data_without_asking_with_a_purpose(url, seeded, users, login_as,
                                                        bandung_db):
    client = login_as(users["dinas"])
    before = audit_rows(bandung_db)
    got = client.get(url.format(mine=seeded.mine[0]))
    assert got.status_code == (400 if "personal=1" in url else 200)
    body = got.get_data(as_text=True)
    assert SECRET_NAME not in body and not [n for n in seeded.niks if n in body]
    assert audit_rows(bandung_db) == before


def test_counts_for_a_planner_show_large_numbers_and_hide_small_ones(users, login_as,
                                                                    bandung_db):
    with bandung_db.connect() as conn:
        (lon, lat), = points_in(conn, KECAMATAN, 1)
        (lon2, lat2), = points_in(conn, OTHER_KECAMATAN, 1)
        assert add_cases(conn, [lon] * 30, [lat] * 30) == 30
        assert add_cases(conn, [lon2] * 30, [lat2] * 30) == 30
    client = login_as(users["planner"])
    counts = client.get("/api/cases/counts").get_json()
    assert counts["suppressed"] is True and not counts["withheld"]
    assert counts["total"] == 60
    by_code = {k["code"]: k["count"] for k in counts["kecamatan"]}
    assert by_code[KECAMATAN] == 30 and by_code[OTHER_KECAMATAN] == 30

    with bandung_db.connect() as conn:
        assert add_cases(conn, [lon] * 2, [lat] * 2, category="ABT") == 2
    counts = client.get("/api/cases/counts").get_json()
    cells = counts["kecamatan"] + counts["categories"]
    assert not [c for c in cells if c["count"] is not None and 0 < c["count"] < 5]
    small = [c for c in counts["categories"] if c["category"] == "ABT"]
    assert small and all(c["count"] is None and c["label"] in ("<5", "*") for c in small)
    # what a tksk of Cileunyi sees is exact (it may see the cases themselves)
    tksk = login_as(users["tksk"]).get("/api/cases/counts").get_json()
    assert tksk["suppressed"] is False and tksk["total"] == 32
