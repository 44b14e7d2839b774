"""Login rate limits, no user enumeration, password rehashing and what gets logged."""

from __future__ import annotations

import logging
import statistics
import time

import pytest

from geomap.accounts import DEFAULT_ARGON2
from geomap.logins import Limits
from tests.auth_fixtures import TestUser, log_in


def _fail(client, user: TestUser, times: int, address: str | None = None) -> list[int]:
    if address:
        client.environ_base["REMOTE_ADDR"] = address
    codes = []
    for _ in range(times):
        response = log_in(client, user, password="not-the-password")
        if response.status_code == 200:
            assert "Wrong username or password" in response.get_data(as_text=True)
        codes.append(response.status_code)
    return codes


def test_five_failures_per_username_then_429_with_retry_after(web_app, web_client, users):
    assert _fail(web_client, users["dinas"], 5) == [200] * 5
    response = log_in(web_client, users["dinas"])  # even the right password now waits
    assert response.status_code == 429
    retry = int(response.headers["Retry-After"])
    assert 800 < retry <= 900
    page = response.get_data(as_text=True)
    assert "Terlalu banyak percobaan" in page and "Too many attempts" in page
    assert "menit" in page and "minutes" in page
    # Another address is still limited for this username (the limit is per username) ...
    other = web_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    assert log_in(other, users["dinas"]).status_code == 429
    # ... but not for another user.
    assert log_in(web_client, users["planner"]).status_code == 302


def test_limit_applies_to_unknown_usernames_too(web_client):
    ghost = TestUser.__new__(TestUser)
    object.__setattr__(ghost, "user", type("U", (), {"username": "ghost"})())
    object.__setattr__(ghost, "password", "whatever-123")
    assert _fail(web_client, ghost, 5) == [200] * 5
    assert log_in(web_client, ghost).status_code == 429


def test_limit_per_address(web_app, users, make_user):
    client = web_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    victims = [make_user("planner") for _ in range(5)]
    codes = [code for victim in victims for code in _fail(client, victim, 4)]
    assert codes == [200] * 20  # 4 per username: under that limit, 20 from this address
    assert log_in(client, users["dinas"]).status_code == 429
    elsewhere = web_app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.8"
    assert log_in(elsewhere, users["dinas"]).status_code == 302


def test_limit_ends_when_failures_leave_the_window(web_client, users, bandung_db):
    _fail(web_client, users["dinas"], 5)
    assert log_in(web_client, users["dinas"]).status_code == 429
    bandung_db.scalar("UPDATE login_attempt SET at = at - interval '16 minutes' RETURNING 1")
    assert log_in(web_client, users["dinas"]).status_code == 302


def test_success_resets_the_username_count(web_client, users):
    assert _fail(web_client, users["dinas"], 4) == [200] * 4
    assert log_in(web_client, users["dinas"]).status_code == 302
    assert _fail(web_client, users["dinas"], 4) == [200] * 4
    assert log_in(web_client, users["dinas"]).status_code == 302


def test_unknown_user_and_wrong_password_take_similar_time(web_app, make_user, monkeypatch):
    """With production argon2 cost, the dummy hash makes both failures cost the same."""
    monkeypatch.setenv("GEOMAP_ARGON2", DEFAULT_ARGON2)
    web_app.config["AUTH_LOGIN_LIMITS"] = Limits(per_user=100, per_address=100)
    real = make_user("dinas")
    ghost = TestUser(real.user.__class__(0, "no.such.user", "dinas", "32.04"), "x" * 12)
    client = web_app.test_client()

    def timed(user: TestUser) -> float:
        token = client.csrf_token()
        start = time.perf_counter()
        response = client.post("/login", data={"csrf_token": token, "username": user.username,
                                               "password": "wrong-password-123"})
        elapsed = time.perf_counter() - start
        assert response.status_code == 200
        return elapsed

    timed(ghost), timed(real)  # warm up: the dummy hash is made once
    # Interleaved, so that load from other processes falls on both alike.
    pairs = [(timed(ghost), timed(real)) for _ in range(5)]
    unknown = statistics.median(p[0] for p in pairs)
    wrong = statistics.median(p[1] for p in pairs)
    print(f"login failure median: unknown user {unknown * 1000:.0f} ms, "
          f"wrong password {wrong * 1000:.0f} ms")
    # Skipping the hash for an unknown user would make the ratio about 0.01.
    assert 0.5 < unknown / wrong < 2.0


def test_hash_upgraded_at_login_when_parameters_change(web_client, users, bandung_db,
                                                      monkeypatch):
    before = bandung_db.scalar("SELECT password_hash FROM app_user WHERE username = 'dinas1'")
    assert "m=8192,t=1,p=1" in before
    monkeypatch.setenv("GEOMAP_ARGON2", "m=16384,t=2,p=1")
    assert log_in(web_client, users["dinas"]).status_code == 302
    after = bandung_db.scalar("SELECT password_hash FROM app_user WHERE username = 'dinas1'")
    assert after != before and "m=16384,t=2,p=1" in after
    web_client.post("/logout", data={"csrf_token": web_client.csrf_token()})
    assert log_in(web_client, users["dinas"]).status_code == 302  # the new hash works


@pytest.mark.parametrize("outcome", ["success", "failure"])
def test_password_never_logged_or_stored(web_app, web_client, users, bandung_db, caplog,
                                         outcome):
    caplog.set_level(logging.DEBUG)
    password = users["tksk"].password if outcome == "success" else "Salah-Sandi-Unik-77"
    response = log_in(web_client, users["tksk"], password=password)
    assert response.status_code == (302 if outcome == "success" else 200)
    assert password not in caplog.text
    assert password not in response.get_data(as_text=True)
    for table in ("login_attempt", "login_session", "audit_log", "app_user"):
        dump = bandung_db.scalar(f"SELECT coalesce(string_agg(t::text, ' '), '') FROM {table} t")
        assert password not in dump, table
