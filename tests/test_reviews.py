"""Review requests: sent only when every guardrail allows, every decision recorded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from closeloop.messaging.consent import consent_record
from closeloop.messaging.models import OutboundMessage, ReviewDecision, ReviewRequest
from closeloop.messaging.reviews import after_resolution, review_request
from closeloop.practices.choices import Team
from closeloop.support_queue import lifecycle
from tests.conftest import category, planned, resolved

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _review_link(riverside) -> None:
    riverside.review_link = "https://reviews.example.com/riverside"
    riverside.save()


def decision(item: Any, who: Any) -> str:
    return review_request(item=item, actor=who).decision


def test_a_confirmed_resolution_gets_a_review_request_with_no_health_information(
    clock, make_item, assistant
) -> None:
    item = resolved(make_item(summary="Knee pain follow-up"), assistant, confirmed=True)
    assert decision(item, assistant) == ReviewDecision.SENT
    message = OutboundMessage.objects.get()
    assert message.purpose == "review_request" and "reviews.example.com/riverside" in message.body
    assert "Knee" not in message.body and "pain" not in message.body


def test_each_guardrail_withholds_and_says_why(
    clock, make_item, assistant, nurse, supervisor, riverside, patient
) -> None:
    assert decision(planned(make_item(), assistant), assistant) == ReviewDecision.NOT_RESOLVED
    clinical = make_item("clinical_message")
    clinical = lifecycle.item_assign(
        item=clinical, actor=assistant, owner=nurse, team=Team.CLINICAL
    )
    clinical = lifecycle.item_set_update_window(
        item=clinical,
        actor=nurse,
        checking="x",
        next_step="y",
        update_at=timezone.now() + timedelta(hours=1),
    )
    clinical = lifecycle.item_log_contact(
        item=clinical,
        actor=nurse,
        direction="outbound",
        channel="phone",
        outcome="reached",
        gave_next_step=True,
        resolving=True,
    )
    clinical = lifecycle.item_resolve(
        item=clinical, actor=nurse, outcome="Refilled", patient_confirmed=True
    )
    assert decision(clinical, nurse) == ReviewDecision.CLINICAL_ITEM
    complaint = make_item("complaint_review")
    ok = resolved(make_item(), assistant, confirmed=True)
    assert decision(ok, assistant) == ReviewDecision.OPEN_COMPLAINT
    lifecycle.item_assign(item=complaint, actor=supervisor, owner=supervisor, team=Team.SUPERVISOR)
    complaint.refresh_from_db()
    complaint = resolved(complaint, supervisor, confirmed=True)
    assert decision(ok, assistant) == ReviewDecision.SENT
    assert (
        decision(resolved(make_item(), assistant, confirmed=True), assistant)
        == ReviewDecision.TOO_SOON
    )
    consent_record(
        practice=riverside, channel="sms", address=patient.phone, opted_in=False, source="staff"
    )
    clock.shift(timedelta(days=91))
    assert (
        decision(resolved(make_item(), assistant, confirmed=True), assistant)
        == ReviewDecision.OPTED_OUT
    )  # no email on file
    riverside.review_link = ""
    riverside.save()
    assert (
        decision(resolved(make_item(), assistant, confirmed=True), assistant)
        == ReviewDecision.NO_REVIEW_LINK
    )
    assert (
        decision(
            resolved(
                make_item(patient=None, callback_number="312-555-0100"), assistant, confirmed=True
            ),
            assistant,
        )
        == ReviewDecision.NO_PATIENT
    )
    assert ReviewRequest.objects.filter(decision=ReviewDecision.SENT).count() == 1
    assert ReviewRequest.objects.count() == 8


def test_whether_the_patient_confirmed_the_outcome_does_not_decide_the_request(
    clock, make_item, assistant
) -> None:
    """ "The patient confirmed the outcome" is the same Yes, recorded by staff: no gate."""
    assert decision(resolved(make_item(), assistant), assistant) == ReviewDecision.SENT


def test_automatic_requests_only_when_the_practice_enables_them(
    clock, make_item, assistant, riverside
) -> None:
    item = resolved(make_item(), assistant, confirmed=True)
    assert after_resolution(item, actor=assistant) is None
    riverside.auto_review_requests = True
    riverside.save()
    item = resolved(make_item(), assistant, confirmed=True)
    assert after_resolution(item, actor=assistant).decision == ReviewDecision.SENT


def test_one_service_follows_a_resolution_with_the_review_request_then_the_question(
    clock, make_item, assistant, riverside
) -> None:
    """The page, the API and the demo all call ``follow_resolution``: nothing asked while the
    practice asks neither; with both on, the review request and the closing question, in that
    order, and the detail an action reports."""
    from closeloop.messaging.after_resolution import follow_resolution

    item = resolved(make_item(), assistant, confirmed=True)
    nothing = follow_resolution(item, actor=assistant)
    assert (nothing.review, nothing.question, nothing.detail) == (None, None, {})
    riverside.closure_question = riverside.auto_review_requests = True
    riverside.save()
    item = resolved(make_item(), assistant, confirmed=True)
    both = follow_resolution(item, actor=assistant)
    assert both.review is not None and both.question is not None
    assert both.detail == {"review_request": ReviewDecision.SENT, "closure_question": "asked"}
    sent = OutboundMessage.objects.filter(item=item).order_by("pk")
    assert [m.purpose for m in sent] == ["review_request", "closure_question"]


def test_resolving_on_the_page_with_confirmation_asks_automatically(
    client, clock, make_item, assistant, riverside
) -> None:
    riverside.auto_review_requests = True
    riverside.save()
    item = make_item()
    item = lifecycle.item_assign(item=item, actor=assistant, owner=assistant, team=Team.SUPPORT)
    lifecycle.item_set_update_window(
        item=item,
        actor=assistant,
        checking="x",
        next_step="Booked",
        update_at=timezone.now() + timedelta(hours=1),
    )
    client.force_login(assistant)
    client.post(
        f"/items/{item.pk}/resolve/",
        {
            "resolve-outcome": "Booked",
            "resolve-told_patient": "on",
            "resolve-patient_confirmed": "on",
        },
    )
    assert ReviewRequest.objects.get(item=item).decision == ReviewDecision.SENT
    assert "Review request" in client.get(f"/items/{item.pk}/").content.decode()
    assert category(riverside, "scheduling").pk == item.category_id


def test_with_the_closing_question_on_a_no_is_asked_for_a_review_exactly_as_a_yes(
    clock, riverside, make_item, assistant, patient
) -> None:
    """Review gating is asking only the happy ones. The closing question stays (a No reopens
    the item for its owner) but never decides who is asked for a review, nor when."""
    from closeloop.messaging import closing_question
    from closeloop.messaging.after_resolution import follow_resolution
    from closeloop.messaging.models import RecoveryAnswer
    from closeloop.messaging.services import deliver
    from closeloop.patients.services import patient_create
    from closeloop.support_queue.models import Status

    riverside.closure_question = riverside.auto_review_requests = True
    riverside.save()
    happy = patient
    unhappy = patient_create(
        practice=riverside, first_name="Bo", last_name="Diaz", phone="(312) 555-0143"
    )
    timings = {}
    for who, answer in ((happy, RecoveryAnswer.YES), (unhappy, RecoveryAnswer.NO)):
        resolved_at = timezone.now()
        item = resolved(make_item(patient=who), assistant, confirmed=True)
        # Resolving on the page or through the API takes both steps (``follow_resolution``).
        check = follow_resolution(item, actor=assistant).question
        clock.shift(timedelta(minutes=20))
        closing_question.record_answer(check, answer, "", how="text")
        clock.shift(timedelta(minutes=1))
        for message in OutboundMessage.objects.filter(item=item):
            deliver(message.pk)
        item.refresh_from_db()
        request = ReviewRequest.objects.get(item=item)
        assert request.decision == ReviewDecision.SENT, who
        message = OutboundMessage.objects.get(pk=request.message_id)
        assert message.state == "sent", who
        timings[answer] = (message.created_at - resolved_at, message.sent_at - resolved_at)
        if answer == RecoveryAnswer.NO:
            assert item.status == Status.ACKNOWLEDGED  # reopened: a failed recovery
        clock.shift(timedelta(hours=3))
    assert timings[RecoveryAnswer.YES] == timings[RecoveryAnswer.NO]
    assert ReviewRequest.objects.filter(decision=ReviewDecision.SENT).count() == 2
