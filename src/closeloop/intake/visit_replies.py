"""A text that answers a visit confirmation (``outreach.replies`` reads it, in the patient's
language): "confirm" is recorded on the visit; "reschedule" and "cancel" become a scheduling
item linked to the visit — filed through the one intake service — whose promise the patient is
told ("we will call you by …", counted in business hours). Anything else is not an answer: the
hook files it as any text (repeat rules, red-flag check). Once per provider message id."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from closeloop.appointments.models import Appointment, ConfirmedHow
from closeloop.intake.models import InboundKind, InboundMessage
from closeloop.intake.services import file_item, record_inbound
from closeloop.messaging import closing_question
from closeloop.messaging.models import ConsentChannel, MessagePurpose
from closeloop.messaging.services import MessageRefused, message_send
from closeloop.outreach.replies import (
    ReplyKind,
    confirmation_answered,
    reply_kind,
    visit_confirm,
)
from closeloop.practices.defaults import SCHEDULING_CATEGORY
from closeloop.practices.local_time import for_staff
from closeloop.practices.models import Category, Practice
from closeloop.support_queue.models import OPEN_STATUSES, Channel, SupportItem

SUMMARY: dict[str, str] = {
    ReplyKind.RESCHEDULE: "Asks to reschedule the visit of {when} (text reply)",
    ReplyKind.CANCEL: "Asks to cancel the visit of {when} (text reply)",
}


def answer_visit_confirmation(
    practice: Practice, sid: str, phone: str, body: str, payload: dict[str, str]
) -> str | None:
    """The reply's kind when the text answers a confirmation (handled, once), else None."""
    now = timezone.now()
    sent = confirmation_answered(practice.pk, phone, now)
    if sent is None:
        return None
    # The language the confirmation was written in, and the patient's (if it changed since).
    patient = sent.appointment.patient
    language = patient.preferred_language if patient else sent.language
    kind = reply_kind(body, sent.language) or reply_kind(body, language)
    if kind is None:
        return None
    # "Yes" after "Did we resolve your request?" was asked since the confirmation answers that.
    question = (
        closing_question.open_question(practice, phone)
        if closing_question.parse_answer(body)
        else None
    )
    if question is not None and sent.sent_at is not None and question.asked_at > sent.sent_at:
        return None
    with transaction.atomic():
        inbound, created = record_inbound(practice, InboundKind.TWILIO_SMS, sid, payload)
        if not created:
            return kind  # a provider's retry: handled the first time
        if kind == ReplyKind.CONFIRM:
            visit_confirm(appointment=sent.appointment, how=ConfirmedHow.TEXT, at=now)
        else:
            item = visit_request(sent.appointment, kind, body, inbound, language)
            inbound.item = item
            inbound.save(update_fields=["item"])
    return kind


def visit_request(
    visit: Appointment, kind: str, body: str, inbound: InboundMessage | None, language: str
) -> SupportItem:
    """A scheduling item linked to the visit (the open one, when the patient already asked),
    and the text that tells them when we call: the item's first-response time, in business
    hours, which becomes its tracked promise."""
    practice = visit.practice
    category = Category.objects.get(practice=practice, code=SCHEDULING_CATEGORY)
    joined = SupportItem.objects.filter(
        appointment=visit, category=category, status__in=OPEN_STATUSES
    ).first()
    filed = file_item(
        practice=practice, actor=None, channel=Channel.SMS,
        summary=SUMMARY[kind].format(when=for_staff(practice, visit.start)),
        details=body, patient=visit.patient, category=category, language=language,
        inbound_id=inbound.pk if inbound else None, appointment=visit, join=joined,
    )  # fmt: skip
    item = filed.item
    if item.promised_update_at is None:
        _tell_when_we_call(item)
        item.refresh_from_db()
    return item


def _tell_when_we_call(item: SupportItem) -> None:
    for channel in (ConsentChannel.SMS, ConsentChannel.EMAIL):
        try:
            message_send(
                item=item, actor=None, channel=channel, purpose=MessagePurpose.VISIT_CALLBACK,
                next_update_at=item.first_response_due_at,
            )  # fmt: skip
            return
        except MessageRefused:
            continue  # opted out of this channel, no address: the item is due all the same
