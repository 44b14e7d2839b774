"""Responses the map loads are compressed; pages carrying a CSRF token are not (BREACH)."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest

from server.compression import TILE_MIN_SIZE
from tests.auth_fixtures import KABUPATEN


@pytest.mark.parametrize("encoding,decode", [("br", brotli.decompress),
                                             ("deflate", zlib.decompress)])
def test_the_map_script_library_is_compressed(web_client, encoding, decode):
    plain = web_client.get("/static/vendor/leaflet/leaflet.js")
    packed = web_client.get("/static/vendor/leaflet/leaflet.js",
                            headers={"Accept-Encoding": encoding})
    assert packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert decode(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 3


def test_layers_and_large_tiles_are_compressed_small_tiles_are_not(web_client):
    layer = web_client.get(f"/api/layers/kecamatan.geojson?area={KABUPATEN}",
                           headers={"Accept-Encoding": "gzip"})
    assert layer.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(layer.data).startswith(b"{")
    sizes = {}
    for z, x, y in ((9, 409, 266), (11, 1636, 1064), (14, 13089, 8514)):
        path = f"/tiles/desa/{z}/{x}/{y}.pbf?area={KABUPATEN}"
        plain = web_client.get(path)
        tile = web_client.get(path, headers={"Accept-Encoding": "gzip"})
        assert plain.status_code == tile.status_code == 200
        large = len(plain.data) >= TILE_MIN_SIZE
        assert ("Content-Encoding" in tile.headers) == large, (path, len(plain.data))
        assert (gzip.decompress(tile.data) if large else tile.data) == plain.data
        sizes[z] = len(plain.data)
    # Both kinds were asked: the kabupaten's overview tile and a street-level one.
    assert sizes[9] >= TILE_MIN_SIZE > sizes[14] > 0, sizes


def test_pages_are_not_compressed(web_client):
    page = web_client.get(f"/map?area={KABUPATEN}", headers={"Accept-Encoding": "gzip, br"})
    assert page.status_code == 200
    assert "Content-Encoding" not in page.headers
    assert page.data.lstrip().lower().startswith(b"<!doctype html")
