"""``GET /api/map/resources.json``: the PSKS resources of the Resources overlay, over HTTP.

Every logged-in role sees the resources of its own area (a tksk: its kecamatan; another
kecamatan is 404), visitors get 401; contacts only for dinas and admin, a TKSK's name
not for a planner; ``psks`` filters by category, an unknown one is a bilingual 400.
"""

from __future__ import annotations

from tests.auth_fixtures import KECAMATAN, OTHER_KECAMATAN
from tests.overlay_fixtures import assert_bilingual_400, demo, overlay

__all__ = ["demo"]

ACTIVE = ("SELECT r.id, r.category_code, coalesce(r.service_radius_km, cr.radius_km), r.name,"
          " r.contact, ST_Y(r.geom), ST_X(r.geom) FROM psks_resource r"
          " JOIN psks_category_radius cr ON cr.code = r.category_code"
          " WHERE r.active AND starts_with(r.desa_code, %s) ORDER BY r.id")


def active(db, prefix: str = "32.04.") -> list[tuple]:
    with db.connect() as conn:
        return conn.execute(ACTIVE, (prefix,)).fetchall()


def test_visitors_are_refused(demo, web_client):
    body = overlay(web_client, "resources", 401, area="32.04")
    assert body["error"]["message_en"] == "Please log in first"


def test_dinas_gets_every_active_resource_with_contacts(demo, users, login_as):
    expected = active(demo)
    with demo.connect() as conn:
        conn.execute("UPDATE psks_resource SET active = false WHERE id = %s", (expected[0][0],))
    expected = expected[1:]
    body = overlay(login_as(users["dinas"]), "resources", area="32.04")
    got = body["resources"]
    assert body["count"] == len(got) == len(expected)
    assert [r["id"] for r in got] == [e[0] for e in expected]
    for row, (_id, category, radius, name, contact, lat, lon) in zip(got, expected, strict=True):
        assert row["category"] == category and row["name"] == name
        assert row["radius_km"] == radius  # None: a TKSK, serving its kecamatan
        assert row["contact"] == contact
        assert abs(row["lat"] - lat) < 1e-6 and abs(row["lon"] - lon) < 1e-6
        assert row["kecamatan"] == row["desa"][:8]
    # Each category's count in the legend is what the database holds.
    counts = {c["code"]: c["count"] for c in body["categories"]}
    assert len(counts) == 12
    for code, n in counts.items():
        assert n == sum(1 for e in expected if e[1] == code)
    assert {e["marker"] for e in body["legend"]["entries"]} == set(counts)


def test_planner_gets_no_contact_and_no_tksk_name(demo, users, login_as):
    body = overlay(login_as(users["planner"]), "resources", area="32.04")
    assert body["count"] == len(active(demo))
    assert all("contact" not in r for r in body["resources"])
    tksk = [r for r in body["resources"] if r["category"] == "TKSK"]
    assert tksk and all(r["name"] is None for r in tksk)
    assert all(r["name"] for r in body["resources"] if r["category"] != "TKSK")
    with demo.connect() as conn:
        contacts = [c for (c,) in conn.execute(
            "SELECT contact FROM psks_resource WHERE contact IS NOT NULL").fetchall()]
    assert contacts
    raw = login_as(users["planner"]).get("/api/map/resources.json?area=32.04").get_data(
        as_text=True)
    assert not any(c in raw for c in contacts)


def test_tksk_sees_only_its_kecamatan(demo, users, login_as):
    client = login_as(users["tksk"])
    body = overlay(client, "resources", area="32.04")  # narrowed to its kecamatan
    assert body["area"] == KECAMATAN
    assert {r["kecamatan"] for r in body["resources"]} == {KECAMATAN}
    assert body["count"] == len(active(demo, KECAMATAN + "."))
    assert all("contact" not in r for r in body["resources"])
    overlay(client, "resources", 404, area=OTHER_KECAMATAN)


def test_psks_filter(demo, users, login_as):
    client = login_as(users["admin"])
    body = overlay(client, "resources", area="32.04", psks="LKS,tksk")
    assert body["psks"] == ["LKS", "TKSK"]
    expected = [e for e in active(demo) if e[1] in ("LKS", "TKSK")]
    assert [r["id"] for r in body["resources"]] == [e[0] for e in expected]
    assert [e["marker"] for e in body["legend"]["entries"]] == ["LKS", "TKSK"]
    # A name works as well as a code; "all" is every category.
    named = overlay(client, "resources", area="32.04", psks="Lembaga Kesejahteraan Sosial")
    assert {r["category"] for r in named["resources"]} == {"LKS"}
    assert overlay(client, "resources", area="32.04", psks="all")["count"] == len(active(demo))
    # Texts in the page's language.
    english = overlay(client, "resources", area="32.04", psks="LKS", lang="en")
    assert english["legend"]["title"] == "PSKS resources"
    assert english["texts"]["show_radius"] == "Show service radius"
    assert english["categories"][3]["name"] == "Social welfare institution"
    # (the choice is kept in a cookie, so back to Bahasa Indonesia by asking)
    back = overlay(client, "resources", area="32.04", psks="LKS", lang="id")
    assert back["texts"]["show_radius"] == "Tampilkan radius layanan"


def test_bad_parameters_are_bilingual_400(demo, users, login_as):
    client = login_as(users["dinas"])
    assert_bilingual_400(overlay(client, "resources", 400, area="32.04", psks="LKS,NOPE"),
                         "PSKS", "NOPE")
    assert_bilingual_400(overlay(client, "resources", 400, area="32.x"))
