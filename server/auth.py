"""Who is calling: login, browser sessions, API tokens, and the checks every endpoint uses.

API for the other blueprints
----------------------------
``current_user() -> User | None``
    The caller, ``User(id, username, role, area)`` (:class:`geomap.accounts.User`; ``area``
    is a Kemendagri code, None only for an admin without one), or None. A request with an
    ``Authorization`` header is judged by that header alone (``Bearer gm_...``, see
    ``geomap users token``); the browser session cookie is ignored then, which is what
    makes it safe to exempt such requests from CSRF. Computed once per request.

``@login_required``
    No caller: 401 JSON with ``WWW-Authenticate: Bearer`` for API requests (``/api/...``,
    a Bearer header, or ``Accept: application/json``), otherwise a redirect to
    ``/login?next=<this page>``.

``@roles_required("admin", "dinas")``
    As ``login_required``, then 403 (bilingual) for any other role.

``area_filter(user, column)``, ``area_param(user)``, ``in_area``, ``can_read_personal``,
``personal_filter``
    The area rule, from :mod:`geomap.area` (read its docstring). Every query filters by the
    caller's area IN THE DATABASE: ``WHERE geomap_in_area(c.kecamatan_code, %(area)s)`` with
    ``area_param(user)``, or ``area_filter(user, "c.kecamatan_code")`` in SQL built with
    ``psycopg.sql``. Never fetch everything and filter in Python.

``geomap.audit.record(conn, user, action, records, reason)``
    Every personal-data read, in the read's transaction.

``csrf``
    The app-wide :class:`flask_wtf.csrf.CSRFProtect`. Every POST/PUT/PATCH/DELETE needs the
    token: FlaskForm forms carry it; plain forms add ``{{ csrf_token() }}`` in a hidden
    ``csrf_token`` field; JavaScript sends it as ``X-CSRFToken``. Requests that carry an
    ``Authorization: Bearer`` header are exempt (they never use the cookie). Over HTTPS
    Flask-WTF also wants a same-origin ``Referer``.

Cookies are Secure, HttpOnly and SameSite=Lax (``server.app``), so they travel over HTTPS
only: the Flask test client must use ``base_url="https://localhost"`` (the clients of
``tests/auth_fixtures.py`` do, and send a Referer), or a test sets
``SESSION_COOKIE_SECURE=False`` in the app config.

Sessions and logins
-------------------
The signed Flask session holds only a random session id and the user id; the id's SHA-256
lives in ``login_session`` and is checked on every request (:mod:`geomap.logins`), so
logout, a disabled account or a new password end a session at once, and the session is
cleared and a new id issued at login (a cookie planted before login is worth nothing
after it). Failed logins are limited per username and per address in the database
(``AUTH_LOGIN_LIMITS``, default 5 per username or 20 per address in 15 minutes): the next
try gets 429 with ``Retry-After``. An unknown user, a wrong password and a disabled
account get the same answer after the same argon2 work.

Settings (``app.config``): ``AUTH_SESSION_LIFETIME`` (default 12 h), ``AUTH_SESSION_IDLE``
(2 h), ``AUTH_LOGIN_LIMITS`` (:class:`geomap.logins.Limits`), ``AUTH_HOME`` (where a login
without ``next`` goes, default ``/``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.sessions import SecureCookieSessionInterface
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import BadRequest, Forbidden
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from geomap import accounts, logins
from geomap.accounts import ROLES, User
from geomap.area import area_filter, area_param, can_read_personal, in_area, personal_filter
from server.db import connection
from server.errors import error_response, wants_json

__all__ = ["ROLES", "User", "area_filter", "area_param", "bp", "can_read_personal", "csrf",
           "current_user", "in_area", "login_required", "personal_filter", "roles_required",
           "safe_next"]

F = TypeVar("F", bound=Callable[..., Any])

LOGIN_FAILED = ("Nama pengguna atau kata sandi salah", "Wrong username or password")
CSRF_FAILED = ("Token formulir tidak ada atau kedaluwarsa; muat ulang halaman lalu coba lagi / "
               "the form token is missing or expired; reload the page and try again")

bp = Blueprint("auth", __name__)


class _CSRFProtect(CSRFProtect):
    """CSRF for every state-changing request, except those authenticated by a Bearer token.

    A Bearer request is judged by its header alone, never by the cookie, and a browser
    does not add that header to a cross-site request by itself: nothing to forge.
    """

    def protect(self, *args: Any, **kwargs: Any) -> None:
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return  # a read: nothing to check (and its body is not parsed for it)
        if (_bearer_header() or "").lower().startswith("bearer "):
            return
        # A multipart field named with a line break parses to the name None, on which
        # Flask-WTF's token search fails (a 500): such a form is malformed, a 400.
        if any(not isinstance(key, str) for key in request.form):
            raise BadRequest("nama kolom formulir tidak sah / malformed form field name")
        super().protect(*args, **kwargs)


csrf = _CSRFProtect()


class _Sessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer made once per key:
    Flask makes a new one for every request, visitors' tile requests included, a
    twentieth of a millisecond each (bench/README.md, "Tiles, session 5")."""

    _made: tuple[tuple[Any, ...], Any] | None = None

    def get_signing_serializer(self, app: Flask):  # type: ignore[override]
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        made = self._made
        if made is None or made[0] != key:
            made = self._made = (key, super().get_signing_serializer(app))
        return made[1]


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    """Install what the whole app needs, when this blueprint is registered."""
    app = state.app
    app.config.setdefault("AUTH_SESSION_LIFETIME", timedelta(hours=12))
    app.config.setdefault("AUTH_SESSION_IDLE", timedelta(hours=2))
    app.config.setdefault("AUTH_LOGIN_LIMITS", logins.Limits())
    app.config.setdefault("AUTH_HOME", "/")
    # A form left open for a working day must still submit; the token is tied to the session.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 12 * 3600)
    csrf.init_app(app)
    app.session_interface = _Sessions()
    app.register_error_handler(CSRFError, lambda exc: error_response(400, CSRF_FAILED))
    # A function, not a value: templates that never ask (the 503 page) cost no query.
    app.context_processor(lambda: {"current_user": current_user})


# --- who is calling -----------------------------------------------------------------

def _bearer_header() -> str | None:
    """The raw Authorization header if the request has one, else None."""
    return request.headers.get("Authorization")


def _load_user() -> User | None:
    header = _bearer_header()
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        with connection() as conn:
            return accounts.user_for_token(conn, token.strip())
    user_id, session_id = session.get("uid"), session.get("sid")
    if not isinstance(user_id, int) or not isinstance(session_id, str):
        return None
    with connection() as conn:
        return logins.session_user(conn, user_id, session_id,
                                   current_app.config["AUTH_SESSION_IDLE"])


def current_user() -> User | None:
    """The user making this request, or None (see the module docstring)."""
    if "geomap_user" not in g:
        g.geomap_user = _load_user()
    return g.geomap_user


def _api_request() -> bool:
    return _bearer_header() is not None or wants_json()


def _unauthenticated():
    if _api_request():
        response = make_response(error_response(401))
        response.headers["WWW-Authenticate"] = 'Bearer realm="geomap"'
        return response
    here = request.full_path if request.query_string else request.path
    return redirect(url_for("auth.login", next=here))


def login_required(view: F) -> F:
    """Only for a logged-in caller (session or Bearer token)."""
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any):
        if current_user() is None:
            return _unauthenticated()
        return view(*args, **kwargs)
    return wrapped  # type: ignore[return-value]


def roles_required(*roles: str) -> Callable[[F], F]:
    """Only for a logged-in caller whose role is one of ``roles``; 403 for the others."""
    unknown = set(roles) - set(ROLES)
    if not roles or unknown:
        raise ValueError(f"roles_required needs roles among {ROLES}, not {sorted(unknown)}")

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            user = current_user()
            if user is None:
                return _unauthenticated()
            if user.role not in roles:
                raise Forbidden()
            return view(*args, **kwargs)
        return wrapped  # type: ignore[return-value]
    return decorate


def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site, else the home page: no open redirect.

    Refused: absolute URLs, scheme-relative ``//host``, backslashes (browsers read
    ``/\\host`` as ``//host``) and control characters.
    """
    home = current_app.config["AUTH_HOME"]
    if not target or not target.startswith("/") or len(target) > 2000:
        return home
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return home
    parts = urlsplit(target)
    if target.startswith("//") or parts.scheme or parts.netloc:
        return home
    return target


# --- login and logout ----------------------------------------------------------------

class LoginForm(FlaskForm):
    username = StringField("Nama pengguna / username",
                           validators=[DataRequired(), Length(max=100)])
    password = PasswordField("Kata sandi / password",
                             validators=[DataRequired(), Length(max=accounts.MAX_PASSWORD_LENGTH)])
    next = HiddenField()


def _address() -> str:
    return request.remote_addr or "unknown"


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return _no_store(render_template("auth/login.html", form=form, error=None), status)
    username = form.username.data.strip().lower()[:100]
    limits: logins.Limits = current_app.config["AUTH_LOGIN_LIMITS"]
    with connection() as conn:
        wait = logins.wait_seconds(conn, username, _address(), limits)
        if wait is not None:
            return _too_many(wait)
        user = accounts.verify_login(conn, username, form.password.data)
        logins.record_attempt(conn, username, _address(), user is not None)
        if user is None:
            # 200 like any form shown again with its error (a 4xx would be logged by the
            # browser as a failed load); success is the 302.
            return _no_store(render_template("auth/login.html", form=form,
                                             error=LOGIN_FAILED), 200)
        session_id = logins.start_session(conn, user, _address(),
                                          current_app.config["AUTH_SESSION_LIFETIME"])
    # A new session at login: whatever the browser held before (a planted cookie, the
    # old CSRF token) is dropped.
    session.clear()
    session["uid"], session["sid"] = user.id, session_id
    g.geomap_user = user
    return redirect(safe_next(form.next.data))


class LogoutForm(FlaskForm):
    """Logout is a POST with a CSRF token, so another site cannot log a user out."""


@bp.route("/logout", methods=["POST"])
def logout():
    if LogoutForm().validate_on_submit() and isinstance(session.get("sid"), str):
        with connection() as conn:
            logins.end_session(conn, session["sid"])
    session.clear()
    g.geomap_user = None
    return redirect(url_for("auth.login"))


def _too_many(wait: int):
    """429 with Retry-After, bilingual, as HTML or JSON like every error."""
    minutes = math.ceil(wait / 60)
    response = make_response(error_response(
        429, f"Coba lagi dalam {minutes} menit / try again in {minutes} minutes"))
    response.headers["Retry-After"] = str(wait)
    return response


def _no_store(body: str, status: int):
    """Pages with login forms or secrets are never cached."""
    return body, status, {"Cache-Control": "no-store"}
