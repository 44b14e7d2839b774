"""Path traversal: static files, export and download names never leave the app's folders.

Static paths go over a real socket to the live server (a test client would normalise
the path before the app saw it): ``..``, encoded ``%2e%2e%2f``, double encoding, a
backslash, a NUL. Export ids and the download names of rejected rows are checked through
the HTTP API.
"""

from __future__ import annotations

import http.client
import io
import re
from urllib.parse import urlsplit

import pytest

from geomap.config import PROJECT_ROOT
from tests.auth_fixtures import bearer
from tests.cases_fixtures import case_record, csv_bytes, points_in

TRAVERSALS = [
    "../../../../../../etc/passwd",
    "..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%252e%252e%252f%252e%252e%252fetc%252fpasswd",
    "..%5c..%5c..%5cserver%5capp.py",
    "geomap/..\\..\\..\\server\\app.py",
    "geomap/../../app.py",
    "..%2f..%2fapp.py",
    "....//....//....//etc/passwd",
    "%2fetc%2fpasswd",
    "geomap/favicon.svg%00../../../../etc/passwd",
    "..%00/..%00/etc/passwd",
    "%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
]

# What must never come back: /etc/passwd, the app's own code, its settings.
SECRETS = [b"root:x:0:0", b"def create_app", b"BLUEPRINTS", b"SECRET_KEY"]


def raw_get(base_url: str, path: str, headers: dict[str, str] | None = None):
    """GET ``path`` exactly as given (no normalisation, no re-encoding)."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read(), response.getheader("Location")
    finally:
        connection.close()


@pytest.mark.browser
def test_static_paths_stay_in_the_static_folder(live_server):
    status, body, _ = raw_get(live_server.url, "/static/geomap/favicon.svg")
    assert status == 200 and b"<svg" in body  # the folder is served at all
    for prefix in ("/static/", "/static/geomap/", "/static/vendor/", "/"):
        for payload in TRAVERSALS:
            path = prefix + payload
            status, body, location = raw_get(live_server.url, path)
            if status == 308:  # "//" merged by the router: followed, on this server only
                target = urlsplit(location)
                assert target.netloc in ("", urlsplit(live_server.url).netloc), location
                status, body, _ = raw_get(live_server.url, target.path)
            assert status in (400, 404), (path, status)
            assert not any(secret in body for secret in SECRETS), path


def test_export_ids_are_not_paths(web_client, users, api_token):
    headers = bearer(api_token(users["dinas"]))
    for payload in [*TRAVERSALS, "0" * 32 + "%2f..%2f..%2fapp.py", "..", "."]:
        for path in (f"/api/exports/{payload}", f"/api/exports/{payload}/file"):
            response = web_client.get(path, headers=headers)
            assert response.status_code in (400, 404, 405), (path, response.status_code)
            assert not any(secret in response.data for secret in SECRETS), path


def test_export_options_do_not_take_a_path(web_client, users, api_token):
    """The export's area and layer are codes from lists, never a path: 400."""
    headers = bearer(api_token(users["dinas"]))
    for field in ("area", "layer", "format", "kind"):
        response = web_client.post("/api/exports", headers=headers,
                                   json={"kind": "data", "format": "csv", "area": "32.04",
                                         field: "../../../../etc/passwd"})
        assert response.status_code == 400, (field, response.status_code)


@pytest.mark.parametrize("filename", [
    "..\\..\\..\\server\\app.csv",
    "../../../../etc/passwd.csv",
    'kasus"; filename=evil.sh; x=".csv',
    "..",
])
def test_rejected_rows_download_name_is_a_plain_name(filename, bandung_db, web_client,
                                                     users, api_token):
    headers = bearer(api_token(users["tksk"]))
    with bandung_db.connect() as conn:
        (lon, lat), = points_in(conn, users["tksk"].area, 1)
    data = csv_bytes([case_record(lon, lat), case_record(lon, lat, kategori="BUKAN")])
    sent = web_client.post("/api/uploads", headers=headers,
                           data={"file": (io.BytesIO(data), filename)})
    assert sent.status_code == 201, sent.get_data(as_text=True)
    assert sent.get_json()["rejected"] == 1
    response = web_client.get(f"/cases/uploads/{sent.get_json()['id']}/rejected",
                              headers=headers)
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    name = re.search(r'filename="?([^";]+)"?', disposition).group(1)
    assert re.fullmatch(r"[A-Za-z0-9._-]+", name), disposition
    assert ".." not in name and not name.startswith("."), disposition
    assert disposition.count("filename=") == 1, disposition
    assert name.endswith("-ditolak-rejected.csv"), disposition


def test_project_files_are_not_served(web_client):
    """Files beside the static folder (code, settings, the database folder) are 404."""
    for path in ("/server/app.py", "/pyproject.toml", "/var/pg/postgresql.conf",
                 "/static/../server/app.py", "/.git/config", "/layers/schema/0001_init.sql"):
        response = web_client.get(path)
        assert response.status_code == 404, path
    assert (PROJECT_ROOT / "server" / "app.py").exists()
