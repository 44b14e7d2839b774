"""Pytest plugin: users of every role in a test database, and web clients logged in as them.

Registered in ``tests/conftest.py`` (``pytest_plugins``). Everything goes through the real
code: users are made with :func:`geomap.accounts.create_user`, clients log in by posting
the real login form (CSRF token and all), tokens are real API tokens.

Fixtures
--------
``web_app``      the Flask app (``server.app.create_app``) on the test's ``bandung_db``.
``web_client``   an anonymous :class:`WebClient` of ``web_app``.
``make_user``    ``make_user(role, area=..., username=None, password=None) -> TestUser``.
``users``        one TestUser per key: ``admin`` (no area), ``dinas`` and ``planner``
                 (Kabupaten Bandung ``32.04``), ``tksk`` (Cileunyi ``32.04.05``),
                 ``tksk_other`` (Cimenyan ``32.04.06``).
``login_as``     ``login_as(test_user) -> WebClient`` logged in through ``/login``.
``api_token``    ``api_token(test_user) -> "gm_..."``; send it as
                 ``headers=bearer(token)`` (``from tests.auth_fixtures import bearer``).

A :class:`WebClient` talks HTTPS (the session cookie is Secure) with a same-origin
Referer (Flask-WTF checks it over HTTPS); ``client.csrf_token()`` reads a valid CSRF
token from the login page for posting forms of other blueprints.

Argon2 runs with small parameters here (``GEOMAP_ARGON2``) to keep tests quick; a test
about hashing cost sets its own.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from geomap import accounts
from geomap.accounts import User

TEST_ARGON2 = "m=8192,t=1,p=1"
BASE_URL = "https://localhost"
KABUPATEN = "32.04"  # Kabupaten Bandung, the boundaries of bandung_db
KECAMATAN = "32.04.05"  # Cileunyi
OTHER_KECAMATAN = "32.04.06"  # Cimenyan

_CSRF_INPUT = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_from(html: str) -> str:
    """The CSRF token of the first form in a page."""
    match = _CSRF_INPUT.search(html)
    if not match:
        raise AssertionError("no csrf_token field in the page")
    return match.group(1) or match.group(2)


def bearer(token: str) -> dict[str, str]:
    """Headers that authenticate a request with an API token."""
    return {"Authorization": f"Bearer {token}"}


class WebClient(FlaskClient):
    """A test client that speaks HTTPS and sends a same-origin Referer, like a browser."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_REFERER"] = BASE_URL + "/"

    def open(self, *args: Any, **kwargs: Any):
        if args and isinstance(args[0], str) and "://" not in args[0]:
            kwargs.setdefault("base_url", BASE_URL)
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        """A CSRF token valid for this client's session (read from the login form)."""
        response = self.get("/login")
        assert response.status_code == 200, response.status_code
        return csrf_from(response.get_data(as_text=True))

    def cookie(self, name: str = "session") -> str | None:
        found = self.get_cookie(name, domain="localhost")
        return found.value if found else None


@dataclass(frozen=True)
class TestUser:
    """A user made for a test, with the password it logs in with."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    user: User
    password: str

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def area(self) -> str | None:
        return self.user.area


_ROLE_AREA = object()  # make_user's default: the usual area of the role
_DEFAULT_AREA = {"admin": None, "dinas": KABUPATEN, "planner": KABUPATEN, "tksk": KECAMATAN}
_serial = itertools.count(1)


@pytest.fixture
def web_app(bandung_db, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The real app on this test's database, with HTTPS-only cookies as in production."""
    monkeypatch.setenv("GEOMAP_ARGON2", TEST_ARGON2)
    from server.app import create_app

    app = create_app({"DATABASE_URL": bandung_db.url, "TESTING": True})
    app.test_client_class = WebClient
    yield app
    from server.db import pool

    with app.app_context():
        pool().close()


@pytest.fixture
def web_client(web_app: Flask) -> WebClient:
    return web_app.test_client()  # type: ignore[return-value]


@pytest.fixture
def make_user(bandung_db, monkeypatch: pytest.MonkeyPatch) -> Callable[..., TestUser]:
    """Create a user in the test database: ``make_user("tksk", area="32.04.07")``."""
    monkeypatch.setenv("GEOMAP_ARGON2", TEST_ARGON2)

    def make(role: str, area: Any = _ROLE_AREA, username: str | None = None,
             password: str | None = None) -> TestUser:
        name = username or f"{role}.t{next(_serial)}"
        secret = password or f"pw-{name}-Rahasia!"
        with bandung_db.connect() as conn:
            user = accounts.create_user(conn, name, role,
                                        _DEFAULT_AREA[role] if area is _ROLE_AREA else area, secret)
        return TestUser(user, secret)

    return make


@pytest.fixture
def users(make_user: Callable[..., TestUser]) -> dict[str, TestUser]:
    return {
        "admin": make_user("admin", username="admin1"),
        "dinas": make_user("dinas", username="dinas1"),
        "planner": make_user("planner", username="planner1"),
        "tksk": make_user("tksk", username="tksk1"),
        "tksk_other": make_user("tksk", area=OTHER_KECAMATAN, username="tksk2"),
    }


def log_in(client: WebClient, user: TestUser, password: str | None = None, **form: str):
    """Post the login form as a browser would; returns the response (not followed)."""
    token = client.csrf_token()
    return client.post("/login", data={"csrf_token": token, "username": user.username,
                                       "password": password or user.password, **form})


@pytest.fixture
def login_as(web_app: Flask) -> Callable[[TestUser], WebClient]:
    """A new client logged in as the given user through the real login form."""

    def login(user: TestUser) -> WebClient:
        client: WebClient = web_app.test_client()  # type: ignore[assignment]
        response = log_in(client, user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return login


@pytest.fixture
def api_token(bandung_db) -> Callable[[TestUser], str]:
    """A new live API token of the given user."""

    def issue(user: TestUser, name: str = "test") -> str:
        with bandung_db.connect() as conn:
            return accounts.create_token(conn, user.username, name)[1]

    return issue
