"""HTML and script in names, notes, contacts and category fields, in a real browser.

A resource and a case are written through the JSON API with markup in every free-text
field, and files with markup in the category column are uploaded (their rows rejected,
the value echoed in the reason). Then every page that shows them is opened in headless
Chromium, map popups included: no script runs (a window flag and dialogs are watched),
no element the markup would make exists, the text shows literally, and
``browser_page`` fails on any CSP violation (which an unescaped handler would cause).
tests/test_cases_http.py and test_resources_http.py check the HTML source; this is the
browser's view of the same, on every page.
"""

from __future__ import annotations

import io

import pytest

from tests.auth_fixtures import bearer
from tests.cases_fixtures import case_record, csv_bytes, points_in, valid_nik
from tests.overlay_fixtures import log_in_page, open_overlay

pytestmark = pytest.mark.browser

IMG = '<img src=x onerror="window.__xss=1;alert(1)">'
SVG = '"><svg onload="window.__xss=2;alert(2)">'
SCRIPT = "</script><script>window.__xss=3;alert(3)</script>"
# What the markup would make; JSON data blocks (<script type="application/json">) are inert.
MARKUP = ("img[src='x'], svg[onload], "
          "script:not([src]):not([nonce]):not([type='application/json'])")

WATCH = "window.__xss = 0;"


def _no_script_ran(watched, dialogs: list[str], where: str, shown: list[str]) -> None:
    page = watched.page
    assert page.evaluate("() => window.__xss") == 0, where
    assert dialogs == [], where
    made = page.evaluate("m => [...document.querySelectorAll(m)].map(e => e.outerHTML)", MARKUP)
    assert made == [], where
    text = page.inner_text("body")
    for value in shown:
        assert value in text, f"{where}: {value!r} not shown as text"


@pytest.fixture
def hostile(bandung_db, web_client, users, api_token):
    """A resource, a case (with personal data) and two uploads full of markup."""
    dinas = bearer(api_token(users["dinas"]))
    tksk = bearer(api_token(users["tksk"]))
    with bandung_db.connect() as conn:
        (lon, lat), (lon2, lat2) = points_in(conn, users["tksk"].area, 2)
    made = web_client.post("/api/resources", headers=dinas, json={
        "kategori": "LKS", "nama": IMG, "lintang": lat, "bujur": lon, "kapasitas": 10,
        "kontak": SVG})
    assert made.status_code == 201, made.get_data(as_text=True)
    resource = bandung_db.scalar("SELECT id FROM psks_resource WHERE name = %s", (IMG,))
    case = web_client.post("/api/cases", headers=tksk, json=case_record(
        lon2, lat2, catatan=IMG, nama=SVG, alamat=SCRIPT, nik=valid_nik(users["tksk"].area, 7)))
    assert case.status_code == 201, case.get_data(as_text=True)
    case_upload = web_client.post("/api/uploads", headers=tksk, data={"file": (io.BytesIO(
        csv_bytes([case_record(lon, lat), case_record(lon2, lat2, kategori=IMG)])),
        "kasus.csv")})
    assert case_upload.status_code == 201, case_upload.get_data(as_text=True)
    resource_file = ("kategori,nama,lintang,bujur,kapasitas\n"
                     f'"{IMG.replace(chr(34), chr(34) * 2)}",Panti,{lat},{lon},5\n').encode()
    resource_upload = web_client.post("/api/resources/uploads", headers=dinas, data={
        "file": (io.BytesIO(resource_file), "sumber.csv")})
    assert resource_upload.status_code == 201, resource_upload.get_data(as_text=True)
    return {"resource": resource, "case": case.get_json()["ids"][0],
            "case_upload": case_upload.get_json()["id"],
            "resource_upload": resource_upload.get_json()["id"]}


def test_markup_never_runs_on_any_page(browser_page, hostile, users):
    page = browser_page.page
    page.context.add_init_script(WATCH)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    log_in_page(browser_page, users["dinas"])
    for path, shown in [
        ("/resources", [IMG]),
        (f"/resources/{hostile['resource']}/edit", []),
        (f"/resources/uploads/{hostile['resource_upload']}", []),
        (f"/cases/{hostile['case']}?purpose=pemeriksaan+keamanan", [IMG, SVG, SCRIPT]),
    ]:
        browser_page.goto(path)
        page.wait_for_load_state("networkidle")
        _no_script_ran(browser_page, dialogs, path, shown)
    # The edit form holds the contact as a field value, literally.
    browser_page.goto(f"/resources/{hostile['resource']}/edit")
    assert page.input_value("#contact") == SVG

    # The map: the resource's popup (built in the page's JavaScript).
    open_overlay(browser_page, "resources")
    opened = page.evaluate("""(name) => {
        const c = window.geomap.state.overlays.resources.cluster;
        for (const m of c.getLayers()) {
          const popup = m.getPopup(); if (!popup) { continue; }
          const content = popup.getContent();
          const node = typeof content === 'function' ? content(m) : content;
          if (node && node.textContent && node.textContent.includes(name)) {
            c.zoomToShowLayer(m, () => m.openPopup()); return true;
          }
        }
        return false; }""", IMG)
    assert opened, "no popup holds the hostile resource"
    popup = page.locator(".geomap-popup-resource")
    popup.wait_for()
    assert popup.locator("strong").inner_text() == IMG
    assert SVG in popup.inner_text()  # the contact, for a dinas
    _no_script_ran(browser_page, dialogs, "/map resources popup", [IMG])

    # The uploader's own preview, where the rejected category is echoed in the reason.
    page.context.clear_cookies()
    log_in_page(browser_page, users["tksk"])
    path = f"/cases/uploads/{hostile['case_upload']}"
    browser_page.goto(path)
    page.wait_for_load_state("networkidle")
    _no_script_ran(browser_page, dialogs, path, [])
    assert "unknown_category" in page.inner_text("body")
