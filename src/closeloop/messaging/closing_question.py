"""One question after closure: "Did we resolve your request?"

After a resolution the patient confirmed, a practice that enables it asks once, in the
patient's language, by text (or email) where consent allows and outside quiet hours — never for
clinical items, complaints, or a patient with an open complaint. The answer comes as a text
reply ("YES", "SÍ", "NO, still no call") or on the status page. "No" reopens the item for its
owner with the comment (a failed recovery); "Yes" is a recovery the patient confirmed. The
answer never decides who is asked for a review, nor when (``reviews.after_resolution``).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from closeloop.core.types import Actor
from closeloop.messaging.consent import at_address, reachable_by
from closeloop.messaging.models import ConsentChannel, MessagePurpose, RecoveryAnswer, RecoveryCheck
from closeloop.messaging.services import MessageRefused, address_for, message_send
from closeloop.messaging.status_links import REPLY_LIMIT
from closeloop.patients.selectors import one_patients_latest
from closeloop.practices.defaults import COMPLAINT_CATEGORY
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import Status, SupportItem

#: A text reply to the question counts within this many days of asking.
ANSWER_DAYS = 7


def may_ask(item: SupportItem) -> bool:
    if not item.practice.closure_question or item.patient_id is None:
        return False
    if item.outcome_confirmed_at is None or item.status not in (Status.RESOLVED, Status.CLOSED):
        return False
    if item.is_clinical or item.category.code == COMPLAINT_CATEGORY:
        return False
    if SupportItem.objects.filter(patient_id=item.patient_id).open().complaints().exists():
        return False
    return not RecoveryCheck.objects.filter(item=item).exists()


def ask_after_resolution(item: SupportItem, *, actor: Actor) -> RecoveryCheck | None:
    """Ask once, by text (or email) where consent allows; None when not asked."""
    if not may_ask(item):
        return None
    reachable = reachable_by(
        item.practice,
        phone=address_for(item, ConsentChannel.SMS),
        email=address_for(item, ConsentChannel.EMAIL),
    )
    if reachable is None:
        return None
    channel = reachable[0]
    with transaction.atomic():
        check = RecoveryCheck.objects.create(
            item=item,
            practice=item.practice,
            category=item.category,
            team=item.team,
            owner=item.owner,
        )
        try:
            message = message_send(
                item=item, actor=actor, channel=channel,
                purpose=MessagePurpose.CLOSURE_QUESTION,
            )  # fmt: skip
        except MessageRefused:
            transaction.set_rollback(True)
            return None
        check.message = message
        check.save(update_fields=["message"])
        return check


YES = re.compile(r"^\s*(yes|y|si|sí|s)\b", re.IGNORECASE)
NO = re.compile(r"^\s*(no|n)\b", re.IGNORECASE)


def parse_answer(text: str) -> tuple[str, str] | None:
    """("yes" or "no", the comment after it) from a text reply, or None."""
    for pattern, answer in ((YES, RecoveryAnswer.YES), (NO, RecoveryAnswer.NO)):
        match = pattern.match(text or "")
        if match:
            return answer, text[match.end() :].strip(" .,:;-!¡")[:REPLY_LIMIT]
    return None


@transaction.atomic
def record_answer(check: RecoveryCheck, answer: str, comment: str, *, how: str) -> RecoveryCheck:
    """The patient's answer, once. "No" reopens the item for its owner with the comment (a
    failed recovery). Neither answer touches review requests (docs/messages.md)."""
    check = RecoveryCheck.objects.select_for_update().get(pk=check.pk)
    if check.answered_at is not None:
        return check
    check.answer = answer
    check.comment = comment.strip()[:REPLY_LIMIT]
    check.answered_at = timezone.now()
    check.answered_by = how
    check.save(update_fields=["answer", "comment", "answered_at", "answered_by"])
    item = SupportItem.objects.select_related("practice", "category").get(pk=check.item_id)
    if answer == RecoveryAnswer.NO and not item.is_open:  # (already reopened: nothing to do)
        reason = "The patient said the request was not resolved" + (
            f": “{check.comment}”" if check.comment else "."
        )
        lifecycle.item_reopen(item=item, actor=None, reason=reason)
    return check


def answer_from_text(practice: Any, phone: str, body: str) -> RecoveryCheck | None:
    """A text reply to the question from the patient's number: recorded, or None when the
    text is not an answer (it is then filed as a contact like any other)."""
    parsed = parse_answer(body)
    if parsed is None or not phone:
        return None
    check = open_question(practice, phone)
    if check is None:
        return None
    return record_answer(check, parsed[0], parsed[1], how="text")


def _open_questions(
    practice: Any, address: str, channel: str = ConsentChannel.SMS
) -> QuerySet[RecoveryCheck]:
    """Unanswered closing questions texted to ``address`` recently (or, with ``channel`` email,
    emailed to that address), latest first."""
    since = timezone.now() - timedelta(days=ANSWER_DAYS)
    return RecoveryCheck.objects.filter(
        at_address(channel, address, "message__to"),
        practice=practice,
        answered_at__isnull=True,
        asked_at__gte=since,
        message__channel=channel,
    ).order_by("-asked_at", "-pk")


def open_question(
    practice: Any, address: str, *, channel: str = ConsentChannel.SMS
) -> RecoveryCheck | None:
    """The latest unanswered closing question sent to ``address`` recently — none when such
    questions are open for more than one patient of a shared number or address
    (``one_patients_latest``: the household rule visit confirmations follow)."""
    return one_patients_latest(_open_questions(practice, address, channel), "item__patient_id")


def last_asked(
    practice: Any, address: str, *, channel: str = ConsentChannel.SMS
) -> datetime | None:
    """When the latest open closing question went to ``address`` (whoever it was for): a "Yes"
    sent after it is not taken for an older visit confirmation's answer."""
    latest = _open_questions(practice, address, channel).first()
    return latest.asked_at if latest else None
