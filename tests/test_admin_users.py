"""The admin page /admin/users through HTTP: who may see it, and each thing it does."""

from __future__ import annotations

import pytest

from tests.auth_fixtures import bearer, csrf_from, log_in


def _admin_page(client) -> tuple[str, str]:
    response = client.get("/admin/users")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return page, csrf_from(page)


@pytest.mark.parametrize("role", ["dinas", "planner", "tksk"])
def test_admin_page_forbidden_for_other_roles(login_as, users, role):
    client = login_as(users[role])
    response = client.get("/admin/users")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Anda tidak berhak" in page and "You may not access this" in page
    post = client.post("/admin/users", data={"csrf_token": client.csrf_token(),
                                             "username": "sneaky", "role": "admin",
                                             "password": "x" * 12, "confirm": "x" * 12})
    assert post.status_code == 403


def test_admin_page_forbidden_with_a_non_admin_token(web_client, users, api_token):
    response = web_client.get("/admin/users", headers=bearer(api_token(users["dinas"])))
    assert response.status_code == 403


def test_admin_page_needs_login(web_client):
    response = web_client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/admin/users"


def test_admin_lists_users_bilingually(login_as, users):
    page, _ = _admin_page(login_as(users["admin"]))
    for name in ("admin1", "dinas1", "planner1", "tksk1", "tksk2"):
        assert f'id="user-{name}"' in page
    assert "Pengguna" in page and "Users" in page
    assert "Cileunyi" in page  # area names come from the region table


def test_admin_adds_a_user_who_can_log_in(login_as, users, web_app, bandung_db):
    admin = login_as(users["admin"])
    _, token = _admin_page(admin)
    response = admin.post("/admin/users", data={
        "csrf_token": token, "username": "Tksk.Baru", "role": "tksk", "area": "320407",
        "password": "Kata-sandi-baru-1", "confirm": "Kata-sandi-baru-1"})
    assert response.status_code == 302
    assert bandung_db.scalar("SELECT area_code FROM app_user WHERE username = 'tksk.baru'") \
        == "32.04.07"
    assert bandung_db.scalar("SELECT username FROM audit_log WHERE action = 'account.create' "
                             "AND detail->>'username' = 'tksk.baru'") == "admin1"
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "Ditambahkan / added: tksk.baru" in page
    fresh = web_app.test_client()
    from geomap.accounts import User
    from tests.auth_fixtures import TestUser
    login = log_in(fresh, TestUser(User(0, "tksk.baru", "tksk", None), "Kata-sandi-baru-1"))
    assert login.status_code == 302


@pytest.mark.parametrize(("form", "message"), [
    ({"role": "tksk", "area": "32.04"}, "the area of role tksk must be"),
    ({"role": "dinas", "area": "32.99"}, "is not among the loaded boundaries"),
    ({"role": "dinas", "area": ""}, "role dinas needs an area"),
    ({"role": "planner", "area": "32.04.05"}, "the area of role planner must be"),
    ({"role": "dinas", "area": "32.04", "username": "dinas1"}, "already taken"),
    ({"role": "dinas", "area": "32.04", "password": "short", "confirm": "short"},
     "at least 10 characters"),
    ({"role": "dinas", "area": "32.04", "confirm": "something-else"}, "the passwords differ"),
])
def test_admin_add_user_rejections_are_bilingual(login_as, users, bandung_db, form, message):
    admin = login_as(users["admin"])
    _, token = _admin_page(admin)
    data = {"csrf_token": token, "username": "someone", "password": "Panjang-sekali-1",
            "confirm": "Panjang-sekali-1", **form}
    response = admin.post("/admin/users", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert "Panjang-sekali-1" not in page  # a password is never echoed back
    assert bandung_db.scalar("SELECT count(*) FROM app_user WHERE username = 'someone'") == 0


def test_admin_add_user_without_csrf_is_400(login_as, users, bandung_db):
    admin = login_as(users["admin"])
    response = admin.post("/admin/users", data={
        "username": "someone", "role": "dinas", "area": "32.04",
        "password": "Panjang-sekali-1", "confirm": "Panjang-sekali-1"})
    assert response.status_code == 400
    assert bandung_db.scalar("SELECT count(*) FROM app_user WHERE username = 'someone'") == 0


def test_admin_disables_and_enables(login_as, users, web_app):
    victim = login_as(users["dinas"])
    assert victim.get("/admin/users").status_code == 403  # logged in
    admin = login_as(users["admin"])
    _, token = _admin_page(admin)
    assert admin.post("/admin/users/dinas1/disable",
                      data={"csrf_token": token}).status_code == 302
    assert victim.get("/admin/users").status_code == 302  # session ended: back to login
    assert log_in(web_app.test_client(), users["dinas"]).status_code == 200
    assert admin.post("/admin/users/dinas1/enable",
                      data={"csrf_token": token}).status_code == 302
    assert log_in(web_app.test_client(), users["dinas"]).status_code == 302


def test_admin_cannot_disable_itself_or_unknown_users(login_as, users):
    admin = login_as(users["admin"])
    _, token = _admin_page(admin)
    assert admin.post("/admin/users/admin1/disable",
                      data={"csrf_token": token}).status_code == 400
    assert admin.get("/admin/users").status_code == 200
    assert admin.post("/admin/users/nobody/disable",
                      data={"csrf_token": token}).status_code == 404


def test_admin_resets_password(login_as, users, web_app, bandung_db):
    admin = login_as(users["admin"])
    _, token = _admin_page(admin)
    response = admin.post("/admin/users/tksk1/password",
                          data={"csrf_token": token, "password": "Sandi-yang-baru-2"})
    assert response.status_code == 302
    assert log_in(web_app.test_client(), users["tksk"]).status_code == 200
    assert log_in(web_app.test_client(), users["tksk"],
                  password="Sandi-yang-baru-2").status_code == 302
    assert bandung_db.scalar("SELECT count(*) FROM audit_log WHERE action = 'account.password'"
                             " AND detail::text LIKE '%Sandi-yang-baru%'") == 0


def test_admin_issues_token_shown_once_and_revokes_it(login_as, users, web_client, bandung_db):
    admin = login_as(users["admin"])
    _, token = _admin_page(admin)
    response = admin.post("/admin/users/tksk1/tokens",
                          data={"csrf_token": token, "name": "unggah / upload"})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    secret = page.split('id="token">')[1].split("<")[0]
    assert secret.startswith("gm_")
    assert secret not in admin.get("/admin/users").get_data(as_text=True)
    assert bandung_db.scalar("SELECT count(*) FROM api_token WHERE token_sha256 = "
                             "sha256(convert_to(%s, 'UTF8'))", (secret,)) == 1
    assert web_client.get("/admin/users", headers=bearer(secret)).status_code == 403  # tksk
    token_id = bandung_db.scalar("SELECT id FROM api_token")
    assert admin.post(f"/admin/tokens/{token_id}/revoke",
                      data={"csrf_token": token}).status_code == 302
    assert web_client.get("/admin/users", headers=bearer(secret)).status_code == 401
