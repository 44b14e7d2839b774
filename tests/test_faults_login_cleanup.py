"""``geomap retention run`` clears old login records and nothing the logins still need.

Ended sessions (expired or logged out) and login attempts older than a month go; a live
session keeps working and the recent failures still hold the rate limit.
"""

from __future__ import annotations

from tests.auth_fixtures import log_in

OLD = "now() - interval '31 days'"
RECENT = "now() - interval '29 days'"


def _old_records(conn, user_id: int) -> None:
    """Records made long ago (the clock cannot be turned back through the web)."""
    conn.execute(f"""
        INSERT INTO login_attempt (username, address, success, at) VALUES
            ('old.name', '10.0.0.1', false, {OLD}), ('old.name', '10.0.0.1', true, {OLD}),
            ('recent.name', '10.0.0.2', false, {RECENT});
        INSERT INTO login_session (id_sha256, user_id, address, created_at, last_seen_at,
                                   expires_at, revoked_at) VALUES
            ('\\x01', {user_id}, '10.0.0.1', {OLD}, {OLD}, {OLD}, NULL),
            ('\\x02', {user_id}, '10.0.0.1', {OLD}, {OLD}, now() + interval '1 hour', {OLD}),
            ('\\x03', {user_id}, '10.0.0.2', {RECENT}, {RECENT}, {RECENT}, NULL)""")


def test_retention_run_clears_old_login_records_only(bandung_db, users, web_app, cli):
    planner, tksk = users["planner"], users["tksk"]
    with bandung_db.connect() as conn:
        _old_records(conn, planner.id)
    # Now: a live session, and one user locked out by five failures.
    live = web_app.test_client()
    assert log_in(live, planner).status_code == 302
    locked = web_app.test_client()
    for _ in range(5):
        assert log_in(locked, tksk, password="salah-sekali-lagi").status_code == 200
    assert log_in(locked, tksk).status_code == 429

    done = cli(bandung_db, "retention", "run")
    assert done.code == 0, done.stderr
    assert "2 sesi login berakhir / ended login sessions" in done.stdout
    assert "2 percobaan login lama / old login attempts" in done.stdout

    assert bandung_db.scalar("SELECT count(*) FROM login_attempt WHERE username = 'old.name'") == 0
    assert bandung_db.scalar("SELECT count(*) FROM login_attempt WHERE username = "
                             "'recent.name'") == 1
    assert bandung_db.scalar("SELECT array_agg(id_sha256 ORDER BY id_sha256) FROM login_session "
                             "WHERE address LIKE '10.%'") == [b"\x03"]
    assert live.get("/api/cases/counts").status_code == 200  # the live session goes on
    assert log_in(locked, tksk).status_code == 429  # and the limit still holds
    again = cli(bandung_db, "retention", "run")
    assert "0 sesi login berakhir" in again.stdout and "0 percobaan login lama" in again.stdout
