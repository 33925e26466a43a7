"""The workspace in a real browser: a front-desk call from lookup to resolution, and isolation."""

from __future__ import annotations

import re
from typing import Any

import pytest

from closeloop.demo.seed import create_world
from closeloop.patients.services import patient_create
from closeloop.support_queue.models import Status, SupportItem
from tests.browser.conftest import ana_lopez, login, open_action, portal_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world() -> dict[str, Any]:
    demo = create_world()
    riverside, lakeside = demo.practices
    ana = ana_lopez(riverside)
    kim = patient_create(practice=lakeside, first_name="Bo", last_name="Kim", phone="212-555-0111")
    items = {}
    for practice, patient, who in ((riverside, ana, "frontdesk"), (lakeside, kim, "billing")):
        items[practice.slug] = portal_item(
            practice, "billing", actor=demo.staff[who], patient=patient,
            summary=f"Statement question at {practice.name}",
        )  # fmt: skip
    return {"staff": demo.staff, "items": items, "ana": ana}


def test_front_desk_logs_a_call_and_closes_the_loop(
    live_server, world, new_page, screenshot_dir
) -> None:
    base = live_server.url
    page = new_page()
    login(page, base, "frontdesk")
    page.get_by_role("link", name="Log a contact").click()

    page.get_by_label("Find patient by phone").fill("312-555-0142")
    page.locator("#lookup-results").get_by_text("Ana Lopez").wait_for()
    assert page.locator('#lookup-results input[name="patient"]').is_checked()
    page.get_by_label("Category").select_option(label="Scheduling help")
    page.get_by_label("What the patient needs").fill("Needs to move Thursday's appointment")
    page.get_by_role("button", name="Save and show scripts").click()

    page.wait_for_url(re.compile(r"/items/\d+/$"))
    item_url = page.url
    scripts = page.locator("section.scripts")
    assert "Thanks for calling, Ana. I know fitting an appointment" in scripts.inner_text()

    # A live call is acknowledged as it is logged, with the time the caller was told.
    page.locator(".facts").get_by_text("Acknowledged").wait_for()

    open_action(page, "Resolve")
    page.locator("#form-resolve").get_by_label("Outcome", exact=True).fill("Moved to next Tuesday")
    page.locator("#form-resolve").get_by_label("I am telling the patient the next step now").check()
    page.locator("#form-resolve").get_by_role("button", name="Resolve").click()
    refusal = page.locator("details.failed .error")
    refusal.wait_for()
    assert "Write the next step before recording that it was given." in refusal.inner_text()
    assert (
        page.locator("#form-resolve").get_by_label("Outcome", exact=True).input_value()
        == "Moved to next Tuesday"
    )

    open_action(page, "Save plan and update time")
    plan = page.locator("#form-update_window")
    plan.get_by_label("What we are checking").fill("Tuesday slots with Dr. Reyes")
    plan.get_by_label("Next step", exact=True).fill("Booked Tuesday 9:30; confirmation text sent")
    assert plan.get_by_label("Patient hears from us by").input_value()  # suggested window
    page.locator("#form-update_window").get_by_role("button").click()
    page.locator(".plan").get_by_text("Tuesday slots with Dr. Reyes").wait_for()
    page.screenshot(path=str(screenshot_dir / "item.png"), full_page=True)

    open_action(page, "Resolve")
    page.locator("#form-resolve").get_by_label("Outcome", exact=True).fill("Moved to next Tuesday")
    page.locator("#form-resolve").get_by_label("I am telling the patient the next step now").check()
    page.locator("#form-resolve").get_by_role("button", name="Resolve").click()
    page.locator(".facts .status").get_by_text("Resolved").wait_for()

    item = SupportItem.objects.get(pk=int(item_url.rstrip("/").rsplit("/", 1)[1]))
    assert item.status == Status.RESOLVED
    assert item.owner.username == "frontdesk"

    page.goto(base + "/?tab=resolved_today")
    page.get_by_text("Needs to move Thursday's appointment").wait_for()


def test_maria_switches_practices_and_other_practices_items_are_unreachable(
    live_server, world, new_page, screenshot_dir
) -> None:
    base = live_server.url
    page = new_page()
    login(page, base, "maria")
    page.goto(base + "/?tab=open")
    rows = page.locator("table.queue tbody")
    assert "Statement question at Riverside" in rows.inner_text()
    assert "Statement question at Lakeside" in rows.inner_text()
    page.screenshot(path=str(screenshot_dir / "queue.png"))

    page.get_by_label("Practice").select_option(label="Lakeside Dental")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"practice=lakeside"))
    assert "Statement question at Lakeside" in rows.inner_text()
    assert "Statement question at Riverside" not in rows.inner_text()

    other = new_page()
    login(other, base, "frontdesk")
    response = other.goto(f"{base}/items/{world['items']['lakeside'].pk}/")
    assert response.status == 404
    assert "Statement question" not in other.content()


def test_a_refused_action_works_without_javascript(live_server, world, new_page) -> None:
    base = live_server.url
    page = new_page(javascript=False)
    login(page, base, "frontdesk")
    page.goto(f"{base}/items/{world['items']['riverside'].pk}/")
    open_action(page, "Resolve")
    page.locator("#form-resolve").get_by_label("Outcome", exact=True).fill("Explained the bill")
    page.locator("#form-resolve").get_by_role("button", name="Resolve").click()
    assert "Cannot resolve yet" in page.locator("details.failed .error").inner_text()
    assert (
        page.locator("#form-resolve").get_by_label("Outcome", exact=True).input_value()
        == "Explained the bill"
    )


def test_the_keyboard_path_logs_a_call_and_moves_through_the_queue(
    live_server, world, new_page, screenshot_dir
) -> None:
    base = live_server.url
    page = new_page()
    login(page, base, "maria")
    page.goto(base + "/?tab=open")
    # "?" lists the shortcuts; Escape closes the list.
    page.keyboard.press("?")
    dialog = page.locator("dialog#shortcuts")
    dialog.wait_for(state="visible")
    assert "Next / previous item in the queue" in dialog.inner_text()
    page.screenshot(path=str(screenshot_dir / "shortcuts.png"))
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    # J and K move through the rows; Enter opens the selected one.
    page.keyboard.press("j")
    first = page.locator("table.queue tbody tr.selected")
    first.wait_for()
    page.keyboard.press("j")
    page.keyboard.press("k")
    selected = page.locator("table.queue tbody tr.selected a").first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(base + selected)
    # G then Q goes back; L logs a call, from the lookup to the saved item, keys only.
    page.keyboard.press("g")
    page.keyboard.press("q")
    page.wait_for_url(base + "/")
    page.keyboard.press("l")
    page.wait_for_url(re.compile(r"/log/"))
    page.keyboard.type("312-555-0142")
    page.locator("#lookup-results").get_by_text("Ana Lopez").wait_for()
    page.keyboard.press("Enter")
    # Ana is Riverside's patient: the form follows her practice, with her chosen.
    page.wait_for_url(re.compile(r"practice=\d+.*patient=\d+"))
    assert page.locator('input[name="patient"]:checked').count() == 1
    page.get_by_label("What the patient needs").focus()
    page.keyboard.type("Asking for the fax number")
    page.get_by_label("Answered during the call").focus()
    page.keyboard.type("Our fax number is (312) 555-0109.")
    page.get_by_label("What the patient needs").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/items/\d+/$"))
    page.locator(".facts .status").get_by_text("Resolved").wait_for()
    assert "Our fax number is (312) 555-0109." in page.locator(".facts").inner_text()


def test_times_are_labelled_in_each_practices_zone(
    live_server, world, new_page, screenshot_dir
) -> None:
    from closeloop.support_queue.models import AlertKind, StaffAlert

    maria = world["staff"]["maria"]
    for item in world["items"].values():
        StaffAlert.objects.create(user=maria, item=item, kind=AlertKind.HANDOFF)
    base = live_server.url
    page = new_page()
    login(page, base, "maria")
    page.goto(base + "/alerts/")
    table = page.locator("table.queue").inner_text()
    assert re.search(r"\d:\d\d [AP]M C[SD]T", table), table  # Riverside, Chicago
    assert re.search(r"\d:\d\d [AP]M E[SD]T", table), table  # Lakeside, New York
    page.screenshot(path=str(screenshot_dir / "alerts.png"))
    page.goto(f"{base}/items/{world['items']['lakeside'].pk}/")
    assert re.search(r"E[SD]T", page.locator(".facts").inner_text())
