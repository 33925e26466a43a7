"""The metrics dashboard in Chromium: charts drawn from the page's data, tables and CSV links."""

from __future__ import annotations

from typing import Any

import pytest

from closeloop.demo.seed import create_world
from closeloop.patients.services import patient_create
from closeloop.practices.models import Category
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import Channel
from tests.browser.test_workspace_browser import login
from tests.conftest import EVENING, acknowledged

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world() -> Any:
    demo = create_world()
    riverside = demo.practices[0]
    ana = patient_create(
        practice=riverside, first_name="Ana", last_name="Lopez", phone="312-555-0142"
    )
    for code in ("billing", "scheduling", "referral_document_status"):
        item = lifecycle.item_create(
            practice=riverside,
            category=Category.objects.get(practice=riverside, code=code),
            channel=Channel.PORTAL,
            actor=demo.staff["frontdesk"],
            summary="Question",
            patient=ana,
        )
        acknowledged(item, demo.staff["frontdesk"], after_hours_reason=EVENING)
    return demo


def test_supervisor_sees_the_dashboard_with_charts(
    live_server, world, new_page, screenshot_dir
) -> None:
    base = live_server.url
    page = new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, base, "supervisor")
    page.get_by_role("link", name="Metrics").click()
    page.wait_for_url(f"{base}/metrics/")
    assert page.get_by_role("heading", name="Recovery metrics").is_visible()
    drawn = page.evaluate(
        "Array.from(document.querySelectorAll('canvas[data-chart]'))"
        ".map(c => Chart.getChart(c) ? Chart.getChart(c).data.datasets.length : 0)"
    )
    assert drawn == [2, 1, 2, 3, 3] and not errors
    flow = page.locator("section.chart", has=page.get_by_role("heading", name="New and resolved"))
    flow.get_by_text("Table view").click()
    assert flow.locator("table").is_visible()
    assert (
        flow.get_by_role("link", name="CSV")
        .get_attribute("href")
        .startswith("/metrics/charts/flow.csv?")
    )
    page.screenshot(path=str(screenshot_dir / "dashboard.png"), full_page=True)


def test_front_desk_has_no_metrics(live_server, world, new_page) -> None:
    page = new_page()
    login(page, live_server.url, "frontdesk")
    assert page.get_by_role("link", name="Metrics").count() == 0
    assert page.goto(f"{live_server.url}/metrics/").status == 404
