"""Accounts: who may use geomap, in which role, over which area, and how they prove it.

Four roles (``admin``, ``dinas``, ``planner``, ``tksk``), each with an area given as a
Kemendagri code that must be a loaded region of a level fitting the role (an admin may
have none); what an area lets a user see is decided in :mod:`geomap.area`.

Passwords are hashed with argon2id. Its cost is a setting, ``GEOMAP_ARGON2`` (written
like the hash itself, ``m=65536,t=3,p=4``: memory in KiB, passes, lanes), because the
right cost depends on the machine; a hash made with other parameters is replaced at
the next successful login. API tokens for scripts are random, shown once, and only
their SHA-256 is stored: a copy of the database cannot be used to log in.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from psycopg.rows import class_row

from geomap import codes
from geomap.codes import Level
from geomap.sql import sql

ROLES: tuple[str, ...] = ("admin", "dinas", "planner", "tksk")

# The levels an area may have, per role. An admin sees everything whatever its area
# (the area is only where its maps open, and it may have none); a dinas or planner works
# for a kabupaten/kota office (or a province's); a tksk serves exactly one kecamatan.
AREA_LEVELS: dict[str, tuple[Level, ...]] = {
    "admin": ("province", "kabupaten", "kecamatan", "desa"),
    "dinas": ("province", "kabupaten"),
    "planner": ("province", "kabupaten"),
    "tksk": ("kecamatan",),
}

MIN_PASSWORD_LENGTH = 10
# argon2 accepts any length; a cap keeps a megabyte "password" from being a cheap attack.
MAX_PASSWORD_LENGTH = 1024
DEFAULT_ARGON2 = "m=65536,t=3,p=4"  # argon2-cffi's default, RFC 9106's low-memory choice
TOKEN_PREFIX = "gm_"

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,63}$")  # as app_user's CHECK
_LEVEL_NAMES = {"province": "provinsi / province", "kabupaten": "kabupaten/kota",
                "kecamatan": "kecamatan", "desa": "desa/kelurahan"}


class AccountError(ValueError):
    """A request about an account that cannot be done; the message is bilingual and safe."""


@dataclass(frozen=True)
class User:
    """An enabled user, as the rest of geomap sees the caller.

    ``area`` is a Kemendagri code, or None for an admin without one.
    """

    id: int
    username: str
    role: str
    area: str | None


@dataclass(frozen=True)
class Account:
    """A user as an administrator sees it, enabled or not."""

    id: int
    username: str
    role: str
    area_code: str | None
    area_name: str | None
    disabled: bool
    created_at: datetime
    active_tokens: int


@dataclass(frozen=True)
class Token:
    id: int
    username: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


# --- passwords ------------------------------------------------------------------------

@cache
def _hasher(spec: str) -> PasswordHasher:
    try:
        params = dict(part.split("=", 1) for part in spec.replace(" ", "").split(","))
        return PasswordHasher(memory_cost=int(params["m"]), time_cost=int(params["t"]),
                              parallelism=int(params["p"]))
    except (KeyError, ValueError) as exc:
        raise AccountError(
            f"GEOMAP_ARGON2 tidak sah / is invalid: {spec!r} (contoh / e.g. {DEFAULT_ARGON2})"
        ) from exc


def password_hasher() -> PasswordHasher:
    """The hasher for the current ``GEOMAP_ARGON2`` setting."""
    return _hasher(os.environ.get("GEOMAP_ARGON2") or DEFAULT_ARGON2)


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    # Verified for unknown users so that a wrong username costs as long as a wrong password.
    return hasher.hash(secrets.token_urlsafe(16))


def check_password(password: str, username: str = "") -> None:
    """Refuse a password that is too short, too long or the username itself."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"kata sandi minimal {MIN_PASSWORD_LENGTH} karakter / the password "
                           f"must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"kata sandi maksimal {MAX_PASSWORD_LENGTH} karakter / the password "
                           f"may have at most {MAX_PASSWORD_LENGTH} characters")
    if username and password.strip().lower() == username.lower():
        raise AccountError("kata sandi tidak boleh sama dengan nama pengguna / "
                           "the password may not be the username")


def _hash_password(password: str, username: str) -> str:
    check_password(password, username)
    return password_hasher().hash(password)


# --- users ----------------------------------------------------------------------------

def normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise AccountError(
            "nama pengguna 3-64 karakter: huruf kecil, angka, titik, garis bawah atau tanda "
            "hubung, diawali huruf atau angka / a username has 3-64 characters: lower-case "
            "letters, digits, dot, underscore or hyphen, starting with a letter or digit")
    return name


def check_role_area(conn: psycopg.Connection, role: str,
                    area_code: str | None) -> str | None:
    """The normalised area for ``role``; raise AccountError if it cannot be.

    The area must be a region that is loaded (a user whose area matches no region would
    silently see nothing) and of a level fitting the role. Only an admin may have none.
    """
    if role not in ROLES:
        raise AccountError(f"peran tidak dikenal / unknown role: {role!r} "
                           f"({', '.join(ROLES)})")
    allowed = AREA_LEVELS[role]
    names = ", ".join(_LEVEL_NAMES[level] for level in allowed)
    if not (area_code or "").strip():
        if role == "admin":
            return None
        raise AccountError(f"peran {role} memerlukan wilayah / role {role} needs an area: "
                           f"{names}")
    try:
        area = codes.normalise(area_code or "")
    except codes.InvalidCode as exc:
        raise AccountError(str(exc)) from None
    if codes.level(area) not in allowed:
        raise AccountError(f"wilayah peran {role} harus / the area of role {role} must be: "
                           f"{names} (bukan / not {area})")
    known = conn.execute("SELECT EXISTS (SELECT 1 FROM region WHERE code = %s)",
                         (area,)).fetchone()[0]
    if not known:
        raise AccountError(f"wilayah {area} tidak ada dalam batas wilayah yang dimuat; impor "
                           f"dulu batasnya / region {area} is not among the loaded boundaries; "
                           "import them first")
    return area


def create_user(conn: psycopg.Connection, username: str, role: str, area_code: str | None,
                password: str) -> User:
    """Add an enabled user (see :func:`check_role_area` for what an area may be)."""
    name = normalise_username(username)
    area = check_role_area(conn, role, area_code)
    password_hash = _hash_password(password, name)
    try:
        row = conn.execute(
            "INSERT INTO app_user (username, role, area_code, password_hash) "
            "VALUES (%s, %s, %s, %s) RETURNING id", (name, role, area, password_hash)).fetchone()
    except psycopg.errors.UniqueViolation:
        raise AccountError(f"nama pengguna {name} sudah dipakai / username {name} is "
                           "already taken") from None
    return User(row[0], name, role, area)


def get_user(conn: psycopg.Connection, username: str) -> User | None:
    """The enabled user of that name, or None (unknown or disabled)."""
    row = conn.execute("SELECT id, username, role, area_code FROM app_user "
                       "WHERE username = %s AND NOT disabled",
                       (username.strip().lower(),)).fetchone()
    return User(*row) if row else None


def list_accounts(conn: psycopg.Connection, usernames: Iterable[str] | None = None
                  ) -> list[Account]:
    """Every account (or those named), with its area's name and live token count."""
    names = None if usernames is None else [u.strip().lower() for u in usernames]
    with conn.cursor(row_factory=class_row(Account)) as cur:
        return cur.execute(sql("accounts/list"), {"names": names}).fetchall()


def _account_id(conn: psycopg.Connection, username: str) -> int:
    row = conn.execute("SELECT id FROM app_user WHERE username = %s",
                       (username.strip().lower(),)).fetchone()
    if row is None:
        raise AccountError(f"pengguna tidak ditemukan / no such user: {username}")
    return row[0]


def set_disabled(conn: psycopg.Connection, username: str, disabled: bool) -> None:
    """Disable (which ends the user's sessions, by trigger) or enable an account.

    Tokens stay as they are but are refused while the account is disabled.
    """
    user_id = _account_id(conn, username)
    conn.execute("UPDATE app_user SET disabled = %s, updated_at = now() WHERE id = %s",
                 (disabled, user_id))


def set_password(conn: psycopg.Connection, username: str, password: str) -> None:
    """Replace a user's password; every session of that user ends (by trigger)."""
    user_id = _account_id(conn, username)
    password_hash = _hash_password(password, username.strip().lower())
    conn.execute("UPDATE app_user SET password_hash = %s, updated_at = now() WHERE id = %s",
                 (password_hash, user_id))


def verify_login(conn: psycopg.Connection, username: str, password: str) -> User | None:
    """The user if the username and password are right and the account is enabled.

    Costs one argon2 verification whatever the outcome (a dummy hash stands in for an
    unknown user), so timing does not tell which usernames exist. A hash made with
    other parameters than today's is replaced.
    """
    hasher = password_hasher()
    row = conn.execute("SELECT id, username, role, area_code, password_hash, disabled "
                       "FROM app_user WHERE username = %s",
                       (username.strip().lower()[:100],)).fetchone()
    stored = row[4] if row and row[4] else _dummy_hash(hasher)
    try:
        hasher.verify(stored, password[:MAX_PASSWORD_LENGTH])
        matched = len(password) <= MAX_PASSWORD_LENGTH
    except (VerificationError, InvalidHashError):
        matched = False
    if not (matched and row and row[4]) or row[5]:
        return None
    if hasher.check_needs_rehash(stored):
        conn.execute("UPDATE app_user SET password_hash = %s WHERE id = %s AND password_hash = %s",
                     (hasher.hash(password), row[0], stored))
    return User(*row[:4])


# --- API tokens -----------------------------------------------------------------------

def _token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def create_token(conn: psycopg.Connection, username: str, name: str) -> tuple[int, str]:
    """A new API token for an existing user: its id and the token, which is shown only now."""
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise AccountError("nama token 1-100 karakter / a token name has 1-100 characters")
    user_id = _account_id(conn, username)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = conn.execute(
        "INSERT INTO api_token (user_id, token_sha256, name) VALUES (%s, %s, %s) RETURNING id",
        (user_id, _token_digest(token), name)).fetchone()[0]
    return token_id, token


def revoke_token(conn: psycopg.Connection, token_id: int) -> bool:
    """Revoke a token; False if there is no such live token."""
    done = conn.execute("UPDATE api_token SET revoked_at = now() "
                        "WHERE id = %s AND revoked_at IS NULL", (token_id,))
    return done.rowcount == 1


def list_tokens(conn: psycopg.Connection, username: str | None = None) -> list[Token]:
    with conn.cursor(row_factory=class_row(Token)) as cur:
        return cur.execute(sql("accounts/tokens"), {
            "username": username.strip().lower() if username else None}).fetchall()


def user_for_token(conn: psycopg.Connection, token: str) -> User | None:
    """The enabled user a live token belongs to, noting when it was used (to the minute)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = conn.execute(sql("accounts/token_user"),
                       {"digest": _token_digest(token)}).fetchone()
    return User(*row) if row else None
