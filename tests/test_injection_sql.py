"""SQL injection in every filter parameter of every endpoint, and in the CLI options that
reach SQL.

Each parameter gets classic payloads (quotes, comments, stacked statements, UNION, LIKE
wildcards, unicode quotes and digits, very long text, a NUL byte). The answer must be a
400, a 404 or a normal answer (never a 5xx), never more rows than the same caller gets
without the filter, never a row outside the caller's area, and the database must be
exactly as before.
"""

from __future__ import annotations

import pytest

from tests.auth_fixtures import KECAMATAN, bearer
from tests.cases_fixtures import case_record, points_in

PAYLOADS = [
    "' OR 1=1--",
    "' OR '1'='1",
    "1;DROP TABLE pmks_case;--",
    "32.04'; DROP TABLE app_user; --",
    "%27",
    "%27%20OR%201%3D1--",
    "1 UNION SELECT username, password_hash FROM app_user--",
    "32.04' UNION SELECT NULL--",
    "32.04%",
    "32.__",
    "\u2019 OR 1=1--",  # right single quotation mark
    "\u02bc OR 1=1--",  # modifier letter apostrophe
    "\uff07 OR 1=1--",  # fullwidth apostrophe
    "\uff13\uff12.\uff10\uff14",  # "32.04" in fullwidth digits
    "$$; DROP TABLE psks_resource; $$",
    "\\'; SELECT pg_sleep(5); --",
    "32.04\x00",
    "\x00' OR 1=1--",
    "A" * 20_000,
]

DEMO = ("demo", "seed", "--cases", "300", "--seed", "1", "--today", "2026-11-23")

# (path, parameter, the key of the list in a 200 answer or None, extra fixed parameters)
API_FILTERS = [
    ("/api/cases", "area", "cases", {}),
    ("/api/cases", "category", "cases", {}),
    ("/api/cases", "from", "cases", {}),
    ("/api/cases", "to", "cases", {}),
    ("/api/cases", "limit", "cases", {}),
    ("/api/cases", "offset", "cases", {}),
    ("/api/cases", "purpose", "cases", {"personal": "1"}),
    ("/api/cases", "personal", "cases", {"purpose": "test"}),
    ("/api/cases/counts", "area", "categories", {}),
    ("/api/cases/counts", "category", "categories", {}),
    ("/api/cases/counts", "from", "categories", {}),
    ("/api/resources", "area", "resources", {}),
    ("/api/resources", "category", "resources", {}),
]

# The map layers answer the same whatever the role (only which layers differ): swept once,
# as dinas, and anonymously.
LAYER_FILTERS = [
    ("/api/layers/kecamatan.geojson", "area", "features", {}),
    ("/api/layers/kecamatan/labels.json", "area", None, {}),
    ("/tiles/desa.json", "area", None, {}),
    ("/tiles/desa/12/3271/2124.pbf", "area", None, {}),
    ("/ogcapi/collections", "area", "collections", {}),
    ("/ogcapi/collections/kecamatan/items", "area", "features", {}),
    ("/ogcapi/collections/kecamatan/items", "bbox", "features", {}),
    ("/ogcapi/collections/kecamatan/items", "bbox-crs", "features", {"bbox": "107,-7.5,108,-6"}),
    ("/ogcapi/collections/kecamatan/items", "limit", "features", {}),
    ("/ogcapi/collections/kecamatan/items", "offset", "features", {}),
    ("/ogcapi/collections/kecamatan/items", "f", "features", {}),
    ("/ogcapi/collections/kecamatan", "lang", None, {}),
    ("/map", "area", None, {}),
]

PAGE_FILTERS = [
    ("/resources", "category", None, {}),
    ("/resources", "kecamatan", None, {}),
]

# A parameter the baseline request needs (personal data only with a purpose).
BENIGN = {"purpose": "pemeriksaan / review"}

# Payloads in a path segment (a layer name, an id): the path is built with the payload.
PATH_TEMPLATES = [
    "/api/layers/{}.geojson",
    "/tiles/{}.json",
    "/tiles/desa/{}/1/1.pbf",
    "/ogcapi/collections/{}/items",
    "/ogcapi/collections/kecamatan/items/{}",
    "/api/cases/{}",
    "/api/uploads/{}",
    "/cases/{}",
]

# Table: the row text compared (api_token's last_used_at moves with every request).
SNAPSHOT_TABLES = {"pmks_case": "t::text", "case_person": "t::text",
                   "psks_resource": "t::text", "app_user": "t::text",
                   "api_token": "(t.id, t.user_id, t.revoked_at)::text",
                   "region": "(t.code, t.name, t.level)::text", "case_upload": "t::text",
                   "psks_category": "t::text", "pmks_category": "t::text"}


def snapshot(db) -> dict[str, object]:
    """Every table's existence and a digest of its rows (geometries by their hash)."""
    found: dict[str, object] = {}
    with db.connect() as conn:
        found["tables"] = conn.execute(
            "SELECT array_agg(tablename ORDER BY tablename) FROM pg_tables "
            "WHERE schemaname = 'public'").fetchone()[0]
        for table, row in SNAPSHOT_TABLES.items():
            found[table] = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg({row}, '|' ORDER BY {row}), ''))"
                f" FROM {table} t").fetchone()
    return found


@pytest.fixture
def demo_db(bandung_db, cli):
    done = cli(bandung_db, *DEMO)
    assert done.code == 0, done.stderr
    return bandung_db


def _rows(body, key: str | None) -> list | None:
    if key is None or not isinstance(body, dict):
        return None
    return body.get(key)


def _check(response, label: str) -> None:
    assert response.status_code < 500, f"{label}: {response.status_code}"
    assert response.status_code in (200, 400, 404), f"{label}: {response.status_code}"
    if response.status_code != 200 and response.mimetype == "application/json":
        assert "error" in response.get_json(), label


@pytest.mark.parametrize("role", ["dinas", "tksk", "planner"])
def test_filters_resist_injection(role, demo_db, web_app, make_user, api_token):
    client = web_app.test_client()
    user = make_user(role)
    headers = {**bearer(api_token(user)), "Accept-Encoding": "identity"}
    before = snapshot(demo_db)
    checked = 0
    filters = API_FILTERS + PAGE_FILTERS + (LAYER_FILTERS if role == "dinas" else [])
    for path, name, key, fixed in filters:
        benign = {name: BENIGN[name]} if name in BENIGN else {}
        baseline = client.get(path, query_string={**fixed, **benign}, headers=headers)
        if baseline.status_code in (401, 403):  # not this role's endpoint: nothing to inject
            continue
        assert baseline.status_code == 200, (path, baseline.status_code)
        allowed = _rows(baseline.get_json(silent=True), key)
        for payload in PAYLOADS:
            label = f"{role} {path}?{name}={payload[:30]!r}"
            response = client.get(path, query_string={**fixed, name: payload},
                                  headers=headers)
            _check(response, label)
            checked += 1
            if response.status_code != 200:
                continue
            rows = _rows(response.get_json(silent=True), key)
            if allowed is not None and rows is not None:
                assert len(rows) <= len(allowed), label
            if key == "cases" and role == "tksk":
                assert all(c["kecamatan_code"] == KECAMATAN for c in rows), label
            if key == "resources" and role == "tksk":
                assert all(r["kecamatan_code"] == KECAMATAN for r in rows), label
    for template in PATH_TEMPLATES:
        for payload in PAYLOADS:
            if "/" in payload or "\\" in payload:
                continue
            response = client.get(template.format(payload), headers=headers)
            _check(response, f"{role} {template} <- {payload[:30]!r}")
            checked += 1
    assert checked > 150
    assert snapshot(demo_db) == before


def test_anonymous_filters_resist_injection(demo_db, web_app):
    client = web_app.test_client()
    before = snapshot(demo_db)
    for path, name, _key, fixed in LAYER_FILTERS:
        for payload in PAYLOADS:
            response = client.get(path, query_string={**fixed, name: payload},
                                  headers={"Accept-Encoding": "identity"})
            _check(response, f"anonymous {path}?{name}={payload[:30]!r}")
    assert snapshot(demo_db) == before


def test_unicode_digits_are_not_a_region_code(demo_db, web_app, make_user, api_token):
    """``\\d`` matches any script's digits; region codes are ASCII digits only."""
    client = web_app.test_client()
    headers = bearer(api_token(make_user("dinas")))
    for path in ("/api/cases", "/api/resources", "/api/cases/counts"):
        response = client.get(path, query_string={"area": "\uff13\uff12.\uff10\uff14"},
                              headers=headers)
        assert response.status_code == 400, (path, response.status_code)


CLI_OPTIONS = [
    ("resources", "list", "--area", "{}", "--json"),
    ("resources", "list", "--category", "{}", "--json"),
    ("boundaries", "stats", "--area", "{}", "--json"),
    ("analysis", "choropleth", "--area", "{}"),
    ("users", "add", "inj", "--role", "planner", "--area", "{}", "--password-stdin"),
]


def test_cli_options_resist_injection(demo_db, cli):
    before = snapshot(demo_db)
    for template in CLI_OPTIONS:
        for payload in ("32.04'; DROP TABLE app_user; --", "\uff13\uff12.\uff10\uff14"):
            args = [part.replace("{}", payload) for part in template]
            done = cli(demo_db, *args, input="rahasia-sekali-123\nrahasia-sekali-123\n")
            label = f"geomap {' '.join(args)}"
            assert "Traceback" not in done.stderr, label + "\n" + done.stderr[-2000:]
            assert "DROP" not in done.stdout or done.code != 0, label
            if template[0] == "resources" and done.code == 0:
                assert done.stdout.strip() in ("[]", ""), label
    assert snapshot(demo_db) == before


def test_write_bodies_resist_injection(bandung_db, web_app, users, api_token):
    """Every text field of the JSON writes: stored literally (parameters, not SQL text),
    control characters (NUL) cleaned, never a 5xx; the tables not written are unchanged."""
    client = web_app.test_client()
    dinas = bearer(api_token(users["dinas"]))
    tksk = bearer(api_token(users["tksk"]))
    with bandung_db.connect() as conn:
        points = points_in(conn, KECAMATAN, 2)
    before = snapshot(bandung_db)
    for i, payload in enumerate(PAYLOADS):
        lon, lat = points[i % 2]
        label = repr(payload[:30])
        case = client.post("/api/cases", headers=tksk, json=case_record(
            lon, lat, catatan=payload, nama=payload, alamat=payload,
            tanggal=f"2026-01-{i + 1:02d}"))
        assert case.status_code in (200, 201, 422), (label, case.status_code)
        for field in ("kategori", "status", "jenis_kelamin", "tanggal", "nik"):
            bad = client.post("/api/cases", headers=tksk,
                              json=case_record(lon, lat, **{field: payload}))
            assert bad.status_code in (200, 201, 400, 422), (field, label, bad.status_code)
        made = client.post("/api/resources", headers=dinas, json={
            "kategori": "LKS", "nama": f"{payload} {i}", "lintang": lat, "bujur": lon,
            "kapasitas": 3, "kontak": payload[:200]})
        assert made.status_code in (201, 422), (label, made.status_code)
        for field in ("kategori", "pengguna", "kapasitas", "radius_km", "aktif", "lintang"):
            bad = client.post("/api/resources", headers=dinas, json={
                "kategori": "LKS", "nama": "Panti", "lintang": lat, "bujur": lon,
                "kapasitas": 3, field: payload})
            assert bad.status_code in (200, 201, 400, 422), (field, label, bad.status_code)
        # (a title is free text: it would start a real export, which is not the point here)
        for field in ("area", "categories", "layer", "from"):
            job = client.post("/api/exports", headers=dinas, json={
                "kind": "data", "format": "csv", "area": "32.04", field: payload})
            assert job.status_code in (400, 404), (field, label, job.status_code)
    # A quote or a comment is data: stored exactly as sent.
    assert bandung_db.scalar("SELECT count(*) FROM psks_resource WHERE name = %s",
                             ("' OR 1=1-- 0",)) == 1
    assert bandung_db.scalar("SELECT count(*) FROM pmks_case WHERE notes = %s",
                             ("1;DROP TABLE pmks_case;--",)) == 1
    after = snapshot(bandung_db)
    for table in ("tables", "app_user", "api_token", "region", "psks_category",
                  "pmks_category"):
        assert after[table] == before[table], table
