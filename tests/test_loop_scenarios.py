"""The loop never falls open: stories from the front desk, each ending with the promise
invariant checked (``closeloop check-loops`` finds nothing)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from closeloop.messaging.models import MessageState, OutboundMessage, ReviewDecision, ReviewRequest
from closeloop.messaging.services import deliver, message_cancel, message_send
from closeloop.patients.services import patient_create
from closeloop.periodic.sweep import sweep
from closeloop.practices.choices import Team
from closeloop.security.models import AuditEvent
from closeloop.support_queue import lifecycle
from closeloop.support_queue.lifecycle import LifecycleError
from closeloop.support_queue.loop_invariant import loop_breaks
from closeloop.support_queue.models import (
    AlertKind,
    Channel,
    ContactOutcome,
    Direction,
    EventCode,
    StaffAlert,
    Status,
    SupportItem,
    WaitingOn,
)
from closeloop.support_queue.selectors import timeline_for_item
from tests.conftest import TUESDAY_10AM_CHICAGO, api_auth, category, planned, resolved, told
from tests.test_intake import SMS, VOICEMAIL, _configured, sms, twilio_post  # noqa: F401

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


def no_loop_open() -> list[Any]:
    return list(loop_breaks(SupportItem.objects.all()))


def alerts(user: Any, kind: str) -> int:
    return StaffAlert.objects.filter(user=user, kind=kind).count()


# --- the promise -------------------------------------------------------------------------------


def test_a_referral_waiting_on_another_office_keeps_a_deadline_for_weeks(
    clock, make_item, assistant
) -> None:
    item = planned(make_item("referral_document_status"), assistant, acknowledge=True)
    item = lifecycle.item_wait(item=item, actor=assistant, waiting_on=WaitingOn.OTHER_OFFICE)
    calendar = item.practice.calendar()
    for week in range(5):
        # Each call to the patient, an hour before the promise, says when they will hear next
        # (two business days on: a time the practice is open): the promise carries on.
        clock.move_to(item.promised_update_at - timedelta(hours=1))
        sweep()
        item = lifecycle.item_log_contact(
            item=item, actor=assistant, direction=Direction.OUTBOUND, channel=Channel.PHONE,
            outcome=ContactOutcome.REACHED, note=f"Week {week}: still waiting on the clinic",
            next_update_at=calendar.add(timezone.now(), timedelta(hours=18)),
        )  # fmt: skip
        assert item.status == Status.WAITING and item.next_due_at > timezone.now()
        assert no_loop_open() == []
    # then nobody calls: the promise breaks, and says so
    clock.move_to(item.promised_update_at + timedelta(minutes=1))
    assert sweep().handled["promise_due"] == 1
    item.refresh_from_db()
    assert item.promise_broken() and no_loop_open() == []


def test_a_quoted_time_becomes_the_promise(clock, make_item, assistant) -> None:
    item = planned(make_item(), assistant)
    wednesday_10am = datetime(2026, 11, 18, 16, 0, tzinfo=UTC)  # 10:00 in Chicago
    message = message_send(
        item=item, actor=assistant, channel="sms", purpose="pending_update",
        next_update_at=wednesday_10am,
    )  # fmt: skip
    assert "contact you again by Wednesday, November 18 at 10:00 AM" in message.body
    item.refresh_from_db()
    assert item.promised_update_at == wednesday_10am == message.promised_update_at


def test_an_undelivered_text_alerts_the_owner_and_keeps_the_promise_open(
    client, clock, make_item, assistant
) -> None:
    item = planned(make_item(), assistant, after=HOUR)
    before = item.promised_update_at
    message = message_send(
        item=item, actor=assistant, channel="sms", purpose="pending_update",
        next_update_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    assert deliver(message.pk) == MessageState.SENT
    message.refresh_from_db()
    callback = twilio_post(
        client,
        "/hooks/twilio/riverside/status/",
        {"MessageSid": message.provider_id, "MessageStatus": "undelivered", "ErrorCode": "30003"},
    )
    assert callback.status_code == 204
    item.refresh_from_db()
    # The patient never got the new time: the promise they had stands again.
    assert item.promised_update_at == before
    assert item.events.filter(code=EventCode.MESSAGE_FAILED).count() == 1
    assert alerts(assistant, AlertKind.MESSAGE_FAILED) == 1
    twilio_post(  # a repeated callback changes nothing more
        client,
        "/hooks/twilio/riverside/status/",
        {"MessageSid": message.provider_id, "MessageStatus": "undelivered"},
    )
    assert alerts(assistant, AlertKind.MESSAGE_FAILED) == 1


def test_a_status_callback_cannot_touch_another_practices_message(
    client, clock, lakeside, outsider, make_item, assistant
) -> None:
    item = planned(make_item(), assistant)
    message = message_send(
        item=item, actor=assistant, channel="sms", purpose="pending_update",
        next_update_at=timezone.now() + HOUR * 3,
    )  # fmt: skip
    deliver(message.pk)
    message.refresh_from_db()
    lakeside.twilio_auth_token = "lakeside-token"
    lakeside.save()
    response = twilio_post(
        client,
        "/hooks/twilio/lakeside/status/",
        {"MessageSid": message.provider_id, "MessageStatus": "failed"},
        token="lakeside-token",
    )
    assert response.status_code == 204
    message.refresh_from_db()
    assert message.state == MessageState.SENT


# --- handoffs ----------------------------------------------------------------------------------


def test_a_handoff_is_accepted_or_escalates(
    clock, make_item, assistant, billing, supervisor
) -> None:
    accepted = planned(make_item("billing"), assistant)
    accepted = lifecycle.item_assign(
        item=accepted, actor=assistant, owner=billing, team=Team.SUPPORT, reason="Billing"
    )
    late = planned(make_item("billing", summary="Second"), assistant)
    late = lifecycle.item_assign(item=late, actor=assistant, owner=billing, team=Team.SUPPORT)
    assert alerts(billing, AlertKind.HANDOFF) == 2
    lifecycle.item_accept(item=accepted, actor=billing)
    clock.shift(HOUR + timedelta(minutes=1))  # the billing category's target: one business hour
    assert sweep().handled["handoff"] == 1
    late.refresh_from_db()
    assert late.escalated and late.events.filter(code=EventCode.HANDOFF_LATE).exists()
    assert alerts(supervisor, AlertKind.HANDOFF_LATE) == 1
    accepted.refresh_from_db()
    assert not accepted.escalated and accepted.is_open


def test_a_handoff_does_not_resolve_the_item(clock, make_item, assistant, billing) -> None:
    item = lifecycle.item_assign(
        item=planned(make_item("billing"), assistant), actor=assistant, owner=billing,
        team=Team.SUPPORT,
    )  # fmt: skip
    assert item.is_open and item.owner == billing and item.next_due_at is not None
    assert StaffAlert.objects.filter(user=billing, item=item).exists()
    with pytest.raises(LifecycleError, match="next step"):
        lifecycle.item_resolve(item=item, actor=assistant, outcome="Billing will call")


# --- repeats -----------------------------------------------------------------------------------


def log_call(client: Any, practice: Any, patient: Any, **fields: Any) -> Any:
    return client.post(
        "/log/",
        {
            "practice": practice.pk, "caller": "existing", "patient": patient.pk,
            "channel": "phone", "category": category(practice, "referral_document_status").pk,
            "summary": "Has the referral gone to the cardiologist?", "language": "en",
            "next_update_at": "2026-11-17T15:00", **fields,
        },
    )  # fmt: skip


def test_the_same_call_logged_twice_attaches(client, clock, riverside, patient, assistant) -> None:
    client.force_login(assistant)
    assert log_call(client, riverside, patient).status_code == 302
    assert log_call(client, riverside, patient).status_code == 302
    item = SupportItem.objects.get()
    assert item.repeat_contact_count == 1
    assert log_call(client, riverside, patient, attach="new").status_code == 302
    assert SupportItem.objects.count() == 2  # unless staff say it is a new request


def test_the_api_attaches_a_repeat_unless_asked_for_a_new_item(
    client, clock, patient, assistant
) -> None:
    headers = api_auth(assistant)
    body = {
        "practice": "riverside",
        "category": "referral_document_status",
        "channel": "phone",
        "summary": "Referral status?",
        "patient_id": patient.pk,
    }
    first = client.post("/api/v1/items", body, content_type="application/json", **headers)
    again = client.post("/api/v1/items", body, content_type="application/json", **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["repeat_of"] == first.json()["id"]
    assert again.json()["repeat_contact_count"] == 1
    new = client.post(
        "/api/v1/items", {**body, "new_item": True}, content_type="application/json", **headers
    )
    assert new.status_code == 201 and new.json()["repeat_of"] is None


def test_a_text_after_resolution_reopens_the_item(client, clock, make_item, assistant) -> None:
    item = resolved(make_item("referral_document_status"), assistant)
    clock.shift(timedelta(days=3))
    twilio_post(client, SMS, sms("SM-after", "+13125550142", "The referral still has not arrived"))
    item.refresh_from_db()
    assert item.status == Status.ACKNOWLEDGED and item.repeat_contact_count == 1
    assert item.events.filter(code=EventCode.REOPENED).exists()
    assert SupportItem.objects.count() == 1 and no_loop_open() == []


def test_after_the_reopen_window_a_new_item_is_filed(client, clock, make_item, assistant) -> None:
    resolved(make_item("referral_document_status"), assistant)
    clock.shift(timedelta(days=15))
    twilio_post(client, SMS, sms("SM-late", "+13125550142", "The referral still has not arrived"))
    assert SupportItem.objects.count() == 2


# --- complete means complete -------------------------------------------------------------------


def test_a_complaint_cannot_close_without_the_supervisors_logged_callback(
    clock, make_item, assistant, supervisor
) -> None:
    item = make_item("complaint_review")
    item = lifecycle.item_assign(item=item, actor=supervisor, owner=supervisor, team="supervisor")
    item = lifecycle.item_set_update_window(
        item=item, actor=supervisor, checking="What happened at the desk",
        next_step="Apology and a new slot", update_at=timezone.now() + HOUR,
    )  # fmt: skip
    item = told(item, assistant)  # the front desk told them; that is not the callback
    with pytest.raises(LifecycleError, match="supervisor's logged callback"):
        lifecycle.item_resolve(
            item=item, actor=supervisor, outcome="Sorted", recovery_action="New slot"
        )
    item = told(item, supervisor)
    item = lifecycle.item_resolve(
        item=item, actor=supervisor, outcome="Called back", recovery_action="Apology, new slot"
    )
    assert item.status == Status.RESOLVED and item.supervisor_callback_at is not None


def test_a_review_request_from_send_a_message_is_decided_by_the_guardrails(
    client, clock, riverside, make_item, assistant, supervisor
) -> None:
    riverside.review_link = "https://example.com/review"
    riverside.save()
    make_item("complaint_review")  # open, escalated or not: no review requests now
    happy = resolved(make_item(), assistant, confirmed=True)
    client.force_login(assistant)
    response = client.post(
        reverse("item_action", args=[happy.pk, "message"]),
        {"message-channel": "sms", "message-purpose": "review_request"},
    )
    assert response.status_code == 302
    decision = ReviewRequest.objects.get(item=happy)
    assert decision.decision == ReviewDecision.OPEN_COMPLAINT
    assert not OutboundMessage.objects.filter(purpose="review_request").exists()
    with pytest.raises(LifecycleError, match="Ask for a review"):
        message_send(item=happy, actor=assistant, channel="sms", purpose="review_request")


def test_a_closure_text_without_the_next_step_does_not_close_the_loop(
    clock, make_item, assistant
) -> None:
    item = planned(make_item(), assistant)
    message_send(
        item=item, actor=assistant, channel="sms", purpose="free",
        body="Hi Ana, we have completed your request.",
    )  # fmt: skip
    with pytest.raises(LifecycleError, match="next step"):
        lifecycle.item_resolve(item=item, actor=assistant, outcome="Done")
    closure = message_send(item=item, actor=assistant, channel="sms", purpose="closure")
    assert "What happens next: Book Thursday" in closure.body
    item = lifecycle.item_resolve(item=item, actor=assistant, outcome="Done")
    assert item.status == Status.RESOLVED


# --- first response ----------------------------------------------------------------------------


def test_an_after_hours_voicemail_gets_the_automatic_acknowledgement_and_a_morning_deadline(
    client, clock, patient
) -> None:
    clock.move_to(datetime(2026, 11, 21, 1, 0, tzinfo=UTC))  # Friday 19:00 in Chicago
    twilio_post(client, VOICEMAIL, {
        "RecordingSid": "RE-late", "RecordingUrl": "https://x/RE", "RecordingDuration": "20",
        "From": "+13125550142", "TranscriptionSid": "TR-late",
        "TranscriptionText": "Hi, I need to reschedule my appointment next week",
    })  # fmt: skip
    item = SupportItem.objects.get()
    monday_9am = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # opening 08:00 + one business hour
    # Receipt confirmed automatically: not a response. The item stays new, its first response
    # still due Monday 09:00 (a person must call or write by then).
    assert (item.status, item.acknowledged_how) == (Status.NEW, "automatic")
    assert item.first_response_at is None and item.first_response_minutes is None
    assert item.auto_replied_at == datetime(2026, 11, 21, 1, 0, tzinfo=UTC)
    assert item.promised_update_at == item.first_response_due_at == monday_9am
    message = OutboundMessage.objects.get(item=item)
    assert message.purpose == "received" and message.state == MessageState.QUEUED  # before 20:00
    assert not message.first_response
    assert "by Monday, November 23 at 9:00 AM" in message.body
    assert no_loop_open() == []
    clock.move_to(monday_9am + timedelta(minutes=1))
    assert sweep().handled["first_response"] == 1  # nobody called: late, as it is


def test_an_automatic_reply_cancelled_before_it_left_is_not_counted_as_one(
    client, clock, patient
) -> None:
    clock.move_to(datetime(2026, 11, 21, 5, 0, tzinfo=UTC))  # Friday 23:00: held (quiet hours)
    twilio_post(client, SMS, sms("SM-late-ack", "+13125550142", "Can I move my appointment?"))
    item = SupportItem.objects.get()
    message = OutboundMessage.objects.get(item=item)
    assert message.state == MessageState.HELD and item.auto_replied_at is not None
    assert message_cancel(message_id=message.pk, code="item_resolved", reason="resolved")
    item.refresh_from_db()
    assert item.auto_replied_at is None and item.first_response_at is None


def test_the_wall_clock_wait_is_kept_beside_business_minutes(clock, make_item, assistant) -> None:
    clock.move_to(datetime(2026, 11, 21, 1, 0, tzinfo=UTC))  # Friday 19:00 in Chicago
    item = make_item(channel=Channel.VOICEMAIL, actor=None)
    clock.move_to(datetime(2026, 11, 23, 14, 30, tzinfo=UTC))  # Monday 08:30
    item = lifecycle.item_acknowledge(
        item=item, actor=assistant, how="call", next_update_at=timezone.now() + HOUR
    )
    assert (item.first_response_minutes, item.first_response_wall_minutes) == (30, 60 * 61 + 30)


# --- call attempts -----------------------------------------------------------------------------


def test_three_failed_attempts_lead_to_a_text_then_to_the_supervisor(
    clock, make_item, assistant, supervisor
) -> None:
    item = planned(make_item(), assistant, after=timedelta(days=6))  # next Monday
    for n in range(3):
        item = lifecycle.item_log_attempt(
            item=item, actor=assistant, channel=Channel.PHONE, outcome=ContactOutcome.NO_ANSWER
        )
        if n < 2:
            clock.move_to(item.next_attempt_due_at + timedelta(minutes=1))
            assert sweep().handled["callback_attempt"] == 1
            assert alerts(assistant, AlertKind.ATTEMPT_DUE) == n + 1
    assert item.callback_attempts == 3 and item.promised_update_at is not None
    clock.shift(timedelta(minutes=1))
    sweep()  # the attempts are used up: "we tried to reach you" by text
    text = OutboundMessage.objects.get(item=item, purpose="callback_missed")
    assert "We tried to call you" in text.body
    item.refresh_from_db()
    assert item.attempt_text_sent_at is not None and not item.escalated
    clock.move_to(item.next_attempt_due_at + timedelta(minutes=1))
    sweep()  # nobody called back: the supervisors have it
    item.refresh_from_db()
    assert item.escalated and item.next_attempt_due_at is None
    assert alerts(supervisor, AlertKind.ATTEMPTS_EXHAUSTED) == 1
    assert no_loop_open() == []


def test_reaching_the_patient_resets_the_attempts(clock, make_item, assistant) -> None:
    item = planned(make_item(), assistant)
    item = lifecycle.item_log_attempt(
        item=item, actor=assistant, channel=Channel.PHONE, outcome=ContactOutcome.WRONG_NUMBER
    )
    item = told(item, assistant, next_update_at=timezone.now() + HOUR)
    assert (item.callback_attempts, item.next_attempt_due_at) == (0, None)


# --- one promise, said right -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "stated"),
    [("en", "Tuesday, November 17 at 12:00 PM"), ("es", "el martes 17 de noviembre a las 12:00")],
)
def test_a_chicago_items_script_reloaded_states_the_tracked_time_in_chicago_time(
    client, clock, make_item, assistant, patient, language, stated
) -> None:
    patient.preferred_language = language
    patient.save()
    item = planned(make_item(language=language), assistant)  # promised for 12:00 in Chicago
    assert item.promised_update_at == TUESDAY_10AM_CHICAGO + timedelta(hours=2)
    client.force_login(assistant)
    page = client.get(reverse("item", args=[item.pk])).content.decode()
    scripts = page[page.index('class="scripts"') :]
    assert stated in scripts
    assert "6:00 PM" not in scripts and "18:00" not in scripts  # never the UTC time


def test_a_web_form_from_a_known_number_with_another_name_is_not_attached(
    client, clock, riverside, patient
) -> None:
    response = client.post(
        "/p/riverside/contact/",
        {
            "submission": "s-ramon", "name": "Ramón Torres", "phone": "312-555-0142",
            "email": "", "reason": "general", "message": "I need a copy of my records.",
            "website": "", "birth_day": "3", "birth_month": "2", "birth_year": "1961",
        },
    )  # fmt: skip
    assert response.status_code == 200
    item = SupportItem.objects.get()
    assert item.patient is None and item.caller_name == "Ramón Torres"
    assert item.patient_candidates == [patient.pk]  # staff confirm who it is
    # The same number and the patient's own name: that is her.
    other = patient_create(
        practice=riverside, first_name="Luz", last_name="Diaz", phone="3125550177"
    )
    client.post("/p/riverside/contact/", {
        "submission": "s-luz", "name": "Luz Diaz", "phone": "312-555-0177", "email": "",
        "reason": "general", "message": "A question about my bill.", "website": "",
    })  # fmt: skip
    assert SupportItem.objects.get(caller_name="").patient == other


def test_check_loops_reports_an_open_item_without_a_deadline(clock, make_item, assistant) -> None:
    item = planned(make_item(), assistant, acknowledge=True)
    SupportItem.objects.filter(pk=item.pk).update(promised_update_at=None)  # a bug elsewhere
    with pytest.raises(SystemExit) as failed:
        call_command("check_loops")
    assert failed.value.code == 1
    assert sweep().handled["loops_repaired"] == 1  # the sweep gives it a deadline: due now
    item.refresh_from_db()
    assert item.promised_update_at == timezone.now()
    assert item.events.filter(code=EventCode.LOOP_REPAIRED).exists()
    call_command("check_loops")  # and the invariant holds again (no exit)


def test_a_live_call_logged_during_the_call_is_acknowledged_at_the_time_of_the_call(
    client, clock, riverside, patient, assistant
) -> None:
    client.force_login(assistant)
    assert log_call(client, riverside, patient).status_code == 302
    item = SupportItem.objects.get()
    assert item.status == Status.ACKNOWLEDGED and item.acknowledged_how == "call"
    assert item.first_response_at == item.first_contact_at == TUESDAY_10AM_CHICAGO
    # The caller was told 15:00 Chicago: that is the promise, and nothing is late.
    assert item.promised_update_at == datetime(2026, 11, 17, 21, 0, tzinfo=UTC)
    clock.shift(2 * HOUR)
    assert "first_response" not in sweep().handled
    assert no_loop_open() == []


def test_two_items_of_one_patient_merge_with_their_timelines_and_an_audit_trail(
    client, clock, make_item, assistant
) -> None:
    keep = planned(make_item(summary="Referral to cardiology"), assistant)
    duplicate = planned(make_item(summary="Cardiology referral again"), assistant)
    client.force_login(assistant)
    response = client.post(f"/items/{duplicate.pk}/merge/", {"merge-into": keep.pk})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    keep.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == (Status.CLOSED, keep.pk)
    assert duplicate.promised_update_at is None and keep.is_open
    assert keep.repeat_contact_count == 1
    combined = {event.item_id for event in timeline_for_item(keep)}
    assert combined == {keep.pk, duplicate.pk}
    changed = AuditEvent.objects.filter(
        object_type="support_queue.supportitem", object_id=str(duplicate.pk), user=assistant
    )
    assert changed.filter(action="update").exists()
    assert no_loop_open() == []
