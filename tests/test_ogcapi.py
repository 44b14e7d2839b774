"""OGC API - Features at /ogcapi, read by the clients GIS offices use: GDAL's OAPIF
driver (ogrinfo, ogr2ogr to a GeoPackage), OWSLib, and GDAL's MVT driver for a tile."""

from __future__ import annotations

import json
import math
import subprocess
import urllib.error
import urllib.request

import pyogrio
import pytest
from openapi_spec_validator import validate

from tests.conftest import Database

COUNTS = {"kecamatan": 31, "desa": 280}


def get(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, json.loads(answer.read()), answer.headers["Content-Type"]
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}"), exc.headers["Content-Type"]


@pytest.fixture
def ogc(live_server) -> str:
    return live_server.url + "/ogcapi"


def test_landing_conformance_and_openapi(ogc):
    status, landing, kind = get(ogc)
    assert status == 200 and kind.startswith("application/json")
    rels = {link["rel"]: link["href"] for link in landing["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= rels.keys()

    status, conf, _ = get(rels["conformance"])
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conf["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conf["conformsTo"]

    status, document, kind = get(rels["service-desc"])
    assert status == 200 and "openapi" in kind
    validate(document)  # raises on an invalid OpenAPI 3.0 document
    assert document["servers"][0]["url"] == ogc
    assert set(document["paths"]["/collections/{collectionId}/items"]["get"]["parameters"][0]
               ["schema"]["enum"]) >= set(COUNTS)


def test_collections_list_the_public_layers_with_their_extent(ogc, bandung_db: Database):
    status, body, _ = get(ogc + "/collections")
    assert status == 200
    found = {c["id"]: c for c in body["collections"]}
    assert set(COUNTS) <= found.keys()
    west, south, east, north = found["desa"]["extent"]["spatial"]["bbox"][0]
    box = bandung_db.connect().execute(
        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
        "(SELECT ST_Extent(geom) e FROM region) x").fetchone()
    assert (west, south, east, north) == pytest.approx(box)


def test_items_page_by_page_with_next_links(ogc):
    url = ogc + "/collections/desa/items?limit=100"
    seen: list[str] = []
    pages = 0
    while url:
        status, page, kind = get(url)
        assert status == 200 and kind.startswith("application/geo+json")
        assert page["numberMatched"] == 280
        assert page["numberReturned"] == len(page["features"])
        seen += [f["id"] for f in page["features"]]
        url = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 280
    assert seen == sorted(seen)


def test_bbox_keeps_only_features_that_intersect(ogc, bandung_db: Database):
    box = (107.55, -7.10, 107.60, -7.05)
    status, page, _ = get(ogc + "/collections/desa/items?limit=1000&bbox="
                          + ",".join(map(str, box)))
    assert status == 200
    expected = bandung_db.scalar(
        "SELECT count(*) FROM region WHERE level = 'desa' AND "
        "ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, 4326))", box)
    assert 0 < page["numberMatched"] == expected < 280


def test_item_by_id_and_errors(ogc):
    status, feature, _ = get(ogc + "/collections/kecamatan/items/32.04.05")
    assert status == 200
    assert feature["id"] == "32.04.05" and feature["properties"]["code"] == "32.04.05"
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert get(ogc + "/collections/kecamatan/items/32.04.99")[0] == 404
    assert get(ogc + "/collections/nothing/items")[0] == 404
    for bad in ("bbox=1,2,3", "bbox=a,b,c,d", "bbox=10,5,0,-5", "limit=0", "offset=-1",
                "limit=x", "f=xml"):
        status, body, _ = get(ogc + "/collections/desa/items?" + bad)
        assert status == 400, bad
        assert " / " in json.dumps(body), bad  # bilingual message


def test_limit_above_the_maximum_is_capped(ogc):
    status, page, _ = get(ogc + "/collections/desa/items?limit=50000")
    assert status == 200 and page["numberReturned"] == 280


def run(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_gdal_lists_and_copies_every_collection(ogc, tmp_path):
    listing = run("ogrinfo", "-ro", "-so", f"OAPIF:{ogc}")
    for name in COUNTS:
        assert name in listing
    out = tmp_path / "layers.gpkg"
    run("ogr2ogr", "-f", "GPKG", str(out), f"OAPIF:{ogc}", *COUNTS)
    layers = {name: pyogrio.read_info(out, layer=name) for name in COUNTS}
    for name, count in COUNTS.items():
        assert layers[name]["features"] == count
        assert layers[name]["crs"] in ("EPSG:4326", "OGC:CRS84")
    frame = pyogrio.read_dataframe(out, layer="kecamatan")
    assert sorted(frame["code"]) == [f"32.04.{n:02d}" for n in sorted(
        int(c[-2:]) for c in frame["code"])]


def test_owslib_pages_through_items(ogc):
    from owslib.ogcapi.features import Features

    service = Features(ogc)
    assert {c["id"] for c in service.collections()["collections"]} >= set(COUNTS)
    ids: list[str] = []
    offset = 0
    while True:
        page = service.collection_items("desa", limit=64, offset=offset)
        ids += [f["id"] for f in page["features"]]
        if not any(link["rel"] == "next" for link in page["links"]):
            break
        offset += 64
    assert len(set(ids)) == 280


def test_gdal_mvt_driver_reads_a_desa_tile(live_server, bandung_db: Database):
    lon, lat, z = 107.60, -7.05, 12
    x = int((lon + 180) / 360 * 2**z)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 2**z)
    url = f"{live_server.url}/tiles/desa/{z}/{x}/{y}.pbf"
    info = run("ogrinfo", "-ro", "-al", "-so", f"MVT:/vsicurl/{url}")
    count = int(info.split("Feature Count: ")[1].split()[0])
    # the tile carries a buffer of 64/4096 of its width around it (for strokes at edges)
    expected = bandung_db.scalar(
        "SELECT count(*) FROM region WHERE level = 'desa' AND ST_Intersects("
        "ST_Transform(geom, 3857), ST_TileEnvelope(%s, %s, %s, margin => 64.0 / 4096))",
        (z, x, y))
    assert expected > 0
    assert count == expected
