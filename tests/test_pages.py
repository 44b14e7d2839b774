"""The landing and map pages over HTTP: only the app's own assets, the CSP nonce on every
inline script and style, the language switch, the basemap setting, bilingual errors."""

from __future__ import annotations

import json
import re

import folium
import pytest
from folium.plugins import Fullscreen

from geomap.render.assets import ExternalAsset, LocalFigure
from layers.overlays import LINK_DEFAULTS

ASSET = re.compile(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"')
INLINE = re.compile(r"<(script|style)( [^>]*)?>")


def csp_nonce(response) -> str:
    match = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]+)'",
                      response.headers["Content-Security-Policy"])
    assert match, response.headers["Content-Security-Policy"]
    return match.group(1)


def test_map_page_loads_only_the_apps_own_assets(web_client):
    response = web_client.get("/map?area=32.04")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "://" not in html  # no CDN, no other host, not even in a comment
    assets = ASSET.findall(html)
    assert "/static/vendor/leaflet/leaflet.js" in assets
    assert any("leaflet.vectorgrid" in a for a in assets)
    assert not any(re.search(r"jquery|bootstrap|awesome|fontawesome", a) for a in assets)
    for url in assets:
        assert url.startswith("/static/")
        asset = web_client.get(url)
        assert asset.status_code == 200, url
        assert asset.mimetype in ("text/javascript", "application/javascript", "text/css",
                                  "image/svg+xml")


def test_every_inline_script_and_style_carries_the_requests_nonce(web_client):
    first = web_client.get("/map?area=32.04")
    nonce = csp_nonce(first)
    html = first.get_data(as_text=True)
    tags = INLINE.findall(html)
    inline = [attrs for tag, attrs in tags if "src=" not in attrs]
    assert inline and all(attrs == f' nonce="{nonce}"' for attrs in inline)
    assert "style=" not in html  # no inline style attributes (CSP forbids them)
    csp = first.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
                      "img-src 'self' data:;", "connect-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["Referrer-Policy"] == "same-origin"
    # A new nonce for every request.
    assert csp_nonce(web_client.get("/map?area=32.04")) != nonce


def test_headers_on_every_response(web_client):
    for url in ("/", "/api/layers/kecamatan.geojson", "/tiles/desa/1/0/0.pbf", "/nope"):
        response = web_client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "nonce-" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_map_page_config_lists_the_layers(web_client):
    html = web_client.get("/map?area=32.04.05").get_data(as_text=True)
    assert '"url": "/tiles/desa/{z}/{x}/{y}.pbf?area=32.04.05"' in html
    assert '"url": "/api/layers/kecamatan.geojson?area=32.04.05"' in html
    assert '"label_min_zoom": 13' in html
    assert "Cileunyi" in html
    # Data reaches the script escaped: no raw "<" can end the script element.
    script = html.split("geomap.start(", 1)[1].split("</script>", 1)[0]
    assert "<" not in script


def test_the_page_leaves_out_of_links_what_the_server_takes_as_default(web_client):
    """maplink.js omits a filter at its default from links and overlay requests, so its
    defaults must be the server's: the page hands them over from LINK_DEFAULTS."""
    html = web_client.get("/map?area=32.04.05").get_data(as_text=True)
    config = json.loads(html.split("window.geomapEarlyConfig = ", 1)[1].split(";\n", 1)[0])
    assert config["defaults"] == LINK_DEFAULTS
    assert "window.geomapEarlyConfig.defaults" in html  # maplink.js reads them there


def test_english_on_a_switch_kept_in_a_cookie(web_client):
    page = web_client.get("/map?area=32.04").get_data(as_text=True)
    assert '<html lang="id">' in page and '"lang.switch": "English"' in page
    assert '"lang": "/map?area=32.04\\u0026lang=en"' in page
    english = web_client.get("/map?area=32.04&lang=en")
    assert "geomap_lang=en" in english.headers["Set-Cookie"]
    html = english.get_data(as_text=True)
    assert '<html lang="en">' in html and "Kecamatan boundary" in html
    assert '<html lang="en">' in web_client.get("/").get_data(as_text=True)
    assert "Open the map" in web_client.get("/").get_data(as_text=True)
    web_client.get("/?lang=id")
    assert "Buka peta" in web_client.get("/").get_data(as_text=True)
    # An unknown language is ignored, not stored.
    response = web_client.get("/?lang=fr")
    assert "Set-Cookie" not in response.headers and '<html lang="id">' in response.get_data(
        as_text=True)


def test_landing_lists_the_loaded_areas(web_client):
    html = web_client.get("/").get_data(as_text=True)
    assert '<option value="32.04" selected' in html
    assert html.count("(Kecamatan, 32.04.") == 31
    assert "Jawa Barat" in html


def test_landing_without_boundaries_says_how_to_load_them(empty_db):
    from server.app import create_app

    app = create_app({"DATABASE_URL": empty_db.url, "TESTING": True})
    try:
        html = app.test_client().get("/").get_data(as_text=True)
        assert "geomap boundaries fetch 32.04" in html and "<select" not in html
        # The map of everything loaded still answers, with nothing to draw.
        assert app.test_client().get("/map?area=").status_code == 200
    finally:
        app.extensions["geomap.pool"].close()


@pytest.mark.parametrize(("query", "status"), [("area=abc", 400), ("area=32.04.05.2001", 400),
                                               ("area=32.99", 404)])
def test_bad_or_unknown_area(web_client, query, status):
    response = web_client.get(f"/map?{query}")
    assert response.status_code == status
    html = response.get_data(as_text=True)
    if status == 400:
        assert "Kode wilayah tidak sah" in html and "Invalid area code" in html
    else:
        assert "Wilayah belum dimuat" in html and "That area is not loaded" in html


def test_a_basemap_is_a_setting_and_its_origin_alone_is_allowed(web_client, monkeypatch):
    assert "tileLayer" not in web_client.get("/map?area=32.04").get_data(as_text=True)
    monkeypatch.setenv("GEOMAP_BASEMAP_URL", "https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    monkeypatch.setenv("GEOMAP_BASEMAP_ATTRIBUTION", "© contributors")
    response = web_client.get("/map?area=32.04")
    html = response.get_data(as_text=True)
    assert "L.tileLayer(" in html and "https://{s}.tiles.example.org/{z}/{x}/{y}.png" in html
    assert "img-src 'self' data: https://*.tiles.example.org;" in response.headers[
        "Content-Security-Policy"]
    assert ASSET.findall(html) == ASSET.findall(
        web_client.get("/map?area=32.04").get_data(as_text=True))


def test_a_folium_plugin_with_an_outside_asset_is_refused():
    figure = LocalFigure(title="t", lang="id", static_url=lambda p: "/static/" + p, nonce="n")
    fmap = folium.Map(tiles=None)
    fmap.default_js = fmap.default_css = []
    figure.add_child(fmap)
    Fullscreen().add_to(fmap)
    with pytest.raises(ExternalAsset, match="cdn"):
        figure.render()
