"""Therapist and supervisor pages in Chromium: the figures equal the API's, reach holds,
every page view leaves the events of the /v1 calls it stands for."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app.demo.notes import _PRIVATE
from tests.pages.browser import (
    check_page,
    console_clean,
    console_errors,
    keys,
    main_text,
    page_token,
    ready,
    sign_in,
    start_browser,
    tab_to,
    table_rows,
    visit,
    wait,
)
from tests.pages.conftest import FORBIDDEN_IN_URLS, PASSWORDS, Site

pytestmark = pytest.mark.server

NOT_FOUND_LOGS = ("status of 404",)


def _client_id(site: Site, who: str, family_name: str) -> str:
    """The id of a client the login reaches, found by name in a list (never in a URL)."""
    rows = site.get(who, "/v1/clients", limit=200)["items"]
    return str(next(r["id"] for r in rows if r["family_name"] == family_name))


def _open_client_by_keyboard(driver: WebDriver, client_id: str) -> None:
    driver.find_element(By.CSS_SELECTOR, "a[href='/app/caseload']").click()
    ready(driver)
    tab_to(driver, f"a[href='/app/clients/{client_id}']")
    keys(driver, Keys.ENTER)
    wait(driver, lambda d: d.current_url.endswith(client_id))
    ready(driver)


def test_caseload_counts_equal_the_api(site: Site) -> None:
    driver = site.browser("therapist")
    tab_to(driver, "a[href='/app/caseload']")  # the navigation is reachable by keyboard
    keys(driver, Keys.ENTER)
    ready(driver)
    summary = site.get("therapist", "/v1/reports/caseload")["summary"]
    shown = {
        e.get_attribute("data-count"): int(e.text)
        for e in driver.find_elements(By.CSS_SELECTOR, "[data-count]")
    }
    assert shown == {
        "clients": summary["clients"],
        "with_risk_flags": summary["with_risk_flags"],
        **summary["by_phase"],
    }
    assert "Peter Wu" in main_text(driver)
    check_page(driver, "caseload", FORBIDDEN_IN_URLS)


def test_course_of_treatment_shows_the_apis_figures_and_leaves_its_events(site: Site) -> None:
    driver = site.browser("therapist")
    client_id = _client_id(site, "therapist", "Wu")
    since = datetime.now(UTC).isoformat()
    _open_client_by_keyboard(driver, client_id)
    progress = site.get("therapist", f"/v1/clients/{client_id}/progress")

    def table(name: str) -> list[list[str]]:
        return table_rows(driver, name)

    segments = table("segments")
    assert [(r[0], r[1], int(r[3])) for r in segments] == [
        (s["phase"].replace("_", " "), s["start"], s["days"]) for s in progress["segments"]
    ]
    assert len(segments) == 6  # the demo's course: back to exploration once, then on
    odf = {r[0]: float(r[1]) for r in table("odf")}
    assert odf == {
        p["phase"].replace("_", " "): p["defensive_functioning"]["odf"] for p in progress["phases"]
    }
    values = list(odf.values())
    assert values == sorted(values)  # defenses mature phase by phase, at a glance
    phq9 = site.get("therapist", f"/v1/clients/{client_id}/measures", instrument="phq9")["items"]
    shown = [(r[0], int(r[1])) for r in table("measure-phq9")]
    assert shown == sorted((m["administered_on"], m["total"]) for m in phq9)
    assert shown[0][1] > shown[-1][1]  # PHQ-9 falls across the course
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg#themes rect.cell")) == sum(
        len(t["points"]) for t in progress["theme_trajectories"]
    )
    for chart in ("timeline", "measure-phq9", "measure-gad7", "measure-wai_sr", "odf", "themes"):
        svg = driver.find_element(By.ID, chart)
        assert svg.get_attribute("role") == "img"
        assert svg.find_element(By.TAG_NAME, "title").get_attribute("textContent")
    notes = site.get("therapist", "/v1/notes", client_id=client_id, kind="progress", limit=200)
    statuses = [r[3] for r in table("sessions")]
    assert statuses.count("signed") == sum(n["status"] == "signed" for n in notes["items"])
    check_page(driver, "client-progress", FORBIDDEN_IN_URLS)

    therapist = site.get("therapist", "/v1/me")["id"]
    events = site.get(
        "auditor", "/v1/audit/events", actor_id=therapist, limit=200, **{"from": since}
    )
    from_page = [e for e in events["items"] if "Chrome" in (e["user_agent"] or "")]
    seen = {(e["action"], e["route"]) for e in from_page}
    assert {
        ("client.read", "/v1/clients/{id}"),
        ("progress.read", "/v1/clients/{id}/progress"),
        ("measure.list", "/v1/clients/{id}/measures"),
        ("session.list", "/v1/sessions"),
        ("note.search", "/v1/notes"),
    } <= seen, seen
    for event in from_page:
        assert event["route"].startswith("/v1/")
        assert not [t for t in FORBIDDEN_IN_URLS if t.lower() in event["route"].lower()]
        if event["action"] != "caseload.read":
            assert event["client_ids"] == [client_id], event


def test_another_therapists_client_is_not_found(site: Site) -> None:
    driver = site.browser("therapist")
    theirs = _client_id(site, "trainee", "Abrams")  # the trainee's alone
    visit(driver, f"/app/clients/{theirs}")
    wait(driver, lambda d: "Not found" in main_text(d))
    assert "Abrams" not in driver.page_source
    check_page(driver, "not-found", FORBIDDEN_IN_URLS, allowed=NOT_FOUND_LOGS)


def test_supervisor_cosigns_with_the_keyboard(site: Site) -> None:
    driver = site.browser("supervisor")
    me = site.get("supervisor", "/v1/me")["id"]
    pending = [
        n
        for n in site.get("supervisor", "/v1/notes", status="pending_cosign", kind="progress")[
            "items"
        ]
        if n["author_id"] != me
    ]
    assert pending, "the demo leaves a trainee's note awaiting cosignature"
    tab_to(driver, "a[href='/app/cosign']")
    keys(driver, Keys.ENTER)
    ready(driver)
    rows = driver.find_elements(By.CSS_SELECTOR, "table[data-table='pending'] tbody tr")
    assert len(rows) == len(pending)
    note_id = pending[0]["id"]
    tab_to(driver, f"button[data-open='{note_id}']")
    keys(driver, Keys.ENTER)
    wait(driver, lambda d: d.switch_to.active_element.get_attribute("id") == "cosign")
    check_page(driver, "cosign", FORBIDDEN_IN_URLS)
    keys(driver, Keys.ENTER)
    wait(driver, lambda d: "Note cosigned." in main_text(d))
    cosigned = site.get("supervisor", f"/v1/notes/{note_id}")
    assert cosigned["status"] == "signed"
    assert cosigned["cosigned_by"] == me
    assert len(driver.find_elements(By.CSS_SELECTOR, "table[data-table='pending'] tbody tr")) == (
        len(pending) - 1
    )
    assert console_clean(driver)


def test_psychotherapy_notes_are_shown_to_nobody_but_their_author(site: Site) -> None:
    # The supervisor reads the note the trainee shared by its id; it is in no list of theirs.
    own = site.get("trainee", "/v1/notes", kind="psychotherapy")["items"]
    shared = [n for n in own if n["share_with_supervisor"]]
    assert shared, "the demo's trainee shares a psychotherapy note"
    assert site.get("supervisor", f"/v1/notes/{shared[0]['id']}")["id"] == shared[0]["id"]
    assert site.get("supervisor", "/v1/notes", kind="psychotherapy")["items"] == []
    driver = site.browser("supervisor")
    for family_name in ("Duarte", "Abrams"):  # the trainee's clients
        client_id = _client_id(site, "supervisor", family_name)
        visit(driver, f"/app/clients/{client_id}")
        wait(driver, lambda d: d.current_url.endswith(f"/{client_id}"))  # noqa: B023
        ready(driver)
        for text in _PRIVATE.values():
            assert text not in driver.page_source
    check_page(driver, "client-progress-supervisor", FORBIDDEN_IN_URLS)


def test_a_stale_note_is_not_cosigned(site: Site) -> None:
    """The page cosigns with the ETag it read; a note changed since then is refused (412)."""
    note_id, etag = _pending_note(site, "Duarte", interventions=["supportive"])
    driver = site.browser("supervisor")
    visit(driver, "/app/cosign")
    ready(driver)
    driver.find_element(By.CSS_SELECTOR, f"button[data-open='{note_id}']").click()
    wait(driver, lambda d: d.switch_to.active_element.get_attribute("id") == "cosign")
    with site.api("supervisor") as http:  # meanwhile, returned from another window
        returned = http.post(
            f"/v1/notes/{note_id}/return",
            json={"comment": "Add the plan."},
            headers={"If-Match": etag},
        )
        assert returned.status_code == 200, returned.text
    keys(driver, Keys.ENTER)
    wait(driver, lambda d: "changed since you opened it" in main_text(d))
    assert site.get("supervisor", f"/v1/notes/{note_id}")["status"] == "draft"
    assert console_errors(driver, ("status of 412",)) == []


def _pending_note(site: Site, family_name: str, **fields: object) -> tuple[str, str]:
    """A note of the trainee's client signed into pending_cosign: its id and ETag."""
    client_id = _client_id(site, "trainee", family_name)
    with site.api("trainee") as http:
        visit_ = http.post(
            "/v1/sessions",
            json={
                "client_id": client_id,
                "starts_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
                "status": "attended",
            },
        )
        assert visit_.status_code == 201, visit_.text
        note = http.post(
            f"/v1/sessions/{visit_.json()['id']}/notes",
            json={"kind": "progress", "body": "Quiet session.", **fields},
        )
        assert note.status_code == 201, note.text
        signed = http.post(
            f"/v1/notes/{note.json()['id']}/sign", headers={"If-Match": note.headers["ETag"]}
        )
        assert signed.status_code == 200, signed.text
    assert signed.json()["status"] == "pending_cosign"
    return note.json()["id"], signed.headers["ETag"]


def test_the_cosign_view_shows_the_risk_and_reads_only_the_clients_waiting(site: Site) -> None:
    """The supervisor cosigns what they saw: risk and interventions are on the page; the queue
    reads the clients of the waiting notes, not the whole caseload (SPEC §10)."""
    note_id, _ = _pending_note(
        site,
        "Duarte",
        risk={"level": "high", "details": "Passive thoughts of death, no plan."},
        interventions=["transference_interpretation", "supportive"],
    )
    driver = start_browser(site.downloads)
    try:
        sign_in(driver, site.base_url, "supervisor@demo.example", PASSWORDS["supervisor"])
        ready(driver)
        since = datetime.now(UTC).isoformat()
        visit(driver, "/app/cosign")
        ready(driver)
        driver.find_element(By.CSS_SELECTOR, f"button[data-open='{note_id}']").click()
        wait(driver, lambda d: d.switch_to.active_element.get_attribute("id") == "cosign")
        shown = main_text(driver)
        assert "Risk: high — Passive thoughts of death, no plan." in shown
        assert "Interventions: transference interpretation, supportive" in shown
        me = site.get("supervisor", "/v1/me")["id"]
        events = site.get("auditor", "/v1/audit/events", actor_id=me, limit=200, **{"from": since})
        routes = {e["route"] for e in events["items"] if "Chrome" in (e["user_agent"] or "")}
        assert "/v1/reports/caseload" not in routes
        assert "/v1/clients/{id}" in routes
        waiting = site.get("supervisor", "/v1/notes", awaiting_my_cosign="true", kind="progress")
        named = {
            c for e in events["items"] if e["route"] == "/v1/clients/{id}" for c in e["client_ids"]
        }
        assert named == {n["client_id"] for n in waiting["items"]}
    finally:
        driver.quit()


def test_a_session_that_ends_during_an_action_takes_the_note_off_the_screen(site: Site) -> None:
    """A 401 on a button's call (revoked, expired) shows the sign-in form, not the note."""
    note_id, _ = _pending_note(site, "Duarte", plan="Plan only the page shows.")
    driver = start_browser(site.downloads)
    try:
        sign_in(driver, site.base_url, "supervisor@demo.example", PASSWORDS["supervisor"])
        ready(driver)
        visit(driver, "/app/cosign")
        ready(driver)
        driver.find_element(By.CSS_SELECTOR, f"button[data-open='{note_id}']").click()
        wait(driver, lambda d: "Plan only the page shows." in main_text(d))
        token = page_token(driver)
        revoked = httpx.post(
            f"{site.base_url}/v1/auth/logout", headers={"Authorization": f"Bearer {token}"}
        )
        assert revoked.status_code == 204
        driver.find_element(By.ID, "cosign").click()
        wait(driver, lambda d: "Your session has ended" in main_text(d))
        assert "Plan only the page shows." not in driver.page_source
        assert driver.find_element(By.ID, "signout").get_attribute("hidden") is not None
        assert driver.find_elements(By.ID, "email")
        assert console_errors(driver, ("status of 401",)) == []
        assert site.get("supervisor", f"/v1/notes/{note_id}")["status"] == "pending_cosign"
    finally:
        driver.quit()


def test_the_theme_table_gives_the_apis_figures(site: Site) -> None:
    """Two observations of one theme in one session: the table shows the API's mean of both."""
    with site.api("therapist") as http:
        made = http.post("/v1/clients", json={"given_name": "Theo", "family_name": "Means"})
        assert made.status_code == 201, made.text
        client_id = made.json()["id"]
        started = (datetime.now(UTC).date()).replace(day=1).isoformat()
        episode = http.post(f"/v1/clients/{client_id}/episodes", json={"started_on": started})
        assert episode.status_code == 201, episode.text
        visit_ = http.post(
            "/v1/sessions",
            json={
                "client_id": client_id,
                "starts_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
                "status": "attended",
            },
        )
        assert visit_.status_code == 201, visit_.text
        for intensity in (1, 4):
            seen = http.post(
                f"/v1/sessions/{visit_.json()['id']}/observations",
                json={"theme_code": "affect.grief", "intensity": intensity},
            )
            assert seen.status_code == 201, seen.text
    progress = site.get("therapist", f"/v1/clients/{client_id}/progress")
    driver = site.browser("therapist")
    visit(driver, f"/app/clients/{client_id}")
    ready(driver)
    grief = next(t for t in progress["phases"][0]["themes"] if t["code"] == "affect.grief")
    assert grief["mean_intensity"] == 2.5
    row = next(r for r in table_rows(driver, "themes") if r[0] == grief["label"])
    assert row[5] == "1 × 2.50", row
