"""Urgent symptoms at intake: who answers them, now, at any hour.

While the practice is open, its on-duty clinicians are alerted (in the app and by email) and
one of them owns the item, whatever language they speak (the item notes that an interpreter is
needed). While it is closed, or nobody clinical is on duty, the on-call clinician of the rota
(``OnCallShift``) is paged — in the app, by email and by text, with no patient details — and
owns it. With nobody on call either, every clinician of the practice is paged; with no
clinician at all, its supervisors. The item is never left unassigned, and its timeline says who
was alerted, how and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from closeloop.practices.choices import Role
from closeloop.practices.models import OnCallShift, Practice
from closeloop.practices.selectors import staff_for_practice
from closeloop.support_queue import lifecycle
from closeloop.support_queue.alerts import notify, supervisors_of
from closeloop.support_queue.models import AlertKind, SupportItem


@dataclass(frozen=True)
class Responders:
    """Who answers urgent symptoms at a practice at a moment, and why them."""

    users: list[Any]
    why: str
    #: Paged (a text beside the email) rather than alerted on duty.
    paged: bool


def _rota_shifts(practice: Practice) -> Any:
    """The practice's shifts whose clinician is active and still serves it: the only ones
    that page anyone."""
    return OnCallShift.objects.filter(
        practice=practice, clinician__is_active=True, clinician__staff__practices=practice
    ).select_related("clinician__staff")


def on_call_shift(practice: Practice, at: datetime) -> OnCallShift | None:
    """The shift paged for ``practice`` at ``at``: the latest-starting one covering it."""
    return _rota_shifts(practice).covering(at).order_by("-starts_at", "-pk").first()


def on_call(practice: Practice, at: datetime) -> Any | None:
    """The clinician on call for ``practice`` at ``at`` (the latest-starting shift covering it),
    if they are active and still serve the practice."""
    shift = on_call_shift(practice, at)
    return shift.clinician if shift else None


@dataclass(frozen=True)
class Rota:
    """Who is on call for a practice now, and the shifts that start after now."""

    now: OnCallShift | None
    next: list[OnCallShift]


def rota(practice: Practice, at: datetime | None = None, ahead: int = 6) -> Rota:
    at = at or timezone.now()
    upcoming = _rota_shifts(practice).filter(starts_at__gt=at).order_by("starts_at", "pk")
    return Rota(now=on_call_shift(practice, at), next=list(upcoming[:ahead]))


def responders(practice: Practice, at: datetime | None = None) -> Responders:
    at = at or timezone.now()
    clinicians = [u for u in staff_for_practice(practice) if u.staff.has_role(Role.CLINICAL)]
    if practice.calendar().is_open(at):
        on_duty = [u for u in clinicians if u.staff.available]
        if on_duty:
            return Responders(on_duty, "Clinicians on duty alerted", paged=False)
    clinician = on_call(practice, at)
    if clinician is not None:
        return Responders([clinician], "On-call clinician paged", paged=True)
    if clinicians:
        return Responders(
            clinicians, "Nobody on duty or on call: every clinician paged", paged=True
        )
    return Responders(
        supervisors_of(practice), "No clinician at this practice: supervisors paged", paged=True
    )


def alert_responders(item: SupportItem) -> Responders:
    """Alert (or page) whoever answers ``item``'s urgent symptoms now, and record it."""
    found = responders(item.practice)
    kind = AlertKind.ON_CALL if found.paged else AlertKind.RED_FLAG
    notify(found.users, item, kind, text=found.paged)
    with_mobile = any(getattr(u.staff, "mobile", "") for u in found.users)
    how = "in the app and by email" + (" and text" if found.paged and with_mobile else "")
    lifecycle.item_record_alerted(item=item, users=found.users, how=how, why=found.why)
    return found
