"""Flow bugs found walking the product (issue 31, item 4) that a page's HTML shows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import client_as, planned

pytestmark = pytest.mark.django_db


def test_the_shift_page_says_overdue_for_a_deadline_long_past(clock, make_item, assistant) -> None:
    item = planned(make_item(), assistant)
    clock.shift(timedelta(days=20))
    page = client_as(assistant).get("/shift/").content.decode()
    row = page[page.index(f'id="pick-{item.pk}"') :].split("</tr>", 1)[0].replace("\xa0", " ")
    assert "before your next shift" not in row
    assert "overdue by 2 weeks, 5 days" in row  # the first response, due Nov 17
    assert 'class="badge overdue"' in row
    assert "checked aria-label" in row  # still handed over


def test_asking_someone_away_names_them_by_their_name_not_their_login(
    clock, org, riverside, make_item, assistant
) -> None:
    from django.utils import timezone

    from closeloop.practices.choices import Role
    from closeloop.practices.models import StaffProfile
    from closeloop.practices.services import staff_create
    from closeloop.support_queue.colleague_requests import request_ask
    from closeloop.support_queue.lifecycle import LifecycleError

    newhire = staff_create(
        organization=org, username="pnewhire", password=None, practices=[riverside],
        email="p@example.com", roles=[Role.SUPPORT], first_name="Pat", last_name="Newhire",
    )  # fmt: skip
    StaffProfile.objects.filter(user=newhire).update(away_since=timezone.now())
    newhire.staff.refresh_from_db()
    with pytest.raises(LifecycleError) as refused:
        request_ask(
            item=make_item(), actor=assistant, colleague=newhire, text="Refill sent?",
            due_at=timezone.now() + timedelta(hours=1),
        )  # fmt: skip
    assert refused.value.message == "Pat Newhire is away: ask someone else."


def test_attempt_rows_show_what_came_of_the_call_and_used_up_attempts_are_said_once(
    clock, make_item, assistant
) -> None:
    from closeloop.periodic.sweep import sweep
    from closeloop.support_queue import lifecycle
    from closeloop.support_queue.models import Channel, ContactOutcome

    item = planned(make_item(), assistant, after=timedelta(days=6))
    outcomes = [
        ContactOutcome.NO_ANSWER,
        ContactOutcome.VOICEMAIL_NO_DETAILS,
        ContactOutcome.WRONG_NUMBER,
    ]
    for n, outcome in enumerate(outcomes):
        item = lifecycle.item_log_attempt(
            item=item, actor=assistant, channel=Channel.PHONE, outcome=outcome,
            note=f"Try {n + 1}",
        )  # fmt: skip
        if n < 2:
            clock.move_to(item.next_attempt_due_at + timedelta(minutes=1))
            sweep()
    clock.shift(timedelta(minutes=1))
    sweep()  # used up: the "we tried to reach you" text
    timeline = client_as(assistant).get(f"/items/{item.pk}/").content.decode()
    timeline = timeline[timeline.index('aria-label="Timeline"') :]
    assert "Attempt 1 · phone call · no answer" in timeline
    assert "Attempt 2 · phone call · left a voicemail asking to call back" in timeline
    assert "Attempt 3 · phone call · wrong number" in timeline
    assert timeline.count("Call attempts used up") == 1
    assert "“We tried to reach you” text sent" in timeline


def test_due_soon_says_overdue_for_a_reply_already_late(clock, make_item, assistant) -> None:
    item = make_item()
    clock.shift(timedelta(days=2))
    page = client_as(assistant).get("/?tab=due_soon").content.decode()
    row = page[page.index(f'href="/items/{item.pk}/"') :].split("</tr>", 1)[0]
    assert '<span class="overdue">Reply overdue</span>' in row


def test_the_demo_outbox_shows_times_on_the_practices_clock(
    client, clock, settings, tmp_path, make_item, assistant
) -> None:
    from django.utils import timezone

    from closeloop.core.sms import Account, send_sms
    from closeloop.web.templatetags.closeloop import at

    settings.CLOSELOOP_ENV = "demo"
    settings.SMS_BACKEND = "file"
    settings.OUTBOX_DIR = tmp_path
    item = make_item()
    account = Account(sid="", token="", from_number="+13125550100")
    send_sms(account, to="+13125550142", body="We got your message", what=f"item {item.pk}")
    client.force_login(assistant)
    page = client.get("/outbox/").content.decode()
    assert at(timezone.now(), item.practice) in page  # "Tue Nov 17, 10:00 AM CST"
    assert "T16:00" not in page
