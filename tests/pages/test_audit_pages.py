"""Auditor pages in Chromium: search with every filter and paging, the access report,
break-the-glass review by keyboard, verification and export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.pages.browser import (
    check_page,
    console_clean,
    console_errors,
    keys,
    main_text,
    ready,
    tab_to,
    table_rows,
    wait,
)
from tests.pages.conftest import FORBIDDEN_IN_URLS, Site

pytestmark = pytest.mark.server


def _go(driver: WebDriver, href: str) -> None:
    """Follow a navigation link by keyboard."""
    tab_to(driver, f"nav a[href='{href}']", from_top=True)
    keys(driver, Keys.ENTER)
    ready(driver)


def _client(site: Site, who: str, family_name: str) -> str:
    rows = site.get(who, "/v1/clients", limit=200)["items"]
    return str(next(r["id"] for r in rows if r["family_name"] == family_name))


def _rows(driver: WebDriver, name: str) -> list[list[str]]:
    return table_rows(driver, name)


def test_access_log_search_with_every_filter_and_paging(site: Site) -> None:
    client_id = _client(site, "therapist", "Wu")
    therapist = site.get("therapist", "/v1/me")["id"]
    site.get("therapist", f"/v1/clients/{client_id}/progress")  # at least one matching event
    driver = site.browser("auditor")
    _go(driver, "/app/audit/events")
    now = datetime.now(UTC)
    filters = {
        "client_id": client_id,
        "actor_id": therapist,
        "action": "progress.read",
        "resource_type": "client",
        "purpose": "TREAT",
    }
    for name, value in filters.items():
        driver.find_element(By.ID, f"f-{name}").send_keys(value)
    Select(driver.find_element(By.ID, "f-outcome")).select_by_value("success")
    Select(driver.find_element(By.ID, "f-break_glass")).select_by_value("false")
    for name, moment in (("from", now - timedelta(hours=1)), ("to", now + timedelta(hours=1))):
        # Typing into datetime-local depends on the locale; its value format does not.
        driver.execute_script(
            "arguments[0].value = arguments[1]",
            driver.find_element(By.ID, f"f-{name}"),
            moment.strftime("%Y-%m-%dT%H:%M"),
        )
    expected = site.get(
        "auditor",
        "/v1/audit/events",
        **filters,
        outcome="success",
        break_glass="false",
        limit=25,
        **{
            "from": (now - timedelta(hours=1)).replace(second=0, microsecond=0).isoformat(),
            "to": (now + timedelta(hours=1)).replace(second=0, microsecond=0).isoformat(),
        },
    )["items"]
    assert expected
    driver.find_element(By.ID, "search").click()
    wait(driver, lambda d: {r[2] for r in _rows(d, "events")} == {"progress.read"})
    shown = _rows(driver, "events")
    assert [r[0] for r in shown] == [e["occurred_at"].replace("T", " ")[:19] for e in expected]
    check_page(driver, "audit-search", FORBIDDEN_IN_URLS)

    # Paging: 5 a page, unfiltered, equal to the API's first two pages.
    for name in (*filters, "from", "to"):
        driver.find_element(By.ID, f"f-{name}").clear()
    Select(driver.find_element(By.ID, "f-outcome")).select_by_value("")
    Select(driver.find_element(By.ID, "f-break_glass")).select_by_value("")
    Select(driver.find_element(By.ID, "f-limit")).select_by_value("5")
    driver.find_element(By.ID, "search").click()
    wait(driver, lambda d: len(_rows(d, "events")) == 5 and d.find_elements(By.ID, "next"))
    first = [r[2] for r in _rows(driver, "events")]
    driver.find_element(By.ID, "next").click()
    wait(driver, lambda d: "page 2" in main_text(d))
    second = [r[2] for r in _rows(driver, "events")]
    assert len(second) == 5 and first != second or first[0] != second[0]
    assert console_clean(driver)


def test_access_report_equals_the_api(site: Site) -> None:
    client_id = _client(site, "therapist", "Wu")
    therapist = site.get("therapist", "/v1/me")["id"]
    driver = site.browser("auditor")
    _go(driver, "/app/audit/clients")
    driver.find_element(By.ID, "report-client").send_keys(client_id, Keys.ENTER)
    wait(driver, lambda d: d.current_url.endswith(client_id))
    ready(driver)
    report = site.get("auditor", f"/v1/audit/clients/{client_id}/access-report")
    row = next(a for a in report["actors"] if a["actor_id"] == therapist)
    shown = next(r for r in _rows(driver, "report") if r[0].endswith(therapist[-12:]))
    assert int(shown[2]) == row["total"]
    check_page(driver, "audit-access-report", FORBIDDEN_IN_URLS)


def test_break_the_glass_review_by_keyboard_creates_its_event(site: Site) -> None:
    theirs = _client(site, "trainee", "Abrams")
    with site.api("therapist") as http:
        glass = http.get(
            f"/v1/clients/{theirs}",
            headers={"X-Break-Glass-Reason": "Covering the crisis line tonight"},
        )
    assert glass.status_code == 200
    pending = site.get("auditor", "/v1/audit/break-glass", reviewed="false")["items"]
    event_id = next(i["event"]["id"] for i in pending if theirs in i["event"]["client_ids"])
    driver = site.browser("auditor")
    _go(driver, "/app/audit/break-glass")
    check_page(driver, "audit-break-glass", FORBIDDEN_IN_URLS)
    tab_to(driver, f"select#decision-{event_id}")
    keys(driver, Keys.TAB, "Covering colleague, confirmed by rota")
    tab_to(driver, f"button[data-review='{event_id}']")
    keys(driver, Keys.ENTER)
    wait(driver, lambda d: "Review recorded." in main_text(d))
    item = next(
        i
        for i in site.get("auditor", "/v1/audit/break-glass")["items"]
        if i["event"]["id"] == event_id
    )
    assert item["status"] == "reviewed"
    assert item["reviews"][0]["decision"] == "justified"
    auditor = site.get("auditor", "/v1/me")["id"]
    reviews = site.get("auditor", "/v1/audit/events", actor_id=auditor, action="audit.review")
    assert any(e["resource"]["id"] == event_id for e in reviews["items"])
    assert console_clean(driver)


def test_log_state_verifies_and_downloads_an_export(site: Site) -> None:
    driver = site.browser("auditor")
    _go(driver, "/app/audit/log")
    tab_to(driver, "button#verify")
    keys(driver, Keys.ENTER)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#verify-result [data-ok]"))
    verdict = driver.find_element(By.CSS_SELECTOR, "#verify-result [data-ok]")
    assert verdict.get_attribute("data-ok") == "true", verdict.text
    # Before the sequencer's first checkpoint the page asks, gets 404 and says so: Chromium
    # logs that answer as an error, the page's only expected one.
    no_checkpoint = (
        "checkpoints/latest - Failed to load resource: the server responded with a status of 404"
    )
    check_page(driver, "audit-log-state", FORBIDDEN_IN_URLS, (no_checkpoint,))
    before = set(site.downloads.iterdir())
    Select(driver.find_element(By.ID, "export-format")).select_by_value("csv")
    driver.find_element(By.ID, "download").click()
    wait(driver, lambda d: "Downloaded" in main_text(d))

    def finished() -> list[Path]:
        return [p for p in set(site.downloads.iterdir()) - before if p.suffix == ".csv"]

    wait(driver, lambda d: finished())
    exported = finished()[0]
    assert exported.read_text().startswith("id,") or "," in exported.read_text().splitlines()[0]
    auditor = site.get("auditor", "/v1/me")["id"]
    exports = site.get("auditor", "/v1/audit/events", actor_id=auditor, action="audit.export")
    assert exports["items"]
    assert console_clean(driver)


def _every_page(site: Site, who: str, path: str, **params: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = site.get(who, path, limit=200, **params, **({"cursor": cursor} if cursor else {}))
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def test_every_pending_break_the_glass_access_is_in_the_queue(site: Site) -> None:
    """However many wait (more than one page of the API's), each is on the page to review."""
    theirs = _client(site, "trainee", "Abrams")
    with site.api("therapist") as http:
        for _ in range(101):
            glass = http.get(
                f"/v1/clients/{theirs}", headers={"X-Break-Glass-Reason": "Crisis line cover"}
            )
            assert glass.status_code == 200
    pending = _every_page(site, "auditor", "/v1/audit/break-glass", reviewed="false")
    assert len(pending) > 100
    driver = site.browser("auditor")
    _go(driver, "/app/audit/break-glass")
    shown = {
        b.get_attribute("data-review")
        for b in driver.find_elements(By.CSS_SELECTOR, "table[data-table='break-glass'] button")
    }
    assert shown == {i["event"]["id"] for i in pending}
    reviewed = site.get("auditor", "/v1/audit/break-glass", reviewed="true", limit=50)["items"]
    assert len(_rows(driver, "break-glass-reviewed")) == len(reviewed)
    assert console_errors(driver) == []


def test_a_double_click_records_one_review(site: Site) -> None:
    theirs = _client(site, "trainee", "Abrams")
    with site.api("therapist") as http:
        glass = http.get(
            f"/v1/clients/{theirs}", headers={"X-Break-Glass-Reason": "Covering the crisis line"}
        )
    assert glass.status_code == 200
    pending = site.get("auditor", "/v1/audit/break-glass", reviewed="false")["items"]
    event_id = pending[0]["event"]["id"]  # newest first: this one
    driver = site.browser("auditor")
    _go(driver, "/app/audit/break-glass")
    button = driver.find_element(By.CSS_SELECTOR, f"button[data-review='{event_id}']")
    ActionChains(driver).double_click(button).perform()
    wait(driver, lambda d: "Review recorded." in main_text(d))
    item = next(
        i
        for i in site.get("auditor", "/v1/audit/break-glass", reviewed="true", limit=200)["items"]
        if i["event"]["id"] == event_id
    )
    assert len(item["reviews"]) == 1
    assert console_errors(driver) == []
