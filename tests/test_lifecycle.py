"""The enforced loop-closing lifecycle: every refusal, every allowed transition, the timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from closeloop.practices.choices import Team
from closeloop.support_queue import lifecycle
from closeloop.support_queue.item_writes import TRANSITIONS
from closeloop.support_queue.lifecycle import LifecycleError
from closeloop.support_queue.models import (
    AlertKind,
    AppendOnlyError,
    Channel,
    ContactOutcome,
    Direction,
    EventCode,
    ReceiptHow,
    StaffAlert,
    Status,
    SupportItem,
    TimelineEvent,
    WaitingOn,
)
from tests.conftest import TUESDAY_10AM_CHICAGO, category, planned, resolved, told

pytestmark = pytest.mark.django_db
LATER = TUESDAY_10AM_CHICAGO + timedelta(hours=2)


def codes(item: SupportItem) -> list[str]:
    return list(item.events.order_by("at", "id").values_list("code", flat=True))


# --- creating ---------------------------------------------------------------------------------


def test_voicemail_item_starts_new_with_business_time_targets(clock, make_item) -> None:
    item = make_item(channel=Channel.VOICEMAIL)
    assert item.status == Status.NEW
    assert item.first_response_at is None
    # Scheduling: first response within 60 business minutes, resolution within 480.
    assert item.first_response_due_at == TUESDAY_10AM_CHICAGO + timedelta(hours=1)
    assert item.resolution_due_at == datetime(2026, 11, 18, 15, 0, tzinfo=UTC)  # Wed 09:00 CST
    assert item.team == Team.SUPPORT
    assert codes(item) == [EventCode.CREATED]


def test_after_hours_voicemail_first_response_clock_starts_at_opening(clock, make_item) -> None:
    friday_7pm = datetime(2026, 11, 14, 1, 0, tzinfo=UTC)  # Friday 19:00 Chicago
    item = make_item(channel=Channel.VOICEMAIL, contact_at=friday_7pm)
    # Riverside opens 08:00; scheduling's first-response target is one business hour.
    assert item.first_response_due_at == datetime(2026, 11, 16, 15, 0, tzinfo=UTC)


def test_a_live_call_still_needs_an_explicit_acknowledgement(clock, make_item) -> None:
    item = make_item(channel=Channel.PHONE)
    assert item.status == Status.NEW
    assert item.first_response_at is None


def test_unknown_caller_needs_a_callback_number(clock, make_item) -> None:
    with pytest.raises(LifecycleError) as refused:
        make_item(patient=None)
    assert refused.value.missing == ["patient"]
    item = make_item(patient=None, callback_number="312-555-0199", caller_name="Caller")
    assert item.callback_number == "+13125550199"


def test_bad_callback_number_is_refused_with_the_reason(clock, make_item) -> None:
    with pytest.raises(LifecycleError, match="Callback number"):
        make_item(patient=None, callback_number="12")


def test_category_of_another_practice_is_refused(
    clock, riverside, lakeside, assistant, patient
) -> None:
    with pytest.raises(LifecycleError) as refused:
        lifecycle.item_create(
            practice=riverside,
            category=category(lakeside, "scheduling"),
            channel=Channel.PHONE,
            actor=assistant,
            summary="x",
            patient=patient,
        )
    assert refused.value.code == "bad_category"


def test_staff_cannot_file_items_for_a_practice_they_do_not_serve(
    clock, riverside, outsider, patient
) -> None:
    with pytest.raises(LifecycleError) as refused:
        lifecycle.item_create(
            practice=riverside,
            category=category(riverside, "scheduling"),
            channel=Channel.PHONE,
            actor=outsider,
            summary="x",
            patient=patient,
        )
    assert refused.value.code == "not_permitted"
    assert not SupportItem.objects.exists()


def test_contact_time_in_the_future_is_refused(clock, make_item) -> None:
    with pytest.raises(LifecycleError, match="future"):
        make_item(contact_at=TUESDAY_10AM_CHICAGO + timedelta(hours=1))


# --- acknowledging and working ----------------------------------------------------------------


def test_receipt_confirmed_by_an_automatic_reply_is_not_the_first_response(
    clock, make_item, assistant
) -> None:
    item = make_item()
    item = lifecycle.item_acknowledge(
        item=item, actor=None, how="automatic", next_update_at=item.first_response_due_at
    )
    assert (item.status, item.acknowledged_how) == (Status.NEW, "automatic")
    assert item.first_response_at is None and item.auto_replied_at == TUESDAY_10AM_CHICAGO
    clock.move_to(TUESDAY_10AM_CHICAGO + timedelta(minutes=12))
    item = lifecycle.item_acknowledge(
        item=item, actor=assistant, how="call", next_update_at=timezone.now() + timedelta(hours=2)
    )
    assert (item.status, item.acknowledged_how, item.first_response_minutes) == (
        Status.ACKNOWLEDGED, "call", 12,
    )  # fmt: skip
    assert item.auto_replied_at == TUESDAY_10AM_CHICAGO


def test_acknowledge_records_how_the_first_response_and_the_promise(
    clock, make_item, assistant
) -> None:
    item = make_item()
    clock.shift(timedelta(minutes=12))
    item = lifecycle.item_acknowledge(
        item=item, actor=assistant, how=ReceiptHow.TEXT, next_update_at=LATER
    )
    assert item.status == Status.ACKNOWLEDGED
    assert item.first_response_at == TUESDAY_10AM_CHICAGO + timedelta(minutes=12)
    assert (item.acknowledged_how, item.promised_update_at) == (ReceiptHow.TEXT, LATER)
    assert (item.first_response_minutes, item.first_response_wall_minutes) == (12, 12)
    event = item.events.get(code=EventCode.ACKNOWLEDGED)
    assert event.actor == assistant
    assert event.changes["status"] == {"old": "new", "new": "acknowledged"}
    assert event.changes["acknowledged_how"] == {"old": "", "new": "text"}


def test_confirming_receipt_needs_a_promise(clock, make_item, assistant) -> None:
    with pytest.raises(LifecycleError) as refused:
        lifecycle.item_acknowledge(
            item=make_item(), actor=assistant, how=ReceiptHow.CALL, next_update_at=None
        )
    assert refused.value.code == "missing_field"


def test_acknowledge_twice_is_refused(clock, make_item, assistant) -> None:
    item = lifecycle.item_acknowledge(
        item=make_item(), actor=assistant, how=ReceiptHow.CALL, next_update_at=LATER
    )
    with pytest.raises(LifecycleError) as refused:
        lifecycle.item_acknowledge(
            item=item, actor=assistant, how=ReceiptHow.CALL, next_update_at=LATER
        )
    assert refused.value.code == "transition_not_allowed"


@pytest.mark.parametrize("action", ["start", "wait"])
def test_working_requires_owner_checking_and_a_future_promise(
    clock, make_item, assistant, action
) -> None:
    item = make_item()

    def attempt() -> SupportItem:
        if action == "start":
            return lifecycle.item_start(item=item, actor=assistant)
        return lifecycle.item_wait(item=item, actor=assistant, waiting_on=WaitingOn.INSURER)

    with pytest.raises(LifecycleError) as refused:
        attempt()
    assert refused.value.missing == [
        "owner",
        "what we are checking",
        "a promised update time in the future",
    ]
    assert "owner" in refused.value.message
    item = lifecycle.item_assign(item=item, actor=assistant, owner=assistant, team=Team.SUPPORT)
    with pytest.raises(LifecycleError) as refused:
        attempt()
    assert refused.value.missing == ["what we are checking", "a promised update time in the future"]
    item = planned(item, assistant)
    clock.move_to(LATER + timedelta(minutes=1))
    with pytest.raises(LifecycleError) as refused:
        attempt()
    assert refused.value.missing == ["a promised update time in the future"]
    item.refresh_from_db()
    assert item.status == Status.NEW


def test_promise_in_the_past_is_refused(clock, make_item, assistant) -> None:
    with pytest.raises(LifecycleError) as refused:
        lifecycle.item_set_update_window(
            item=make_item(),
            actor=assistant,
            checking="x",
            next_step="y",
            update_at=TUESDAY_10AM_CHICAGO - timedelta(minutes=1),
        )
    assert refused.value.code == "promise_in_past"


def test_update_window_needs_checking_and_next_step(clock, make_item, assistant) -> None:
    with pytest.raises(LifecycleError, match="what we are checking"):
        lifecycle.item_set_update_window(
            item=make_item(), actor=assistant, checking=" ", next_step="y", update_at=LATER
        )


def test_in_progress_and_waiting_alternate(clock, make_item, assistant) -> None:
    item = planned(make_item(), assistant, acknowledge=True)
    item = lifecycle.item_start(item=item, actor=assistant)
    assert item.status == Status.IN_PROGRESS
    item = lifecycle.item_wait(item=item, actor=assistant, waiting_on=WaitingOn.OTHER_OFFICE)
    assert (item.status, item.waiting_on) == (Status.WAITING, WaitingOn.OTHER_OFFICE)
    item = lifecycle.item_wait(item=item, actor=assistant, waiting_on=WaitingOn.INSURER)
    assert item.waiting_on == WaitingOn.INSURER
    item = lifecycle.item_start(item=item, actor=assistant)
    assert (item.status, item.waiting_on) == (Status.IN_PROGRESS, "")
    assert codes(item)[-4:] == [
        EventCode.STARTED,
        EventCode.WAITING,
        EventCode.WAITING,
        EventCode.STARTED,
    ]


def test_waiting_needs_to_say_on_whom(clock, make_item, assistant) -> None:
    item = planned(make_item(), assistant)
    with pytest.raises(LifecycleError, match="waiting on"):
        lifecycle.item_wait(item=item, actor=assistant, waiting_on="the moon")


# --- routing ----------------------------------------------------------------------------------


def test_owner_must_serve_the_practice(clock, make_item, assistant, outsider) -> None:
    with pytest.raises(LifecycleError) as refused:
        lifecycle.item_assign(item=make_item(), actor=assistant, owner=outsider, team=Team.SUPPORT)
    assert refused.value.code == "owner_not_eligible"


def test_owner_must_be_on_the_team(clock, make_item, assistant, nurse) -> None:
    with pytest.raises(LifecycleError, match="support team"):
        lifecycle.item_assign(item=make_item(), actor=assistant, owner=nurse, team=Team.SUPPORT)


def test_clinical_items_stay_with_the_clinical_team(clock, make_item, assistant, nurse) -> None:
    item = make_item("clinical_message")
    assert item.team == Team.CLINICAL
    with pytest.raises(LifecycleError) as refused:
        lifecycle.item_assign(item=item, actor=assistant, owner=assistant, team=Team.SUPPORT)
    assert refused.value.code == "clinical_only"
    item = lifecycle.item_assign(item=item, actor=assistant, owner=nurse, team=Team.CLINICAL)
    event = item.events.get(code=EventCode.HANDED_OFF)
    assert event.changes["owner"] == {"old": None, "new": nurse.pk}
    assert event.actor == assistant


# --- resolving --------------------------------------------------------------------------------


def test_resolve_is_refused_without_outcome_or_next_step(clock, make_item, assistant) -> None:
    item = planned(make_item(), assistant)
    with pytest.raises(LifecycleError) as refused:
        lifecycle.item_resolve(item=item, actor=assistant, outcome="")
    assert refused.value.code == "not_resolvable"
    assert refused.value.missing[0] == "outcome"
    assert "next step" in refused.value.missing[1]


def test_resolve_is_refused_when_the_patient_was_not_told_the_next_step(
    clock, make_item, assistant
) -> None:
    item = planned(make_item(), assistant)
    item = lifecycle.item_log_attempt(
        item=item, actor=assistant, channel=Channel.PHONE, outcome=ContactOutcome.NO_ANSWER
    )
    with pytest.raises(LifecycleError, match="next step"):
        lifecycle.item_resolve(item=item, actor=assistant, outcome="Booked")


def test_resolve_is_refused_when_the_next_step_changed_after_the_patient_heard_it(
    clock, make_item, assistant
) -> None:
    item = told(planned(make_item(), assistant), assistant)
    clock.shift(timedelta(minutes=5))
    item = lifecycle.item_set_update_window(
        item=item,
        actor=assistant,
        checking="Open slots",
        next_step="Book Friday instead",
        update_at=LATER,
    )
    with pytest.raises(LifecycleError, match="next step"):
        lifecycle.item_resolve(item=item, actor=assistant, outcome="Booked")


def test_resolve_after_the_patient_heard_the_next_step(clock, make_item, assistant) -> None:
    item = told(planned(make_item(), assistant), assistant)
    clock.shift(timedelta(minutes=3))
    item = lifecycle.item_resolve(item=item, actor=assistant, outcome="Booked for Thursday")
    assert item.status == Status.RESOLVED
    assert item.resolved_at == TUESDAY_10AM_CHICAGO + timedelta(minutes=3)
    # Every deadline of the open item ends with it.
    assert (item.promised_update_at, item.handoff_due_at, item.next_attempt_due_at) == (
        None,
        None,
        None,
    )
    event = item.events.get(code=EventCode.RESOLVED)
    assert event.changes["status"] == {"old": "acknowledged", "new": "resolved"}
    assert event.changes["outcome"]["new"] == "Booked for Thursday"


def test_next_step_can_only_be_given_when_the_patient_was_reached(
    clock, make_item, assistant
) -> None:
    item = planned(make_item(), assistant)
    with pytest.raises(LifecycleError, match="reached"):
        lifecycle.item_log_contact(
            item=item,
            actor=assistant,
            direction=Direction.OUTBOUND,
            channel=Channel.PHONE,
            outcome=ContactOutcome.VOICEMAIL_LEFT,
            gave_next_step=True,
        )


def test_next_step_must_be_written_before_it_is_given(clock, make_item, assistant) -> None:
    with pytest.raises(LifecycleError, match="next step"):
        told(make_item(), assistant)


def test_a_handoff_moves_the_item_and_its_promise_and_it_stays_open(
    clock, make_item, assistant, billing
) -> None:
    item = planned(make_item("billing"), assistant)
    promise = item.promised_update_at
    item = lifecycle.item_assign(
        item=item, actor=assistant, owner=billing, team=Team.SUPPORT, reason="Billing question"
    )
    assert (item.status, item.owner, item.promised_update_at) == (
        Status.ACKNOWLEDGED if item.first_response_at else Status.NEW,
        billing,
        promise,
    )
    assert item.handed_off_by == assistant and item.handoff_due_at is not None
    assert StaffAlert.objects.filter(user=billing, item=item, kind=AlertKind.HANDOFF).exists()
    item = lifecycle.item_accept(item=item, actor=billing)
    assert item.handoff_due_at is None
    assert codes(item)[-2:] == [EventCode.HANDED_OFF, EventCode.HANDOFF_ACCEPTED]


def test_only_the_new_owner_accepts_a_handoff(clock, make_item, assistant, billing) -> None:
    item = lifecycle.item_assign(
        item=planned(make_item("billing"), assistant), actor=assistant, owner=billing,
        team=Team.SUPPORT,
    )  # fmt: skip
    with pytest.raises(LifecycleError) as refused:
        lifecycle.item_accept(item=item, actor=assistant)
    assert refused.value.code == "not_the_owner"


def test_handoff_to_another_practices_staff_is_refused(
    clock, make_item, assistant, outsider
) -> None:
    item = planned(make_item(), assistant)
    with pytest.raises(LifecycleError, match="does not serve"):
        lifecycle.item_assign(item=item, actor=assistant, owner=outsider, team=Team.SUPPORT)


def test_clinical_items_can_only_be_resolved_by_clinical_staff(
    clock, make_item, assistant, nurse
) -> None:
    item = make_item("clinical_message")
    item = lifecycle.item_assign(item=item, actor=assistant, owner=nurse, team=Team.CLINICAL)
    item = lifecycle.item_set_update_window(
        item=item, actor=nurse, checking="Refill", next_step="Refill sent", update_at=LATER
    )
    item = told(item, nurse)
    with pytest.raises(LifecycleError) as refused:
        lifecycle.item_resolve(item=item, actor=assistant, outcome="Refilled")
    assert refused.value.code == "clinical_only"
    with pytest.raises(LifecycleError, match="clinical staff"):
        lifecycle.item_resolve(item=item, actor=None, outcome="Refilled")
    item = lifecycle.item_resolve(item=item, actor=nurse, outcome="Refilled")
    assert item.status == Status.RESOLVED


# --- closing, reopening, escalating -----------------------------------------------------------


def test_close_only_after_resolve(clock, make_item, assistant) -> None:
    with pytest.raises(LifecycleError, match="cannot become closed"):
        lifecycle.item_close(item=make_item(), actor=assistant)
    item = lifecycle.item_close(item=resolved(make_item(), assistant), actor=assistant)
    assert (item.status, item.closed_at) == (Status.CLOSED, TUESDAY_10AM_CHICAGO)


@pytest.mark.parametrize("close_first", [False, True])
def test_reopen_needs_a_reason_and_owes_the_patient_an_answer(
    clock, make_item, assistant, close_first
) -> None:
    item = resolved(make_item(), assistant)
    if close_first:
        item = lifecycle.item_close(item=item, actor=assistant)
    with pytest.raises(LifecycleError, match="why"):
        lifecycle.item_reopen(item=item, actor=assistant, reason="")
    item = lifecycle.item_reopen(item=item, actor=assistant, reason="Patient called again")
    assert item.status == Status.ACKNOWLEDGED
    assert (item.resolved_at, item.closed_at, item.outcome) == (None, None, "")
    # Within the category's first-response target (scheduling: an hour of business time).
    assert item.promised_update_at == TUESDAY_10AM_CHICAGO + timedelta(hours=1)
    assert item.events.get(code=EventCode.REOPENED).text == "Patient called again"


def test_escalate_at_any_open_point_with_a_reason(clock, make_item, assistant, supervisor) -> None:
    item = make_item()
    with pytest.raises(LifecycleError, match="reason"):
        lifecycle.item_escalate(item=item, actor=assistant, reason=" ")
    item = lifecycle.item_escalate(item=item, actor=assistant, reason="Third call today")
    assert item.escalated and item.escalated_at == TUESDAY_10AM_CHICAGO
    assert item.status == Status.NEW
    with pytest.raises(LifecycleError, match="already escalated"):
        lifecycle.item_escalate(item=item, actor=supervisor, reason="again")


def test_closed_items_cannot_be_escalated_or_replanned(clock, make_item, assistant) -> None:
    item = lifecycle.item_close(item=resolved(make_item(), assistant), actor=assistant)
    with pytest.raises(LifecycleError, match="closed"):
        lifecycle.item_escalate(item=item, actor=assistant, reason="late")
    with pytest.raises(LifecycleError, match="reopen"):
        lifecycle.item_set_update_window(
            item=item, actor=assistant, checking="x", next_step="y", update_at=LATER
        )


def test_every_allowed_transition_is_in_one_table() -> None:
    reachable = {new for targets in TRANSITIONS.values() for new in targets}
    assert set(TRANSITIONS) == set(Status.values)
    assert reachable == set(Status.values) - {Status.NEW}
    assert Status.CLOSED not in TRANSITIONS[Status.IN_PROGRESS]
    assert Status.RESOLVED not in TRANSITIONS[Status.CLOSED]


# --- attribution and the timeline -------------------------------------------------------------


def test_actions_by_someone_outside_the_practice_are_refused(clock, make_item, outsider) -> None:
    item = make_item()
    with pytest.raises(LifecycleError) as refused:
        lifecycle.item_add_note(item=item, actor=outsider, text="peek")
    assert refused.value.code == "not_permitted"
    assert codes(item) == [EventCode.CREATED]


def test_system_actions_are_recorded_without_a_user(clock, make_item) -> None:
    item = make_item(actor=None)
    item = lifecycle.item_add_note(item=item, actor=None, text="Transcript attached")
    assert list(item.events.values_list("actor", flat=True)) == [None, None]


def test_contact_is_recorded_with_codes_and_renews_the_promise(clock, make_item, assistant) -> None:
    item = lifecycle.item_log_contact(
        item=make_item(),
        actor=assistant,
        direction=Direction.OUTBOUND,
        channel=Channel.SMS,
        outcome=ContactOutcome.VOICEMAIL_LEFT,
        note="Left a message",
        next_update_at=LATER,
    )
    event = item.events.get(code=EventCode.CONTACT)
    assert event.changes["contact"]["new"] == {
        "direction": "outbound",
        "channel": "sms",
        "outcome": "voicemail_left",
        "gave_next_step": False,
    }
    assert item.first_response_at == TUESDAY_10AM_CHICAGO
    assert item.last_patient_contact_at == TUESDAY_10AM_CHICAGO
    assert (item.status, item.promised_update_at) == (Status.ACKNOWLEDGED, LATER)


def test_a_contact_without_a_next_update_time_is_refused(clock, make_item, assistant) -> None:
    with pytest.raises(LifecycleError) as refused:
        lifecycle.item_log_contact(
            item=planned(make_item(), assistant), actor=assistant, direction=Direction.OUTBOUND,
            channel=Channel.PHONE, outcome=ContactOutcome.REACHED,
        )  # fmt: skip
    assert refused.value.code == "next_update_required"


def test_timeline_rows_cannot_be_changed_or_deleted(clock, make_item) -> None:
    event = make_item().events.get()
    event.text = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        TimelineEvent.objects.filter(pk=event.pk).update(text="x")
    with pytest.raises(AppendOnlyError):
        TimelineEvent.objects.all().delete()


def test_a_refused_change_writes_nothing(clock, make_item, assistant) -> None:
    item = make_item()
    with pytest.raises(LifecycleError):
        lifecycle.item_start(item=item, actor=assistant)
    item.refresh_from_db()
    assert item.status == Status.NEW
    assert codes(item) == [EventCode.CREATED]


def test_complaints_can_only_be_resolved_by_a_supervisor(
    clock, make_item, assistant, supervisor
) -> None:
    item = make_item("complaint_review")
    assert item.team == Team.SUPERVISOR
    item = lifecycle.item_assign(item=item, actor=assistant, owner=supervisor, team=Team.SUPERVISOR)
    item = lifecycle.item_set_update_window(
        item=item,
        actor=supervisor,
        checking="What happened",
        next_step="Apology and new slot",
        update_at=LATER,
    )
    item = told(item, supervisor)
    with pytest.raises(LifecycleError) as refused:
        lifecycle.item_resolve(item=item, actor=assistant, outcome="Sorted")
    assert refused.value.code == "supervisor_only"
    with pytest.raises(LifecycleError, match="recovery action"):
        lifecycle.item_resolve(item=item, actor=supervisor, outcome="Called back")
    item = lifecycle.item_resolve(
        item=item,
        actor=supervisor,
        outcome="Called back; apology; new slot",
        recovery_action="Apologised and booked the first slot of the week",
    )
    assert item.status == Status.RESOLVED
    assert item.recovery_action.startswith("Apologised")
