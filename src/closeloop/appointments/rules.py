"""Missed-appointment risk and telehealth-before-the-visit: the rules, in one place.

An appointment is **at risk** at a moment T (``at_risk``: the one definition, used by the
appointments page's list and by the historical metric) when

* its patient has, at T, an item that is open (contact made before T, not resolved or closed
  by T) in the new-patient intake, insurance, referral/document or telehealth-access
  categories, or a message nobody answered yet (a voicemail, text, email, portal or web-form
  contact with no first response by T); or
* it is **not confirmed** at T: its patient was asked to confirm it (outreach)
  ``NO_ANSWER_AFTER`` or more before T and had not confirmed by T.

Upcoming appointments are judged now (the list); past ones at their start time (the metric,
``risk_counts``), so the metric can tell how many at-risk appointments were actually missed
(EHR status ``noshow``). A not-confirmed visit nobody is already working on (no open item
linked to it) is also on the VA's call list (``call_list``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)

from closeloop.appointments.models import ACTIVE_STATUSES, Appointment, AppointmentStatus
from closeloop.practices.choices import Channel
from closeloop.practices.defaults import (
    INSURANCE_CATEGORY,
    INTAKE_CATEGORY,
    REFERRAL_CATEGORY,
    TELEHEALTH_CATEGORY,
)
from closeloop.support_queue.models import OPEN_STATUSES, SupportItem

RISK_CATEGORIES = (INTAKE_CATEGORY, INSURANCE_CATEGORY, REFERRAL_CATEGORY, TELEHEALTH_CATEGORY)
MESSAGE_CHANNELS = (Channel.VOICEMAIL, Channel.SMS, Channel.EMAIL, Channel.PORTAL, Channel.WEB_FORM)


def risky_items(as_of: Any) -> Q:
    """Items that put an appointment at risk at ``as_of`` (a datetime or ``F("start")`` of the
    appointment being judged, through ``OuterRef``)."""
    # Not resolved and not closed by then: an item merged into another is closed unresolved
    # (its need lives on in the item it joined), and must not keep the visit at risk.
    open_then = (
        Q(first_contact_at__lte=as_of)
        & (Q(resolved_at__isnull=True) | Q(resolved_at__gt=as_of))
        & (Q(closed_at__isnull=True) | Q(closed_at__gt=as_of))
    )
    unanswered = Q(channel__in=MESSAGE_CHANNELS) & (
        Q(first_response_at__isnull=True) | Q(first_response_at__gt=as_of)
    )
    return open_then & (Q(category__code__in=RISK_CATEGORIES) | unanswered)


#: A confirmation request unanswered this long (asked at 10:00, the next morning) puts the
#: visit on the call list.
NO_ANSWER_AFTER = timedelta(hours=20)


def not_confirmed(as_of: Any) -> Q:
    """Asked to confirm ``NO_ANSWER_AFTER`` or more before ``as_of`` (a datetime, or
    ``F("start")``: at the visit), and not confirmed by then."""
    return Q(
        confirmation_asked_at__isnull=False,
        confirmation_asked_at__lte=as_of - NO_ANSWER_AFTER,
    ) & (Q(confirmed_at__isnull=True) | Q(confirmed_at__gt=as_of))


def at_risk_condition(as_of: Any) -> Exists:
    return Exists(SupportItem.objects.filter(risky_items(as_of), patient_id=OuterRef("patient_id")))


def at_risk(now: datetime | None = None) -> Q:
    """An appointment at risk (the module's definition): at ``now``, or — ``None`` — each at
    its own start (the metric's moment)."""
    if now is None:
        return Q(at_risk_condition(OuterRef("start"))) | not_confirmed(F("start"))
    return Q(at_risk_condition(now)) | not_confirmed(now)


def upcoming(
    appointments: QuerySet[Appointment], now: datetime, days: int
) -> QuerySet[Appointment]:
    return appointments.filter(
        status__in=ACTIVE_STATUSES, start__gt=now, start__lte=now + timedelta(days=days)
    )


def at_risk_upcoming(
    appointments: QuerySet[Appointment], now: datetime, days: int
) -> QuerySet[Appointment]:
    """Upcoming appointments (next ``days``) at risk now, or not confirmed, soonest first."""
    return (
        upcoming(appointments, now, days)
        .filter(at_risk(now))
        # Why, for ``reasons_for``: the same rule, not a second reading of it.
        .annotate(unconfirmed=ExpressionWrapper(not_confirmed(now), BooleanField()))
        .select_related("patient", "practice")
        .order_by("start", "pk")
    )


def call_list(
    appointments: QuerySet[Appointment], now: datetime, days: int
) -> QuerySet[Appointment]:
    """The VA's confirmation calls: upcoming visits whose patient did not answer the request
    to confirm, and that no open item is already about, by visit time."""
    handled = SupportItem.objects.filter(appointment_id=OuterRef("pk"), status__in=OPEN_STATUSES)
    return (
        upcoming(appointments, now, days)
        .filter(not_confirmed(now), patient__isnull=False)
        .exclude(Exists(handled))
        .select_related("patient", "practice")
        .order_by("start", "pk")
    )


@dataclass(frozen=True)
class Reason:
    item_id: int | None
    text: str


def reasons_for(appointments: list[Appointment], now: datetime) -> dict[int, list[Reason]]:
    """Why each appointment is at risk: its patient's risky items, in one query."""
    patient_ids = {a.patient_id for a in appointments if a.patient_id}
    items = (
        SupportItem.objects.filter(risky_items(now), patient_id__in=patient_ids)
        .select_related("category")
        .order_by("first_contact_at")
    )
    by_patient: dict[int, list[Reason]] = {}
    for item in items:
        unanswered = item.channel in MESSAGE_CHANNELS and item.first_response_at is None
        if item.category.code in RISK_CATEGORIES:
            text = f"Open {item.category.name.lower()} item"
        else:
            text = "Unanswered message"
        if unanswered and item.category.code in RISK_CATEGORIES:
            text += ", not yet answered"
        by_patient.setdefault(item.patient_id or 0, []).append(Reason(item.pk, text))
    reasons = {a.pk: list(by_patient.get(a.patient_id or 0, [])) for a in appointments}
    for appointment in appointments:
        if getattr(appointment, "unconfirmed", False):  # (annotated by ``at_risk_upcoming``)
            reasons[appointment.pk].append(Reason(None, "Not confirmed: no answer to our request"))
    return reasons


def risk_counts(
    appointments: QuerySet[Appointment], start: datetime, end: datetime
) -> dict[str, int]:
    """Appointments in [start, end) that were at risk at their start time (``at_risk``, as the
    appointments page's list judges upcoming ones), and how many of those the EHR marked as
    no-shows (one aggregate query)."""
    judged = appointments.filter(start__gte=start, start__lt=end).exclude(
        status__in=(AppointmentStatus.CANCELLED, AppointmentStatus.ENTERED_IN_ERROR)
    )
    flagged = judged.filter(at_risk())
    counts = flagged.aggregate(
        at_risk=Count("pk"),
        missed=Count("pk", filter=Q(status=AppointmentStatus.NOSHOW)),
    )
    counts["appointments"] = judged.count()
    counts["missed_total"] = judged.filter(status=AppointmentStatus.NOSHOW).count()
    return counts


def telehealth_before_visit(items: QuerySet[SupportItem]) -> dict[str, int]:
    """Telehealth-access items linked to an appointment: how many were resolved before the
    visit started (count and of how many). One aggregate query."""
    linked = items.filter(category__code=TELEHEALTH_CATEGORY, appointment__isnull=False)
    return linked.aggregate(
        linked=Count("pk"),
        resolved_before=Count(
            "pk",
            filter=Q(resolved_at__isnull=False, resolved_at__lte=F("appointment__start")),
        ),
    )
