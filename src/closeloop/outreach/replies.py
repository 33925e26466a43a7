"""Replies to a visit confirmation, read in the patient's language (and English, which every
patient may use): the whole reply, lower case, accents and punctuation ignored, is one of the
catalog's words for confirm, reschedule or cancel; anything else is free text (``None``), filed
as a contact like any other text (``intake``).

A reply belongs to the latest confirmation texted to that number in the last
``ANSWER_DAYS`` whose visit is still ahead and booked. Note on "CANCEL": carriers treat a bare
CANCEL as an opt-out from the number (Twilio's default keywords), so the texts say "CANCEL
VISIT"; a bare CANCEL still cancels the visit request *and* records the opt-out the carrier
made (``intake.hooks``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, TextChoices

from closeloop.appointments.models import ACTIVE_STATUSES, Appointment, ConfirmedHow
from closeloop.core.languages import SOURCE, words
from closeloop.lib.textnorm import normalize
from closeloop.messaging.models import ConsentChannel, MessagePurpose
from closeloop.outreach.models import OutreachSend, SendState
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
    """What the reply asks, or None (free text)."""
    said = normalize(text)
    if not said:
        return None
    for kind, choices in REPLY_WORDS.items():
        for speaking in dict.fromkeys((language, SOURCE)):
            if not choices.translated_in(speaking):
                continue
            if said in {normalize(word) for word in choices.said_in(speaking).split("|")}:
                return kind
    return None


def confirmation_answered(practice_id: int, phone: str, now: datetime) -> OutreachSend | None:
    """The confirmation a text from ``phone`` answers: the latest one texted there, recently,
    for a visit still ahead, booked and at the time it gave. A number shared by several
    patients (a household) with confirmations open for more than one of them answers none:
    "C" cannot say whose visit it confirms or cancels, so the text is filed for a person."""
    if not phone:
        return None
    open_sends = (
        OutreachSend.objects.filter(
            practice_id=practice_id,
            purpose=MessagePurpose.VISIT_CONFIRM,
            channel=ConsentChannel.SMS,
            to=phone,
            state=SendState.SENT,
            sent_at__gte=now - timedelta(days=ANSWER_DAYS),
            appointment__status__in=ACTIVE_STATUSES,
            appointment__start__gt=now,
            # A visit moved since is asked again: "C" to the old time confirms nothing.
            appointment__start=F("visit_start"),
            # The visit is still this number's patient's (an import may have matched it to
            # someone else since): a reply never confirms or cancels another person's visit.
            appointment__patient__phone=phone,
        )
        .select_related("appointment__patient", "appointment__practice", "practice")
        .order_by("-sent_at", "-pk")
    )
    latest = open_sends.first()
    if latest is None:
        return None
    patients = {
        patient or f"visit-{visit}"
        for patient, visit in open_sends.values_list("appointment__patient_id", "appointment_id")
    }
    return latest if len(patients) == 1 else None


@transaction.atomic
def visit_confirm(*, appointment: Appointment, how: str, at: datetime) -> bool:
    """Record the patient's confirmation on the visit, once (a repeat changes nothing)."""
    if how not in ConfirmedHow.values:
        raise ValueError(f"Unknown confirmation channel {how!r}")
    won = Appointment.objects.filter(pk=appointment.pk, confirmed_at__isnull=True).update(
        confirmed_at=at, confirmed_how=how
    )
    if won:  # a conditional UPDATE sends no model signal: the audit row is written here
        appointment.refresh_from_db()
        audit.record(AuditAction.UPDATE, appointment, fields=["confirmed_at", "confirmed_how"])
    return bool(won)
