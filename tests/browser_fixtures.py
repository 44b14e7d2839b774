"""Pytest plugin: the real app served on 127.0.0.1, and headless Chromium driving it.

Registered in ``tests/conftest.py`` (``pytest_plugins``).

Fixtures
--------
``live_server``   the app (``server.app.create_app``) on the test's ``bandung_db``, served
                  by Werkzeug on 127.0.0.1 at a free port, in a thread: ``.url``.
``chromium``      one headless Debian Chromium per test run (Playwright, sync API).
``browser_page``  a :class:`WatchedPage` on ``live_server``: every request the page makes
                  is recorded, and any to a host other than 127.0.0.1 is sent to a dead
                  proxy (so it fails) and reported; console errors, uncaught exceptions,
                  HTTP errors (status 400 and up) and CSP violations are collected. When
                  the test ends a screenshot goes to ``tests/artifacts/<test>.png``, and the
                  test fails if a request tried to leave 127.0.0.1 or any of those happened.
                  ``.log_in(user, path)`` logs in through the form onto the map at ``path``;
                  ``.desa_fills()`` reads the colour of each desa drawn on the map;
                  ``.click_map(lat, lon)`` clicks the map at a point.

Mark browser tests ``@pytest.mark.browser``.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.serving import make_server

from geomap.config import PROJECT_ROOT

CHROMIUM = os.environ.get("GEOMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
LOCAL_HOST = "127.0.0.1"

# Collects CSP violations in every document the page opens (Playwright's init scripts
# are not subject to the page's CSP).
_WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@dataclass
class LiveServer:
    url: str
    app: Flask


@pytest.fixture
def live_server(bandung_db) -> Iterator[LiveServer]:
    from server.app import create_app

    app = create_app({"DATABASE_URL": bandung_db.url, "SESSION_COOKIE_SECURE": False})
    server = make_server(LOCAL_HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://{LOCAL_HOST}:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["geomap.pool"].close()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Everything not on 127.0.0.1 goes to a proxy that is not there, so a request
        # that would leave the machine fails (and is reported by ``browser_page``).
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            proxy={"server": f"http://{LOCAL_HOST}:9", "bypass": LOCAL_HOST})
        yield browser
        browser.close()


def is_local(url: str) -> bool:
    """Whether ``url`` stays on this machine (data: and about: are not requests)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "about", "blob"):
        return True
    return parts.hostname == LOCAL_HOST


_DESA_FILLS = """() => {
  const layer = window.geomap.state.layers.desa, out = {};
  for (const key in layer._vectorTiles) {
    const feats = layer._vectorTiles[key]._features;
    for (const id in feats) { out[id] = feats[id].feature.options.fillColor; }
  }
  return out;
}"""

_SCREEN_POINT = """ll => {
  const s = window.geomap.state, p = s.map.latLngToContainerPoint(ll),
        b = s.map.getContainer().getBoundingClientRect();
  return [b.left + p.x, b.top + p.y];
}"""


@dataclass
class WatchedPage:
    """A Playwright page and what it did: requests, console errors, CSP violations."""

    page: Any
    base_url: str
    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return response

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("() => window.__cspViolations || []")

    def wait_for_layers(self, *names: str, timeout: float = 20_000) -> None:
        """Wait until the map's layers ``names`` have loaded and no tiles are pending."""
        self.page.wait_for_function(
            """names => {
                 const s = window.geomap && window.geomap.state;
                 return !!s && names.every(n => s.loaded[n] &&
                   !(s.layers[n].isLoading && s.layers[n].isLoading()));
               }""", arg=list(names), timeout=timeout)

    def log_in(self, user, path: str) -> None:
        """Log in through the real form with ``next=path`` (a map URL) and wait until
        the map there has drawn its boundary layers."""
        self.goto("/login?next=" + path.replace("?", "%3F").replace("&", "%26"))
        self.page.fill("#username", user.username)
        self.page.fill("#password", user.password)
        self.page.click("button[type=submit]")
        self.page.wait_for_url("**/map?**")
        self.wait_for_layers("kecamatan", "desa")

    def desa_fills(self) -> dict[str, str]:
        """The fill colour of each desa drawn in the map's vector tiles, by code."""
        return self.page.evaluate(_DESA_FILLS)

    def click_map(self, lat: float, lon: float) -> None:
        """A real mouse click on the map where the point (lat, lon) is on screen."""
        x, y = self.page.evaluate(_SCREEN_POINT, [lat, lon])
        self.page.mouse.click(x, y)

    def problems(self) -> list[str]:
        found = [f"request left {LOCAL_HOST}: {url}" for url in self.outside]
        found += [f"console: {message}" for message in self.errors]
        with contextlib.suppress(Exception):  # a closed page: its console errors still count
            found += [f"CSP violation: {v}" for v in self.csp_violations()]
        return found


@pytest.fixture
def browser_page(chromium, live_server: LiveServer,
                 request: pytest.FixtureRequest) -> Iterator[WatchedPage]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900},
                                   service_workers="block")
    context.add_init_script(_WATCH_CSP)
    watched = WatchedPage(page=None, base_url=live_server.url)

    def record(request) -> None:
        watched.requests.append(request.url)
        if not is_local(request.url):
            watched.outside.append(request.url)

    # Recorded from events, not intercepted: routing every request through this thread
    # would serialise the page's tile requests behind the test's own calls.
    context.on("request", record)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and watched.errors.append(m.text))
    page.on("pageerror", lambda exc: watched.errors.append(f"uncaught: {exc}"))
    page.on("response", lambda r: r.status >= 400 and watched.errors.append(
        f"HTTP {r.status}: {r.url}"))
    watched.page = page
    try:
        yield watched
        problems = watched.problems()
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        finally:
            context.close()
    assert not problems, "\n".join(problems)
