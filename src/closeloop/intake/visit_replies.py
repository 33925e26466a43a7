"""A text or an email that answers a visit confirmation (``outreach.replies`` reads it, in the
patient's language; of an email, the words above the quote, ``lib.replytext``): "confirm" is
recorded on the visit; "reschedule" and "cancel" become a scheduling item linked to the visit —
filed through the one intake service — whose promise the patient is told ("we will call you by
…", counted in business hours). Anything else is not an answer: the hook files it as any text
or email (repeat rules, red-flag check). Once per provider message id (a Twilio MessageSid, an
email's Message-ID)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from closeloop.appointments.models import Appointment, ConfirmedHow
from closeloop.intake.models import InboundKind, InboundMessage
from closeloop.intake.services import Contact, file_item, record_inbound
from closeloop.lib.replytext import reply_words
from closeloop.messaging import closing_question
from closeloop.messaging.models import ConsentChannel, MessagePurpose
from closeloop.messaging.services import MessageRefused, message_send
from closeloop.outreach.models import OutreachSend
from closeloop.outreach.replies import (
    ReplyKind,
    confirmation_answered,
    confirmation_in_thread,
    reply_kind,
    thread_confirmations,
    visit_confirm,
)
from closeloop.practices.defaults import SCHEDULING_CATEGORY
from closeloop.practices.local_time import for_staff
from closeloop.practices.models import Category, Practice
from closeloop.support_queue.models import OPEN_STATUSES, Channel, SupportItem

SUMMARY: dict[str, str] = {
    ReplyKind.RESCHEDULE: "Asks to reschedule the visit of {when} ({how} reply)",
    ReplyKind.CANCEL: "Asks to cancel the visit of {when} ({how} reply)",
}
HOW: dict[str, str] = {Channel.SMS: "text", Channel.EMAIL: "email"}


@dataclass(frozen=True)
class Reply:
    """One patient's reply as it came: the door (inbound kind, the provider's id), the
    channel and address it came from, its words and what the provider sent."""

    inbound_kind: str
    external_id: str
    channel: str
    address: str
    words: str
    payload: dict[str, str]


@dataclass(frozen=True)
class Answered:
    kind: str
    item_id: int | None
    duplicate: bool


def answer_visit_confirmation(
    practice: Practice, sid: str, phone: str, body: str, payload: dict[str, str]
) -> str | None:
    """The reply's kind when the text answers a confirmation (handled, once), else None."""
    now = timezone.now()
    reply = Reply(InboundKind.TWILIO_SMS, sid, Channel.SMS, phone, body, payload)
    answered = _answer(practice, confirmation_answered(practice.pk, phone, now), reply, now)
    return answered.kind if answered is not None else None


def answer_visit_email(
    practice: Practice,
    *,
    message_id: str,
    address: str,
    text: str,
    references: str,
    payload: dict[str, str],
) -> Answered | None:
    """An email that answers an emailed confirmation, handled like a text (once per
    Message-ID), else None (it is filed as any email). The confirmation its thread headers
    name, when they name one (never another one then: a reply to an old time confirms
    nothing); without them the latest emailed to that address, one patient behind it."""
    now = timezone.now()
    named = thread_confirmations(references)
    sent = (
        confirmation_in_thread(practice.pk, address, named, now)
        if named
        else confirmation_answered(practice.pk, address, now, channel=ConsentChannel.EMAIL)
    )
    reply = Reply(
        InboundKind.EMAIL, message_id, Channel.EMAIL, address.lower(), reply_words(text), payload
    )
    return _answer(practice, sent, reply, now)


def _answer(
    practice: Practice, sent: OutreachSend | None, reply: Reply, now: datetime
) -> Answered | None:
    if sent is None:
        return None
    # The language the confirmation was written in, and the patient's (if it changed since).
    patient = sent.appointment.patient
    language = patient.preferred_language if patient else sent.language
    kind = reply_kind(reply.words, sent.language) or reply_kind(reply.words, language)
    if kind is None:
        return None
    # "Yes" after "Did we resolve your request?" was asked since the confirmation answers that.
    # (Whoever it was asked of: a household's "Yes" is then filed for a person, not taken
    # for the visit's answer.)
    asked = (
        closing_question.last_asked(practice, reply.address, channel=reply.channel)
        if closing_question.parse_answer(reply.words)
        else None
    )
    if asked is not None and sent.sent_at is not None and asked > sent.sent_at:
        return None
    with transaction.atomic():
        inbound, created = record_inbound(
            practice, reply.inbound_kind, reply.external_id, reply.payload
        )
        if not created:  # a provider's retry: handled the first time
            return Answered(kind, inbound.item_id, duplicate=True)
        if kind == ReplyKind.CONFIRM:
            how = ConfirmedHow.EMAIL if reply.channel == Channel.EMAIL else ConfirmedHow.TEXT
            visit_confirm(appointment=sent.appointment, how=how, at=now)
        else:
            item = visit_request(
                sent.appointment, kind, reply.words, inbound, language, channel=reply.channel
            )
            inbound.item = item
            inbound.save(update_fields=["item"])
    return Answered(kind, inbound.item_id, duplicate=False)


def visit_request(
    visit: Appointment,
    kind: str,
    body: str,
    inbound: InboundMessage | None,
    language: str,
    *,
    channel: str = Channel.SMS,
) -> SupportItem:
    """A scheduling item linked to the visit (the open one, when the patient already asked),
    and the text that tells them when we call: the item's first-response time, in business
    hours, which becomes its tracked promise."""
    practice = visit.practice
    category = Category.objects.get(practice=practice, code=SCHEDULING_CATEGORY)
    joined = SupportItem.objects.filter(
        appointment=visit, category=category, status__in=OPEN_STATUSES
    ).first()
    contact = Contact(
        channel=channel,
        summary=SUMMARY[kind].format(when=for_staff(practice, visit.start), how=HOW[channel]),
        details=body, language=language, patient=visit.patient,
        inbound_id=inbound.pk if inbound else None,
    )  # fmt: skip
    filed = file_item(
        practice=practice, actor=None, contact=contact, category=category, appointment=visit,
        join=joined,
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
