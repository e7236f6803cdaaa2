"""The course-of-treatment page against the API's progress document (Chromium)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By

from tests.pages.browser import ready, table_rows, visit, wait
from tests.pages.conftest import Site

pytestmark = pytest.mark.server


def _day(n: int) -> str:
    return (datetime.now(UTC).date() - timedelta(days=n)).isoformat()


def _at(n: int) -> str:
    return datetime.combine(
        datetime.now(UTC).date() - timedelta(days=n), time(10), tzinfo=UTC
    ).isoformat()


def _case(site: Site, family: str) -> tuple[str, str]:
    with site.api("therapist") as http:
        c = http.post("/v1/clients", json={"given_name": "Page", "family_name": family})
        assert c.status_code == 201, c.text
        cid = c.json()["id"]
        e = http.post(f"/v1/clients/{cid}/episodes", json={"started_on": _day(60)})
        assert e.status_code == 201, e.text
        return cid, e.json()["id"]


def _open(site: Site, cid: str) -> WebDriver:
    driver = site.browser("therapist")
    visit(driver, f"/app/clients/{cid}")
    wait(driver, lambda d: d.current_url.endswith(cid))
    ready(driver)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "table[data-table='segments']"))
    return driver


def test_closed_course_page_draws_no_measure_from_after_its_end(site: Site) -> None:  # noqa: F811
    cid, eid = _case(site, "Closedcourse")
    with site.api("therapist") as http:
        s = http.post(
            "/v1/sessions", json={"client_id": cid, "starts_at": _at(50), "status": "attended"}
        )
        assert s.status_code == 201, s.text
        m = http.post(
            f"/v1/clients/{cid}/measures",
            json={"instrument": "phq9", "items": [1] * 9, "administered_on": _day(45)},
        )
        assert m.status_code == 201, m.text
        etag = http.get(f"/v1/episodes/{eid}").headers["ETag"]
        closed = http.post(
            f"/v1/episodes/{eid}/close",
            headers={"If-Match": etag},
            json={"ended_on": _day(40), "reason": "client_withdrew"},
        )
        assert closed.status_code == 200, closed.text
        # Months later, a screening outside any course of treatment.
        later = http.post(
            f"/v1/clients/{cid}/measures",
            json={"instrument": "phq9", "items": [3] * 9, "administered_on": _day(5)},
        )
        assert later.status_code == 201, later.text
    progress = site.get("therapist", f"/v1/clients/{cid}/progress")
    assert progress["episode_id"] == eid
    assert progress["ended_on"] == _day(40)
    in_episode = [m for p in progress["phases"] for m in p["measures"] if m["instrument"] == "phq9"]
    assert sum(m["n"] for m in in_episode) == 1
    driver = _open(site, cid)
    rows = table_rows(driver, "measure-phq9")
    # The page labels the course's PHQ-9s: only the one of this episode, not a later one
    # shown as if taken in its last phase.
    assert [r[0] for r in rows] == [_day(45)], rows


def test_theme_matrix_draws_every_point_of_the_progress_document(site: Site) -> None:  # noqa: F811
    cid, eid = _case(site, "Unmarked")
    with site.api("therapist") as http:
        held = http.post(
            "/v1/sessions", json={"client_id": cid, "starts_at": _at(30), "status": "attended"}
        )
        unmarked = http.post(
            "/v1/sessions", json={"client_id": cid, "starts_at": _at(23), "status": "scheduled"}
        )
        for v in (held, unmarked):
            assert v.status_code == 201, v.text
            o = http.post(
                f"/v1/sessions/{v.json()['id']}/observations",
                json={"theme_code": "defense.denial", "intensity": 3},
            )
            assert o.status_code == 201, o.text
    progress = site.get("therapist", f"/v1/clients/{cid}/progress")
    points = sum(len(t["points"]) for t in progress["theme_trajectories"])
    assert points == 2
    driver = _open(site, cid)
    cells = driver.find_elements(By.CSS_SELECTOR, "svg#themes rect.cell")
    assert len(cells) == points, (len(cells), points)
