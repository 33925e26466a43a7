"""Flow bugs found walking the product (issue 31, item 4), each in a real browser."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.utils import timezone

from closeloop.demo.seed import create_world
from closeloop.practices.models import Category
from closeloop.support_queue import lifecycle, presence
from closeloop.support_queue.models import Channel, SupportItem
from tests.browser.conftest import ana_lopez, login, open_action, portal_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world() -> dict[str, Any]:
    demo = create_world()
    riverside, _ = demo.practices
    ana = ana_lopez(riverside)
    item = portal_item(
        riverside, "billing", actor=demo.staff["frontdesk"], patient=ana,
        summary="Statement question",
    )  # fmt: skip
    return {"staff": demo.staff, "item": item, "ana": ana, "riverside": riverside}


def _presence_after(page: Any, action: Any) -> str:
    """The presence line the page shows after its next poll following ``action``."""
    with page.expect_response(re.compile(r"/presence/")) as polled:
        action()
    polled.value.finished()
    return page.locator("#presence").inner_text()


def test_resolving_with_the_closing_question_on_is_not_a_change_by_someone_else(
    live_server, world, new_page
) -> None:
    riverside = world["riverside"]
    riverside.closure_question = True
    riverside.auto_review_requests = False
    riverside.save()
    base = live_server.url
    page = new_page()
    login(page, base, "frontdesk")
    page.goto(f"{base}/items/{world['item'].pk}/")
    open_action(page, "Save plan and update time")
    plan = page.locator("#form-update_window")
    plan.get_by_label("What we are checking").fill("The statement's second line")
    plan.get_by_label("Next step", exact=True).fill("The charge is removed; new statement sent")
    plan.get_by_role("button").click()
    page.locator(".plan").get_by_text("The statement's second line").wait_for()

    open_action(page, "Resolve")
    form = page.locator("#form-resolve")
    form.get_by_label("Outcome", exact=True).fill("Charge removed")
    form.get_by_label("I am telling the patient the next step now").check()
    form.get_by_label("The patient confirmed the outcome").check()
    form.get_by_role("button", name="Resolve").click()
    page.locator(".facts .status").get_by_text("Resolved").wait_for()
    assert "Closing question asked" in page.locator(".actions").inner_text()
    item = SupportItem.objects.get(pk=world["item"].pk)
    with page.expect_response(re.compile(r"/presence/")) as polled:
        pass
    polled.value.finished()
    page.wait_for_timeout(200)
    assert "changed since you opened it" not in page.locator("#presence").inner_text()
    assert f"v={item.version}" in page.locator("#presence").get_attribute("hx-get")


def test_a_colleague_who_closes_the_item_stops_being_shown_within_seconds(
    live_server, world, new_page
) -> None:
    base = live_server.url
    url = f"{base}/items/{world['item'].pk}/"
    mine, theirs = new_page(), new_page()
    login(mine, base, "frontdesk")
    login(theirs, base, "maria")
    theirs.goto(url)
    mine.goto(url)
    maria = world["staff"]["maria"].get_full_name()
    mine.locator("#presence").get_by_text(maria).wait_for()
    started = time.monotonic()
    theirs.close(run_before_unload=True)
    mine.locator("#presence").get_by_text(maria).wait_for(state="detached")
    assert time.monotonic() - started <= presence.POLL_SECONDS + 2
    # A page that never said goodbye (a crash, a lost network) goes after two missed polls.
    assert presence.PRESENCE_SECONDS <= 3 * presence.POLL_SECONDS


def test_after_a_merge_the_page_is_the_surviving_items_own(live_server, world, new_page) -> None:
    riverside, ana = world["riverside"], world["ana"]
    duplicate = lifecycle.item_create(
        practice=riverside,
        category=Category.objects.get(practice=riverside, code="billing"),
        channel=Channel.PHONE,
        actor=world["staff"]["frontdesk"],
        summary="Statement question, called again",
        patient=ana,
    )
    base = live_server.url
    page = new_page()
    login(page, base, "frontdesk")
    page.goto(f"{base}/items/{duplicate.pk}/")
    open_action(page, "Merge into another item")
    form = page.locator("#form-merge")
    form.get_by_label("The same need as").select_option(value=str(world["item"].pk))
    form.get_by_role("button").click()
    page.wait_for_url(f"{base}/items/{world['item'].pk}/")
    assert page.title().startswith(f"#{world['item'].pk} ")
    assert f"#{world['item'].pk}" in page.locator(".crumbs").inner_text()


def test_asking_a_colleague_has_a_due_time_lists_no_one_away_and_shows_the_answer_by_time(
    live_server, world, new_page
) -> None:
    from closeloop.practices.models import StaffProfile
    from closeloop.support_queue.models import ColleagueRequest
    from closeloop.web.templatetags.closeloop import at

    StaffProfile.objects.filter(user=world["staff"]["supervisor"]).update(
        away_since=timezone.now(), available=False
    )
    base = live_server.url
    page = new_page()
    login(page, base, "frontdesk")
    page.goto(f"{base}/items/{world['item'].pk}/")
    open_action(page, "Ask a colleague")
    form = page.locator("#form-ask")
    picker = form.get_by_label("Ask", exact=True)
    listed = picker.locator("option").all_inner_texts()
    assert any("María García" in name for name in listed), listed
    assert not any("Sam Supervisor" in name for name in listed), listed
    assert form.get_by_label("Answer needed by").input_value()  # a default, in the future
    picker.select_option(label="María García")
    form.get_by_label("What do you need from them").fill("Was the refund sent?")
    form.get_by_role("button").click()
    page.locator("section.requests").get_by_text("Was the refund sent?").wait_for()
    request = ColleagueRequest.objects.get(item=world["item"])
    assert request.due_at > timezone.now()

    theirs = new_page()
    login(theirs, base, "maria")
    theirs.goto(base + "/?tab=requests")
    row = theirs.locator("table.queue tbody tr", has_text="Ana Lopez")
    assert at(request.due_at, world["riverside"]) in row.inner_text()
    assert "Answer needed by" in theirs.locator("table.queue thead").text_content()


def test_the_slash_key_focuses_a_visible_search_box(live_server, world, new_page) -> None:
    base = live_server.url
    page = new_page()
    login(page, base, "maria")
    page.goto(base + "/?tab=open")
    page.keyboard.press("/")
    focused = page.evaluate(
        "() => [document.activeElement.name, document.activeElement.type,"
        " document.activeElement.checkVisibility()]"
    )
    assert focused == ["practice", "select-one", True], focused
    page.goto(f"{base}/items/{world['item'].pk}/")
    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.type") == "search"


NEW_PATIENT = {"first_name", "last_name", "date_of_birth", "phone"}
UNKNOWN_CALLER = {"caller_name", "callback_number"}


def _tab_walk(page: Any, until: str, limit: int = 40) -> list[str]:
    """The names of the fields Tab visits until the field named ``until``."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate("() => document.activeElement.name || document.activeElement.id")
        seen.append(name)
        if name == until:
            return seen
    raise AssertionError(f"Tab never reached {until}: {seen}")


def test_the_log_form_walks_only_the_fields_of_the_chosen_kind_of_caller(
    live_server, world, new_page, screenshot_dir
) -> None:
    base = live_server.url
    page = new_page()
    login(page, base, "frontdesk")
    page.keyboard.press("l")
    page.wait_for_url(re.compile(r"/log/"))
    assert page.evaluate("() => document.activeElement.id") == "lookup"
    walked = _tab_walk(page, "summary")
    assert not set(walked) & (NEW_PATIENT | UNKNOWN_CALLER), walked
    assert len(walked) <= 3, walked  # Find, then the request
    for name in NEW_PATIENT:
        field = page.locator(f'#log-form [name="{name}"]')
        assert field.is_disabled() and not field.is_visible()

    # "New patient", keys only: its fields, and not the lookup's.
    page.locator('input[name="caller"]:checked').focus()
    page.keyboard.press("ArrowRight")
    assert page.locator('input[name="caller"]:checked').get_attribute("value") == "new"
    walked = _tab_walk(page, "summary")
    assert set(walked) >= NEW_PATIENT, walked
    assert not set(walked) & ({"q", "lookup"} | UNKNOWN_CALLER), walked
    assert page.locator("#lookup").is_disabled()
    page.screenshot(path=str(screenshot_dir / "log-new-patient.png"), full_page=True)
