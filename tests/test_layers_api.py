"""The layer registry and ``/api/layers/<name>.geojson``: counts from PostGIS, the area
filter, labels, who may see a layer, and bilingual errors."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from shapely.geometry import shape

from layers import registry
from layers.registry import EVERYONE, Layer, Style, Text

KABUPATEN = "32.04"
CILEUNYI = "32.04.05"


def features(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/geo+json"
    body = response.get_json(force=True)
    assert body["type"] == "FeatureCollection"
    return body["features"]


def test_registry_finds_the_boundary_layers():
    found = registry.layers()
    assert {"kecamatan", "desa"} <= set(found)
    assert found["desa"].output == "mvt" and found["kecamatan"].output == "geojson"
    assert list(found).index("desa") < list(found).index("kecamatan")  # desa drawn below
    assert all(layer.visible_to(None) for layer in (found["desa"], found["kecamatan"]))
    with pytest.raises(registry.UnknownLayer):
        registry.get("no_such_layer")


def test_layer_roles_are_checked():
    only_admin = Layer(name="t", title=Text("t", "t"), sql="boundaries/kecamatan",
                       style=Style("#000", 1), legend=(), roles=frozenset({"admin"}))
    assert only_admin.visible_to("admin")
    assert not only_admin.visible_to("planner") and not only_admin.visible_to(None)
    with pytest.raises(ValueError, match="unknown roles"):
        replace(only_admin, roles=frozenset({"admin", "guest"}))


def test_kecamatan_geojson_counts_and_area_filter(web_client, bandung_db):
    found = features(web_client.get(f"/api/layers/kecamatan.geojson?area={KABUPATEN}"))
    assert len(found) == 31
    assert sorted(f["properties"]["code"] for f in found) == [r[0] for r in bandung_db.connect()
        .execute("SELECT code FROM region WHERE level = 'kecamatan' ORDER BY code").fetchall()]
    assert {f["geometry"]["type"] for f in found} <= {"Polygon", "MultiPolygon"}
    one = features(web_client.get(f"/api/layers/kecamatan.geojson?area={CILEUNYI}"))
    assert [f["properties"]["name"] for f in one] == ["Cileunyi"]
    # Everything loaded when no area is given; the area may be written without dots.
    assert len(features(web_client.get("/api/layers/kecamatan.geojson"))) == 31
    assert len(features(web_client.get("/api/layers/kecamatan.geojson?area=320405"))) == 1


def test_desa_geojson_is_every_desa_simplified_but_in_place(web_client, bandung_db):
    found = features(web_client.get(f"/api/layers/desa.geojson?area={KABUPATEN}"))
    assert len(found) == 280
    in_cileunyi = features(web_client.get(f"/api/layers/desa.geojson?area={CILEUNYI}"))
    assert len(in_cileunyi) == bandung_db.scalar(
        "SELECT count(*) FROM region WHERE parent_code = %s", (CILEUNYI,))
    assert {f["properties"]["kecamatan"] for f in in_cileunyi} == {"Cileunyi"}
    # Simplified for drawing, the area stays within 2% of the stored one.
    sizes = dict(bandung_db.connect().execute(
        "SELECT code, ST_Area(geom) FROM region WHERE level = 'desa'").fetchall())
    for feature in found[::20]:
        area = shape(feature["geometry"]).area
        assert area == pytest.approx(sizes[feature["properties"]["code"]], rel=0.02)


def test_labels_are_inside_their_desa(web_client, bandung_db):
    response = web_client.get(f"/api/layers/desa/labels.json?area={KABUPATEN}")
    assert response.status_code == 200
    labels = response.get_json()
    assert len(labels) == 280
    # Each label lies in a desa of its name (within the 1 m of rounding), even where the
    # source's own point lies outside its desa (Cileunyi Wetan's, by 150 m).
    outside = bandung_db.scalar(
        "SELECT count(*) FROM json_array_elements(%s::json) AS l(v)"
        " WHERE NOT EXISTS (SELECT 1 FROM region r WHERE r.level = 'desa'"
        "   AND r.name = l.v->>0 AND ST_DWithin(r.geom::geography,"
        "       ST_SetSRID(ST_MakePoint((l.v->>1)::float8, (l.v->>2)::float8), 4326)::geography,"
        "       1.5))", (json.dumps(labels),))
    assert outside == 0
    assert web_client.get("/api/layers/nope/labels.json").status_code == 404


@pytest.mark.parametrize("query", ["area=9", "area=32.04.05.2001", "area=abc", "area=32.4"])
def test_bad_area_is_400_in_both_languages(web_client, query):
    response = web_client.get(f"/api/layers/kecamatan.geojson?{query}")
    assert response.status_code == 400
    detail = response.get_json()["error"]["detail"]
    assert "Kode wilayah tidak sah" in detail and "Invalid area code" in detail


def test_unknown_layer_is_404(web_client):
    response = web_client.get("/api/layers/no_such_layer.geojson")
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["message_id"] == "Tidak ditemukan" and error["message_en"] == "Not found"


@pytest.fixture
def admin_only_layer(monkeypatch: pytest.MonkeyPatch) -> Layer:
    """A layer only admins may see (the kecamatan SQL), added to the registry for one test."""
    layer = replace(registry.get("kecamatan"), name="kecamatan_admin",
                    roles=frozenset({"admin"}))
    monkeypatch.setitem(registry.layers(), layer.name, layer)
    return layer


def test_a_layer_is_served_only_to_its_roles(web_client, login_as, users, admin_only_layer):
    url = f"/api/layers/{admin_only_layer.name}.geojson?area={KABUPATEN}"
    assert web_client.get(url).status_code == 401
    assert login_as(users["planner"]).get(url).status_code == 403
    admin = login_as(users["admin"])
    assert len(features(admin.get(url))) == 31
    # The map page lists it for the admin only.
    assert admin_only_layer.name not in web_client.get("/map?area=32.04").get_data(as_text=True)
    assert admin_only_layer.name in admin.get("/map?area=32.04").get_data(as_text=True)


def test_public_layers_may_be_cached(web_client):
    response = web_client.get("/api/layers/kecamatan.geojson?area=32.04")
    assert response.headers["Cache-Control"].startswith("public")
    assert json.loads(response.get_data())["type"] == "FeatureCollection"


def test_every_layer_is_public_or_names_known_roles():
    for layer in registry.layers().values():
        assert layer.roles <= EVERYONE
        assert layer.title("id") and layer.title("en")
