"""Routing an item to a team and a person: assignments, handoffs and their acceptance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from closeloop.core.types import Actor, User
from closeloop.practices.choices import Team
from closeloop.support_queue.alerts import notify
from closeloop.support_queue.item_writes import (
    Change,
    LifecycleError,
    locked,
    require_open,
)
from closeloop.support_queue.lifecycle.rules import _check_receiver
from closeloop.support_queue.models import (
    AlertKind,
    EventCode,
    SupportItem,
)


@dataclass(frozen=True)
class Assignment:
    """Routing's choice for an item: its team, and the person on it (None: the team queue)."""

    owner: User | None
    team: str
    reason: str


@transaction.atomic
def item_assign(
    *,
    item: SupportItem,
    actor: Actor,
    owner: User | None,
    team: str,
    reason: str = "",
    alert: bool = True,
) -> SupportItem:
    """Route to a team, and to a named person on it (``owner=None``: the team's queue).

    Routing to a colleague is a handoff: they own it now, must accept it within the category's
    acceptance target (else it escalates like a broken promise), and are alerted; the patient's
    promise carries over and the item stays open until its owner gives the patient the next
    step. Taking an item yourself, and the system's automatic assignment, are not handoffs.
    ``reason`` explains an automatic decision (or the handoff) on the timeline. With
    ``alert=False`` the caller alerts the new owner itself (one alert for a shift's items).
    """
    now = timezone.now()
    item = locked(item, actor)
    require_open(item)
    change = Change(item)
    handed_to = _assignment(change, item, actor, owner, team, now)
    item = change.save(code=_assigned_code(handed_to), actor=actor, now=now, text=reason.strip())
    if alert:
        _alert_handoff(handed_to, item, actor)
    return item


def _assignment(
    change: Change, item: SupportItem, actor: Actor, owner: User | None, team: str, now: datetime
) -> User | None:
    """The rules of an assignment, collected on ``change``; the colleague it is handed to."""
    if team not in Team.values:
        raise LifecycleError("bad_team", f"Unknown team {team!r}.")
    if item.is_clinical and team != Team.CLINICAL:
        raise LifecycleError(
            "clinical_only",
            "Clinical items stay with the clinical team; if it was filed under the wrong "
            "category, change the category.",
        )
    if owner is not None:
        _check_receiver(owner, item, team)
    change.set("team", team)
    change.set("owner", owner)
    handed_to = owner if actor is not None and owner is not None and owner != actor else None
    if handed_to is not None:
        target = item.category.handoff_accept_target
        change.set("handed_off_at", now)
        change.set("handed_off_by", actor)
        change.set("handoff_due_at", item.practice.calendar().add(now, target))
        change.quiet("handoff_escalated_at", None)
    elif item.handoff_due_at is not None:
        # Taken back, or sent to the team queue: nobody has a handoff to accept.
        change.set("handoff_due_at", None)
    return handed_to


def _assigned_code(handed_to: User | None) -> str:
    return EventCode.HANDED_OFF if handed_to is not None else EventCode.ASSIGNED


def _alert_handoff(handed_to: User | None, item: SupportItem, actor: Actor) -> None:
    """The colleague an item was handed to hears of it."""
    if handed_to is not None:
        notify([handed_to], item, AlertKind.HANDOFF, sender=actor)


@transaction.atomic
def item_accept(*, item: SupportItem, actor: Actor) -> SupportItem:
    """The new owner accepts a handoff: the item is theirs to close the loop on."""
    now = timezone.now()
    item = locked(item, actor)
    require_open(item)
    if item.handoff_due_at is None:
        raise LifecycleError("no_handoff", "There is no handoff to accept on this item.")
    if actor is None or actor.pk != item.owner_id:
        raise LifecycleError("not_the_owner", "Only the person it was handed to can accept it.")
    change = Change(item)
    change.set("handoff_due_at", None)
    return change.save(code=EventCode.HANDOFF_ACCEPTED, actor=actor, now=now)
