"""Review requests with guardrails: the one function that decides every review request,
whichever screen or API asks (``message_send`` refuses the purpose otherwise).

The decision never reads how the patient feels: not their answer to "Did we resolve your
request?", not whether they seemed pleased. Asking only the happy ones is review gating, which
Google's review policy forbids and which suppresses the negative reviews the FTC's rule on
consumer reviews protects (docs/messages.md). Every guardrail selects by state: after
a resolution, to a known patient, never after a clinical item, never with a complaint open
(resolved first, then asked like anyone else), at most once per patient per interval, never to
an opted-out channel, in quiet hours only held; with no health information in the text.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from closeloop.core.types import Actor
from closeloop.messaging.consent import reachable_by
from closeloop.messaging.guardrails import review_blocked
from closeloop.messaging.models import (
    CancelReason,
    ConsentChannel,
    MessagePurpose,
    ReviewDecision,
    ReviewRequest,
)
from closeloop.messaging.services import address_for, message_send
from closeloop.support_queue.models import Status, SupportItem


def _decide(item: SupportItem) -> tuple[str, str]:
    """(decision, channel): why not, or where to send."""
    if item.patient_id is None:
        return ReviewDecision.NO_PATIENT, ""
    if item.status not in (Status.RESOLVED, Status.CLOSED):
        return ReviewDecision.NOT_RESOLVED, ""
    if not item.practice.review_link:
        return ReviewDecision.NO_REVIEW_LINK, ""
    blocked = review_blocked(item)
    if blocked == CancelReason.CLINICAL_ITEM:
        return ReviewDecision.CLINICAL_ITEM, ""
    if blocked == CancelReason.OPEN_COMPLAINT:
        return ReviewDecision.OPEN_COMPLAINT, ""
    since = timezone.now() - timedelta(days=item.practice.review_interval_days)
    if ReviewRequest.objects.filter(
        patient_id=item.patient_id, decision=ReviewDecision.SENT, created_at__gte=since
    ).exists():
        return ReviewDecision.TOO_SOON, ""
    reachable = reachable_by(
        item.practice,
        phone=address_for(item, ConsentChannel.SMS),
        email=address_for(item, ConsentChannel.EMAIL),
    )
    return (ReviewDecision.SENT, reachable[0]) if reachable else (ReviewDecision.OPTED_OUT, "")


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
    """The automatic path: practices that enable it ask after each resolution, at the moment
    of the resolution — with the closing question on, at the same moment as the question, so
    that the answer (which comes later) can never decide whether, or when, a patient is asked.
    A "No" still reopens the item; it does not withdraw a request already made."""
    if not item.practice.auto_review_requests:
        return None
    return review_request(item=item, actor=actor)
