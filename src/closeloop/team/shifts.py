"""Shift handoffs: at the end of a shift a person hands their open items, with their promises,
to on-duty teammates or back to the team queue, in one step.

What falls due before the next shift is listed first: every item whose next deadline (the
promised update, the first response, a handoff to accept, a call attempt, a visit it must be
fixed before) comes before the next opening of its practice after today's closing. The
suggested receiver is the one automatic routing would choose (team, skill, language, load,
cap), the person handing over excluded. The promise and its deadlines move with the item
(``lifecycle.item_assign``); each receiver gets one alert listing their items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from closeloop.actions import access
from closeloop.core.types import User
from closeloop.practices.models import Practice, StaffProfile
from closeloop.support_queue import eligibility, lifecycle
from closeloop.support_queue.alerts import notify_group
from closeloop.support_queue.item_writes import LifecycleError
from closeloop.support_queue.models import OPEN_STATUSES, AlertKind, ColleagueRequest, SupportItem
from closeloop.triage.routing import choose_owner, handback_team, route_for

#: The deadlines an open item can have, in the order they are named.
DEADLINES = (
    ("first_response_due_at", "first response"),
    ("handoff_due_at", "handoff to accept"),
    ("promised_update_at", "promised update"),
    ("next_attempt_due_at", "next call attempt"),
    ("appointment_due_at", "before the visit"),
)


def next_deadline(item: SupportItem) -> tuple[datetime | None, str]:
    """The item's soonest deadline and what it is."""
    found: list[tuple[datetime, str]] = []
    for name, label in DEADLINES:
        value = getattr(item, name)
        if value is None or (name == "first_response_due_at" and item.first_response_at):
            continue
        found.append((value, label))
    return min(found, key=lambda pair: pair[0]) if found else (None, "")


def next_shift_start(practice: Practice, now: datetime) -> datetime:
    """When the next shift at ``practice`` begins: its next opening after today's closing."""
    calendar = practice.calendar()
    today = calendar.day_intervals(now.astimezone(calendar.tz).date())
    closing = max((end for _, end in today), default=now)
    return calendar.next_opening(max(closing, now) + timedelta(seconds=1))


@dataclass
class ShiftItem:
    item: SupportItem
    deadline: datetime | None
    deadline_label: str
    #: Due before the person's next shift: handed over unless they say otherwise.
    due_before_return: bool
    suggested: Any
    why: str
    #: The deadline has passed already (handed over too, but said as "overdue", not as
    #: "before your next shift").
    overdue: bool = False
    #: Each colleague with why they may not take this item (None: they may), for the picker.
    choices: list[tuple[Any, eligibility.Refusal | None]] = field(default_factory=list)


def shift_items(user: User, now: datetime | None = None) -> list[ShiftItem]:
    """``user``'s open items, those falling due before their next shift first, each with the
    teammate the routing rules suggest."""
    now = now or timezone.now()
    items = list(
        SupportItem.objects.for_user(user)
        .filter(owner=user, status__in=OPEN_STATUSES)
        .select_related("practice", "category", "patient")
    )
    profiles: dict[int, list[StaffProfile]] = {}
    returns: dict[int, datetime] = {}
    rows = []
    for item in items:
        if item.practice_id not in profiles:
            profiles[item.practice_id] = [
                p
                for p in StaffProfile.objects.filter(practices=item.practice_id)
                .select_related("user")
                .order_by("pk")
                if p.user_id != user.pk
            ]
            returns[item.practice_id] = next_shift_start(item.practice, now)
        deadline, label = next_deadline(item)
        suggested, why = choose_owner(item, route_for(item), profiles[item.practice_id])
        rows.append(
            ShiftItem(
                item=item,
                deadline=deadline,
                deadline_label=label,
                due_before_return=deadline is not None and deadline < returns[item.practice_id],
                suggested=suggested,
                why=why,
                overdue=deadline is not None and deadline <= now,
            )
        )
    far = now + timedelta(days=3650)
    rows.sort(key=lambda r: (not r.due_before_return, r.deadline or far, r.item.pk))
    return rows


def with_receivers(rows: list[ShiftItem], colleagues: list[User]) -> list[ShiftItem]:
    """Judge each colleague for each row's item by the one rule (``support_queue.eligibility``), in
    two queries for the whole page: the picker offers whom it may and says why not."""
    loads = eligibility.open_loads([c.pk for c in colleagues])
    serving = set(
        StaffProfile.practices.through.objects.filter(
            staffprofile__user__in=[c.pk for c in colleagues]
        ).values_list("staffprofile__user_id", "practice_id")
    )
    for row in rows:
        row.choices = [
            (
                person,
                eligibility.receiver_refusal(
                    person,
                    row.item,
                    team=handback_team(row.item),
                    load=eligibility.load_besides(row.item, person.pk, loads),
                    serves=(person.pk, row.item.practice_id) in serving,
                ),
            )
            for person in colleagues
        ]
    return rows


@dataclass(frozen=True)
class Handover:
    item_id: int
    #: None: back to the team's queue.
    to: Any
    note: str = ""


@dataclass
class HandoverResult:
    moved: list[SupportItem] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)

    @property
    def receivers(self) -> set[Any]:
        return {item.owner for item in self.moved if item.owner is not None}


def hand_over(
    *,
    actor: User,
    handovers: list[Handover],
    note_for_all: str = "",
    kind: str = AlertKind.SHIFT_HANDOFF,
    go_off_duty: bool = False,
) -> HandoverResult:
    """Move each item (its promise and deadlines with it) to its receiver or the team queue,
    each in its own savepoint: a refusal (someone away, not on the team) is reported, the rest
    go. Each receiver gets one alert listing their items; the timeline of each item shows the
    handoff and its note."""
    result = HandoverResult()
    with transaction.atomic():
        for handover in handovers:
            note = " ".join(part for part in (note_for_all.strip(), handover.note.strip()) if part)
            try:
                with transaction.atomic():
                    item = access.item_for_action(actor, handover.item_id, "assign")
                    if handover.to is None:
                        moved = lifecycle.item_assign(
                            item=item,
                            actor=actor,
                            owner=None,
                            team=handback_team(item),
                            reason=note or "Back to the team queue at the end of a shift.",
                        )
                    else:
                        moved = lifecycle.item_assign(
                            item=item,
                            actor=actor,
                            owner=handover.to,
                            team=handback_team(item),
                            reason=note or "Handed over at the end of a shift.",
                            alert=False,
                        )
            except (LifecycleError, access.ItemNotFound, access.ActionForbidden) as refused:
                result.refused.append((handover.item_id, getattr(refused, "message", str(refused))))
                continue
            result.moved.append(moved)
        for receiver in result.receivers:
            if receiver.pk == actor.pk:
                continue
            notify_group(
                receiver,
                [item for item in result.moved if item.owner_id == receiver.pk],
                kind,
                sender=actor,
            )
        if go_off_duty:
            set_on_duty(actor, False)
    return result


def set_on_duty(user: User, on_duty: bool) -> None:
    StaffProfile.objects.filter(user=user).update(available=on_duty)
    profile = getattr(user, "staff", None)
    if profile is not None:
        profile.available = on_duty


@dataclass
class Person:
    user: User
    profile: StaffProfile
    open_items: int = 0
    due_soon: int = 0
    broken: int = 0
    requests: int = 0


def team_now(viewer: User, now: datetime | None = None) -> list[Person]:
    """Everyone serving the practices ``viewer`` serves: on duty, off duty or away, and what
    each holds (open items, falling due in the next four hours, broken promises)."""
    now = now or timezone.now()
    practices = Practice.objects.for_user(viewer)
    profiles = (
        StaffProfile.objects.filter(practices__in=practices, user__is_active=True)
        .select_related("user")
        .distinct()
        .order_by("user__first_name", "user__username")
    )
    people = {p.user_id: Person(user=p.user, profile=p) for p in profiles}
    items = SupportItem.objects.filter(
        practice__in=practices, owner_id__in=list(people), status__in=OPEN_STATUSES
    ).values_list("owner_id", "promised_update_at")
    soon = now + timedelta(hours=4)
    for owner_id, promised in items:
        person = people[owner_id]
        person.open_items += 1
        if promised is not None and promised <= now:
            person.broken += 1
        elif promised is not None and promised <= soon:
            person.due_soon += 1
    from_requests = ColleagueRequest.objects.filter(
        practice__in=practices, asked_to_id__in=list(people), answered_at__isnull=True
    ).values_list("asked_to_id", flat=True)
    for asked_to in from_requests:
        people[asked_to].requests += 1
    return sorted(
        people.values(),
        key=lambda p: (p.profile.is_away, not p.profile.available, p.user.get_full_name()),
    )
