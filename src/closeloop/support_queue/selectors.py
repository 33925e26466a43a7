"""Reads of the support queue. Every one starts from the tenant filter ``for_user``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from closeloop.core.types import Actor, User, Viewer
from closeloop.practices.choices import Team
from closeloop.practices.selectors import staff_profile
from closeloop.support_queue.lifecycle.rules import red_flag_due
from closeloop.support_queue.models import (
    CLINICAL,
    OPEN_STATUSES,
    URGENT_ALERTS,
    AlertKind,
    ColleagueRequest,
    StaffAlert,
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


def queue_for_user(user: Viewer, *, practice_id: int | None = None) -> QuerySet[SupportItem]:
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


def get_item_for_user(user: Viewer, pk: int) -> SupportItem:
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


def items_to_join(
    user: Viewer, patient_id: int, *, now: datetime | None = None
) -> list[SupportItem]:
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


#: A promise about a visit is kept before it: the patient hears from us this long before.
BEFORE_VISIT = timedelta(minutes=15)


@dataclass(frozen=True)
class Suggestion:
    """The update time to offer the patient, and why it is earlier than the category's
    interval when a real deadline comes first ("" when it is not)."""

    at: datetime
    why: str = ""
    #: Outside business hours: saving it asks for the reason (``changes.check_promise``).
    after_hours: bool = False


def _hard_deadline(item: SupportItem, now: datetime) -> tuple[datetime, str] | None:
    """The earliest real deadline a promise must not pass, with what it is: urgent symptoms'
    minutes, the first response still due, the linked visit."""
    deadlines: list[tuple[datetime, str]] = []
    if item.red_flag:
        minutes = item.practice.red_flag_response_minutes
        deadlines.append((red_flag_due(item.practice, now), f"red flag: within {minutes} minutes"))
    if item.first_response_at is None and item.first_response_due_at is not None:
        deadlines.append((item.first_response_due_at, "the first response is due"))
    appointment = item.appointment if item.appointment_id else None
    if appointment is not None and appointment.is_active and appointment.start > now:
        before = item.appointment_due_at or appointment.start - BEFORE_VISIT
        deadlines.append((before if before > now else appointment.start, "before the visit"))
    future = [deadline for deadline in deadlines if deadline[0] > now]
    return min(future, key=lambda deadline: deadline[0]) if future else None


def promise_suggestion(item: SupportItem, now: datetime | None = None) -> Suggestion:
    """The update time to offer the patient: the category's interval in business time, never
    after a real deadline (``_hard_deadline``). When no business-hours time fits before the
    deadline, the suggestion is the deadline itself and says it is after hours."""
    now = now or timezone.now()
    calendar = item.practice.calendar()
    usual = calendar.suggest_update_time(now, item.category.update_interval)
    deadline = _hard_deadline(item, now)
    if deadline is None or usual <= deadline[0]:
        return Suggestion(usual, "", after_hours=not calendar.within_hours(usual))
    at = calendar.suggest_update_time(
        now, item.category.update_interval, before=deadline[0], any_hour=item.red_flag
    )
    after_hours = not item.red_flag and not calendar.within_hours(at)
    local = deadline[0].astimezone(calendar.tz)
    why = f"Earlier than usual: {deadline[1]} ({local:%a %-I:%M %p %Z})."
    if after_hours:
        why += " No business hours fit before it: this time is after hours, so say why."
    return Suggestion(at, why, after_hours)


def suggest_update_time(item: SupportItem, now: datetime | None = None) -> datetime:
    """The update time to offer the patient (``promise_suggestion``)."""
    return promise_suggestion(item, now).at


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


def queue_tab_conditions(user: User, *, now: datetime, today_start: datetime) -> TabConditions:
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


# --- the bell ------------------------------------------------------------------------------------

#: Alerts read per look at the bell (grouped by item, so a handful of rows).
ALERTS_READ = 500

#: An account alert, as a sentence: (to the person themselves, to an organization admin).
ACCOUNT_ALERT_WORDS = {
    AlertKind.PASSWORD_RESET: ("gave you a temporary password", "gave {who} a temporary password"),
    AlertKind.MFA_RESET: (
        "reset your two-factor sign-in",
        "reset the two-factor sign-in of {who}",
    ),
    AlertKind.UNLOCKED: (
        "unlocked your sign-in after repeated failed attempts",
        "unlocked the sign-in of {who} after repeated failed attempts",
    ),
    AlertKind.EMAIL_CHANGED: ("changed your email address", "changed the email address of {who}"),
    AlertKind.REACTIVATED: ("reactivated your account", "reactivated the account of {who}"),
}


def _visible_alerts(user: User) -> QuerySet[StaffAlert]:
    """``user``'s alerts about items they may see (still), and about accounts."""
    return StaffAlert.objects.filter(
        Q(item__in=SupportItem.objects.for_user(user)) | Q(item__isnull=True), user=user
    )


def _alert_row(batch: str, item_id: int | None, pk: int) -> Any:
    """Which row of the bell an alert is on: alerts raised together (a shift handoff of several
    items) share one, an item's alerts share one, an alert about an account is its own."""
    return batch or item_id or f"account-{pk}"


def unread_alert_rows(user: User) -> int:
    """How many rows of the bell are new: the badge's number, the list's count."""
    unread = _visible_alerts(user).filter(read_at__isnull=True)
    return len({_alert_row(*row) for row in unread.values_list("batch", "item_id", "pk")})


def _name(person: Actor) -> str:
    return str(person.get_full_name() or person.get_username()) if person else "An admin"


def _account_sentence(alert: StaffAlert) -> str:
    yours, theirs = ACCOUNT_ALERT_WORDS[AlertKind(alert.kind)]
    about = alert.about
    who = f"{_name(about)} ({about.get_username()})" if about is not None else "a colleague"
    words = yours if alert.about_id == alert.user_id else theirs.format(who=who)
    return f"{_name(alert.sender)} {words}."


def alert_rows(user: User) -> list[dict[str, Any]]:
    """The bell's rows, each what happened on one item (or one account), newest first; rows
    with unread urgent symptoms first."""
    alerts = (
        _visible_alerts(user)
        .select_related(
            "item", "item__patient", "item__practice", "item__category", "sender", "about"
        )
        .order_by("-created_at", "-pk")[:ALERTS_READ]
    )
    rows: dict[Any, dict[str, Any]] = {}
    for alert in alerts:
        row = rows.setdefault(
            _alert_row(alert.batch, alert.item_id, alert.pk),
            {"item": alert.item, "latest": alert.created_at, "kinds": [], "unread": False,
             "urgent": False, "items": [], "sender": alert.sender, "about": alert.about,
             "sentence": _account_sentence(alert) if alert.item_id is None else ""},
        )  # fmt: skip
        if alert.batch:
            row["items"].append(alert.item)
        label = str(alert.get_kind_display())
        if label not in row["kinds"]:
            row["kinds"].append(label)
        if alert.read_at is None:
            row["unread"] = True
            row["urgent"] = row["urgent"] or alert.kind in URGENT_ALERTS
    return sorted(
        rows.values(), key=lambda r: (not (r["urgent"] and r["unread"]), -r["latest"].timestamp())
    )
