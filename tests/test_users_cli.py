"""``geomap users`` through the real command (a subprocess against the test database)."""

from __future__ import annotations

import json
import subprocess
import sys

from geomap.config import PROJECT_ROOT
from tests.auth_fixtures import TEST_ARGON2, bearer

PASSWORD = "Rahasia-Sekali-42"


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {"GEOMAP_ARGON2": TEST_ARGON2, **(extra or {})}


def add(cli, db, username: str, role: str, area: str | None, password: str = PASSWORD):
    args = ["users", "add", username, "--role", role, "--password-stdin"]
    if area is not None:
        args += ["--area", area]
    return cli(db, *args, input=password + "\n", env=_env())


def test_add_and_list(cli, bandung_db):
    done = add(cli, bandung_db, "tksk.cileunyi", "tksk", "32.04.05")
    assert done.code == 0, done.stderr
    assert "tksk.cileunyi" in done.stdout
    assert add(cli, bandung_db, "dinas.bandung", "dinas", "3204").code == 0
    assert add(cli, bandung_db, "root", "admin", None).code == 0
    listed = cli(bandung_db, "users", "list", "--json")
    assert listed.code == 0, listed.stderr
    rows = {r["username"]: r for r in json.loads(listed.stdout)}
    assert rows["tksk.cileunyi"]["area_code"] == "32.04.05"
    assert rows["tksk.cileunyi"]["area_name"] == "Cileunyi"
    assert rows["dinas.bandung"]["area_code"] == "32.04"
    assert rows["root"]["area_code"] is None and rows["root"]["role"] == "admin"
    table = cli(bandung_db, "users", "list")
    assert table.code == 0 and "Cileunyi" in table.stdout
    hashed = bandung_db.scalar("SELECT password_hash FROM app_user WHERE username = 'root'")
    assert hashed.startswith("$argon2id$")
    assert bandung_db.scalar("SELECT count(*) FROM audit_log WHERE action = 'account.create'"
                             " AND username = 'system' AND detail->>'via' = 'cli'") == 3


def test_add_rejections_are_bilingual(cli, bandung_db):
    cases = [
        (("bad", "tksk", "32.04"), "the area of role tksk must be"),
        (("bad", "dinas", "32.04.05"), "the area of role dinas must be"),
        (("bad", "planner", "32.04.05"), "the area of role planner must be"),
        (("bad", "dinas", "33.01"), "is not among the loaded boundaries"),
        (("bad", "dinas", "32.4"), "invalid region code"),
        (("bad", "dinas", None), "role dinas needs an area"),
        (("Bad Name!", "dinas", "32.04"), "a username has 3-64 characters"),
        (("bad", "boss", "32.04"), "peran tidak dikenal / unknown role: 'boss'"),
    ]
    for (username, role, area), message in cases:
        done = add(cli, bandung_db, username, role, area)
        assert done.code == 1, (username, role, area)
        assert message in done.stderr, done.stderr
        assert "Galat / Error" in done.stderr
        assert "Traceback" not in done.stderr
    short = add(cli, bandung_db, "okname", "dinas", "32.04", password="pendek")
    assert short.code == 1 and "kata sandi minimal 10 karakter" in short.stderr
    assert add(cli, bandung_db, "okname", "dinas", "32.04").code == 0
    again = add(cli, bandung_db, "okname", "dinas", "32.04")
    assert again.code == 1 and "already taken" in again.stderr
    assert bandung_db.scalar("SELECT count(*) FROM app_user") == 1


def _prompted(db, *args: str, input: str) -> subprocess.CompletedProcess:
    """Run the command with no controlling terminal, so the hidden prompt reads stdin."""
    return subprocess.run([sys.executable, "-m", "geomap", *args], input=input,
                          capture_output=True, text=True, env={**db.env, **_env()},
                          cwd=PROJECT_ROOT, timeout=300, start_new_session=True)


def test_add_prompts_twice_for_the_password(bandung_db):
    done = _prompted(bandung_db, "users", "add", "planner1", "--role", "planner", "--area",
                     "32.04", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert done.returncode == 0, done.stderr
    assert "Ulangi kata sandi / repeat the password" in done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    mismatch = _prompted(bandung_db, "users", "add", "planner2", "--role", "planner",
                         "--area", "32.04", input=f"{PASSWORD}\nsomething-else\n")
    assert mismatch.returncode != 0
    assert bandung_db.scalar("SELECT count(*) FROM app_user WHERE username = 'planner2'") == 0


def test_disable_set_password_and_login(cli, bandung_db, web_app):
    from tests.auth_fixtures import TestUser, log_in

    assert add(cli, bandung_db, "dinas1", "dinas", "32.04").code == 0
    person = TestUser(bandung_db_user(bandung_db, "dinas1"), PASSWORD)
    assert log_in(web_app.test_client(), person).status_code == 302

    changed = cli(bandung_db, "users", "set-password", "dinas1", "--password-stdin",
                  input="Sandi-Baru-Sekali-7\n", env=_env())
    assert changed.code == 0, changed.stderr
    assert log_in(web_app.test_client(), person).status_code == 200
    assert log_in(web_app.test_client(), person, "Sandi-Baru-Sekali-7").status_code == 302

    disabled = cli(bandung_db, "users", "disable", "dinas1")
    assert disabled.code == 0 and "disabled" in disabled.stdout
    assert log_in(web_app.test_client(), person, "Sandi-Baru-Sekali-7").status_code == 200
    assert json.loads(cli(bandung_db, "users", "list", "--json").stdout)[0]["disabled"]

    missing = cli(bandung_db, "users", "disable", "nobody")
    assert missing.code == 1 and "no such user" in missing.stderr
    missing = cli(bandung_db, "users", "set-password", "nobody", "--password-stdin",
                  input="Sandi-Baru-Sekali-7\n")
    assert missing.code == 1 and "no such user" in missing.stderr


def bandung_db_user(db, username: str):
    from geomap.accounts import User

    with db.connect() as conn:
        row = conn.execute("SELECT id, username, role, area_code FROM app_user "
                           "WHERE username = %s", (username,)).fetchone()
    return User(*row)


def test_token_printed_once_stored_as_hash_and_works(cli, bandung_db, web_app):
    assert add(cli, bandung_db, "tksk1", "tksk", "32.04.05").code == 0
    made = cli(bandung_db, "users", "token", "tksk1", "--name", "skrip unggah")
    assert made.code == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("gm_") and "\n" not in token
    assert "will not be shown again" in made.stderr
    stored = bandung_db.scalar("SELECT encode(token_sha256, 'hex') FROM api_token")
    assert token not in stored
    assert bandung_db.scalar("SELECT count(*) FROM api_token WHERE token_sha256 = "
                             "sha256(convert_to(%s, 'UTF8'))", (token,)) == 1
    assert bandung_db.scalar("SELECT name FROM api_token") == "skrip unggah"

    client = web_app.test_client()
    assert client.get("/admin/users", headers=bearer(token)).status_code == 403  # known, tksk
    listed = json.loads(cli(bandung_db, "users", "tokens", "tksk1", "--json").stdout)
    assert [t["name"] for t in listed] == ["skrip unggah"]
    assert token not in cli(bandung_db, "users", "tokens").stdout

    revoked = cli(bandung_db, "users", "revoke-token", str(listed[0]["id"]))
    assert revoked.code == 0, revoked.stderr
    assert client.get("/admin/users", headers=bearer(token)).status_code == 401
    assert cli(bandung_db, "users", "token", "nobody").code == 1


def test_disabled_users_token_fails(cli, bandung_db, web_app):
    assert add(cli, bandung_db, "admin1", "admin", "32.04").code == 0
    token = cli(bandung_db, "users", "token", "admin1").stdout.strip()
    client = web_app.test_client()
    assert client.get("/admin/users", headers=bearer(token)).status_code == 200
    assert cli(bandung_db, "users", "disable", "admin1").code == 0
    assert client.get("/admin/users", headers=bearer(token)).status_code == 401
    assert cli(bandung_db, "users", "enable", "admin1").code == 0
    assert client.get("/admin/users", headers=bearer(token)).status_code == 200


def test_password_never_printed_or_stored_in_clear(cli, bandung_db):
    secret = "Jangan-Dicetak-Sandi-99"
    outputs = []
    for args in (["users", "add", "planner9", "--role", "planner", "--area", "32.04",
                  "--password-stdin"],
                 ["users", "set-password", "planner9", "--password-stdin"]):
        done = cli(bandung_db, *args, input=secret + "\n", env=_env())
        assert done.code == 0, done.stderr
        outputs += [done.stdout, done.stderr]
    outputs.append(cli(bandung_db, "users", "list", "--json").stdout)
    assert all(secret not in text for text in outputs)
    for table in ("app_user", "audit_log", "login_attempt"):
        dump = bandung_db.scalar(f"SELECT coalesce(string_agg(t::text, ' '), '') FROM {table} t")
        assert secret not in dump, table
