"""What an item is about and who it is from: its category, its patient, urgent symptoms."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from closeloop.core.types import Actor, User
from closeloop.patients.models import Patient
from closeloop.practices.choices import Team, Urgency
from closeloop.practices.models import LANGUAGE_CODE_RE, Category
from closeloop.support_queue.item_writes import (
    Change,
    LifecycleError,
    locked,
    require_open,
    set_promise,
)
from closeloop.support_queue.lifecycle.appointments import _set_appointment_due
from closeloop.support_queue.lifecycle.rules import red_flag_due
from closeloop.support_queue.models import (
    EventCode,
    SupportItem,
)


@transaction.atomic
def item_link_patient(*, item: SupportItem, actor: Actor, patient: Patient) -> SupportItem:
    """Say which patient an inbound contact came from (after an ambiguous match)."""
    now = timezone.now()
    item = locked(item, actor)
    if patient.practice_id != item.practice_id:
        raise LifecycleError("bad_patient", "The patient belongs to another practice.")
    change = Change(item)
    change.set("patient", patient)
    change.set("patient_candidates", [])
    return change.save(code=EventCode.PATIENT_LINKED, actor=actor, now=now)


@transaction.atomic
def item_categorize(
    *, item: SupportItem, actor: Actor, category: Category, urgency: str, language: str
) -> SupportItem:
    """Change what the item is about (e.g. correcting a suggestion); the team follows the
    category unless a red flag keeps it clinical."""
    now = timezone.now()
    item = locked(item, actor)
    require_open(item)
    if category.practice_id != item.practice_id or not category.active:
        raise LifecycleError("bad_category", "Choose an active category of this practice.")
    if urgency not in Urgency.values:
        raise LifecycleError("bad_urgency", f"Unknown urgency {urgency!r}.")
    if not LANGUAGE_CODE_RE.match(language):
        raise LifecycleError("bad_language", "Use an ISO 639 code such as en or es.")
    change = Change(item)
    change.set("category", category)
    change.set("urgency", urgency)
    change.set("language", language)
    team = Team.CLINICAL if item.red_flag else category.default_team
    if team != item.team:
        change.set("team", team)
        change.set("owner", None)
    _set_appointment_due(change, item)
    return change.save(code=EventCode.CATEGORIZED, actor=actor, now=now)


@transaction.atomic
def item_flag_red(*, item: SupportItem, actor: Actor, groups: Sequence[str]) -> SupportItem:
    """Urgent symptoms reported on an existing item: an emergency, the clinical team's now,
    answered within the practice's red-flag minutes (the first response if none was made yet,
    else the next update)."""
    now = timezone.now()
    item = locked(item, actor)
    change = Change(item)
    change.set("red_flag", True)
    change.set("urgency", Urgency.EMERGENCY)
    if item.team != Team.CLINICAL:
        change.set("team", Team.CLINICAL)
        change.set("owner", None)
    due = red_flag_due(item.practice, now)
    if item.first_response_at is None:
        if due < item.first_response_due_at:
            change.set("first_response_due_at", due)
            change.quiet("first_response_alerted_at", None)
    elif item.promised_update_at is None or due < item.promised_update_at:
        set_promise(change, item, due)
    change.note("groups", list(groups))
    return change.save(code=EventCode.RED_FLAG, actor=actor, now=now)


@transaction.atomic
def item_record_alerted(
    *, item: SupportItem, users: Sequence[User], how: str, why: str
) -> SupportItem:
    """Who was alerted about urgent symptoms, how and why (on call, on duty): on the timeline."""
    now = timezone.now()
    item = locked(item, None)
    names = ", ".join(u.get_full_name() or u.get_username() for u in users) or "nobody"
    change = Change(item)
    change.note("alerted", [u.pk for u in users])
    return change.save(
        code=EventCode.STAFF_ALERTED, actor=None, now=now, text=f"{why}: {names}, {how}."
    )
