"""The aggregated PMKS layers as OGC API collections (``pmks_desa``, ``pmks_kecamatan``),
read by GDAL (``ogrinfo``, ``ogr2ogr``) with an API token: feature counts equal the
database's, a planner's counts suppressed as on its map, visitors see neither."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request

import pyogrio
import pytest

from tests.export_fixtures import seed

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def seeded(bandung_db, cli):
    seed(bandung_db, cli)
    return bandung_db


def gdal(token: str | None, *args: str) -> str:
    env = {**os.environ, "GDAL_HTTP_TIMEOUT": "120"}
    if token:
        env["GDAL_HTTP_HEADERS"] = f"Authorization: Bearer {token}"
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def get(url: str, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"}
                                     if token else {})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_gdal_copies_the_aggregates_with_the_database_counts(live_server, users, api_token,
                                                             bandung_db, tmp_path):
    ogc = live_server.url + "/ogcapi"
    token = api_token(users["dinas"])
    listing = gdal(token, "ogrinfo", "-ro", "-so", f"OAPIF:{ogc}?area=32.04")
    assert "pmks_desa" in listing and "pmks_kecamatan" in listing
    out = tmp_path / "pmks.gpkg"
    gdal(token, "ogr2ogr", "-f", "GPKG", str(out), f"OAPIF:{ogc}", "pmks_desa",
         "pmks_kecamatan")
    desa = pyogrio.read_dataframe(out, layer="pmks_desa")
    kec = pyogrio.read_dataframe(out, layer="pmks_kecamatan")
    assert len(desa) == bandung_db.scalar("SELECT count(*) FROM region WHERE level = 'desa'")
    assert len(kec) == 31
    per_kec = dict(bandung_db.connect().execute(
        "SELECT kecamatan_code, count(*) FROM pmks_case GROUP BY 1").fetchall())
    assert {c: int(n) for c, n in zip(kec["code"], kec["count"], strict=True)} == \
        {c: per_kec.get(c, 0) for c in kec["code"]}
    assert int(desa["count"].sum()) == bandung_db.scalar("SELECT count(*) FROM pmks_case")
    # ogrinfo's feature count (numberMatched) of one collection.
    info = gdal(token, "ogrinfo", "-ro", "-so", f"OAPIF:{ogc}", "pmks_kecamatan")
    assert "Feature Count: 31" in info


def test_planner_sees_labels_and_visitors_see_nothing(live_server, users, api_token,
                                                      bandung_db):
    ogc = live_server.url + "/ogcapi"
    token = api_token(users["planner"])
    status, page = get(f"{ogc}/collections/pmks_desa/items?categories=FM&limit=1000", token)
    assert status == 200 and page["numberMatched"] == 280
    props = [f["properties"] for f in page["features"]]
    assert all("count" not in p for p in props)
    assert "<5" in {p["cases"] for p in props}
    one = page["features"][0]["id"]
    status, item = get(f"{ogc}/collections/pmks_desa/items/{one}?categories=FM", token)
    assert status == 200 and item["id"] == one and "count" not in item["properties"]
    # Paging links and bbox.
    status, first = get(f"{ogc}/collections/pmks_kecamatan/items?limit=10", token)
    assert first["numberReturned"] == 10 and any(link["rel"] == "next" for link in first["links"])
    status, boxed = get(f"{ogc}/collections/pmks_kecamatan/items?bbox=107.5,-7.3,107.6,-7.2"
                        "&limit=100", token)
    assert 0 < boxed["numberMatched"] < 31
    # A tksk: its own kecamatan only; visitors: no such collections.
    tksk = api_token(users["tksk"])
    status, page = get(f"{ogc}/collections/pmks_desa/items?limit=1000", tksk)
    assert {f["id"][:8] for f in page["features"]} == {"32.04.05"}
    assert get(f"{ogc}/collections/pmks_desa/items?area=32.04.06", tksk)[0] == 404
    status, listed = get(f"{ogc}/collections")
    assert status == 200 and not {"pmks_desa", "pmks_kecamatan"} & {
        c["id"] for c in listed["collections"]}
    assert get(f"{ogc}/collections/pmks_desa/items")[0] == 401
