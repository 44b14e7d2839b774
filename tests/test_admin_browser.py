"""The login and admin pages in headless Chromium: a person logs in, adds a user, issues a
token and logs out, with no CSP violation or console error (checked by ``browser_page``)."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import ARTIFACTS

pytestmark = pytest.mark.browser


def test_admin_logs_in_adds_user_issues_token_and_logs_out(browser_page, users, bandung_db):
    page = browser_page.page
    browser_page.goto("/admin/users")
    assert "/login?next=/admin/users" in page.url
    page.fill("#username", "admin1")
    page.fill("#password", users["admin"].password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/users")
    assert page.locator("#user-tksk1").count() == 1

    add = page.locator("form[action='/admin/users']")
    add.locator("#username").fill("tksk.cimenyan")
    add.locator("#role").select_option("tksk")
    add.locator("#area").fill("32.04.06")
    add.locator("#password").fill("Sandi-Cimenyan-01")
    add.locator("#confirm").fill("Sandi-Cimenyan-01")
    add.locator("button[type=submit]").click()
    page.wait_for_selector("#user-tksk\\.cimenyan")
    assert "Ditambahkan / added: tksk.cimenyan" in page.content()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin_users_page.png"), full_page=True)
    assert bandung_db.scalar("SELECT area_code FROM app_user WHERE username = 'tksk.cimenyan'") \
        == "32.04.06"

    row = page.locator("#user-tksk1")
    row.locator("input[name=name]").fill("skrip")
    row.get_by_role("button", name="Buat token / Issue token").click()
    token = page.locator("#token").inner_text()
    assert token.startswith("gm_")

    page.goto(browser_page.base_url + "/admin/users")
    page.get_by_role("button", name="Keluar / Log out").click()
    page.wait_for_url("**/login")
    browser_page.goto("/admin/users")
    assert "/login" in page.url


def test_wrong_password_message_in_browser(browser_page, users):
    page = browser_page.page
    browser_page.goto("/login")
    page.fill("#username", "dinas1")
    page.fill("#password", "bukan-sandinya")
    page.click("button[type=submit]")
    alert = page.get_by_role("alert")
    assert "Nama pengguna atau kata sandi salah" in alert.inner_text()
    assert "Wrong username or password" in alert.inner_text()
