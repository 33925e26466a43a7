"""Review requests with guardrails: the one function that decides every review request,
whichever screen or API asks (``message_send`` refuses the purpose otherwise). Only after a
resolution the patient confirmed, never with a complaint open or after a clinical item, at
most once per patient per interval, never to an opted-out channel, and with no health
information (the template names the practice and link)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from closeloop.core.types import Actor
from closeloop.messaging.consent import may_contact
from closeloop.messaging.models import (
    ConsentChannel,
    MessagePurpose,
    RecoveryAnswer,
    RecoveryCheck,
    ReviewDecision,
    ReviewRequest,
)
from closeloop.messaging.services import address_for, message_send
from closeloop.queue.models import Status, SupportItem


def _decide(item: SupportItem) -> tuple[str, str]:
    """(decision, channel): why not, or where to send."""
    if item.patient_id is None:
        return ReviewDecision.NO_PATIENT, ""
    if item.status not in (Status.RESOLVED, Status.CLOSED) or item.outcome_confirmed_at is None:
        return ReviewDecision.NOT_CONFIRMED, ""
    if (
        item.practice.closure_question
        and not RecoveryCheck.objects.filter(item=item, answer=RecoveryAnswer.YES).exists()
    ):
        # With the closing question on, only a patient who answered "Yes" is asked.
        return ReviewDecision.NOT_YES, ""
    if not item.practice.review_link:
        return ReviewDecision.NO_REVIEW_LINK, ""
    if item.is_clinical:
        return ReviewDecision.CLINICAL_ITEM, ""
    patient_items = SupportItem.objects.filter(patient_id=item.patient_id)
    if patient_items.open().complaints().exists():
        return ReviewDecision.OPEN_COMPLAINT, ""
    since = timezone.now() - timedelta(days=item.practice.review_interval_days)
    if ReviewRequest.objects.filter(
        patient_id=item.patient_id, decision=ReviewDecision.SENT, created_at__gte=since
    ).exists():
        return ReviewDecision.TOO_SOON, ""
    for channel in (ConsentChannel.SMS, ConsentChannel.EMAIL):
        if may_contact(item.practice, channel, address_for(item, channel)):
            return ReviewDecision.SENT, channel
    return ReviewDecision.OPTED_OUT, ""


@transaction.atomic
def review_request(*, item: SupportItem, actor: Actor) -> ReviewRequest:
    """Send a review request if every guardrail allows it; record the decision either way."""
    item = SupportItem.objects.select_related("practice", "category").get(pk=item.pk)
    decision, channel = _decide(item)
    message = None
    if decision == ReviewDecision.SENT:
        message = message_send(
            item=item,
            actor=actor,
            channel=channel,
            purpose=MessagePurpose.REVIEW_REQUEST,
            review_decided=True,
        )
    return ReviewRequest.objects.create(
        practice=item.practice, item=item, patient=item.patient, decision=decision, message=message
    )


def after_resolution(item: SupportItem, *, actor: Actor) -> ReviewRequest | None:
    """The automatic path: practices that enable it ask after each confirmed resolution (with
    the closing question on, after the patient's "Yes" instead: ``closure.record_answer``)."""
    if not item.practice.auto_review_requests or item.outcome_confirmed_at is None:
        return None
    if item.practice.closure_question:
        return None
    return review_request(item=item, actor=actor)
