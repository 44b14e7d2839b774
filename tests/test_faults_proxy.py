"""Behind a reverse proxy (``GEOMAP_PROXIES``), and not: who the client is, under gunicorn.

Without the setting, ``X-Forwarded-*`` headers are anybody's words: the login rate limit
counts the real peer, links and cookies follow the real scheme. With
``GEOMAP_PROXIES=1`` the proxy's last ``X-Forwarded-For`` entry is the client (an entry
the client wrote itself, further left, is not), and the proxy's https is seen.
"""

from __future__ import annotations

import requests

from tests.auth_fixtures import csrf_from
from tests.fault_fixtures import Served

PER_ADDRESS = 20  # failed logins from one address in 15 minutes (geomap.logins.Limits)
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "peta.example"}


def failed_login(served: Served, username: str, headers: dict[str, str]) -> int:
    """Post the real login form with a wrong password; the status."""
    page = requests.get(f"{served.url}/login", headers=headers, timeout=30)
    # The session cookie is Secure: requests keeps it from plain http, a proxy would not.
    cookie = f"session={page.cookies['session']}"
    host = headers.get("X-Forwarded-Host", f"127.0.0.1:{served.port}")
    answer = requests.post(f"{served.url}/login", allow_redirects=False, timeout=30,
                           headers={**headers, "Cookie": cookie, "Referer": f"https://{host}/"},
                           data={"csrf_token": csrf_from(page.text), "username": username,
                                 "password": "bukan-kata-sandinya"})
    return answer.status_code


def last_address(served: Served) -> str:
    return served.db.scalar("SELECT address FROM login_attempt ORDER BY id DESC LIMIT 1")


def set_cookie(answer: requests.Response, name: str) -> str:
    return next(c for c in answer.raw.headers.getlist("Set-Cookie") if c.startswith(name + "="))


def tile_url(served: Served, headers: dict[str, str]) -> str:
    answer = requests.get(f"{served.url}/tiles/desa.json?area=32.04", headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["tiles"][0]


def test_forwarded_headers_are_ignored_without_proxies(served: Served):
    spoofed = {**FORWARDED, "X-Forwarded-For": "203.0.113.7"}
    assert failed_login(served, "siapa.saja", spoofed) == 200
    assert last_address(served) == "127.0.0.1"
    answer = requests.get(f"{served.url}/?lang=en", headers=spoofed, timeout=30)
    assert "Secure" not in set_cookie(answer, "geomap_lang")  # plain http, whatever it says
    assert tile_url(served, spoofed).startswith(f"http://127.0.0.1:{served.port}/tiles/desa/")
    # A new X-Forwarded-For for every guess does not escape the limit per address.
    for i in range(PER_ADDRESS - 1):
        forged = {"X-Forwarded-For": f"198.51.100.{i + 1}"}
        assert failed_login(served, f"tebak.{i}", forged) == 200
    assert failed_login(served, "tebak.lagi", {"X-Forwarded-For": "192.0.2.1"}) == 429


def test_one_proxy_gives_the_client_its_scheme_and_host(served: Served):
    served.kill()
    served.start(env={"GEOMAP_PROXIES": "1"})
    # The client wrote 198.51.100.9 itself; the proxy appended the address it saw.
    via_proxy = {**FORWARDED, "X-Forwarded-For": "198.51.100.9, 203.0.113.7"}
    assert failed_login(served, "siapa.saja", via_proxy) == 200
    assert last_address(served) == "203.0.113.7"
    answer = requests.get(f"{served.url}/?lang=en", headers=via_proxy, timeout=30)
    assert "Secure" in set_cookie(answer, "geomap_lang")
    assert tile_url(served, via_proxy).startswith("https://peta.example/tiles/desa/")
    # The limit counts each client apart: one address locked, another still heard.
    for i in range(PER_ADDRESS - 1):
        assert failed_login(served, f"tebak.{i}", via_proxy) == 200
    assert failed_login(served, "tebak.lagi", via_proxy) == 429
    other = {**FORWARDED, "X-Forwarded-For": "198.51.100.9, 203.0.113.8"}
    assert failed_login(served, "tebak.lagi", other) == 200
