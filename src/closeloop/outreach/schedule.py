"""When each outreach message of a visit is due: the plan that applies to the visit, and the
(purpose, UTC time) pairs it schedules. Day-based messages go at the plan's local time in the
practice's time zone (daylight saving included); the video setup reminder a number of hours
before the start. The pair is the delivery row's key: a visit that moves gets new pairs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from closeloop.appointments.models import Appointment, Mode
from closeloop.messaging.models import MessagePurpose
from closeloop.outreach.models import OutreachPlan, PlanMode
from closeloop.practices.local_time import zone

#: A message whose time passed longer ago than this (the worker was down, or the visit was
#: booked late) is not sent late: the next one in the plan is.
CATCH_UP = timedelta(hours=12)


def _rank(plan: OutreachPlan, appointment: Appointment) -> int | None:
    """How closely ``plan`` fits the visit (higher is closer), or None when it does not."""
    if plan.kind and plan.kind.strip().casefold() != appointment.kind.strip().casefold():
        return None
    if plan.mode != PlanMode.ANY and plan.mode != appointment.mode:
        return None
    return (2 if plan.kind else 0) + (1 if plan.mode != PlanMode.ANY else 0)


def plan_for(plans: Iterable[OutreachPlan], appointment: Appointment) -> OutreachPlan | None:
    """The practice's active plan for the visit's type and mode: a plan naming the type wins
    over the practice's default (no type), and one naming the mode over one for every mode."""
    ranked = [
        (rank, plan.pk, plan)
        for plan in plans
        if plan.active
        and plan.practice_id == appointment.practice_id
        and (rank := _rank(plan, appointment)) is not None
    ]
    return max(ranked, key=lambda entry: (entry[0], entry[1]))[2] if ranked else None


def schedule_for(plan: OutreachPlan, appointment: Appointment) -> list[tuple[str, datetime]]:
    """Every (purpose, when) the plan sends for the visit, in UTC. The intake-forms reminder is
    scheduled whatever the forms' state; whether it still goes is judged when it leaves."""
    tz = zone(appointment.practice.timezone)
    visit_day = appointment.start.astimezone(tz).date()

    def days_before(days: int) -> datetime:
        local = datetime.combine(visit_day - timedelta(days=days), plan.send_at, tzinfo=tz)
        return local.astimezone(appointment.start.tzinfo)

    pairs: list[tuple[str, datetime]] = []
    if plan.confirm_days:
        pairs.append((MessagePurpose.VISIT_CONFIRM, days_before(plan.confirm_days)))
    if plan.reminder:
        pairs.append((MessagePurpose.VISIT_REMINDER, days_before(1)))
    if plan.forms_days:
        pairs.append((MessagePurpose.FORMS_REMINDER, days_before(plan.forms_days)))
    if plan.video_hours and appointment.mode == Mode.TELEHEALTH:
        pairs.append(
            (MessagePurpose.VIDEO_SETUP, appointment.start - timedelta(hours=plan.video_hours))
        )
    return pairs


def is_due(when: datetime, appointment: Appointment, now: datetime) -> bool:
    """Its time came (within ``CATCH_UP``) and the visit is still ahead."""
    return when <= now < appointment.start and now - when <= CATCH_UP


def horizon(plans: Iterable[OutreachPlan]) -> timedelta:
    """How far ahead a visit can have a message due now."""
    days = max(
        (max(plan.confirm_days, plan.forms_days, 1 if plan.reminder else 0) for plan in plans),
        default=0,
    )
    hours = max((plan.video_hours for plan in plans), default=0)
    return max(timedelta(days=days + 1), timedelta(hours=hours)) + CATCH_UP
