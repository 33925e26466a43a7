"""Replies to a visit confirmation, read in the patient's language (and English, which every
patient may use): the whole reply, lower case, accents and punctuation ignored, is one of the
catalog's words for confirm, reschedule or cancel (or every word of it is a one-word answer of
the same kind: "Sí, confirmo"); anything else is free text (``None``), filed
as a contact like any other text (``intake``).

A text belongs to the latest confirmation texted to that number in the last ``ANSWER_DAYS``
whose visit is still ahead and booked; an email to the confirmation its thread headers name
(In-Reply-To/References), else, without them, to the latest one emailed to that address — on
the same rules (one patient behind the address, the visit still theirs and at that time).

Note on "CANCEL": carriers treat a bare CANCEL as an opt-out from the number (Twilio's default
keywords), so the texts say "CANCEL VISIT"; a bare CANCEL still cancels the visit request *and*
records the opt-out the carrier made (``intake.hooks``)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, QuerySet, TextChoices
from django.utils import timezone

from closeloop.appointments.models import ACTIVE_STATUSES, Appointment, ConfirmedHow
from closeloop.core.languages import SOURCE, words
from closeloop.lib.textnorm import normalize
from closeloop.messaging.consent import at_address
from closeloop.messaging.models import ConsentChannel, MessagePurpose
from closeloop.outreach.models import OutreachSend, SendState
from closeloop.outreach.writeback import confirmation_recorded
from closeloop.patients.selectors import one_patients_latest
from closeloop.security import audit
from closeloop.security.models import AuditAction

ANSWER_DAYS = 7


class ReplyKind(TextChoices):
    CONFIRM = "confirm", "Confirm"
    RESCHEDULE = "reschedule", "Reschedule"
    CANCEL = "cancel", "Cancel"


REPLY_WORDS = {
    ReplyKind.CONFIRM: words(
        "a text reply that confirms a visit (whole reply, lower case, | separated)",
        "c|1|yes|y|confirm|confirmed|ok",
    ),
    ReplyKind.RESCHEDULE: words(
        "a text reply that asks to reschedule a visit (whole reply, lower case, | separated)",
        "r|2|reschedule|change|change visit",
    ),
    ReplyKind.CANCEL: words(
        "a text reply that asks to cancel a visit (whole reply, lower case, | separated)",
        "cancel|cancel visit",
    ),
}


def reply_kind(text: str, language: str) -> str | None:
    """What the reply asks, or None (free text): the whole reply is one of a kind's words, or
    every word of it is a one-word answer of the same kind ("Sí, confirmo", "yes, confirmed")."""
    said = normalize(text)
    if not said:
        return None
    for kind, choices in REPLY_WORDS.items():
        for speaking in dict.fromkeys((language, SOURCE)):
            if not choices.translated_in(speaking):
                continue
            answers = {normalize(word) for word in choices.said_in(speaking).split("|")}
            if said in answers or set(said.split()) <= answers:
                return kind
    return None


#: The Message-ID of a confirmation Closeloop emailed (``sends._send_email``).
VISIT_THREAD_RE = re.compile(r"<visit-\d+\.\d+@closeloop>")


def thread_confirmations(references: str) -> list[str]:
    """The Message-IDs of visit confirmations an email's In-Reply-To/References name."""
    return VISIT_THREAD_RE.findall(references)[:20]


def _open_confirmations(
    practice_id: int, channel: str, address: str, now: datetime
) -> QuerySet[OutreachSend]:
    """The confirmations sent to ``address`` recently, for a visit still ahead, booked, at the
    time they gave and still the patient's at that address (an import may have matched the visit
    to someone else since: a reply never confirms or cancels another person's visit)."""
    patients_address = (
        "appointment__patient__email"
        if channel == ConsentChannel.EMAIL
        else "appointment__patient__phone"
    )
    return (
        OutreachSend.objects.filter(
            at_address(channel, address, "to", patients_address),
            practice_id=practice_id,
            purpose=MessagePurpose.VISIT_CONFIRM,
            channel=channel,
            state=SendState.SENT,
            sent_at__gte=now - timedelta(days=ANSWER_DAYS),
            appointment__status__in=ACTIVE_STATUSES,
            appointment__start__gt=now,
            # A visit moved since is asked again: "C" to the old time confirms nothing.
            appointment__start=F("visit_start"),
        )
        .select_related("appointment__patient", "appointment__practice", "practice")
        .order_by("-sent_at", "-pk")
    )


def confirmation_answered(
    practice_id: int, address: str, now: datetime, *, channel: str = ConsentChannel.SMS
) -> OutreachSend | None:
    """The confirmation a reply from ``address`` (a number, or an email address) answers: the
    latest one sent there, recently, for a visit still ahead, booked and at the time it gave.
    An address shared by several patients (a household) with confirmations open for more than
    one of them answers none: "C" cannot say whose visit it confirms or cancels, so the reply is
    filed for a person."""
    if not address:
        return None
    open_sends = _open_confirmations(practice_id, channel, address, now)
    return one_patients_latest(open_sends, "appointment__patient_id")


def confirmation_in_thread(
    practice_id: int, address: str, message_ids: list[str], now: datetime
) -> OutreachSend | None:
    """The emailed confirmation an email reply names in its thread headers — only when it was
    sent to the sender's address, which is still that visit's patient's, and the visit is still
    ahead, booked, at the time it gave. The header says which visit, so a household's shared
    address answers the visit it names; a forged header from another address answers none."""
    if not address or not message_ids:
        return None
    return (
        _open_confirmations(practice_id, ConsentChannel.EMAIL, address, now)
        .filter(provider_id__in=message_ids)
        .first()
    )


def confirm_refusal(appointment: Appointment, at: datetime) -> str:
    """Why the visit cannot be confirmed at ``at`` ("" when it can): only a visit still booked
    and still ahead is (the rule a reply's confirmation is found by, ``_open_confirmations``)."""
    if appointment.status not in ACTIVE_STATUSES:
        return f"The visit is {appointment.get_status_display().lower()}: it cannot be confirmed."
    if appointment.start <= at:
        return "The visit has already begun: it cannot be confirmed."
    return ""


@transaction.atomic
def visit_confirm(*, appointment: Appointment, how: str, at: datetime) -> bool:
    """Record the patient's confirmation on the visit, once (a repeat changes nothing), and,
    when the practice writes confirmations back to its EHR, the write (``writeback``). Only a
    visit still booked and ahead (``confirm_refusal``; checked in the same UPDATE, so a visit
    cancelled a moment ago is not confirmed either)."""
    if how not in ConfirmedHow.values:
        raise ValueError(f"Unknown confirmation channel {how!r}")
    won = Appointment.objects.filter(
        pk=appointment.pk, confirmed_at__isnull=True, status__in=ACTIVE_STATUSES, start__gt=at
    ).update(confirmed_at=at, confirmed_how=how)
    if won:  # a conditional UPDATE sends no model signal: the audit row is written here
        appointment.refresh_from_db()
        audit.record(AuditAction.UPDATE, appointment, fields=["confirmed_at", "confirmed_how"])
        confirmation_recorded(appointment, timezone.now())
    return bool(won)
