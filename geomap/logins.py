"""Logging in over the web: browser sessions that can be ended, and the login rate limit.

A session is a random id kept in the (signed) session cookie and, as a SHA-256, in
``login_session``; it is checked on every request, so logging out, disabling the user
or changing the password ends it at once, even for a copy of the cookie. Failed logins
are counted in ``login_attempt`` per username and per address. Both tables are
purged of what is older than :data:`KEPT` by ``geomap retention run`` (:func:`purge`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import psycopg

from geomap.accounts import User
from geomap.sql import sql

# How long ended sessions and login attempts are kept (for an admin looking into a login).
KEPT = timedelta(days=30)


@dataclass(frozen=True)
class Limits:
    """How many failed logins are allowed in a window before the next has to wait."""

    per_user: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


def _digest(session_id: str) -> bytes:
    return hashlib.sha256(session_id.encode()).digest()


def start_session(conn: psycopg.Connection, user: User, address: str,
                  lifetime: timedelta) -> str:
    """A new session id for ``user``, valid for at most ``lifetime``."""
    session_id = secrets.token_urlsafe(32)
    conn.execute("INSERT INTO login_session (id_sha256, user_id, address, expires_at) "
                 "VALUES (%s, %s, %s, now() + %s)",
                 (_digest(session_id), user.id, address[:100], lifetime))
    return session_id


def session_user(conn: psycopg.Connection, user_id: int, session_id: str,
                 idle: timedelta) -> User | None:
    """The user of a live session, or None; keeps an active session from idling out."""
    digest = _digest(session_id)
    row = conn.execute(sql("accounts/session_user"), {
        "digest": digest, "user_id": user_id, "idle_s": idle.total_seconds()}).fetchone()
    if row is None:
        return None
    if row[4]:
        conn.execute("UPDATE login_session SET last_seen_at = now() WHERE id_sha256 = %s",
                     (digest,))
    return User(*row[:4])


def end_session(conn: psycopg.Connection, session_id: str) -> None:
    conn.execute("UPDATE login_session SET revoked_at = now() "
                 "WHERE id_sha256 = %s AND revoked_at IS NULL", (_digest(session_id),))


def wait_seconds(conn: psycopg.Connection, username: str, address: str,
                 limits: Limits) -> int | None:
    """Seconds before ``username`` may try again from ``address``; None if it may now."""
    wait = conn.execute(sql("accounts/login_wait"), {
        "username": username, "address": address, "per_user": limits.per_user,
        "per_address": limits.per_address,
        "window_s": limits.window.total_seconds()}).fetchone()[0]
    return max(wait, 1) if wait is not None else None


def record_attempt(conn: psycopg.Connection, username: str, address: str,
                   success: bool) -> None:
    conn.execute("INSERT INTO login_attempt (username, address, success) VALUES (%s, %s, %s)",
                 (username[:100], address[:100], success))


def purge(conn: psycopg.Connection, kept: timedelta = KEPT) -> tuple[int, int]:
    """Delete sessions that ended and login attempts older than ``kept``:
    (sessions, attempts) deleted. Live sessions and the attempts the rate limit counts
    are never touched (``kept`` is refused if shorter than a day)."""
    if kept < timedelta(days=1):
        raise ValueError("login records are kept at least a day")
    sessions, attempts = conn.execute(sql("accounts/purge_logins"),
                                      {"keep_s": kept.total_seconds()}).fetchone()
    return sessions, attempts
