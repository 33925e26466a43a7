"""Reading appointments, always within the practices the user serves."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet

from closeloop.appointments.models import ACTIVE_STATUSES, Appointment, Match, Mode
from closeloop.core.types import Viewer
from closeloop.lib.ids import parse_id

#: How far back "upcoming" reaches: a visit that started an hour ago is still today's concern.
RECENT = timedelta(hours=2)


def appointments_for_user(user: Viewer) -> QuerySet[Appointment]:
    return Appointment.objects.for_user(user).select_related("practice", "patient")


def get_appointment_for_user(user: Viewer, pk: object) -> Appointment:
    """The appointment, or ``Appointment.DoesNotExist`` when missing *or* another practice's."""
    appointment_id = parse_id(pk)
    if appointment_id is None:
        raise Appointment.DoesNotExist
    return appointments_for_user(user).get(pk=appointment_id)


def upcoming_for_patient(patient_id: int | None, now: datetime) -> QuerySet[Appointment]:
    """The patient's visits still to come (or just begun), soonest first."""
    if patient_id is None:
        return Appointment.objects.none()
    return Appointment.objects.filter(
        patient_id=patient_id, status__in=ACTIVE_STATUSES, start__gte=now - RECENT
    ).order_by("start", "pk")


def telehealth_upcoming(
    appointments: QuerySet[Appointment], now: datetime, days: int
) -> QuerySet[Appointment]:
    return appointments.filter(
        mode=Mode.TELEHEALTH,
        status__in=ACTIVE_STATUSES,
        start__gte=now - RECENT,
        start__lte=now + timedelta(days=days),
    ).order_by("start", "pk")


#: A telehealth request is linked at intake to the patient's video visit starting within this
#: many days (a week: the visits already booked and reminded; a later one is rarely what a
#: "my link does not work" message is about).
VIDEO_VISIT_DAYS = 7


def next_video_visit(patient_id: int | None, now: datetime) -> Appointment | None:
    """The patient's soonest video visit still to come (or just begun) within
    ``VIDEO_VISIT_DAYS``: the one a telehealth request is about."""
    if patient_id is None:
        return None
    mine = Appointment.objects.filter(patient_id=patient_id)
    return telehealth_upcoming(mine, now, VIDEO_VISIT_DAYS).first()


def needing_match(appointments: QuerySet[Appointment], now: datetime) -> QuerySet[Appointment]:
    return appointments.filter(
        match=Match.DOUBTFUL, patient__isnull=True, start__gte=now - RECENT
    ).order_by("start", "pk")
