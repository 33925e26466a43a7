"""Cover for absence. A person marked away (dates, or "until I return") gets no new items;
when the absence starts their items with a deadline during it go to the named cover (one alert
listing them), or — with no cover, or where the cover cannot take one — stay listed for the
supervisors to reassign (an alert per item). On return, what was covered is listed.

Absences that start or end later are started and ended by the minute sweep, once each (the
``applied_at`` / ``returned_at`` columns are the claims).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from closeloop.core.types import User
from closeloop.practices.models import StaffProfile
from closeloop.practices.selectors import staff_profile
from closeloop.security.permissions import Perm, has_perm
from closeloop.support_queue import eligibility
from closeloop.support_queue.alerts import notify, supervisors_of
from closeloop.support_queue.models import (
    OPEN_STATUSES,
    AlertKind,
    EventCode,
    SupportItem,
    TimelineEvent,
)
from closeloop.team.models import Absence
from closeloop.team.shifts import Handover, hand_over, next_deadline


class AbsenceError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _serves_together(a: Any, b: Any) -> bool:
    first, second = staff_profile(a), staff_profile(b)
    if first is None or second is None:
        return False
    return first.practices.filter(pk__in=second.practices.values("pk")).exists()


def absence_create(
    *,
    actor: User,
    user: User,
    starts_at: datetime,
    ends_at: datetime | None,
    cover: User | None,
    note: str = "",
) -> Absence:
    """Mark ``user`` away (themselves, or a supervisor or admin who serves with them)."""
    profile = staff_profile(user)
    if profile is None:
        raise AbsenceError("Only staff can be marked away.")
    if actor.pk != user.pk and not (
        has_perm(actor, Perm.MANAGE_TEAM) and _serves_together(actor, user)
    ):
        raise AbsenceError("Only the person, or a supervisor who serves with them, can do this.")
    if ends_at is not None and ends_at <= starts_at:
        raise AbsenceError("The absence must end after it starts.")
    if cover is not None:
        cover_profile = staff_profile(cover)
        if cover.pk == user.pk:
            raise AbsenceError("Someone else must cover the absence.")
        # The one rule's sentences (``support_queue.eligibility``): each item is judged again
        # when the absence starts; these are the reasons already known now.
        if cover_profile is None or not cover.is_active or not _serves_together(cover, user):
            raise AbsenceError(eligibility.not_serving(cover).message)
        if cover_profile.is_away:
            first = profile.practices.order_by("pk").first()
            zone = first.calendar().tz if first is not None else UTC
            raise AbsenceError(eligibility.away(cover, cover_profile, zone).message)
    if Absence.objects.filter(Absence.current(starts_at), user=user).exists():
        raise AbsenceError("There is already an absence under way then; end it first.")
    absence = Absence.objects.create(
        user=user,
        organization=profile.organization,
        starts_at=starts_at,
        ends_at=ends_at,
        cover=cover,
        note=note.strip(),
        created_by=actor,
    )
    if starts_at <= timezone.now():
        absence_start(absence)
    return absence


@dataclass
class Started:
    covered: list[SupportItem]
    for_supervisors: list[SupportItem]
    #: Why the cover could not take an item (``support_queue.eligibility``'s sentence), by item id.
    refused: dict[int, str] = field(default_factory=dict)


def absence_start(absence: Absence, now: datetime | None = None) -> Started | None:
    """Start ``absence`` once: the person is away, and their items with a deadline during it
    go to the cover. None when another worker (or an earlier call) already started it."""
    now = now or timezone.now()
    with transaction.atomic():
        won = Absence.objects.filter(pk=absence.pk, applied_at__isnull=True).update(applied_at=now)
        if not won:
            return None
        user = absence.user
        StaffProfile.objects.filter(user=user).update(
            away_since=absence.starts_at, away_until=absence.ends_at, available=False
        )
        items = [
            item
            for item in SupportItem.objects.filter(owner=user, status__in=OPEN_STATUSES)
            .select_related("practice", "category")
            .order_by("pk")
            if _due_during(item, absence)
        ]
        covered: list[SupportItem] = []
        refused: dict[int, str] = {}
        left = items
        if absence.cover is not None and items:
            until = (
                f" until {absence.ends_at:%a %b %-d}" if absence.ends_at else " until they return"
            )
            result = hand_over(
                actor=user,
                handovers=[
                    Handover(item.pk, absence.cover, f"Covering {_name(user)}'s absence{until}.")
                    for item in items
                ],
                kind=AlertKind.COVER,
            )
            covered = result.moved
            refused = dict(result.refused)
            left = [item for item in items if item.pk in refused]
        for item in left:
            notify(supervisors_of(item.practice), item, AlertKind.OWNER_AWAY, sender=user)
        return Started(covered=covered, for_supervisors=left, refused=refused)


def _due_during(item: SupportItem, absence: Absence) -> bool:
    deadline, _ = next_deadline(item)
    if deadline is None:
        return False
    return absence.ends_at is None or deadline < absence.ends_at


def _name(user: User) -> str:
    return str(user.get_full_name() or user.get_username())


def absence_return(absence: Absence, now: datetime | None = None) -> list[dict[str, Any]]:
    """The person is back: new items again, and the list of what was covered (who holds each
    item now). Returns that list."""
    now = now or timezone.now()
    with transaction.atomic():
        Absence.objects.filter(pk=absence.pk, returned_at__isnull=True).update(returned_at=now)
        absence.refresh_from_db()
        StaffProfile.objects.filter(user=absence.user).update(
            away_since=None, away_until=None, available=True
        )
    return covered_items(absence)


def covered_items(absence: Absence) -> list[dict[str, Any]]:
    """Items handed away from the person while they were away, with who has each now."""
    if absence.applied_at is None:
        return []
    events = (
        TimelineEvent.objects.filter(
            code=EventCode.HANDED_OFF,
            changes__owner__old=absence.user_id,
            at__gte=absence.applied_at,
            at__lte=absence.returned_at or timezone.now(),
        )
        .select_related("item", "item__owner", "item__practice", "item__patient")
        .order_by("at")
    )
    seen: dict[int, dict[str, Any]] = {}
    for event in events:
        seen[event.item_id] = {"item": event.item, "handed_at": event.at}
    return list(seen.values())


def start_and_end_due(now: datetime | None = None) -> int:
    """The sweep: absences whose start or end has come. Returns how many it handled."""
    now = now or timezone.now()
    handled = 0
    for absence in Absence.objects.filter(
        applied_at__isnull=True, returned_at__isnull=True, starts_at__lte=now
    ).select_related("user", "cover"):
        handled += absence_start(absence, now) is not None
    for absence in Absence.objects.filter(
        returned_at__isnull=True, ends_at__lte=now, applied_at__isnull=False
    ).select_related("user"):
        absence_return(absence, now)
        handled += 1
    return handled


def current_absence(user: User) -> Absence | None:
    return (
        Absence.objects.filter(user=user, returned_at__isnull=True)
        .select_related("cover")
        .order_by("starts_at")
        .first()
    )


def last_return(user: User, within_days: int = 7) -> Absence | None:
    since = timezone.now() - timedelta(days=within_days)
    return (
        Absence.objects.filter(user=user, returned_at__gte=since).order_by("-returned_at").first()
    )
