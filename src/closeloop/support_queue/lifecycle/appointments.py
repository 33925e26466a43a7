"""The visit an item is about, and the deadline before it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from closeloop.core.types import Actor
from closeloop.practices.defaults import TELEHEALTH_CATEGORY
from closeloop.support_queue.item_writes import (
    Change,
    LifecycleError,
    locked,
    require_open,
)
from closeloop.support_queue.models import (
    OPEN_STATUSES,
    EventCode,
    SupportItem,
)


def appointment_due(item: SupportItem) -> datetime | None:
    """When a telehealth-access item must be done: the practice's margin before its linked,
    still-booked appointment. Other items (and past or cancelled visits) have no such time."""
    appointment = item.appointment
    if appointment is None or item.category.code != TELEHEALTH_CATEGORY:
        return None
    if not appointment.is_active:
        return None
    return appointment.start - timedelta(minutes=item.practice.telehealth_margin_minutes)


def _set_appointment_due(change: Change, item: SupportItem) -> None:
    due = appointment_due(item)
    if due != item.appointment_due_at:
        change.set("appointment_due_at", due)
        change.quiet("appointment_alerted_at", None)


@transaction.atomic
def item_link_appointment(
    *, item: SupportItem, actor: Actor, appointment: Any, automatic: bool = False
) -> SupportItem:
    """Say which visit the item is about; a telehealth item becomes due before it.
    ``automatic``: intake linked it (the patient's upcoming video visit), not a person."""
    now = timezone.now()
    item = locked(item, actor)
    require_open(item)
    if appointment.practice_id != item.practice_id:
        raise LifecycleError("bad_appointment", "The appointment belongs to another practice.")
    if item.patient_id is not None and appointment.patient_id != item.patient_id:
        raise LifecycleError("bad_appointment", "That appointment is another patient's.")
    change = Change(item)
    change.set("appointment", appointment)
    _set_appointment_due(change, item)
    if automatic:
        change.note("automatic", True)
    return change.save(code=EventCode.APPOINTMENT_LINKED, actor=actor, now=now)


@transaction.atomic
def item_unlink_appointment(*, item: SupportItem, actor: Actor) -> SupportItem:
    """The item is not about the visit it was linked to (e.g. linked automatically at intake):
    unlinked, it has no before-the-visit deadline and leaves the telehealth metric."""
    now = timezone.now()
    item = locked(item, actor)
    require_open(item)
    if item.appointment_id is None:
        raise LifecycleError("not_linked", "The item is not linked to a visit.")
    change = Change(item)
    change.set("appointment", None)
    _set_appointment_due(change, item)
    return change.save(code=EventCode.APPOINTMENT_UNLINKED, actor=actor, now=now)


def items_follow_appointment(appointment: Any) -> int:
    """The EHR moved or cancelled a visit: open items linked to it get their new due time."""
    now = timezone.now()
    moved = 0
    linked = SupportItem.objects.filter(appointment=appointment, status__in=OPEN_STATUSES)
    for item in linked.select_for_update(of=("self",)).select_related("category", "practice"):
        item.appointment = appointment
        change = Change(item)
        _set_appointment_due(change, item)
        if change.values:
            change.values["appointment_status"] = {"old": None, "new": appointment.status}
            change.save(code=EventCode.APPOINTMENT_CHANGED, actor=None, now=now)
            moved += 1
    return moved
