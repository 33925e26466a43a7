"""Missed calls: a caller nobody answered, who left no voicemail, is a contact like any other.

Twilio's voice status callback says how an inbound call ended. A call that was not answered
(``no-answer``, ``busy``, ``canceled``) or whose caller hung up while waiting in the queue
(``completed`` with the <Enqueue> action's ``QueueResult=hangup``), or who was forwarded
with <Dial> to a phone nobody picked up (the <Dial action>'s ``DialCallStatus``), files a
"missed call" item through the one intake service (once per ``CallSid``; the repeat rules join
a second call from the same number to the same item). When the practice turns it on, the
caller gets one text-back in their language (a caller we do not know: the practice's) whose
time is the item's promise: the first-response target, counted in business hours (after
hours: from the next opening, and the text says the office is closed).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from closeloop.intake.models import InboundKind, InboundMessage
from closeloop.intake.services import IntakeResult, identify, intake_receive
from closeloop.messaging.models import ConsentChannel, MessagePurpose, OutboundMessage
from closeloop.messaging.services import MessageRefused, message_send
from closeloop.practices.models import Practice
from closeloop.support_queue.models import Channel, SupportItem
from closeloop.triage import services as triage

#: Twilio's CallStatus values (anything else is a malformed callback).
CALL_STATUSES = frozenset(
    {"queued", "initiated", "ringing", "in-progress", "completed", "busy", "failed",
     "no-answer", "canceled"}
)  # fmt: skip
#: The call ended and nobody answered it.
NOT_ANSWERED = frozenset({"no-answer", "busy", "canceled"})
#: <Enqueue>'s QueueResult when the caller hung up while waiting.
HUNG_UP_IN_QUEUE = "hangup"
#: <Dial action>'s DialCallStatus: how the forwarded leg ended (anything else is malformed).
DIAL_STATUSES = frozenset({"completed", "answered", "busy", "no-answer", "failed", "canceled"})
#: The forwarded leg rang out, was busy, failed or was given up: the caller was not answered,
#: whatever the caller's own leg says (it is ``in-progress`` or ``completed``).
DIAL_NOT_ANSWERED = frozenset({"no-answer", "busy", "failed", "canceled"})
#: A second missed call soon after the first gets no second text (it joins the same item).
TEXT_BACK_ONCE_WITHIN = timedelta(hours=1)
TEXT_BACKS = (MessagePurpose.MISSED_CALL, MessagePurpose.MISSED_CALL_CLOSED)


def was_missed(params: dict[str, str]) -> bool:
    """An inbound call that ended without anyone answering and without a voicemail."""
    if params.get("Direction", "inbound") != "inbound" or params.get("RecordingSid"):
        return False
    dial_status = params.get("DialCallStatus", "")
    if dial_status:  # a call forwarded with <Dial>: the forwarded leg says whether anyone answered
        return dial_status in DIAL_NOT_ANSWERED
    status = params.get("CallStatus", "")
    hung_up = status == "completed" and params.get("QueueResult", "") == HUNG_UP_IN_QUEUE
    return status in NOT_ANSWERED or hung_up


MISSED_CALL = "Missed call"


def how_missed(params: dict[str, str]) -> str:
    """The status the timeline states: the forwarded leg's when there was one."""
    dial_status = params.get("DialCallStatus", "")
    return f"forwarded, {dial_status}" if dial_status else params.get("CallStatus", "")


@transaction.atomic
def call_missed(
    *,
    practice: Practice,
    call_sid: str,
    status: str,
    phone: str,
    payload: dict[str, Any],
    hold_seconds: int | None = None,
) -> IntakeResult | None:
    """File the missed call (once per ``call_sid``) and, the first time, text the caller back.
    None when the caller left a voicemail on that call after all (the voicemail is the contact)."""
    voicemail = InboundMessage.objects.filter(
        practice=practice, kind=InboundKind.TWILIO_RECORDING, payload__CallSid=call_sid
    )
    if voicemail.exists():
        return None
    patient, _ = identify(practice, phone=phone) if phone else (None, [])
    held = f" after {hold_seconds} s on hold" if hold_seconds is not None else ""
    # A caller we do not know is written to in the practice's language (a Spanish-speaking
    # neighbourhood's clinic sets Spanish).
    language = patient.preferred_language if patient is not None else practice.default_language
    result = intake_receive(
        practice=practice,
        kind=InboundKind.TWILIO_CALL,
        external_id=call_sid,
        channel=Channel.PHONE,
        payload=payload,
        summary=MISSED_CALL,
        text=f"Missed call ({status}{held}); no voicemail.",
        phone=phone,
        language=language,
        # The caller said nothing: triage reads "Missed call", not the status we wrote ("on
        # hold" is not a complaint about hold times).
        suggestion=triage.suggest(MISSED_CALL, language=language),
    )
    if result.duplicate:
        return result
    if hold_seconds is not None:
        InboundMessage.objects.filter(
            practice=practice, kind=InboundKind.TWILIO_CALL, external_id=call_sid
        ).update(hold_seconds=hold_seconds)
    if practice.missed_call_text_back:
        text_back(result.item)
    return result


def text_back(item: SupportItem) -> OutboundMessage | None:
    """ "Sorry we missed your call… we will call you back by …": the time is the item's promise
    (the one it has, else its first-response target); consent, the patient's language and
    quiet hours are the messaging layer's (``message_send``, judged again when it leaves)."""
    now = timezone.now()
    if item.red_flag or not item.is_open:
        return None  # the clinical team calls; nothing to promise
    recent = OutboundMessage.objects.filter(
        item=item, purpose__in=TEXT_BACKS, created_at__gte=now - TEXT_BACK_ONCE_WITHIN
    )
    if recent.exists():
        return None
    promised = item.promised_update_at
    promise = promised if promised is not None and promised > now else item.first_response_due_at
    if promise <= now:
        return None  # overdue already: staff call now rather than promise a passed time
    open_now = item.practice.calendar().is_open(now)
    try:
        return message_send(
            item=item,
            actor=None,
            channel=ConsentChannel.SMS,
            purpose=MessagePurpose.MISSED_CALL if open_now else MessagePurpose.MISSED_CALL_CLOSED,
            next_update_at=promise,
        )
    except MessageRefused:
        return None  # no mobile number, opted out, or no template: staff call back
