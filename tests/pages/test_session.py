"""Token handling on the pages: memory only, a revoked (or expired) token ends the page's
session, sign-out forgets it, and nothing lands in cookies, storage or URLs."""

from __future__ import annotations

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.pages.browser import (
    check_page,
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
