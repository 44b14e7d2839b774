"""The pool of the web app: a connection the server dropped is replaced before use.

A terminated backend (what a PostgreSQL restart does to every connection) must not
cost the next visitor an error: the pool's check finds it dead and opens another.
"""

from __future__ import annotations

import psycopg

from tests.auth_fixtures import KABUPATEN


def _terminate_app_connections(db) -> int:
    with psycopg.connect(db.url, autocommit=True) as conn:
        return conn.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]


def test_the_next_request_after_the_server_dropped_the_connections_succeeds(
        web_client, bandung_db):
    url = f"/api/layers/kecamatan.geojson?area={KABUPATEN}"
    assert web_client.get(url).status_code == 200
    assert _terminate_app_connections(bandung_db) >= 1
    for _ in range(3):  # every pooled connection was dropped; none may reach a request
        assert web_client.get(url).status_code == 200


def test_a_live_connection_is_not_pinged(bandung_db):
    """The check costs no round trip on a healthy connection (tiles are ~2 ms of work)."""
    from server.db import check_alive

    with psycopg.connect(bandung_db.url, autocommit=True) as conn:
        conn.execute("SELECT 1")
        check_alive(conn)
        # A ping would be the backend's last statement (an empty query); it is not.
        with psycopg.connect(bandung_db.url, autocommit=True) as other:
            last = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s",
                                 (conn.info.backend_pid,)).fetchone()[0]
        assert last == "SELECT 1"
