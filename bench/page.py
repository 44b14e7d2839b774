"""Benchmark: the map page's first view in headless Chromium, bytes on the wire and time to drawn.

Targets (issue #4): the Kabupaten Bandung page with 20,000 cases in at most 1 MB and
2 s; the all-Jawa-Barat desa choropleth (about 5,950 desa) in at most 2 MB and 3 s.

Setup (a throwaway cluster): Jawa Barat's boundaries, ``geomap demo seed`` (20,000
cases in Kabupaten Bandung, its accounts), 200,000 synthetic cases over the rest of the
province, a planner for the province; ``geomap serve`` (gunicorn) on loopback.

Each view is opened by a planner, as planners open it every day: logged in, then a fresh
browser context (an empty cache, as on a first visit) opens the link with the PMKS
choropleth on. "Cold" is the first open after the data changed: before each of the
``--cold-runs`` opens one case is added to the area (``bench/one_more_case.sql``), so
the server computes the planner's counts again (suppression included); the first cold
open is also the server's first request for the view (its processes just started). The
server keeps each answer per filter and data stamp (``X-Geomap-Cache``), so the
``--runs`` opens after them, like every planner's view of the same filter until a case
changes, are "cached". Both print their median. Transferred is
the sum of every response's encoded length on the wire (Chrome's
``Network.loadingFinished``: headers and compressed bodies); drawn is the time from
navigation start until the page says every layer and overlay on is loaded and no vector
tile is pending; the cached line also gives the number of responses and when the
page's scripts had all loaded and run (DOMContentLoaded: the folium script that starts
map.js is the page's last). Baseline, in the same run: the same area's public page
(boundaries only, no login), opened the same way; the ratio says what the planner's
analysis layer costs on top of drawing the boundaries.

    .venv/bin/python bench/page.py [--runs 5] [--cold-runs 3] [--views bandung,jabar]

``GEOMAP_SUPPRESS_BELOW=1`` in the environment switches the suppression off (the
threshold 1 hides nothing): what the page costs besides it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from _setup import area_files, machine, throwaway_database
from tiles import free_port, serve

from geomap.boundaries.load import load
from geomap.boundaries.records import read_sources
from geomap.config import PROJECT_ROOT
from geomap.sql import sql

ONE_MORE_CASE = Path(__file__).with_name("one_more_case.sql").read_text(encoding="utf-8")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
DEMO_PASSWORD = "geomap-demo"
JABAR_PLANNER = "planner-jabar"


@dataclass(frozen=True)
class View:
    title: str
    path: str            # the link opened (the view and the layers on are in its hash)
    user: str | None     # who opens it (None: not logged in)
    layers: tuple[str, ...]
    max_bytes: float
    max_seconds: float


BANDUNG = "/map?area=32.04#10/-7.0500/107.6000/kecamatan,desa"
JABAR = "/map?area=32#8/-6.9000/107.6000/kecamatan,desa"
VIEWS = [
    View("Kabupaten Bandung, 20,000 cases, PMKS choropleth (planner)",
         BANDUNG + ",choropleth", "planner", ("kecamatan", "desa", "choropleth"), 1e6, 2.0),
    View("  baseline: Kabupaten Bandung, boundaries only (public)",
         BANDUNG, None, ("kecamatan", "desa"), 0, 0),
    View("Jawa Barat, ~5,950 desa, PMKS choropleth (planner)",
         JABAR + ",choropleth", JABAR_PLANNER, ("kecamatan", "desa", "choropleth"), 2e6, 3.0),
    View("  baseline: Jawa Barat, boundaries only (public)",
         JABAR, None, ("kecamatan", "desa"), 0, 0),
]

READY = """names => {
  const s = window.geomap && window.geomap.state;
  if (!s) return false;
  return names.every(n => s.loaded[n] === true &&
      !(s.layers[n] && s.layers[n].isLoading && s.layers[n].isLoading()));
}"""


def geomap(url: str, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "geomap", *args], input=stdin, text=True,
                          capture_output=True, cwd=PROJECT_ROOT, check=False,
                          env={**os.environ, "GEOMAP_DATABASE_URL": url})
    if done.returncode != 0:
        raise SystemExit(f"geomap {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def prepare(url: str, connect) -> None:
    start = time.perf_counter()
    with connect() as conn:
        load(conn, read_sources(area_files("32")).within("32"))
    geomap(url, "demo", "seed", "--cases", "20000", "--password-stdin",
           stdin=DEMO_PASSWORD + "\n")
    with connect() as conn:
        conn.execute(sql("analysis/synthetic_cases"), {"n": 200_000, "prefix": "32."})
        conn.execute("VACUUM ANALYZE")
        cases = conn.execute("SELECT count(*) FROM pmks_case").fetchone()[0]
    geomap(url, "users", "add", JABAR_PLANNER, "--role", "planner", "--area", "32",
           "--password-stdin", stdin=DEMO_PASSWORD + "\n")
    print(f"setup: Jawa Barat, {cases:,} cases, accounts in {time.perf_counter() - start:.0f} s")


def login_state(browser, base: str, user: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#username", user)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    state = context.storage_state()
    context.close()
    if not any(c["name"] for c in state["cookies"]):
        raise SystemExit(f"login of {user} kept no cookie")
    return state


def open_once(browser, base: str, view: View, state: dict | None,
              ) -> tuple[int, float, int, float]:
    """(bytes transferred, seconds to drawn, responses, seconds until the page's scripts
    had all loaded and run: DOMContentLoaded) of one first view in a fresh context."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  storage_state=state, service_workers="block")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    received: list[float] = []
    failed: list[str] = []
    cdp.on("Network.loadingFinished", lambda e: received.append(e["encodedDataLength"]))
    cdp.on("Network.loadingFailed", lambda e: failed.append(e.get("errorText", "")))
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(base + view.path)
    try:
        page.wait_for_function(READY, arg=list(view.layers), timeout=60_000, polling="raf")
    except Exception as exc:
        loaded = page.evaluate("() => window.geomap && window.geomap.state.loaded")
        raise SystemExit(f"{view.title}: not drawn at {page.url}: loaded {loaded}, "
                         f"console errors {errors}") from exc
    drawn = page.evaluate("performance.now()") / 1000
    scripts = page.evaluate("performance.getEntriesByType('navigation')[0]"
                            ".domContentLoadedEventEnd") / 1000
    if page.url.endswith("/login") or "/login?" in page.url:
        raise SystemExit(f"{view.title}: not logged in")
    page.wait_for_load_state("networkidle")  # count what was still arriving
    total = int(sum(received))
    context.close()
    if failed:
        raise SystemExit(f"{view.title}: failed requests {failed}")
    return total, drawn, len(received), scripts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--views", default="bandung,jabar",
                        help="which areas: bandung, jabar or both (comma-separated)")
    args = parser.parse_args()
    wanted = {"bandung": "/map?area=32.04#", "jabar": "/map?area=32#"}
    prefixes = [wanted[name.strip()] for name in args.views.split(",")]
    views = [v for v in VIEWS if any(v.path.startswith(p) for p in prefixes)]
    from playwright.sync_api import sync_playwright

    print(f"Mesin / machine: {machine()}")
    ok = True
    with throwaway_database() as (url, connect):
        prepare(url, connect)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with open(os.devnull, "w") as log:
            server = serve(url, port, log)
            try:
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                    results = {}
                    for view in views:
                        state = login_state(browser, base, view.user) if view.user else None
                        if view.user:
                            area = view.path.split("area=")[1].split("#")[0]
                            colds = []
                            for _ in range(args.cold_runs):
                                with connect() as conn:
                                    conn.execute(ONE_MORE_CASE, {"prefix": area + "."})
                                colds.append(open_once(browser, base, view, state))
                            print(f"{view.title}: cold (first open since the data changed): "
                                  f"{statistics.median(c[0] for c in colds) / 1e6:.3f} MB, "
                                  f"drawn in median "
                                  f"{statistics.median(c[1] for c in colds):.2f} s "
                                  f"({', '.join(f'{c[1]:.2f}' for c in colds)})")
                            if colds and view.max_bytes:
                                met = (statistics.median(c[0] for c in colds) <= view.max_bytes
                                       and statistics.median(c[1] for c in colds)
                                       <= view.max_seconds)
                                ok &= met
                                print(f"  target (cold) <= {view.max_bytes / 1e6:.0f} MB and "
                                      f"<= {view.max_seconds:.0f} s: "
                                      f"{'OK' if met else 'GAGAL / FAILED'}")
                        runs = [open_once(browser, base, view, state) for _ in range(args.runs)]
                        size = statistics.median(r[0] for r in runs)
                        drawn = statistics.median(r[1] for r in runs)
                        results[view.title] = (size, drawn)
                        print(f"{view.title}: {size / 1e6:.3f} MB in "
                              f"{statistics.median(r[2] for r in runs):.0f} responses, "
                              f"scripts run in median "
                              f"{statistics.median(r[3] for r in runs):.2f} s, drawn in median "
                              f"{drawn:.2f} s ({', '.join(f'{r[1]:.2f}' for r in runs)})")
                        if view.max_bytes:
                            met = size <= view.max_bytes and drawn <= view.max_seconds
                            ok &= met
                            print(f"  target <= {view.max_bytes / 1e6:.0f} MB and "
                                  f"<= {view.max_seconds:.0f} s: "
                                  f"{'OK' if met else 'GAGAL / FAILED'}")
                        else:
                            planner = results[views[views.index(view) - 1].title]
                            print(f"  the planner's view: {planner[0] / size:.2f}x the bytes, "
                                  f"{planner[1] / drawn:.2f}x the time of this baseline")
                    browser.close()
            finally:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
