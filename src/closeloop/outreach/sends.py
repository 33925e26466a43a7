"""Outreach messages, found due by the minute tick and sent exactly once.

``outreach_due`` reads the visits ahead that have a plan, writes a delivery row for each
(visit, purpose, scheduled time) whose time came — the row's unique key is the claim: two
workers, or a restart, find it written and leave it — and sends it. Each send is claimed with
a lease (``core.claims``) and judged again right before it leaves (``judge``): the visit still
booked at the same time, the message still needed, consent (``messaging.consent``) and the
practice's quiet hours (``messaging.sendtime``), so a message held overnight or re-driven after
a crash is never sent for a cancelled or moved visit, nor at night.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from closeloop.appointments.models import ACTIVE_STATUSES, Appointment
from closeloop.core import claims
from closeloop.core.sms import send_sms
from closeloop.lib import placeholders
from closeloop.lib.phones import display_phone
from closeloop.messaging.consent import reachable_by
from closeloop.messaging.models import ConsentChannel, MessagePurpose, MessageTemplate
from closeloop.messaging.sendtime import quiet_until
from closeloop.messaging.services import email_patient, fill, shipped_template
from closeloop.outreach.models import OutreachPlan, OutreachSend, SendState, SkipReason
from closeloop.outreach.schedule import horizon, is_due, plan_for, schedule_for
from closeloop.practices.defaults import INTAKE_CATEGORY
from closeloop.practices.local_time import for_patient
from closeloop.practices.models import sms_account
from closeloop.support_queue.models import OPEN_STATUSES, SupportItem

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def active_plans() -> dict[int, list[OutreachPlan]]:
    plans: dict[int, list[OutreachPlan]] = defaultdict(list)
    for plan in OutreachPlan.objects.filter(active=True):
        plans[plan.practice_id].append(plan)
    return plans


def outreach_due(now: datetime | None = None) -> int:
    """Write and send every outreach message whose time came; re-drive held and lost ones.
    Returns how many left (or were judged and held/cancelled) in this call."""
    now = now or timezone.now()
    plans = active_plans()
    handled = 0
    if plans:
        every = [plan for group in plans.values() for plan in group]
        visits = list(
            Appointment.objects.filter(
                practice_id__in=list(plans),
                status__in=ACTIVE_STATUSES,
                patient__isnull=False,
                start__gt=now,
                start__lte=now + horizon(every),
            ).select_related("practice")
        )
        written = set(
            OutreachSend.objects.filter(appointment__in=visits).values_list(
                "appointment_id", "purpose", "scheduled_for"
            )
        )
        for visit in visits:
            plan = plan_for(plans[visit.practice_id], visit)
            if plan is None:
                continue
            for purpose, when in schedule_for(plan, visit):
                if (visit.pk, purpose, when) in written or not is_due(when, visit, now):
                    continue
                row = _write(visit, purpose, when, now)
                if row is not None and deliver(row.pk, now) != "not-due":
                    handled += 1
    return handled + release_due(now)


def _write(visit: Appointment, purpose: str, when: datetime, now: datetime) -> OutreachSend | None:
    """The delivery row, or None when another worker wrote it first (the unique key)."""
    try:
        with transaction.atomic():
            return OutreachSend.objects.create(
                practice_id=visit.practice_id, appointment=visit, purpose=purpose,
                scheduled_for=when, visit_start=visit.start, send_after=now,
            )  # fmt: skip
    except IntegrityError:
        return None


def release_due(now: datetime) -> int:
    """Rows whose quiet hours ended, and queued ones a dead worker left (a stale lease)."""
    due = claims.released_and_due(
        OutreachSend, held=SendState.HELD, pending=SendState.QUEUED, now=now
    )
    return sum(deliver(pk, now) != "not-due" for pk in due)


# --- judged right before it leaves ----------------------------------------------------------------


@dataclass(frozen=True)
class Hold:
    until: datetime


def forms_missing(visit: Appointment) -> bool:
    """The patient's intake forms are missing while a new-patient intake item is open for
    them (the EHR sends no forms status today; docs/outreach.md)."""
    if visit.patient_id is None:
        return False
    return SupportItem.objects.filter(
        patient_id=visit.patient_id,
        category__code=INTAKE_CATEGORY,
        status__in=OPEN_STATUSES,
    ).exists()


def judge(row: OutreachSend, now: datetime) -> str | Hold | None:
    """A ``SkipReason`` (never send it), a ``Hold`` (not now), or None (it may go)."""
    visit = row.appointment
    if visit.status not in ACTIVE_STATUSES:
        return SkipReason.VISIT_CANCELLED
    if visit.start != row.visit_start:
        return SkipReason.VISIT_MOVED
    if visit.start <= now:
        return SkipReason.VISIT_STARTED
    plan = plan_for(OutreachPlan.objects.filter(practice_id=row.practice_id), visit)
    if plan is None or (row.purpose, row.scheduled_for) not in schedule_for(plan, visit):
        return SkipReason.PLAN_CHANGED
    if row.purpose == MessagePurpose.VISIT_CONFIRM and visit.confirmed_at is not None:
        return SkipReason.ALREADY_CONFIRMED
    if row.purpose == MessagePurpose.FORMS_REMINDER and not forms_missing(visit):
        return SkipReason.FORMS_DONE
    until = quiet_until(row.practice, now)
    return Hold(until) if until is not None else None


def contact_for(row: OutreachSend) -> tuple[str, str] | None:
    """(channel, address): a text where consent allows, else an email."""
    patient = row.appointment.patient
    if patient is None:
        return None
    return reachable_by(row.practice, phone=patient.phone, email=patient.email)


def template(practice_id: int, purpose: str, language: str, channel: str) -> MessageTemplate | None:
    """The practice's own template in the patient's language, else the shipped one; never
    another language."""
    return MessageTemplate.objects.filter(
        practice_id=practice_id, purpose=purpose, language=language, category__isnull=True
    ).first() or shipped_template(practice_id, purpose, language, channel)


def visit_facts(row: OutreachSend, language: str) -> dict[str, str]:
    visit, practice = row.appointment, row.practice
    plan = plan_for(OutreachPlan.objects.filter(practice_id=row.practice_id), visit)
    return {
        "first_name": visit.patient.first_name if visit.patient else "",
        "practice": practice.name,
        "visit_time": for_patient(practice, visit.start, language),
        "visit_link": plan.video_link if plan else "",
        "device_test_link": plan.device_test_link if plan else "",
        "callback_number": display_phone(practice.phone) or practice.phone,
        "update_time": "",
        "next_step": "",
        "review_link": practice.review_link,
    }


def render(row: OutreachSend, language: str, channel: str) -> tuple[str, str] | None:
    """The visit text in ``language`` for ``channel``, filled through the messaging layer's
    ``fill`` (the one place a template becomes a patient's words); ``None`` when there is no
    template in that language or it names a fact a visit does not have."""
    found = template(row.practice_id, row.purpose, language, channel)
    if found is None:
        return None
    values = visit_facts(row, language)
    try:
        wanted = placeholders.names(found.subject) | placeholders.names(found.body)
    except placeholders.PlaceholderError:
        return None
    if wanted - values.keys():
        return None
    return fill(found.subject, found.body, values)


def deliver(row_id: int, now: datetime | None = None) -> str:
    """Claim one due row, judge it, and send it (or hold or cancel it)."""
    now = now or timezone.now()
    if not claims.claim(
        OutreachSend, row_id, pending=SendState.QUEUED, time_field="send_after", now=now
    ):
        return "not-due"
    row = OutreachSend.objects.select_related(
        "practice", "appointment__patient", "appointment__practice"
    ).get(pk=row_id)
    verdict = judge(row, now)
    if isinstance(verdict, Hold):
        row.state, row.send_after, row.claimed_at = SendState.HELD, verdict.until, None
        row.save(update_fields=["state", "send_after", "claimed_at"])
        return str(row.state)
    if verdict is not None:
        return _skip(row, verdict)
    contact = contact_for(row)
    if contact is None:
        return _skip(row, SkipReason.NO_CONTACT)
    language = row.appointment.patient.preferred_language if row.appointment.patient else "en"
    rendered = render(row, language, contact[0])
    if rendered is None:
        return _skip(row, SkipReason.NO_TEMPLATE)
    row.channel, row.to, row.language = contact[0], contact[1], language
    row.subject, row.body = rendered[0][:200], rendered[1]
    return _send(row, now)


def _skip(row: OutreachSend, code: str) -> str:
    row.state, row.skip_code, row.claimed_at = SendState.CANCELLED, code, None
    row.save(update_fields=["state", "skip_code", "claimed_at"])
    return str(row.state)


def _send(row: OutreachSend, now: datetime) -> str:
    row.attempts += 1
    try:
        row.provider_id = _send_sms(row) if row.channel == ConsentChannel.SMS else _send_email(row)
        row.state, row.sent_at, row.last_error = SendState.SENT, now, ""
    except Exception as exc:  # noqa: BLE001  (any provider failure is recorded and retried)
        row.last_error = f"{type(exc).__name__}"[:300]
        row.state = SendState.FAILED if row.attempts >= MAX_ATTEMPTS else SendState.QUEUED
        row.send_after = now + timedelta(minutes=2**row.attempts)
    row.claimed_at = None
    with transaction.atomic():
        row.save()
        if row.state == SendState.SENT and row.purpose == MessagePurpose.VISIT_CONFIRM:
            Appointment.objects.filter(pk=row.appointment_id).update(confirmation_asked_at=now)
    return str(row.state)


def _send_sms(row: OutreachSend) -> str:
    callback = f"{settings.CLOSELOOP_BASE_URL.rstrip('/')}/hooks/twilio/{row.practice.slug}/status/"
    return send_sms(
        sms_account(row.practice, callback), to=row.to, body=row.body,
        what=f"outreach {row.pk}",
    )  # fmt: skip


def _send_email(row: OutreachSend) -> str:
    message_id = f"<visit-{row.appointment_id}.{row.pk}@closeloop>"
    email_patient(
        practice=row.practice, to=row.to, language=row.language, subject=row.subject,
        body=row.body, message_id=message_id, delivery=f"outreach-{row.pk}",
    )  # fmt: skip
    return message_id
