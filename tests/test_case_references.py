"""A case's references (category, desa, upload, creator), checked per statement (0100).

They replaced per-row foreign keys; these tests hold them to the same guarantees:
a missing key is refused, a named category or desa cannot be removed, an upload's or
user's removal leaves the cases with NULL, and a removal racing a write of cases never
leaves a case naming a row that is gone (in either order).
"""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from psycopg import errors

from tests.ingest_fixtures import KECAMATAN, points_in

INSERT = ("INSERT INTO pmks_case (category_code, geom, desa_code, recorded_on, fingerprint, "
          "upload_id, created_by) SELECT %(cat)s, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), "
          "4326), %(desa)s, current_date, gen_random_bytes(32), %(upload)s, %(user)s")


def _insert(conn: psycopg.Connection, db, **given) -> str:
    """The INSERT of one case in the kecamatan, as a statement with its values in it."""
    lon, lat = points_in(db, KECAMATAN, 1)[0]
    desa = conn.execute("SELECT min(code) FROM region WHERE level = 'desa' AND code LIKE %s",
                        (KECAMATAN + ".%",)).fetchone()[0]
    values = {"cat": "PD", "lon": lon, "lat": lat, "desa": desa, "upload": None,
              "user": None, **given}
    return psycopg.ClientCursor(conn).mogrify(INSERT, values)


def _case(conn: psycopg.Connection, db, **given) -> None:
    conn.execute(_insert(conn, db, **given))


@pytest.fixture
def db(bandung_db):
    with bandung_db.connect() as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
        conn.execute("INSERT INTO pmks_category (code, no, name_id, name_en) "
                     "VALUES ('ZZ', 999, 'Uji', 'Test')")
    return bandung_db


def test_missing_keys_are_refused(db):
    with db.connect() as conn:
        for given in ({"cat": "NOPE"}, {"desa": "32.04.99.9999"}, {"upload": 987654},
                      {"user": 987654}):
            with pytest.raises(errors.ForeignKeyViolation):
                _case(conn, db, **given)
        _case(conn, db)
        with pytest.raises(errors.ForeignKeyViolation, match="desa_code"):
            conn.execute("UPDATE pmks_case SET desa_code = '32.04.99.9999'")
        assert conn.execute("SELECT count(*) FROM pmks_case").fetchone()[0] == 1


def test_removing_what_a_case_names(db, users):
    user = users["tksk"].user
    with db.connect() as conn:
        upload = conn.execute("INSERT INTO case_upload (user_id, filename, format, sha256) "
                              "VALUES (%s, 'x.csv', 'csv', '') RETURNING id",
                              (user.id,)).fetchone()[0]
        _case(conn, db, cat="ZZ", upload=upload, user=user.id)
        with pytest.raises(errors.ForeignKeyViolation, match=r"pmks_case\.category_code"):
            conn.execute("DELETE FROM pmks_category WHERE code = 'ZZ'")
        with pytest.raises(errors.ForeignKeyViolation, match=r"pmks_case\.category_code"):
            conn.execute("UPDATE pmks_category SET code = 'ZY' WHERE code = 'ZZ'")
        with pytest.raises(errors.ForeignKeyViolation, match=r"pmks_case\.desa_code"):
            conn.execute("DELETE FROM region WHERE code = (SELECT desa_code FROM pmks_case)")
        conn.execute("UPDATE pmks_category SET name_en = 'Test 2' WHERE code = 'ZZ'")  # no key
        with pytest.raises(errors.ObjectNotInPrerequisiteState, match="READ COMMITTED"), \
                conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            conn.execute("DELETE FROM pmks_category WHERE code = 'ZZ'")
        conn.execute("DELETE FROM case_upload WHERE id = %s", (upload,))
        conn.execute("DELETE FROM app_user WHERE id = %s", (user.id,))
        assert conn.execute("SELECT upload_id, created_by, category_code FROM pmks_case"
                            ).fetchone() == (None, None, "ZZ")
        with pytest.raises(errors.ForeignKeyViolation):
            conn.execute("TRUNCATE pmks_category")
        conn.execute("TRUNCATE pmks_case, case_person")
        conn.execute("DELETE FROM pmks_category WHERE code = 'ZZ'")  # nothing names it now


def _race(db, first: str, second: str) -> tuple[BaseException | None, BaseException | None]:
    """Run ``first`` in a transaction left open, start ``second`` (it must wait for the
    first's lock), commit the first: what each raised."""
    outcome: dict[str, BaseException | None] = {}
    a, b = db.connect(), db.connect()
    try:
        a.autocommit = False
        a.execute(first)
        started = threading.Event()

        def run() -> None:
            started.set()
            try:
                b.execute(second)
                outcome["second"] = None
            except psycopg.Error as exc:
                outcome["second"] = exc

        thread = threading.Thread(target=run)
        thread.start()
        started.wait()
        time.sleep(0.5)
        assert thread.is_alive(), "the second statement did not wait for the first"
        try:
            a.commit()
            outcome["first"] = None
        except psycopg.Error as exc:
            outcome["first"] = exc
        thread.join(10)
        return outcome["first"], outcome["second"]
    finally:
        a.close()
        b.close()


def test_write_then_removal_race(db):
    """Cases first (the key locked until they commit), then the category's removal."""
    with db.connect() as conn:
        insert = _insert(conn, db, cat="ZZ")
    first, second = _race(db, insert, "DELETE FROM pmks_category WHERE code = 'ZZ'")
    assert first is None
    assert isinstance(second, errors.ForeignKeyViolation)
    assert db.scalar("SELECT count(*) FROM pmks_case WHERE category_code = 'ZZ'") == 1


def test_removal_then_write_race(db):
    """The category's removal first (uncommitted), then cases naming it: refused."""
    with db.connect() as conn:
        insert = _insert(conn, db, cat="ZZ")
    first, second = _race(db, "DELETE FROM pmks_category WHERE code = 'ZZ'", insert)
    assert first is None
    assert isinstance(second, errors.ForeignKeyViolation)
    assert db.scalar("SELECT count(*) FROM pmks_case WHERE category_code = 'ZZ'") == 0
