"""Login, sessions, CSRF, redirects and API tokens, through HTTP on the real app."""

from __future__ import annotations

import pytest
from flask import Blueprint, jsonify

from server.auth import current_user, login_required, roles_required
from tests.auth_fixtures import bearer, csrf_from, log_in

probe = Blueprint("probe", __name__)


@probe.route("/api/probe/whoami", methods=["GET", "POST"])
@login_required
def whoami():
    user = current_user()
    return jsonify(id=user.id, username=user.username, role=user.role, area=user.area)


@probe.route("/probe/dinas-only")
@roles_required("dinas", "admin")
def dinas_only():
    return "ok"


@pytest.fixture
def app(web_app):
    """The app with two probe routes that use the decorators as other blueprints do."""
    web_app.register_blueprint(probe)
    return web_app


def test_login_page_is_bilingual_with_csrf(web_client):
    response = web_client.get("/login")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Masuk" in page and "Log in" in page
    assert csrf_from(page)
    assert response.headers["Cache-Control"] == "no-store"


def test_login_success_sets_secure_session_and_redirects(web_client, users):
    response = log_in(web_client, users["dinas"])
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_logged_in_client_is_the_user(app, login_as, users):
    client = login_as(users["tksk"])
    body = client.get("/api/probe/whoami").get_json()
    assert body == {"id": users["tksk"].id, "username": "tksk1", "role": "tksk",
                    "area": "32.04.05"}


@pytest.mark.parametrize("who", ["unknown", "wrong"])
def test_login_failure_same_message_for_unknown_user_and_wrong_password(web_client, users, who):
    if who == "unknown":
        response = web_client.post("/login", data={"csrf_token": web_client.csrf_token(),
                                                  "username": "nobody", "password": "x" * 12})
    else:
        response = log_in(web_client, users["dinas"], password="wrong-password!")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nama pengguna atau kata sandi salah" in page and "Wrong username or password" in page
    assert "nobody" not in page.replace('value="nobody"', "")  # only echoed in its own field


def test_disabled_user_cannot_log_in(web_client, users, bandung_db):
    bandung_db.scalar("UPDATE app_user SET disabled = true WHERE username = 'dinas1' "
                      "RETURNING id")
    assert log_in(web_client, users["dinas"]).status_code == 200


def test_login_without_csrf_is_refused(web_client, users):
    web_client.get("/login")
    response = web_client.post("/login", data={"username": "dinas1",
                                               "password": users["dinas"].password})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Token formulir" in page and "form token" in page
    assert web_client.get("/api/probe/whoami").status_code in (401, 404)


def test_api_post_without_csrf_refused_but_bearer_exempt(app, login_as, users, api_token):
    client = login_as(users["dinas"])
    assert client.post("/api/probe/whoami").status_code == 400  # session + no token
    basic = client.post("/api/probe/whoami", headers={"Authorization": "Basic Zm9vOmJhcg=="})
    assert basic.status_code == 400  # only a Bearer header lifts the CSRF check
    with_token = app.test_client().post("/api/probe/whoami",
                                        headers=bearer(api_token(users["dinas"])))
    assert with_token.status_code == 200
    assert with_token.get_json()["username"] == "dinas1"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "http:/evil.example",
    "javascript:alert(1)", "/%0d%0aLocation: https://evil.example",
])
def test_open_redirect_refused(web_client, users, target):
    response = log_in(web_client, users["dinas"], next=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/" or (location.startswith("/") and not location.startswith("//")
                               and "evil" not in location.split("?")[0].split("/")[1])


def test_local_next_is_followed(web_client, users):
    response = log_in(web_client, users["dinas"], next="/peta/kasus?kec=32.04.05")
    assert response.headers["Location"] == "/peta/kasus?kec=32.04.05"


def test_login_required_redirects_browser_and_401s_api(app, web_client):
    page = web_client.get("/probe/dinas-only")
    assert page.status_code == 302
    assert page.headers["Location"] == "/login?next=/probe/dinas-only"
    api = web_client.get("/api/probe/whoami")
    assert api.status_code == 401
    assert api.headers["WWW-Authenticate"].startswith("Bearer")
    assert api.get_json()["error"]["message_en"] == "Please log in first"


def test_roles_required_forbids_other_roles(app, login_as, users):
    assert login_as(users["dinas"]).get("/probe/dinas-only").status_code == 200
    assert login_as(users["admin"]).get("/probe/dinas-only").status_code == 200
    for role in ("planner", "tksk"):
        response = login_as(users[role]).get("/probe/dinas-only")
        assert response.status_code == 403
        assert "Anda tidak berhak" in response.get_data(as_text=True)


def test_session_rotated_at_login(app, web_client, users):
    web_client.get("/login")
    before = web_client.cookie()
    assert before is not None
    assert log_in(web_client, users["dinas"]).status_code == 302
    after = web_client.cookie()
    assert after != before
    assert web_client.get("/api/probe/whoami").status_code == 200
    # The cookie from before login (e.g. planted by an attacker) is not logged in.
    planted = app.test_client()
    planted.set_cookie("session", before, domain="localhost")
    assert planted.get("/api/probe/whoami").status_code == 401


def test_logout_ends_the_session_even_for_a_copied_cookie(app, login_as, users):
    client = login_as(users["dinas"])
    copy = app.test_client()
    copy.set_cookie("session", client.cookie(), domain="localhost")
    assert copy.get("/api/probe/whoami").status_code == 200
    response = client.post("/logout", data={"csrf_token": client.csrf_token()})
    assert response.status_code == 302
    assert client.get("/api/probe/whoami").status_code == 401
    assert copy.get("/api/probe/whoami").status_code == 401


def test_logout_needs_csrf(app, login_as, users):
    client = login_as(users["dinas"])
    assert client.post("/logout").status_code == 400
    assert client.get("/api/probe/whoami").status_code == 200


def test_token_auth_and_revocation(app, web_client, users, api_token, bandung_db):
    token = api_token(users["tksk"])
    response = web_client.get("/api/probe/whoami", headers=bearer(token))
    assert response.status_code == 200 and response.get_json()["username"] == "tksk1"
    assert "Set-Cookie" not in response.headers
    bandung_db.scalar("UPDATE api_token SET revoked_at = now() RETURNING id")
    assert web_client.get("/api/probe/whoami", headers=bearer(token)).status_code == 401


def test_disabled_users_token_and_session_fail(app, login_as, web_client, users, api_token,
                                               bandung_db):
    token = api_token(users["dinas"])
    client = login_as(users["dinas"])
    bandung_db.scalar("UPDATE app_user SET disabled = true WHERE username = 'dinas1' "
                      "RETURNING id")
    assert web_client.get("/api/probe/whoami", headers=bearer(token)).status_code == 401
    assert client.get("/api/probe/whoami").status_code == 401


@pytest.mark.parametrize("header", ["Bearer gm_not-a-real-token", "Bearer ", "Basic Zm9vOmJhcg=="])
def test_bad_authorization_header_is_401_even_with_a_session(app, login_as, users, header):
    client = login_as(users["dinas"])
    response = client.get("/api/probe/whoami", headers={"Authorization": header})
    assert response.status_code == 401


@pytest.mark.parametrize("change", [
    "last_seen_at = now() - interval '3 hours'",  # idle longer than AUTH_SESSION_IDLE
    "expires_at = now() - interval '1 second'",  # past AUTH_SESSION_LIFETIME
])
def test_idle_or_expired_session_ends(app, login_as, users, bandung_db, change):
    client = login_as(users["dinas"])
    assert client.get("/api/probe/whoami").status_code == 200
    bandung_db.scalar(f"UPDATE login_session SET {change} RETURNING 1")
    assert client.get("/api/probe/whoami").status_code == 401


def test_session_stores_only_a_hash_of_its_id(app, login_as, users, bandung_db, web_app):
    client = login_as(users["dinas"])
    serializer = web_app.session_interface.get_signing_serializer(web_app)
    session_id = serializer.loads(client.cookie())["sid"]
    assert bandung_db.scalar("SELECT count(*) FROM login_session WHERE id_sha256 = "
                             "sha256(convert_to(%s, 'UTF8'))", (session_id,)) == 1
    assert bandung_db.scalar("SELECT count(*) FROM login_session WHERE "
                             "position(convert_to(%s, 'UTF8') IN id_sha256) > 0",
                             (session_id,)) == 0
