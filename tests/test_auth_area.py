"""The area rule in the database: geomap_in_area and area_filter select the same rows."""

from __future__ import annotations

import pytest
from psycopg import sql

from geomap import area
from geomap.accounts import User


def _codes_sql_function(db, user: User) -> set[str]:
    with db.connect() as conn:
        rows = conn.execute("SELECT code FROM region WHERE geomap_in_area(code, %(area)s)",
                            {"area": area.area_param(user)}).fetchall()
    return {r[0] for r in rows}


def _codes_fragment(db, user: User) -> set[str]:
    query = sql.SQL("SELECT r.code FROM region r WHERE {}").format(
        area.area_filter(user, "r.code"))
    with db.connect() as conn:
        return {r[0] for r in conn.execute(query).fetchall()}


@pytest.mark.parametrize(("role", "code", "expected"), [
    ("tksk", "32.04.05", "tksk"), ("dinas", "32.04", "kab"), ("planner", "32", "all"),
    ("admin", None, "all"), ("admin", "32.04.05", "all"),
])
def test_area_rule_in_sql(bandung_db, role, code, expected):
    with bandung_db.connect() as conn:
        every = {r[0] for r in conn.execute("SELECT code FROM region").fetchall()}
    want = {
        "tksk": {c for c in every if c == "32.04.05" or c.startswith("32.04.05.")},
        "kab": {c for c in every if c.startswith("32.04")},
        "all": every,
    }[expected]
    user = User(1, "u", role, code)
    got = _codes_sql_function(bandung_db, user)
    assert got == want
    assert _codes_fragment(bandung_db, user) == want
    if expected == "tksk":
        assert len(got) > 5 and "32.04.06" not in got and "32.04" not in got


def test_null_area_matches_nothing(bandung_db):
    assert bandung_db.scalar("SELECT count(*) FROM region WHERE geomap_in_area(code, NULL)") \
        == 0
    assert bandung_db.scalar("SELECT geomap_in_area('32.04.051', '32.04.05')") is False


def test_non_admin_without_area_refused():
    with pytest.raises(PermissionError):
        area.area_param(User(1, "x", "dinas", None))


def test_python_checks_match():
    tksk = User(1, "t", "tksk", "32.04.05")
    planner = User(2, "p", "planner", "32.04")
    dinas = User(3, "d", "dinas", "32.04")
    assert area.in_area(tksk, "32.04.05.2001") and not area.in_area(tksk, "32.04.06.2001")
    assert area.can_read_personal(tksk, "32.04.05")
    assert not area.can_read_personal(tksk, "32.04.06")
    assert area.can_read_personal(dinas, "32.04.06")
    assert not area.can_read_personal(planner, "32.04.05")
    assert str(area.personal_filter(planner, "c.kecamatan_code")._obj) == "FALSE"


def test_an_admin_may_have_no_area_but_others_must(bandung_db):
    import psycopg

    with bandung_db.connect() as conn:
        conn.execute("INSERT INTO app_user (username, role) VALUES ('root', 'admin')")
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("INSERT INTO app_user (username, role) VALUES ('dinas.x', 'dinas')")
