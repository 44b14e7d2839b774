"""geomap.audit.record: who, when, which records, why; in the caller's transaction."""

from __future__ import annotations

import pytest

from geomap import audit


def test_record_writes_who_when_which_and_why(bandung_db, users):
    with bandung_db.connect() as conn:
        row_id = audit.record(conn, users["tksk"].user, "personal.read", [7, 3, 7, 12],
                              "verifikasi lapangan / field check", {"endpoint": "/api/x"})
        row = conn.execute("SELECT user_id, username, action, record_ids, purpose, detail, "
                           "now() - at < interval '1 minute' FROM audit_log WHERE id = %s",
                           (row_id,)).fetchone()
    assert row == (users["tksk"].id, "tksk1", "personal.read", [3, 7, 12],
                   "verifikasi lapangan / field check", {"endpoint": "/api/x"}, True)


def test_record_by_the_system(bandung_db):
    with bandung_db.connect() as conn:
        audit.record(conn, None, "personal.purge", range(3), "retensi / retention")
    assert bandung_db.scalar("SELECT username || ':' || array_to_string(record_ids, ',') "
                             "FROM audit_log WHERE user_id IS NULL") == "system:0,1,2"


@pytest.mark.parametrize(("action", "reason"), [("personal.read", "  "), ("", "x"),
                                                ("a" * 101, "x")])
def test_record_needs_an_action_and_a_reason(bandung_db, users, action, reason):
    with bandung_db.connect() as conn, pytest.raises(ValueError):
        audit.record(conn, users["dinas"].user, action, [1], reason)
    assert bandung_db.scalar("SELECT count(*) FROM audit_log") == 0


def test_record_stands_or_falls_with_the_read(bandung_db, users):
    class Failed(Exception):
        pass

    with bandung_db.connect() as conn:
        with pytest.raises(Failed), conn.transaction():
            audit.record(conn, users["dinas"].user, "personal.export", [1, 2], "laporan")
            raise Failed
        assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0
        with conn.transaction():
            audit.record(conn, users["dinas"].user, "personal.export", [1, 2], "laporan")
    assert bandung_db.scalar("SELECT count(*) FROM audit_log") == 1


def test_audit_rows_outlive_their_user(bandung_db, users):
    with bandung_db.connect() as conn:
        audit.record(conn, users["planner"].user, "account.test", [], "uji / test")
        conn.execute("DELETE FROM app_user WHERE username = 'planner1'")
    assert bandung_db.scalar("SELECT username FROM audit_log WHERE user_id IS NULL") \
        == "planner1"
