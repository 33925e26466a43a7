"""The demo's outreach before visits: each practice's plan, confirmations asked yesterday for
the next days' visits — a few confirmed by a text reply, one reschedule request (a scheduling
item linked to the visit, its promise told), and a few unanswered: the VA's call list."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from closeloop.appointments.models import ACTIVE_STATUSES, Appointment, ConfirmedHow
from closeloop.intake.visit_replies import visit_request
from closeloop.messaging.models import ConsentChannel, MessagePurpose
from closeloop.outreach.models import OutreachPlan, OutreachSend, PlanMode, SendState
from closeloop.outreach.replies import ReplyKind, visit_confirm
from closeloop.outreach.schedule import is_due, plan_for, schedule_for
from closeloop.outreach.sends import active_plans, render
from closeloop.practices.models import Practice

#: Of each practice's next visits asked to confirm: how many confirmed by reply, asked to
#: reschedule, and left unanswered (the call list).
CONFIRMED, RESCHEDULE, UNANSWERED = 3, 1, 2


def seed_outreach(now: datetime | None = None) -> int:
    """Plans, and the confirmations of the coming visits; returns how many were asked."""
    now = now or timezone.now()
    asked = 0
    for index, practice in enumerate(Practice.objects.order_by("pk")):
        _plans(practice)
        visits = list(
            Appointment.objects.filter(
                practice=practice, status__in=ACTIVE_STATUSES, patient__isnull=False,
                start__gt=now + timedelta(hours=20), start__lte=now + timedelta(days=8),
                patient__phone__gt="",
            ).select_related("patient", "practice").order_by("start", "pk")
        )  # fmt: skip
        # The first practice's soonest one asks to reschedule; then no answer; then confirmed.
        plan: list[str | None] = [ReplyKind.RESCHEDULE] * (RESCHEDULE if index == 0 else 0)
        plan += [None] * UNANSWERED + [ReplyKind.CONFIRM] * CONFIRMED
        for visit, answer in zip(visits, plan, strict=False):
            when = now - timedelta(hours=22)
            _asked(visit, when)
            asked += 1
            if answer == ReplyKind.CONFIRM:
                at = when + timedelta(minutes=37)
                visit_confirm(appointment=visit, how=ConfirmedHow.TEXT, at=at)
            elif answer == ReplyKind.RESCHEDULE and visit.patient is not None:
                language = visit.patient.preferred_language
                visit_request(visit, ReplyKind.RESCHEDULE, "R", None, language)
    _record_due(now)
    return asked


def _record_due(now: datetime) -> None:
    """What the plans would send at this moment (its time passed while the demo was not
    running) is recorded as history, never sent: the demo's start sends no burst of texts.
    Later times are sent by the worker like any practice's."""
    plans = active_plans()
    visits = Appointment.objects.filter(
        practice_id__in=list(plans), status__in=ACTIVE_STATUSES, patient__isnull=False,
        start__gt=now, start__lte=now + timedelta(days=15),
    ).select_related("practice")  # fmt: skip
    for visit in visits:
        plan = plan_for(plans[visit.practice_id], visit)
        for purpose, when in schedule_for(plan, visit) if plan else []:
            if is_due(when, visit, now):
                OutreachSend.objects.get_or_create(
                    appointment=visit, purpose=purpose, scheduled_for=when,
                    defaults={"practice_id": visit.practice_id, "visit_start": visit.start,
                              "state": SendState.RECORDED, "send_after": when},
                )  # fmt: skip


def _plans(practice: Practice) -> None:
    OutreachPlan.objects.get_or_create(
        practice=practice, kind="", mode=PlanMode.ANY,
        defaults={"confirm_days": 2, "reminder": True, "forms_days": 3, "video_hours": 0},
    )  # fmt: skip
    OutreachPlan.objects.get_or_create(
        practice=practice, kind="", mode=PlanMode.TELEHEALTH,
        defaults={
            "confirm_days": 2, "reminder": True, "forms_days": 3, "video_hours": 24,
            "video_link": f"https://video.example.org/{practice.slug}",
            "device_test_link": "https://video.example.org/test",
        },
    )  # fmt: skip


def _asked(visit: Appointment, when: datetime) -> None:
    """The confirmation as sent yesterday. Nothing is sent now (no text leaves, nothing in the
    outbox), but the row reads as the text that went out then (``SENT`` at ``when``): a reply
    the demo receives (a signed Twilio webhook) answers it as it would a real one — "C"
    confirms the visit, "R" files the reschedule request. A ``RECORDED`` row is answered by
    nothing (``outreach.replies.confirmation_answered`` reads sent confirmations only)."""
    local = when.astimezone(visit.practice.calendar().tz)
    patient = visit.patient
    row = OutreachSend(
        practice=visit.practice, appointment=visit, purpose=MessagePurpose.VISIT_CONFIRM,
        scheduled_for=datetime.combine(local.date(), time(10, 0), tzinfo=local.tzinfo),
        visit_start=visit.start, channel=ConsentChannel.SMS, to=patient.phone if patient else "",
        language=patient.preferred_language if patient else "en",
        state=SendState.SENT, send_after=when, sent_at=when,
        created_at=when,
    )  # fmt: skip
    rendered = render(row, row.language, ConsentChannel.SMS)
    if rendered is not None:
        row.subject, row.body = rendered
    row.save()
    Appointment.objects.filter(pk=visit.pk).update(confirmation_asked_at=when)
