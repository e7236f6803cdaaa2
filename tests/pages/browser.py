"""Headless Chromium for the page tests: start it, sign in, check a page, drive the keyboard."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
# The network is closed: without these flags Chromium stalls on its own background calls.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,800",
)


def require_browser() -> tuple[str, str]:
    """Chromium and ChromeDriver paths; a failure under CI, a skip elsewhere, when missing."""
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    missing = [n for n, p in (("chromium", chromium), ("chromedriver", driver)) if not p]
    if not AXE.exists():
        missing.append("node_modules/axe-core")
    if missing:
        message = f"{', '.join(missing)} missing: run `make browser-deps`"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: the browser tests must run, but {message}")
        pytest.skip(message)
    assert chromium
    assert driver
    return chromium, driver


def start_browser(downloads: Path) -> WebDriver:
    """A fresh headless Chromium (own profile) at 1280×800 that keeps its console log."""
    chromium, driver_path = require_browser()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='pages-profile-')}")
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    # The viewport itself is 1280×800 (a window of that size leaves less for the page).
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    return driver


def wait(driver: WebDriver, condition: Callable[[WebDriver], Any], timeout: float = 20) -> Any:
    """Wait until `condition` holds."""
    return WebDriverWait(driver, timeout).until(condition)


def main_text(driver: WebDriver) -> str:
    """The text of the page's main region."""
    return str(driver.find_element(By.ID, "main").text)


def ready(driver: WebDriver) -> None:
    """Wait until the current view has drawn all it asked /v1 for."""
    wait(driver, lambda d: d.find_element(By.ID, "main").get_attribute("data-ready") == "true")


def keys(driver: WebDriver, *sequence: str) -> None:
    """Type into whatever has the focus, as a person at the keyboard would."""
    webdriver.ActionChains(driver).send_keys(*sequence).perform()


def tab_to(driver: WebDriver, css: str, limit: int = 200, *, from_top: bool = False) -> WebElement:
    """Press Tab until an element matching `css` has the focus; return it.

    `from_top` starts from the top of the page, as a user would who reached it anew: the
    navigation is then a few stops away however long the page below it.
    """
    if from_top:
        driver.execute_script(
            "const body = document.body; body.tabIndex = -1; body.focus();"
            " body.removeAttribute('tabindex');"
        )
    for _ in range(limit):
        keys(driver, Keys.TAB)
        active: WebElement = driver.switch_to.active_element
        if driver.execute_script("return arguments[0].matches(arguments[1])", active, css):
            return active
    raise AssertionError(f"Tab never reached {css}")


def sign_in(driver: WebDriver, base_url: str, email: str, password: str) -> None:
    """Sign in with the keyboard only: type, Tab, type, Tab to the button, Enter."""
    driver.get(f"{base_url}/app/")
    wait(driver, lambda d: d.switch_to.active_element.get_attribute("id") == "email")
    keys(driver, email, Keys.TAB, password)
    tab_to(driver, "form.signin button[type=submit]")
    keys(driver, Keys.ENTER)
    ready(driver)


def axe_violations(driver: WebDriver) -> list[dict[str, Any]]:
    """Serious and critical axe-core findings on the page (axe injected, never served)."""
    driver.execute_script(AXE.read_text())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(r.violations)).catch(e => done([{id: String(e)}]));"
    )
    return [v for v in result if v.get("impact") in ("serious", "critical", None)]


def console_errors(driver: WebDriver, allowed: tuple[str, ...] = ()) -> list[str]:
    """SEVERE browser-log entries since the last call, less the expected ones."""
    entries = browser_log(driver, "browser")
    return [
        e["message"]
        for e in entries
        if e["level"] == "SEVERE" and not any(a in e["message"] for a in allowed)
    ]


def requested_urls(driver: WebDriver) -> list[str]:
    """Every URL the page asked for since the last call, and where it navigated."""
    urls = []
    for entry in browser_log(driver, "performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def check_page(
    driver: WebDriver, name: str, forbidden: list[str], allowed: tuple[str, ...] = ()
) -> None:
    """Screenshot, axe-core, console and URL checks of the page as it stands."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    assert axe_violations(driver) == [], name
    errors = console_errors(driver, allowed)
    assert errors == [], (name, errors)  # the messages, to tell which page logged them
    history = driver.execute_script("return location.href")
    for url in [*requested_urls(driver), history]:
        readable = readable_url(url)
        for text in forbidden:
            assert not re.search(rf"\b{re.escape(text)}\b", readable, re.IGNORECASE), (name, url)


def readable_url(url: str) -> str:
    """The URL decoded, less the opaque cursors (base64 may spell anything, "Wu" included)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "cursor"]
    return unquote(f"{parts.path}?{urlencode(query)}#{parts.fragment}").replace("+", " ")


def table_rows(driver: WebDriver, name: str) -> list[list[str]]:
    """The cells' text of a page table, read in one step (a re-render cannot stale it)."""
    rows: list[list[str]] = driver.execute_script(
        "return [...document.querySelectorAll(`table[data-table='${arguments[0]}'] tbody tr`)]"
        ".map(r => [...r.querySelectorAll('th, td')].map(c => c.textContent))",
        name,
    )
    return rows


def visit(driver: WebDriver, path: str) -> None:
    """Go to an /app/ path inside the signed-in page (a reload would forget the token)."""
    driver.execute_script(
        "history.pushState(null, '', arguments[0]); dispatchEvent(new PopStateEvent('popstate'))",
        path,
    )


def browser_log(driver: WebDriver, kind: str) -> list[dict[str, Any]]:
    """Chromium's log of this kind (browser: the console; performance: the network)."""
    entries: list[dict[str, Any]] = driver.get_log(kind)  # type: ignore[no-untyped-call]
    return entries


def page_token(driver: WebDriver) -> str:
    """The bearer token the page last sent, read from the browser's network log."""
    token = ""
    for entry in browser_log(driver, "performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            auth = message["params"]["request"]["headers"].get("Authorization", "")
            token = auth.removeprefix("Bearer ") or token
    assert token
    return token


def console_clean(driver: WebDriver) -> bool:
    """No console error since the last check."""
    return console_errors(driver) == []
