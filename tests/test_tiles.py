"""Vector tiles: ``/tiles/<layer>/<z>/<x>/<y>.pbf`` from ST_AsMVT and the TileJSON
document, decoded with mapbox-vector-tile and counted against the database."""

from __future__ import annotations

import math

import mapbox_vector_tile
import pytest

from geomap.render.tiles import Tile

KABUPATEN = "32.04"


def tiles_covering(west: float, south: float, east: float, north: float, z: int):
    def x(lon: float) -> int:
        return int((lon + 180) / 360 * 2**z)

    def y(lat: float) -> int:
        r = math.radians(lat)
        return int((1 - math.asinh(math.tan(r)) / math.pi) / 2 * 2**z)

    return [(z, tx, ty) for tx in range(x(west), x(east) + 1)
            for ty in range(y(north), y(south) + 1)]


def decode(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/vnd.mapbox-vector-tile"
    data = response.get_data()
    return mapbox_vector_tile.decode(data)["desa"]["features"] if data else []


@pytest.fixture
def extent(bandung_db) -> tuple[float, float, float, float]:
    return bandung_db.connect().execute(
        "SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM region"
        " WHERE code = %s", (KABUPATEN,)).fetchone()


@pytest.mark.parametrize("z", [9, 11])
def test_tiles_over_the_kabupaten_hold_every_desa_once_per_tile(web_client, bandung_db,
                                                                 extent, z):
    codes: set[str] = set()
    for tz, tx, ty in tiles_covering(*extent, z):
        found = decode(web_client.get(f"/tiles/desa/{tz}/{tx}/{ty}.pbf?area={KABUPATEN}"))
        in_tile = [f["properties"]["code"] for f in found]
        assert len(in_tile) == len(set(in_tile))
        codes.update(in_tile)
    assert sorted(codes) == [r[0] for r in bandung_db.connect().execute(
        "SELECT code FROM region WHERE level = 'desa' ORDER BY code").fetchall()]


def test_a_tile_holds_the_desa_it_touches_with_their_attributes(web_client, bandung_db):
    lon, lat = 107.745, -6.94  # in Cileunyi
    z = 13
    x = int((lon + 180) / 360 * 2**z)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 2**z)
    found = decode(web_client.get(f"/tiles/desa/{z}/{x}/{y}.pbf?area={KABUPATEN}"))
    west, south, east, north = Tile(z, x, y).bounds()
    expected = bandung_db.scalar(
        "SELECT count(*) FROM region WHERE level = 'desa' AND ST_Intersects(geom,"
        " ST_MakeEnvelope(%s, %s, %s, %s, 4326))", (west, south, east, north))
    assert len(found) == expected > 0
    first = found[0]["properties"]
    assert set(first) == {"code", "name", "kind", "kecamatan"}
    assert first["code"].startswith("32.04.")
    assert {f["geometry"]["type"] for f in found} <= {"Polygon", "MultiPolygon"}
    # The area filter applies to tiles as well.
    other = decode(web_client.get(f"/tiles/desa/{z}/{x}/{y}.pbf?area=32.04.06"))
    assert {f["properties"]["kecamatan"] for f in other} <= {"Cimenyan"}


def test_a_tile_outside_the_data_is_empty(web_client):
    response = web_client.get("/tiles/desa/10/0/0.pbf")
    assert response.status_code == 200 and response.get_data() == b""


def test_tilejson_describes_the_tiles(web_client, extent):
    response = web_client.get(f"/tiles/desa.json?area={KABUPATEN}")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["tilejson"] == "3.0.0"
    assert doc["tiles"][0].endswith(f"/tiles/desa/{{z}}/{{x}}/{{y}}.pbf?area={KABUPATEN}")
    assert doc["tiles"][0].startswith("http")
    assert doc["bounds"] == pytest.approx(list(extent))
    layer, = doc["vector_layers"]
    assert layer["id"] == "desa"
    assert layer["fields"] == {"code": "String", "name": "String", "kind": "String",
                               "kecamatan": "String"}
    assert doc["minzoom"] <= 10 <= doc["maxzoom"]
    assert web_client.get("/tiles/desa.json?area=32.99").status_code == 404


@pytest.mark.parametrize("path", ["/tiles/desa/23/0/0.pbf", "/tiles/desa/3/8/0.pbf",
                                  "/tiles/desa/3/0/8.pbf", "/tiles/desa/a/0/0.pbf",
                                  "/tiles/desa/-1/0/0.pbf", "/tiles/desa/1/0/0.pbf?area=x"])
def test_bad_tile_or_area_is_400_in_both_languages(web_client, path):
    response = web_client.get(path)
    assert response.status_code == 400
    detail = response.get_json()["error"]["detail"]
    assert " / " in detail
    assert ("Ubin tidak sah" in detail and "Invalid tile" in detail) or (
        "Kode wilayah tidak sah" in detail and "Invalid area code" in detail)


def test_unknown_or_untiled_layer_is_404(web_client):
    assert web_client.get("/tiles/nope/1/0/0.pbf").status_code == 404
    assert web_client.get("/tiles/nope.json").status_code == 404
    response = web_client.get("/tiles/kecamatan/1/0/0.pbf")
    assert response.status_code == 404
    assert "ubin vektor" in response.get_json()["error"]["detail"]


def _rename_every_desa(db) -> None:
    with db.connect() as conn:
        conn.execute("UPDATE region SET name = 'Berubah' WHERE level = 'desa'")


@pytest.mark.parametrize("seconds,kept", [(None, True), ("0", False)])
def test_public_tiles_are_kept_by_the_server_for_their_max_age(web_client, bandung_db,
                                                                monkeypatch, seconds, kept):
    """Boundary tiles are the same for everyone: the server keeps them as long as any
    cache may (Cache-Control max-age), unless GEOMAP_TILE_CACHE_SECONDS=0."""
    if seconds is not None:
        monkeypatch.setenv("GEOMAP_TILE_CACHE_SECONDS", seconds)
    url = f"/tiles/desa/12/3272/2128.pbf?area={KABUPATEN}"
    first = web_client.get(url)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "public, max-age=300"
    names = {f["properties"]["name"] for f in decode(first)}
    assert names and "Berubah" not in names
    _rename_every_desa(bandung_db)
    again = {f["properties"]["name"] for f in decode(web_client.get(url))}
    assert again == (names if kept else {"Berubah"})
