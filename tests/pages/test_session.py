"""Token handling on the pages: memory only, a revoked (or expired) token ends the page's
session, sign-out forgets it, and nothing lands in cookies, storage or URLs."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.pages.browser import (
    browser_log,
    check_page,
    console_errors,
    keys,
    main_text,
    page_token,
    ready,
    sign_in,
    start_browser,
    tab_to,
    wait,
)
from tests.pages.conftest import FORBIDDEN_IN_URLS, PASSWORDS, Site

pytestmark = pytest.mark.server

EXPECTED_401 = ("status of 401",)


def test_tokens_live_in_memory_and_end_with_revocation_and_sign_out(site: Site) -> None:
    driver = start_browser(site.downloads)
    try:
        sign_in(driver, site.base_url, "trainee@demo.example", PASSWORDS["trainee"])
        assert driver.get_cookies() == []
        assert driver.execute_script("return localStorage.length + sessionStorage.length") == 0
        token = page_token(driver)
        assert token not in driver.execute_script("return location.href")

        # The API revokes the token (as expiry after 15 minutes would): the page asks again.
        revoked = httpx.post(
            f"{site.base_url}/v1/auth/logout", headers={"Authorization": f"Bearer {token}"}
        )
        assert revoked.status_code == 204
        tab_to(driver, "nav a[href='/app/caseload']")
        keys(driver, Keys.ENTER)
        wait(driver, lambda d: "Your session has ended" in main_text(d))
        assert driver.find_elements(By.CSS_SELECTOR, "table") == []
        check_page(driver, "signed-out", FORBIDDEN_IN_URLS, allowed=EXPECTED_401)

        # Sign in again with the keyboard, then sign out: back gives no data either.
        keys(driver, "trainee@demo.example", Keys.TAB, PASSWORDS["trainee"], Keys.ENTER)
        ready(driver)
        assert "Caseload" in main_text(driver)
        tab_to(driver, "button#signout")
        keys(driver, Keys.ENTER)
        wait(driver, lambda d: "You have signed out." in main_text(d))
        driver.back()
        wait(driver, lambda d: d.find_elements(By.ID, "email"))
        assert driver.find_elements(By.CSS_SELECTOR, "table") == []
        assert driver.get_cookies() == []
        trainee = site.get("trainee", "/v1/me")["id"]
        logouts = site.get("auditor", "/v1/audit/events", actor_id=trainee, action="auth.logout")
        assert len(logouts["items"]) == 2
    finally:
        driver.quit()


# Timers of a minute or more fire after half a second: the page's session timer, set to a
# minute before the access token's 15 minutes, then runs while the test waits.
_FAST_TIMERS = """
const setTimeoutAsWritten = window.setTimeout;
window.setTimeout = (fn, ms, ...args) => setTimeoutAsWritten(fn, ms >= 60000 ? 500 : ms, ...args);
"""


def _sent(log: list[dict[str, Any]], driver: Any) -> dict[str, Any] | None:
    """The logout request among the requests the page sent so far (the network log drains
    as it is read, so its entries are kept in ``log``), if there is one yet."""
    for entry in browser_log(driver, "performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            log.append(message["params"]["request"])
    return next((r for r in log if r["url"].endswith("/v1/auth/logout")), None)


def test_a_session_that_times_out_signs_out_and_revokes_its_refresh_token(site: Site) -> None:
    driver = start_browser(site.downloads)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _FAST_TIMERS})
        sign_in(driver, site.base_url, "therapist@demo.example", PASSWORDS["therapist"])
        wait(driver, lambda d: "Your session has ended" in main_text(d))
        assert driver.find_elements(By.CSS_SELECTOR, "table") == []
        log: list[dict[str, Any]] = []
        logout = wait(driver, lambda d: _sent(log, d))
        token = logout["headers"]["Authorization"].removeprefix("Bearer ")
        refresh = json.loads(logout["postData"])["refresh_token"]
        # Both were revoked while the access token still worked: neither opens a session.
        me = httpx.get(f"{site.base_url}/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 401
        again = httpx.post(f"{site.base_url}/v1/auth/refresh", json={"refresh_token": refresh})
        assert again.status_code == 401
        assert console_errors(driver, EXPECTED_401) == []
    finally:
        driver.quit()
