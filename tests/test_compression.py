"""Responses the map loads are compressed; pages carrying a CSRF token are not (BREACH)."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest

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


def test_layers_and_tiles_are_compressed(web_client):
    layer = web_client.get(f"/api/layers/kecamatan.geojson?area={KABUPATEN}",
                           headers={"Accept-Encoding": "gzip"})
    assert layer.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(layer.data).startswith(b"{")
    tile = web_client.get(f"/tiles/desa/11/1636/1064.pbf?area={KABUPATEN}",
                          headers={"Accept-Encoding": "gzip"})
    assert tile.status_code == 200 and tile.headers["Content-Encoding"] == "gzip"
    assert len(gzip.decompress(tile.data)) > 1024


def test_pages_are_not_compressed(web_client):
    page = web_client.get(f"/map?area={KABUPATEN}", headers={"Accept-Encoding": "gzip, br"})
    assert page.status_code == 200
    assert "Content-Encoding" not in page.headers
    assert page.data.lstrip().lower().startswith(b"<!doctype html")
