"""Filing a new item."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from closeloop.core.types import Actor
from closeloop.lib.phones import PhoneError, normalize_phone
from closeloop.patients.models import Patient
from closeloop.practices.choices import Team
from closeloop.practices.models import Category, Practice
from closeloop.practices.selectors import user_serves
from closeloop.queue.changes import (
    Change,
    LifecycleError,
    NewEvent,
    record_events,
    require_text,
)
from closeloop.queue.lifecycle.assign import (
    Assignment,
    _alert_handoff,
    _assigned_code,
    _assignment,
)
from closeloop.queue.lifecycle.rules import MAX_CLOCK_SKEW, red_flag_due
from closeloop.queue.models import (
    Channel,
    EventCode,
    Status,
    SupportItem,
)


@transaction.atomic
def item_create(
    *,
    practice: Practice,
    category: Category,
    channel: str,
    actor: Actor,
    summary: str,
    details: str = "",
    patient: Patient | None = None,
    caller_name: str = "",
    callback_number: str = "",
    contact_email: str = "",
    urgency: str | None = None,
    language: str | None = None,
    contact_at: datetime | None = None,
    patient_candidates: Sequence[int] = (),
    inbound_id: int | None = None,
    red_flag: bool = False,
    suggestion: dict[str, Any] | None = None,
    assign: Callable[[SupportItem], Assignment] | None = None,
) -> SupportItem:
    """File a new item. The first response is recorded when staff acknowledge it.

    ``assign``: routing's choice for the new item (called with the item before it is stored),
    applied as ``item_assign`` would apply it, with the same timeline event, but written in
    the same insert: a new item is not read back and updated to be routed.

    ``patient_candidates``: patients an inbound number matched when it matched several (staff
    pick one with ``item_link_patient``). ``inbound_id``: the raw inbound record, referenced
    from the timeline. ``suggestion``: what triage suggested, kept beside what was chosen so the
    rules can be improved from the differences.
    """
    now = timezone.now()
    if actor is not None and not user_serves(actor, practice.pk):
        raise LifecycleError("not_permitted", "You do not serve this practice.")
    if category.practice_id != practice.pk or not category.active:
        raise LifecycleError("bad_category", "Choose an active category of this practice.")
    if patient is not None and patient.practice_id != practice.pk:
        raise LifecycleError("bad_patient", "The patient belongs to another practice.")
    if channel not in Channel.values:
        raise LifecycleError("bad_channel", f"Unknown channel {channel!r}.")
    if patient is None and not (callback_number or contact_email) and channel != Channel.INTERNAL:
        raise LifecycleError(
            "missing_field", "Choose the patient or record a callback number.", missing=["patient"]
        )
    if callback_number:
        try:
            callback_number = normalize_phone(callback_number)
        except PhoneError as exc:
            raise LifecycleError("bad_callback_number", f"Callback number: {exc}.") from None
    contact_at = contact_at or now
    if contact_at > now + MAX_CLOCK_SKEW:
        raise LifecycleError("contact_in_future", "The contact time is in the future.")
    calendar = practice.calendar()
    item = SupportItem(
        practice=practice,
        patient=patient,
        caller_name=caller_name.strip(),
        callback_number=callback_number,
        contact_email=contact_email.strip(),
        channel=channel,
        category=category,
        urgency=urgency or category.default_urgency,
        language=language or (patient.preferred_language if patient else "en"),
        patient_candidates=list(patient_candidates),
        status=Status.NEW,
        red_flag=red_flag,
        team=Team.CLINICAL if red_flag else category.default_team,
        summary=require_text(summary, "what the patient needs"),
        details=details.strip(),
        first_contact_at=contact_at,
        first_response_due_at=(
            red_flag_due(practice, contact_at)
            if red_flag
            else calendar.add(contact_at, category.first_response_target)
        ),
        last_patient_contact_at=contact_at,
        resolution_due_at=calendar.add(contact_at, category.resolution_target),
        created_by=actor,
        created_at=now,
        updated_at=now,
        version=1,
    )
    routed, handed_to, reason = None, None, ""
    if assign is not None:
        planned = assign(item)
        routed, reason = Change(item), planned.reason
        handed_to = _assignment(routed, item, actor, planned.owner, planned.team, now)
        item.version = 2  # the routing is the item's second event
    item.intake_team = item.team
    item.save(force_insert=True)
    changes: dict[str, Any] = {
        "status": {"old": None, "new": item.status},
        "channel": {"old": None, "new": channel},
        "category": {"old": None, "new": category.code},
        "urgency": {"old": None, "new": item.urgency},
    }
    if inbound_id is not None:
        changes["inbound"] = {"old": None, "new": inbound_id}
    if red_flag:
        changes["red_flag"] = {"old": None, "new": True}
    if suggestion is not None:
        changes["suggestion"] = {"old": None, "new": suggestion}
    events = [NewEvent(item, EventCode.CREATED, changes, version=1)]
    if routed is not None:
        events.append(NewEvent(item, _assigned_code(handed_to), routed.values, reason.strip(), 2))
    record_events(events, actor=actor, now=now)
    _alert_handoff(handed_to, item, actor)
    return item
