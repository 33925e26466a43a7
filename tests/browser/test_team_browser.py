"""One team in a real browser (issue 21): the end-of-shift handoff screen, and two people on
one item seeing each other (presence) with the second save refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from closeloop.demo.seed import create_world
from closeloop.patients.services import patient_create
from closeloop.practices.models import Category
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import Channel, ReceiptHow, SupportItem
from tests.browser.conftest import login
from tests.conftest import EVENING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def owned_item(world: Any, owner: Any, summary: str, hours: float) -> SupportItem:
    riverside = world.practices[0]
    patient = patient_create(
        practice=riverside, first_name="Ana", last_name=summary.split()[0], phone="3125550142"
    )
    item = lifecycle.item_create(
        practice=riverside, category=Category.objects.get(practice=riverside, code="scheduling"),
        channel=Channel.PHONE, actor=owner, summary=summary, patient=patient,
    )  # fmt: skip
    item = lifecycle.item_assign(item=item, actor=owner, owner=owner, team=item.team)
    due = timezone.now() + timedelta(hours=hours)
    # The wall clock: at night the promise is after hours, which the evening shift explains.
    item = lifecycle.item_acknowledge(
        item=item, actor=owner, how=ReceiptHow.CALL, next_update_at=due, after_hours_reason=EVENING
    )
    return lifecycle.item_set_update_window(
        item=item, actor=owner, checking="Open slots", next_step="Book Thursday", update_at=due,
        after_hours_reason=EVENING,
    )  # fmt: skip


def test_the_end_of_shift_handoff_screen(live_server, new_page, screenshot_dir) -> None:
    world = create_world()
    maria = world.staff["maria"]
    soon = owned_item(world, maria, "Moving Thursday's visit", 1)
    later = owned_item(world, maria, "Asking for a later slot", 24 * 5)
    base = live_server.url
    page = new_page()
    login(page, base, "maria")
    page.goto(base + "/shift/")
    page.get_by_role("heading", name="Hand over at the end of your shift").wait_for()
    # Falling due before the next shift: ticked, with the suggested teammate.
    assert page.locator(f"#pick-{soon.pk}").is_checked()
    assert not page.locator(f"#pick-{later.pk}").is_checked()
    assert "suggested" in page.locator(f"select[name=to-{soon.pk}]").inner_text()
    page.get_by_label(f"Note for #{soon.pk}").fill("The patient prefers mornings")
    page.screenshot(path=str(screenshot_dir / "shift.png"), full_page=True)
    page.get_by_role("button", name="Hand over the ticked items").click()
    page.get_by_text("Handed over 1 item(s).").wait_for()
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.owner != maria and later.owner == maria
    receiver = soon.owner.username
    other = new_page()
    login(other, base, receiver)
    other.goto(base + "/alerts/")
    assert "Handed to you at the end of a colleague's shift" in other.content()
    assert "from María García" in other.content()


def test_two_people_on_one_item_see_each_other_and_the_second_save_is_refused(
    live_server, new_page, screenshot_dir
) -> None:
    world = create_world()
    item = owned_item(world, world.staff["maria"], "Moving Thursday's visit", 3)
    base = live_server.url
    maria, sam = new_page(), new_page()
    login(maria, base, "maria")
    login(sam, base, "supervisor")
    maria.goto(f"{base}/items/{item.pk}/")
    sam.goto(f"{base}/items/{item.pk}/")
    sam.locator("#presence").get_by_text("María García").wait_for()
    maria.locator("#presence").get_by_text("Sam Supervisor").wait_for(timeout=15_000)
    # Sam adds a note; María, still typing hers, is told the item changed and keeps her text.
    sam.locator("details.action-note summary").click()
    sam.locator("#form-note textarea, #form-note input[type=text]").first.fill("Called the lab")
    sam.locator("#form-note").get_by_role("button", name="Add note").click()
    sam.get_by_text("Called the lab").first.wait_for()
    maria.locator("details.action-note summary").click()
    field = maria.locator("#form-note textarea, #form-note input[type=text]").first
    field.fill("Patient asked for mornings")
    maria.locator("#form-note").get_by_role("button", name="Add note").click()
    maria.get_by_text("This item changed after you opened it").first.wait_for()
    assert "Sam Supervisor" in maria.locator("#form-note").inner_text()
    value = maria.locator("#form-note textarea, #form-note input[type=text]").first.input_value()
    assert value == "Patient asked for mornings"
    maria.locator("#presence").get_by_text("Sam Supervisor").wait_for(timeout=15_000)
    maria.screenshot(path=str(screenshot_dir / "item-presence.png"), full_page=False)
    # Saved again from the refreshed form: accepted.
    maria.locator("#form-note").get_by_role("button", name="Add note").click()
    maria.locator(".timeline").get_by_text("Patient asked for mornings").wait_for()
