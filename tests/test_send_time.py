"""A message is judged again right before it leaves (issue 30 #2): quiet hours in the practice's
zone, consent, the item still in the state the text was written for, and freshness — on the
first send, on every retry, and when the sweep re-drives a lease a dead worker left."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from closeloop.core import claims
from closeloop.messaging import closing_question, services
from closeloop.messaging.models import MessageState, OutboundMessage
from closeloop.messaging.services import deliver, message_send
from closeloop.periodic.sweep import sweep
from closeloop.security.models import AuditEvent
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import AlertKind, StaffAlert, Status
from tests.conftest import api_auth, planned, resolved, told
from tests.test_intake import SMS, TWILIO_TOKEN, sms, twilio_post

pytestmark = pytest.mark.django_db

# Riverside is in Chicago (UTC-6 in November); quiet hours 20:00-08:00.
TUESDAY_1957 = datetime(2026, 11, 18, 1, 57, tzinfo=UTC)
TUESDAY_1959 = datetime(2026, 11, 18, 1, 59, tzinfo=UTC)
TUESDAY_2100 = datetime(2026, 11, 18, 3, 0, tzinfo=UTC)
WEDNESDAY_0800 = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
WEDNESDAY_1000 = datetime(2026, 11, 18, 16, 0, tzinfo=UTC)
#: The evening shift's promises fall after the practice closes: they say why that is fine.
EVENING = "The evening nurse line calls back tonight"


def pending_update(item: Any, actor: Any, update_at: datetime = WEDNESDAY_1000) -> Any:
    return message_send(
        item=item, actor=actor, channel="sms", purpose="pending_update",
        next_update_at=update_at, after_hours_reason=EVENING,
    )  # fmt: skip


def cancelled_event(item: Any) -> Any:
    return item.events.get(code="item.message_cancelled")


def test_a_text_queued_before_quiet_hours_is_held_when_it_would_leave_inside_them(
    clock, texts, make_item, assistant
) -> None:
    clock.move_to(TUESDAY_1959)
    message = pending_update(planned(make_item(), assistant, after_hours_reason=EVENING), assistant)
    assert message.state == MessageState.QUEUED
    clock.move_to(TUESDAY_1959 + timedelta(seconds=90))  # 20:00:30: the worker gets to it
    assert deliver(message.pk) == MessageState.HELD
    message.refresh_from_db()
    assert (message.state, message.send_after) == (MessageState.HELD, WEDNESDAY_0800)
    assert texts() == []
    clock.move_to(WEDNESDAY_0800 - timedelta(minutes=1))
    sweep()
    assert texts() == []
    clock.move_to(WEDNESDAY_0800 + timedelta(minutes=1))
    assert sweep().handled["messages"] == 1
    assert len(texts()) == 1


def test_an_email_is_held_for_quiet_hours_like_a_text(clock, mailoutbox, make_item, assistant):
    """A phone shows an email at 9 PM as it shows a text: the practice's quiet hours hold both."""
    clock.move_to(TUESDAY_1959)
    item = planned(make_item(), assistant, after_hours_reason=EVENING)
    item.patient.email = "ana@example.com"
    item.patient.save()
    message = message_send(
        item=item, actor=assistant, channel="email", purpose="pending_update",
        next_update_at=WEDNESDAY_1000,
    )  # fmt: skip
    clock.move_to(TUESDAY_1959 + timedelta(seconds=90))
    assert deliver(message.pk) == MessageState.HELD
    assert mailoutbox == []
    clock.move_to(WEDNESDAY_0800 + timedelta(minutes=1))
    sweep()
    assert len(mailoutbox) == 1


def test_a_retry_never_lands_in_quiet_hours(clock, texts, monkeypatch, make_item, assistant):
    clock.move_to(TUESDAY_1957)
    message = pending_update(planned(make_item(), assistant, after_hours_reason=EVENING), assistant)

    def carrier_down(*args: Any, **kw: Any) -> str:
        raise ConnectionError("carrier unreachable")

    monkeypatch.setattr(services, "send_sms", carrier_down)
    clock.move_to(TUESDAY_1959)
    assert deliver(message.pk) == MessageState.HELD  # the back-off (2 min) ends at 20:01
    message.refresh_from_db()
    assert message.attempts == 1 and message.send_after == WEDNESDAY_0800
    monkeypatch.undo()
    clock.move_to(TUESDAY_1959 + timedelta(minutes=3))
    sweep()
    assert texts() == []
    clock.move_to(WEDNESDAY_0800 + timedelta(minutes=1))
    sweep()
    assert len(texts()) == 1


def test_the_emergency_notice_is_the_one_purpose_quiet_hours_never_hold(
    clock, texts, monkeypatch, make_item, assistant
) -> None:
    clock.move_to(TUESDAY_2100)
    message = message_send(item=make_item(), actor=None, channel="sms", purpose="emergency")
    monkeypatch.setattr(services, "send_sms", lambda *a, **kw: 1 / 0)
    assert deliver(message.pk) == MessageState.QUEUED  # retried in minutes, not at 08:00
    message.refresh_from_db()
    assert message.send_after == TUESDAY_2100 + timedelta(minutes=2)
    monkeypatch.undo()
    clock.move_to(TUESDAY_2100 + timedelta(minutes=3))
    sweep()
    assert len(texts()) == 1


def test_a_lease_a_dead_worker_left_is_judged_again_when_it_is_re_driven(
    clock, texts, make_item, assistant
) -> None:
    clock.move_to(TUESDAY_1957)
    message = pending_update(planned(make_item(), assistant, after_hours_reason=EVENING), assistant)
    # A worker claims it and dies before sending.
    assert claims.claim(
        OutboundMessage, message.pk, pending=MessageState.QUEUED, time_field="send_after",
        now=timezone.now(),
    )  # fmt: skip
    clock.move_to(TUESDAY_1957 + timedelta(minutes=8))  # 20:05, the lease long gone
    sweep()
    message.refresh_from_db()
    assert (message.state, message.send_after) == (MessageState.HELD, WEDNESDAY_0800)
    assert texts() == []


def test_a_patient_who_opts_out_after_a_text_is_queued_is_not_sent_it(
    client, clock, texts, riverside, make_item, assistant
) -> None:
    riverside.twilio_auth_token = TWILIO_TOKEN
    riverside.save()
    clock.move_to(TUESDAY_2100)
    item = planned(make_item(), assistant, after_hours_reason=EVENING)
    promise_before = item.promised_update_at
    message = pending_update(item, assistant)
    assert message.state == MessageState.HELD
    clock.move_to(TUESDAY_2100 + timedelta(hours=1))
    twilio_post(client, SMS, sms("SMstop1", "+13125550142", "STOP"))
    clock.move_to(WEDNESDAY_0800 + timedelta(minutes=1))
    sweep()
    message.refresh_from_db()
    assert message.state == "cancelled"
    assert message.cancel_code == "consent_withdrawn"
    assert texts() == []
    item.refresh_from_db()
    event = cancelled_event(item)
    assert event.changes["message"]["new"]["reason"] == "consent_withdrawn"
    assert "opted out" in event.text
    # The patient never heard the new time: the promise it made is gone, the one they had
    # (passed overnight) is due now, and the owner is told.
    assert promise_before < timezone.now()
    assert item.promised_update_at == timezone.now()
    assert StaffAlert.objects.filter(user=assistant, kind=AlertKind.MESSAGE_FAILED).count() == 1
    # Audited like any other change: which fields changed, by the worker.
    changes = AuditEvent.objects.filter(
        object_type="messaging.outboundmessage", object_id=str(message.pk), action="update"
    ).values_list("fields", flat=True)
    assert any({"state", "cancel_code"} <= set(fields) for fields in changes)


def test_a_text_about_an_item_resolved_before_it_leaves_is_cancelled_with_a_timeline_line(
    clock, texts, make_item, assistant
) -> None:
    clock.move_to(TUESDAY_2100)
    item = planned(make_item(), assistant, after_hours_reason=EVENING)
    message = pending_update(item, assistant)
    clock.move_to(WEDNESDAY_0800 - timedelta(minutes=30))
    lifecycle.item_resolve(item=told(item, assistant), actor=assistant, outcome="Booked")
    clock.move_to(WEDNESDAY_0800 + timedelta(minutes=1))
    sweep()
    assert texts() == []
    message.refresh_from_db()
    assert (message.state, message.cancel_code) == (
        "cancelled",
        "item_resolved",
    )
    assert "resolved" in cancelled_event(item).text


def test_a_held_update_whose_promise_changed_is_cancelled_and_the_new_promise_stands(
    clock, texts, make_item, assistant
) -> None:
    clock.move_to(TUESDAY_2100)
    item = planned(make_item(), assistant, after_hours_reason=EVENING)
    message = pending_update(item, assistant)
    clock.move_to(WEDNESDAY_0800 - timedelta(minutes=15))
    later = WEDNESDAY_1000 + timedelta(hours=1)
    told(item, assistant, next_update_at=later)  # staff called and promised 11:00 instead
    clock.move_to(WEDNESDAY_0800 + timedelta(minutes=1))
    sweep()
    assert texts() == []
    message.refresh_from_db()
    assert message.cancel_code == "promise_changed"
    item.refresh_from_db()
    assert item.promised_update_at == later


def test_a_text_about_an_item_merged_in_bulk_is_cancelled(clock, texts, make_item, assistant):
    from closeloop.team.bulk import bulk_run

    clock.move_to(TUESDAY_2100)
    kept = planned(make_item(summary="Move my appointment"), assistant, after_hours_reason=EVENING)
    duplicate = planned(make_item(), assistant, after_hours_reason=EVENING)
    message = pending_update(duplicate, assistant)
    merged = bulk_run(actor=assistant, item_ids=[kept.pk, duplicate.pk], action="merge", data={})
    assert merged.done == [duplicate.pk]
    clock.move_to(WEDNESDAY_0800 + timedelta(minutes=1))
    sweep()
    assert texts() == []
    message.refresh_from_db()
    assert message.cancel_code == "item_merged"


def _asked(riverside: Any, make_item: Any, assistant: Any) -> Any:
    riverside.closure_question = True
    riverside.save()
    item = resolved(make_item(), assistant, confirmed=True)
    check = closing_question.ask_after_resolution(item, actor=assistant)
    assert check is not None
    return item, OutboundMessage.objects.get(pk=check.message_id)


def test_a_closing_question_older_than_the_practices_limit_is_cancelled_never_sent(
    clock, texts, riverside, make_item, assistant
) -> None:
    item, question = _asked(riverside, make_item, assistant)
    clock.shift(timedelta(hours=49))  # the worker was down two days
    sweep()
    question.refresh_from_db()
    assert texts() == []
    assert (question.state, question.cancel_code) == ("cancelled", "stale")
    assert riverside.message_fresh_hours == 48  # the default
    assert "48 hours" in cancelled_event(item).text


def test_the_practice_sets_how_fresh_a_message_must_be(
    clock, texts, riverside, make_item, assistant
) -> None:
    riverside.message_fresh_hours = 96
    riverside.save()
    _, question = _asked(riverside, make_item, assistant)
    clock.shift(timedelta(hours=72))
    sweep()
    question.refresh_from_db()
    assert question.state == MessageState.SENT and len(texts()) == 1


def test_a_closing_question_for_an_item_reopened_before_it_leaves_is_cancelled(
    clock, texts, riverside, make_item, assistant
) -> None:
    item, question = _asked(riverside, make_item, assistant)
    lifecycle.item_reopen(item=item, actor=assistant, reason="The patient called again.")
    sweep()
    assert texts() == []
    question.refresh_from_db()
    assert question.cancel_code == "item_reopened"
    item.refresh_from_db()
    assert item.status == Status.ACKNOWLEDGED


def test_an_update_whose_time_passed_in_quiet_hours_is_cancelled_in_the_morning(
    clock, texts, make_item, assistant
) -> None:
    clock.move_to(TUESDAY_2100)
    item = planned(make_item(), assistant, after_hours_reason=EVENING)
    message = pending_update(item, assistant, update_at=TUESDAY_2100 + timedelta(hours=2))
    clock.move_to(WEDNESDAY_0800 + timedelta(minutes=1))
    sweep()
    assert texts() == []  # "we will contact you by 11:00 PM", at 8 AM, would be false
    message.refresh_from_db()
    assert message.cancel_code == "promise_passed"
    item.refresh_from_db()
    assert item.promised_update_at == timezone.now()  # the loop is open and due, not kept


def test_a_cancellation_is_shown_on_the_item_in_the_api_and_in_the_outbox_with_its_reason(
    client, clock, texts, settings, riverside, patient, make_item, assistant, outsider
) -> None:
    """A message sent through the API is judged by the worker like any other."""
    from closeloop.messaging.consent import consent_record

    clock.move_to(TUESDAY_2100)
    item = planned(make_item(), assistant, after_hours_reason=EVENING)
    auth = api_auth(assistant)
    sent = client.post(
        f"/api/v1/items/{item.pk}/message",
        json.dumps({"channel": "sms", "purpose": "pending_update",
                    "next_update_at": WEDNESDAY_1000.isoformat()}),
        content_type="application/json", **auth,
    )  # fmt: skip
    assert sent.status_code == 200, sent.content
    assert sent.json()["result"]["message_state"] == "held"
    consent_record(
        practice=riverside, channel="sms", address=patient.phone, opted_in=False, source="staff"
    )
    clock.move_to(WEDNESDAY_0800 + timedelta(minutes=1))
    sweep()
    timeline = client.get(f"/api/v1/items/{item.pk}/timeline", **auth).json()
    (event,) = [e for e in timeline if e["code"] == "item.message_cancelled"]
    assert "opted out" in event["text"]
    client.force_login(assistant)
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert "Message cancelled before it was sent" in page and "opted out" in page
    settings.CLOSELOOP_ENV = "demo"
    outbox = client.get("/outbox/").content.decode()
    assert "Not sent" in outbox and "consent_withdrawn" in outbox
    assert "The patient opted out of this channel since" in outbox
    client.force_login(outsider)  # another practice's person sees none of it
    assert "consent_withdrawn" not in client.get("/outbox/").content.decode()
    assert texts() == []
