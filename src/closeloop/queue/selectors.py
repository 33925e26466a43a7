"""Reads of the support queue. Every one starts from the tenant filter ``for_user``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from closeloop.practices.choices import Team
from closeloop.practices.selectors import staff_profile
from closeloop.queue.models import (
    CLINICAL,
    OPEN_STATUSES,
    ColleagueRequest,
    Status,
    SupportItem,
    TimelineEvent,
)

#: Open items reporting urgent symptoms: first in every list they appear in.
URGENT_FIRST = Case(
    When(Q(red_flag=True, status__in=OPEN_STATUSES), then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)


def queue_for_user(user: Any, *, practice_id: int | None = None) -> QuerySet[SupportItem]:
    """The items ``user`` may see: open urgent symptoms first, then the soonest deadline
    (promise, else first-response target)."""
    items = SupportItem.objects.for_user(user)
    if practice_id is not None:
        items = items.filter(practice_id=practice_id)
    return (
        # With the owner's profile: a row says "interpreter needed" (``interpreter_needed``).
        items.select_related("practice", "patient", "category", "owner__staff")
        .annotate(due_at=Coalesce("promised_update_at", "first_response_due_at"))
        .order_by(URGENT_FIRST, F("due_at").asc(nulls_last=True), "id")
    )


def get_item_for_user(user: Any, pk: int) -> SupportItem:
    """The item, or ``SupportItem.DoesNotExist`` when it does not exist *or* is not the user's."""
    return (
        SupportItem.objects.for_user(user)
        .select_related("practice", "patient", "category", "owner__staff")
        .get(pk=pk)
    )


def merged_into(item: SupportItem) -> list[int]:
    """The item and every item merged into it (directly or through another merge)."""
    ids, frontier = [item.pk], [item.pk]
    while frontier:
        # No ordering: with the model's default (newest first) SQLite walked the creation-date
        # index through every item instead of the merged-into index (0.3 s at 1M items).
        frontier = list(
            SupportItem.objects.filter(merged_into_id__in=frontier)
            .order_by()
            .values_list("pk", flat=True)
        )
        ids += frontier
    return ids


def items_to_join(user: Any, patient_id: int, *, now: datetime | None = None) -> list[SupportItem]:
    """A patient's items a new contact could be about: the open ones, then those resolved
    within the practice's reopen window (adding to one of those reopens it)."""
    now = now or timezone.now()
    items = (
        SupportItem.objects.for_user(user)
        .filter(patient_id=patient_id, merged_into__isnull=True)
        .select_related("category", "owner", "practice")
    )
    open_items = list(
        items.filter(status__in=OPEN_STATUSES).order_by("-red_flag", "-updated_at")[:10]
    )
    recent = [
        item
        for item in items.exclude(status__in=OPEN_STATUSES)
        .filter(resolved_at__gte=now - timedelta(days=60))
        .order_by("-resolved_at")[:10]
        if item.resolved_at and item.resolved_at >= now - timedelta(days=item.practice.reopen_days)
    ]
    return open_items + recent


def timeline_for_item(item: SupportItem) -> QuerySet[TimelineEvent]:
    """The item's timeline, with the events of items merged into it."""
    return (
        TimelineEvent.objects.filter(item_id__in=merged_into(item))
        .select_related("actor")
        .order_by("at", "id")
    )


def suggest_update_time(item: SupportItem, now: datetime | None = None) -> datetime:
    """The update time to offer the patient, from the category's interval and the calendar."""
    return item.practice.calendar().suggest_update_time(
        now or timezone.now(), item.category.update_interval
    )


# --- the queue's tabs ---------------------------------------------------------------------------

#: How far ahead "due soon" looks.
DUE_SOON = timedelta(hours=2)

QUEUE_TABS: list[tuple[str, str]] = [
    ("mine", "My items"),
    ("requests", "Asked of me"),
    ("team", "Team"),
    ("unassigned", "Unassigned"),
    ("due_soon", "Due soon"),
    ("broken", "Broken promises"),
    ("clinical", "Clinical"),
    ("waiting", "Waiting"),
    ("escalated", "Escalated"),
    ("resolved_today", "Resolved today"),
    ("open", "All open"),
]


class TabConditions(dict[str, Q]):
    """Each tab's condition (``conditions[tab]`` filters its rows), and ``within_open``: the
    open tabs' conditions without "is open", for counting over the open items alone."""

    def __init__(self, within_open: dict[str, Q], others: dict[str, Q]) -> None:
        is_open = Q(status__in=OPEN_STATUSES)
        super().__init__(
            {name: is_open & q if q else is_open for name, q in within_open.items()} | others
        )
        self.within_open = within_open


def queue_tab_conditions(user: Any, *, now: datetime, today_start: datetime) -> TabConditions:
    """One condition per tab; the same conditions give the rows and the counts."""
    profile = staff_profile(user)
    teams = [role for role in (profile.roles if profile else []) if role in Team.values]
    soon = now + DUE_SOON
    return TabConditions(
        within_open={
            "mine": Q(owner=user),
            # Items a colleague asked this person about, still unanswered.
            # The ids first, as a literal list: as a subquery inside the tab counts' aggregate
            # it was evaluated against every open row.
            "requests": Q(
                pk__in=list(
                    ColleagueRequest.objects.filter(asked_to=user, answered_at__isnull=True)
                    .order_by()
                    .values_list("item_id", flat=True)[:500]
                )
            ),
            "team": Q(team__in=teams),
            "unassigned": Q(owner__isnull=True),
            "due_soon": Q(promised_update_at__gt=now, promised_update_at__lte=soon)
            | Q(first_response_at__isnull=True, first_response_due_at__lte=soon),
            "broken": Q(promised_update_at__lte=now),
            "clinical": CLINICAL,
            # Waiting is an open status: "is open" adds nothing to it.
            "waiting": Q(status=Status.WAITING),
            "escalated": Q(escalated=True),
            "open": Q(),
        },
        others={"resolved_today": Q(resolved_at__gte=today_start)},
    )


def queue_tab_counts(items: QuerySet[SupportItem], conditions: TabConditions) -> dict[str, int]:
    """Every tab's count in two aggregate queries: one over the open items (every tab but
    "resolved today" is a subset of them; the status index narrows the scan to them instead of
    a year of closed items; each tab is counted by its own condition, without repeating "is
    open" ten times) and one over today's resolutions."""
    # Prefixed aliases: an aggregate named like a field ("team") would shadow that field.
    # ``items`` without its ordering (its select_related and due-date annotation do not reach
    # an aggregate's SQL).
    items = items.order_by()
    open_counts = items.filter(status__in=OPEN_STATUSES).aggregate(
        **{
            f"tab_{name}": Count("id", filter=condition) if condition else Count("id")
            for name, condition in conditions.within_open.items()
        }
    )
    closed_counts = items.filter(conditions["resolved_today"]).aggregate(
        tab_resolved_today=Count("id")
    )
    counts = {**open_counts, **closed_counts}
    return {name: counts[f"tab_{name}"] for name in conditions}
