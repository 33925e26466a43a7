"""Recovery metrics: every figure Closeloop reports, defined once, computed in the database.

Conventions for every metric:

* A **scope** is a set of practices (already limited to those the viewer serves), a date range
  ``start``..``end`` (both inclusive, whole days in the scope's time zone) and optional filters
  (team, owner, category, channel, language) that apply to items.
* **Business time** is the practice's business calendar (hours, holidays, DST). It is stored in
  whole minutes on the item when the moment happens (``first_response_minutes``,
  ``resolution_minutes``), so the metrics aggregate columns and never replay calendars.
* **Percentiles** are nearest-rank: the p-th percentile of n sorted values is value number
  ceil(p * n) (the median is value ceil(n / 2)); each is one ``ORDER BY … LIMIT 1 OFFSET k``.
* Nothing here loops over items in Python: every figure is an aggregate, a GROUP BY, or a
  single indexed row — except the referral turnaround, which merges two sorted lists of one
  integer per referral (the resolved ones' waits and the open ones' ages).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from closeloop.appointments.models import Appointment, AppointmentStatus, ConfirmedHow
from closeloop.appointments.rules import risk_counts, telehealth_before_visit
from closeloop.messaging.models import (
    RecoveryAnswer,
    RecoveryCheck,
    ReviewDecision,
    ReviewRequest,
)
from closeloop.metrics.results import (
    BrokenPromises,
    Complaints,
    DayFlow,
    Distribution,
    FirstResponse,
    LanguageAccess,
    OpenDay,
    PatientConfirmed,
    PersonLoad,
    RepeatContacts,
    ResolutionTime,
    ReviewRequests,
    Risk,
    Routing,
    Telehealth,
    Turnaround,
    VisitConfirmations,
)
from closeloop.practices.choices import Team
from closeloop.practices.defaults import REFERRAL_CATEGORY
from closeloop.practices.models import Practice
from closeloop.support_queue.models import (
    COMPLAINT,
    OPEN_STATUSES,
    EventCode,
    SupportItem,
    TimelineEvent,
)

TOP = 5
VISIT_IDS_INLINE = 5000
#: Timeline codes that open and close an item (``items_open_at``).
OPENS = (EventCode.CREATED, EventCode.REOPENED)
CLOSES = (EventCode.RESOLVED,)
#: Closing too: the merged item's own merge event (it names the item it went into; the
#: target's says which item joined it and stays open). The one way an open item closes
#: unresolved.
MERGED_AWAY = Q(code=EventCode.MERGED, changes__has_key="merged_into")
CLOSING = Q(code__in=CLOSES) | MERGED_AWAY
ESCALATION_CODES = (
    EventCode.ESCALATED,
    EventCode.PROMISE_ESCALATED,
    EventCode.BEFORE_APPOINTMENT,
)


@dataclass(frozen=True)
class Scope:
    practices: tuple[Practice, ...]
    start: date
    end: date
    team: str = ""
    owner_id: int | None = None
    category: str = ""
    channel: str = ""
    language: str = ""
    #: Day boundaries; with several practices, the first one's zone.
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))

    @classmethod
    def of(cls, practices: list[Practice], start: date, end: date, **filters: Any) -> Scope:
        zone = ZoneInfo(practices[0].timezone) if practices else ZoneInfo("UTC")
        return cls(tuple(practices), start, end, zone=zone, **filters)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=self.zone)

    @property
    def end_at(self) -> datetime:
        """The moment after the last day (exclusive bound)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=self.zone)

    @property
    def filtered(self) -> bool:
        return bool(self.team or self.owner_id or self.category or self.channel or self.language)

    def previous(self) -> Scope:
        """The equal period just before, for comparison."""
        length = timedelta(days=self.days)
        return replace(self, start=self.start - length, end=self.end - length)

    def item_filter(self, prefix: str = "") -> Q:
        q = Q(**{f"{prefix}practice__in": self.practice_ids})
        if self.team:
            q &= Q(**{f"{prefix}team": self.team})
        if self.owner_id:
            q &= Q(**{f"{prefix}owner_id": self.owner_id})
        if self.category:
            q &= Q(**{f"{prefix}category__code": self.category})
        if self.channel:
            q &= Q(**{f"{prefix}channel": self.channel})
        if self.language:
            q &= Q(**{f"{prefix}language": self.language})
        return q

    @property
    def practice_ids(self) -> list[int]:
        return [p.pk for p in self.practices]

    def items(self) -> QuerySet[SupportItem]:
        return SupportItem.objects.filter(self.item_filter())

    def contacted(self) -> QuerySet[SupportItem]:
        """The scope's items first contacted in the range."""
        return self.items().filter(
            first_contact_at__gte=self.start_at, first_contact_at__lt=self.end_at
        )

    def resolved(self) -> QuerySet[SupportItem]:
        """The scope's items resolved in the range."""
        return self.items().filter(resolved_at__gte=self.start_at, resolved_at__lt=self.end_at)

    def events(self, *codes: str) -> QuerySet[TimelineEvent]:
        """Timeline events of the scope's items in the date range."""
        events = TimelineEvent.objects.filter(
            practice__in=self.practice_ids,
            at__gte=self.start_at,
            at__lt=self.end_at,
        )
        if self.filtered:  # the event carries its practice; join the item only to filter it
            events = events.filter(self.item_filter("item__"))
        return events.filter(code__in=codes) if codes else events


def distribution(values: QuerySet[Any], column: str) -> Distribution:
    """Count, average, median and 90th percentile of a column (nulls left out)."""
    present = values.filter(**{f"{column}__isnull": False})
    stats = present.aggregate(n=Count("pk"), average=Avg(column))
    n = stats["n"]
    if not n:
        return {"count": 0, "average": None, "median": None, "p90": None}
    ordered = present.order_by(column).values_list(column, flat=True)
    return {
        "count": n,
        "average": round(float(stats["average"]), 1),
        "median": ordered[math.ceil(0.5 * n) - 1],
        "p90": ordered[math.ceil(0.9 * n) - 1],
    }


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


# --- the eleven metrics --------------------------------------------------------------------------


def first_response(scope: Scope) -> FirstResponse:
    """**1. Time to first response.** Items first contacted in the range that a person has
    answered: business minutes from first contact to the first human contact (receipt
    confirmed by a person, an outbound contact, a reached patient or a message a person sent),
    as count, average, median and p90. ``unanswered``: items first contacted in the range that
    no person has answered yet. ``automatic_replies``: items first contacted in the range that
    the practice's automatic reply acknowledged (after hours, or receipt confirmed as
    "automatic reply"; one cancelled or undelivered is not counted) — reported beside the
    figure, never as a response: the night's voicemail is answered by the morning's call.
    ``wall_clock``: the same waits in clock minutes, nights and weekends included (a Friday
    19:00 voicemail answered Monday 08:30 is 30 business minutes and 61.5 hours)."""
    contacted = scope.contacted()
    result = distribution(contacted, "first_response_minutes")
    counts = contacted.aggregate(
        n=Count("pk"), automatic=Count("pk", filter=Q(auto_replied_at__isnull=False))
    )
    return {
        **result,
        "unanswered": counts["n"] - result["count"],
        "automatic_replies": counts["automatic"],
        "wall_clock": distribution(contacted, "first_response_wall_minutes"),
    }


def _days(scope: Scope) -> list[date]:
    return [scope.start + timedelta(days=n) for n in range(scope.days)]


def items_open_at(scope: Scope, moment: datetime) -> QuerySet[SupportItem]:
    """The scope's items open at ``moment``: their last opening or closing event before it
    (created or reopened; resolved, or merged into another item) opened them. The one
    definition of "open at the end of a day or a period": the dashboard's figure and chart,
    the weekly review's count, list and PDF all read it. An item's columns cannot say it (a
    reopening clears ``resolved_at``), nor can the end-of-day snapshot (taken at closing time,
    practice-wide, and only if the worker ran). A moment in the future reads as now."""
    # Only an item open now, or closed since ``moment``, can have been open at it.
    closed_since = TimelineEvent.objects.filter(
        CLOSING, practice__in=scope.practice_ids, at__gte=moment
    ).values("item_id")
    last = (
        TimelineEvent.objects.filter(
            Q(code__in=OPENS) | CLOSING, item=OuterRef("pk"), at__lt=moment
        )
        .order_by("-at", "-pk")
        .values("code")[:1]
    )
    return (
        scope.items()
        .filter(Q(status__in=OPEN_STATUSES) | Q(pk__in=closed_since))
        .annotate(last_change=Subquery(last))
        .filter(last_change__in=OPENS)
    )


def open_per_day(scope: Scope) -> list[OpenDay]:
    """**2. Open items at the end of each day.** The items open at the end of the range
    (``items_open_at``: from the timeline, filtered by the item's current team, owner,
    category, channel and language), and each day before it walked back from that count: minus
    what opened (created, reopened) that day, plus what closed (resolved, merged into another
    item)."""
    at_end = items_open_at(scope, scope.end_at).count()
    per_day = (
        scope.events(*OPENS, *CLOSES, EventCode.MERGED)
        .annotate(day=TruncDate("at", tzinfo=scope.zone))
        .values("day")
        .annotate(
            opened=Count("pk", filter=Q(code__in=OPENS)),
            closed=Count("pk", filter=CLOSING),
        )
        .order_by()
    )
    change = {row["day"]: row["opened"] - row["closed"] for row in per_day}
    days: list[OpenDay] = []
    running = at_end
    for day in reversed(_days(scope)):
        days.append({"date": day, "open": running})
        running -= change.get(day, 0)
    return days[::-1]


def repeat_contacts(scope: Scope) -> RepeatContacts:
    """**3. Repeat contacts about the same issue.** Repeat-contact events in the range (a
    patient contacting us again about an open item); the rate per item is that count divided
    by the items first contacted in the range; the top items and patients by repeat contacts
    in the range."""
    repeats = scope.events(EventCode.REPEAT_CONTACT)
    count = repeats.count()
    reopened = scope.events(EventCode.REOPENED).count()
    items = scope.contacted().count()
    top_items = repeats.values("item_id").annotate(n=Count("pk")).order_by("-n", "item_id")[:TOP]
    top_patients = (
        repeats.filter(item__patient__isnull=False)
        .values("item__patient_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "item__patient_id")[:TOP]
    )
    return {
        "count": count,
        "reopened": reopened,
        "items": items,
        "rate_per_item": _ratio(count, items),
        "top_items": [{"item": r["item_id"], "repeats": r["n"]} for r in top_items],
        "top_patients": [
            {"patient": r["item__patient_id"], "repeats": r["n"]} for r in top_patients
        ],
    }


def referral_turnaround(scope: Scope) -> Turnaround:
    """**4. Referral and document follow-up turnaround.** Referral/document items resolved in
    the range *and* those still open at its end, together (leaving the open ones out would
    report the quick ones only): for a resolved one, the clock minutes from first contact to
    resolution (``resolution_wall_minutes``: the patient's wait, other offices' time
    included); for an open one, its age at the end of the range (or now, if sooner). Count,
    resolved, open, nearest-rank median and p90 over both; ``median_at_least`` /
    ``p90_at_least``: the figure is an open referral's age, so the turnaround is at least that;
    ``oldest_open``: the oldest open one's age. Open at the end of the range: first contacted
    before it, and not resolved or closed by then (as the item stands now)."""
    referrals = scope.items().filter(category__code=REFERRAL_CATEGORY)
    until = min(scope.end_at, timezone.now())
    resolved: list[int] = [
        minutes
        for minutes in scope.resolved()
        .filter(category__code=REFERRAL_CATEGORY, resolution_wall_minutes__isnull=False)
        .values_list("resolution_wall_minutes", flat=True)
        if minutes is not None
    ]
    still_open = (
        referrals.filter(first_contact_at__lt=until)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=scope.end_at))
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=scope.end_at))
        .order_by("-first_contact_at")
        .values_list("first_contact_at", flat=True)
    )
    # Values (one integer per referral), not rows: the two sorted lists are merged here.
    ages = [int((until - since).total_seconds() // 60) for since in still_open]
    waits = sorted([(minutes, False) for minutes in resolved] + [(age, True) for age in ages])
    n = len(waits)
    median = waits[math.ceil(0.5 * n) - 1] if n else (None, False)
    p90 = waits[math.ceil(0.9 * n) - 1] if n else (None, False)
    return {
        "count": n,
        "resolved": len(resolved),
        "open": len(ages),
        "median": median[0],
        "median_at_least": median[1],
        "p90": p90[0],
        "p90_at_least": p90[1],
        "oldest_open": ages[-1] if ages else None,
    }


def telehealth_before_appointment(scope: Scope) -> Telehealth:
    """**5. Telehealth issues resolved before appointment time.** Telehealth-access items
    linked to an appointment that started in the range: how many were resolved before the
    appointment's start, of how many, and the share. Intake links every telehealth request of
    a known patient to their video visit within the next ``VIDEO_VISIT_DAYS`` (staff may
    unlink it), so the figure does not depend on someone linking it by hand."""
    visits: Any = Appointment.objects.filter(
        practice__in=scope.practice_ids,
        start__gte=scope.start_at,
        start__lt=scope.end_at,
    ).values_list("pk", flat=True)
    # Linked items belong to the visit's practice (the lifecycle refuses anything else), so
    # the visits choose the items (by the appointment index); item filters apply on top.
    # A short list of ids steers the planner to that index; a long one stays a subquery.
    ids = list(visits[: VISIT_IDS_INLINE + 1])
    if len(ids) <= VISIT_IDS_INLINE:
        visits = ids
    linked = SupportItem.objects.filter(appointment_id__in=visits)
    if scope.filtered:
        linked = linked.filter(scope.item_filter())
    counts = telehealth_before_visit(linked)
    return {
        "linked": counts["linked"],
        "resolved_before": counts["resolved_before"],
        "share": _ratio(counts["resolved_before"], counts["linked"]),
    }


def complaint_escalations(scope: Scope) -> Complaints:
    """**6. Complaints requiring supervisor escalation.** Complaint/review items first
    contacted in the range (``total``). ``to_supervisors``: those filed to the supervisors'
    team from the start (the practice routes complaints to them: never escalated, theirs
    already). ``front_line``: the others, which someone else owned first. ``escalated``: the
    front-line complaints that needed a supervisor — escalated (by staff, a broken promise or
    an approaching visit), a supervisor's callback logged, or moved to the supervisors' team
    at any time (handed to them, or recognised as a complaint; handed back later too) — and
    ``share`` of ``front_line``."""
    complaints = scope.contacted().filter(COMPLAINT)
    from_start = Q(intake_team=Team.SUPERVISOR)
    # Moved to the supervisors at any time, not only as it stands now: one a supervisor took
    # over and handed back to the desk still needed them.
    moved = TimelineEvent.objects.filter(item=OuterRef("pk"), changes__team__new=Team.SUPERVISOR)
    needed_supervisor = (
        Q(escalated=True)
        | Q(supervisor_callback_at__isnull=False)
        | Q(team=Team.SUPERVISOR)
        | Q(Exists(moved))
    )
    counts = complaints.aggregate(
        total=Count("pk"),
        to_supervisors=Count("pk", filter=from_start),
        escalated=Count("pk", filter=~from_start & needed_supervisor),
    )
    front_line = counts["total"] - counts["to_supervisors"]
    return {
        "total": counts["total"],
        "to_supervisors": counts["to_supervisors"],
        "front_line": front_line,
        "escalated": counts["escalated"],
        "share": _ratio(counts["escalated"], front_line),
    }


def review_requests(scope: Scope) -> ReviewRequests:
    """**7. Review requests after successful resolution.** Review-request decisions recorded
    in the range for the scope's items: how many were sent, how many withheld, and the
    withheld ones by reason (the guardrail that stopped them)."""
    requests = ReviewRequest.objects.filter(
        practice__in=scope.practice_ids,
        created_at__gte=scope.start_at,
        created_at__lt=scope.end_at,
    )
    if scope.filtered:
        requests = requests.filter(scope.item_filter("item__"))
    decisions = dict(requests.values_list("decision").annotate(n=Count("pk")).order_by())
    withheld = {k: v for k, v in decisions.items() if k != ReviewDecision.SENT}
    return {
        "sent": decisions.get(ReviewDecision.SENT, 0),
        "withheld": sum(withheld.values()),
        "withheld_by_reason": dict(sorted(withheld.items())),
    }


def missed_appointment_risk(scope: Scope) -> Risk:
    """**8. Missed-appointment risk tied to incomplete communication.** Appointments that
    started in the range (cancelled ones left out) that were at risk at their start: their
    patient had an open intake, insurance, referral/document or telehealth item or an
    unanswered message, or the visit was not confirmed (asked 20 hours or more before and not
    confirmed by then) — ``closeloop.appointments.rules.at_risk``, the definition the
    appointments page's at-risk list uses; how many of those the EHR marked as no-shows, and
    all no-shows for comparison. Item filters do not apply (appointments have no team or
    owner)."""
    appointments = Appointment.objects.filter(practice__in=scope.practice_ids)
    counts = risk_counts(appointments, scope.start_at, scope.end_at)
    return {
        "appointments": counts["appointments"],
        "at_risk": counts["at_risk"],
        "missed": counts["missed"],
        "missed_total": counts["missed_total"],
        "missed_share": _ratio(counts["missed"], counts["at_risk"]),
    }


def visit_confirmations(scope: Scope) -> VisitConfirmations:
    """**Confirmation rate.** Visits that started in the range (cancelled and entered-in-error
    left out) whose patient we asked to confirm (outreach, ``confirmation_asked_at``): how many
    were confirmed before the visit began — by a text or email reply, or on a staff call — and
    the share. ``by_reply`` counts the replies alone. A visit that moved was asked again for its
    new time, so it counts once. Item filters do not apply (visits have no team or owner)."""
    asked = Appointment.objects.filter(
        practice__in=scope.practice_ids,
        start__gte=scope.start_at,
        start__lt=scope.end_at,
        confirmation_asked_at__isnull=False,
    ).exclude(status__in=(AppointmentStatus.CANCELLED, AppointmentStatus.ENTERED_IN_ERROR))
    in_time = Q(confirmed_at__isnull=False, confirmed_at__lte=F("start"))
    counts = asked.aggregate(
        asked=Count("pk"),
        confirmed=Count("pk", filter=in_time),
        by_reply=Count("pk", filter=in_time & Q(confirmed_how__in=REPLY_HOWS)),
    )
    return {
        "asked": counts["asked"],
        "confirmed": counts["confirmed"],
        "by_reply": counts["by_reply"],
        "share": _ratio(counts["confirmed"], counts["asked"]),
    }


REPLY_HOWS = (ConfirmedHow.TEXT, ConfirmedHow.EMAIL)


def broken_promises(scope: Scope) -> BrokenPromises:
    """**9. Broken promises.** Promised update times that passed without a patient contact
    (the sweep's ``promise_broken`` timeline events) in the range, in all, by the item's
    owner and by category."""
    broken = scope.events(EventCode.PROMISE_BROKEN)
    by_owner = (
        broken.values("item__owner__username", "item__owner__first_name", "item__owner__last_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "item__owner__username")
    )
    by_category = broken.values("item__category__name").annotate(n=Count("pk")).order_by("-n")
    # A category belongs to one practice: these rows name it (``by_category`` sums by name).
    categories = (
        broken.values("item__category_id", "item__category__name", "practice__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "item__category__name", "practice__name")
    )
    return {
        "count": broken.count(),
        "by_owner": {
            (
                person_name(
                    r["item__owner__first_name"],
                    r["item__owner__last_name"],
                    r["item__owner__username"],
                )
                or "unassigned"
            ): r["n"]
            for r in by_owner
        },
        "by_category": {r["item__category__name"]: r["n"] for r in by_category},
        "categories": [
            {
                "category": r["item__category__name"],
                "practice": r["practice__name"],
                "count": r["n"],
            }
            for r in categories
        ],
    }


def language_access(scope: Scope) -> LanguageAccess:
    """**10. Language-access wait.** Time to first response (as in metric 1) for items in
    English and for items in any other language, side by side; ``gap_median`` is the
    non-English median minus the English one (positive: non-English requests wait longer)."""
    contacted = scope.contacted()
    english = distribution(contacted.filter(language="en"), "first_response_minutes")
    other = distribution(contacted.exclude(language="en"), "first_response_minutes")
    gap = (
        other["median"] - english["median"]
        if other["median"] is not None and english["median"] is not None
        else None
    )
    return {"english": english, "other": other, "gap_median": gap}


def load_per_person(scope: Scope) -> list[PersonLoad]:
    """**11. Load per person.** For each owner: items open now, items resolved in the range,
    and complaints among them (the burnout signal: who absorbs the hard calls)."""
    owned = scope.items().filter(owner__isnull=False)
    complaint = COMPLAINT
    people = ("owner_id", "owner__username", "owner__first_name", "owner__last_name")
    open_rows = (
        owned.filter(status__in=OPEN_STATUSES)
        .values(*people)
        .annotate(n=Count("pk"), complaints=Count("pk", filter=complaint))
        .order_by()
    )
    resolved_rows = (
        scope.resolved()
        .filter(owner__isnull=False)
        .values(*people)
        .annotate(n=Count("pk"), complaints=Count("pk", filter=complaint))
        .order_by()
    )
    load: dict[int, PersonLoad] = {}
    for rows, is_open in ((open_rows, True), (resolved_rows, False)):
        for r in rows:
            person = load.setdefault(
                r["owner_id"],
                {
                    "user_id": r["owner_id"],
                    "username": r["owner__username"],
                    "name": person_name(
                        r["owner__first_name"], r["owner__last_name"], r["owner__username"]
                    ),
                    "open": 0,
                    "resolved": 0,
                    "complaints_handled": 0,
                    "open_complaints": 0,
                },
            )
            if is_open:
                person["open"], person["open_complaints"] = r["n"], r["complaints"]
            else:
                person["resolved"], person["complaints_handled"] = r["n"], r["complaints"]
    return sorted(load.values(), key=lambda r: (-r["open"], r["username"]))


def resolution_time(scope: Scope) -> ResolutionTime:
    """**12. Time to resolution.** Items resolved in the range: business minutes from first
    contact to resolution, and the same in clock minutes (what the patient waited)."""
    resolved = scope.resolved()
    return {
        "business": distribution(resolved, "resolution_minutes"),
        "wall_clock": distribution(resolved, "resolution_wall_minutes"),
    }


def first_contact_routing(scope: Scope) -> Routing:
    """**13. Routed at first contact.** Items first contacted in the range that the person
    who logged them handed to a named colleague on the right team (the front desk's part of
    the loop, done), out of all items first contacted in the range. Taking an item oneself
    is not routing."""
    contacted = scope.contacted()
    items = contacted.count()
    routed = (
        scope.events(EventCode.HANDED_OFF)
        .filter(actor_id=F("item__created_by_id"), item__in=contacted.values("pk"))
        .values("item_id")
        .distinct()
        .count()
    )
    return {"items": items, "routed": routed, "share": _ratio(routed, items)}


# --- trends and breakdowns (the dashboard's charts) ---------------------------------------------


def _confirmed_by_person(checks: QuerySet[RecoveryCheck], yes: Count) -> list[dict[str, Any]]:
    """Answers per owner when resolved, by name ("Unassigned" for none)."""
    people = []
    by_owner = checks.values("owner_id").annotate(answered=Count("pk"), yes=yes).order_by()
    names = {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model().objects.filter(pk__in=[r["owner_id"] for r in by_owner])
    }
    for row in by_owner:
        people.append(
            {
                "name": names.get(row["owner_id"], "Unassigned"),
                "answered": row["answered"],
                "yes": row["yes"],
                "share": _ratio(row["yes"], row["answered"]),
            }
        )
    people.sort(key=lambda r: str(r["name"]))
    return people


def patient_confirmed(scope: Scope) -> PatientConfirmed:
    """**14. Recoveries confirmed by patients.** Answers in the range to "Did we resolve your
    request?" (asked after a resolution the patient confirmed): how many answered, how many
    said yes, the share, and the same per category, team and person (as they were when the
    item was resolved). A "No" is a failed recovery: the item was reopened."""
    checks = RecoveryCheck.objects.filter(
        practice__in=scope.practice_ids,
        answered_at__gte=scope.start_at,
        answered_at__lt=scope.end_at,
    )
    if scope.team:
        checks = checks.filter(team=scope.team)
    if scope.owner_id:
        checks = checks.filter(owner_id=scope.owner_id)
    if scope.category:
        checks = checks.filter(category__code=scope.category)
    yes = Count("pk", filter=Q(answer=RecoveryAnswer.YES))

    def rows(key: str, name: str, *more: str) -> list[dict[str, Any]]:
        grouped = (
            checks.values(key, name, *more)
            .annotate(answered=Count("pk"), yes=yes)
            .order_by(name, *more)
        )
        return [
            {
                "name": row[name] or "—",
                **({"practice": row["practice__name"]} if "practice__name" in more else {}),
                "answered": row["answered"],
                "yes": row["yes"],
                "share": _ratio(row["yes"], row["answered"]),
            }
            for row in grouped
        ]

    totals = checks.aggregate(answered=Count("pk"), yes=yes)
    return {
        "answered": totals["answered"],
        "yes": totals["yes"],
        "no": totals["answered"] - totals["yes"],
        "share": _ratio(totals["yes"], totals["answered"]),
        # A category belongs to one practice: its row names the practice.
        "by_category": rows("category_id", "category__name", "practice__name"),
        "by_team": rows("team", "team"),
        "by_person": _confirmed_by_person(checks, yes),
    }


def daily_flow(scope: Scope) -> list[DayFlow]:
    """New items (first contact) and resolutions per day in the range."""
    new = dict(
        scope.contacted()
        .annotate(day=TruncDate("first_contact_at", tzinfo=scope.zone))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    resolved = dict(
        scope.resolved()
        .annotate(day=TruncDate("resolved_at", tzinfo=scope.zone))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        {"date": day, "new": new.get(day, 0), "resolved": resolved.get(day, 0)}
        for day in _days(scope)
    ]


def by_category(scope: Scope) -> list[dict[str, Any]]:
    """Per category: items first contacted, repeat contacts and broken promises in the range,
    and the average first response (business minutes)."""
    contacted = scope.contacted()
    items = {
        r["category__name"]: r
        for r in contacted.values("category__name")
        .annotate(
            n=Count("pk"),
            avg_first=Avg("first_response_minutes"),
            avg_resolution=Avg("resolution_minutes"),
        )
        .order_by()
    }
    events = {
        r["item__category__name"]: r
        for r in scope.events(EventCode.REPEAT_CONTACT, EventCode.PROMISE_BROKEN)
        .values("item__category__name")
        .annotate(
            repeats=Count("pk", filter=Q(code=EventCode.REPEAT_CONTACT)),
            broken=Count("pk", filter=Q(code=EventCode.PROMISE_BROKEN)),
        )
        .order_by()
    }
    names = sorted(set(items) | set(events))
    empty: dict[str, Any] = {}
    return [
        {
            "category": name,
            "items": items.get(name, empty).get("n", 0),
            "repeat_contacts": events.get(name, empty).get("repeats", 0),
            "broken_promises": events.get(name, empty).get("broken", 0),
            "avg_first_response": _round(items.get(name, empty).get("avg_first")),
            "avg_resolution": _round(items.get(name, empty).get("avg_resolution")),
        }
        for name in names
    ]


def _round(value: Any) -> float | None:
    return round(float(value), 1) if value is not None else None


def weekly_first_response(scope: Scope) -> list[dict[str, Any]]:
    """Average and count of first responses (business minutes) per week (weeks start on
    Monday), for items first contacted in the range."""
    contacted = scope.contacted().filter(first_response_minutes__isnull=False)
    per_day = {
        r["day"]: r
        for r in contacted.annotate(day=TruncDate("first_contact_at", tzinfo=scope.zone))
        .values("day")
        .annotate(n=Count("pk"), total=Sum("first_response_minutes"))
        .order_by()
    }
    weeks: dict[date, list[int]] = {}
    for day in _days(scope):
        monday = day - timedelta(days=day.weekday())
        row = per_day.get(day)
        total = weeks.setdefault(monday, [0, 0])
        if row:
            total[0] += row["n"]
            total[1] += row["total"]
    return [
        {"week": monday, "count": n, "average": round(total / n, 1) if n else None}
        for monday, (n, total) in sorted(weeks.items())
    ]


# --- everything -----------------------------------------------------------------------------------

METRICS = {
    "first_response": first_response,
    "open_per_day": open_per_day,
    "repeat_contacts": repeat_contacts,
    "referral_turnaround": referral_turnaround,
    "telehealth_before_appointment": telehealth_before_appointment,
    "complaint_escalations": complaint_escalations,
    "review_requests": review_requests,
    "missed_appointment_risk": missed_appointment_risk,
    "visit_confirmations": visit_confirmations,
    "broken_promises": broken_promises,
    "language_access": language_access,
    "load_per_person": load_per_person,
    "resolution_time": resolution_time,
    "first_contact_routing": first_contact_routing,
    "patient_confirmed": patient_confirmed,
}


def compute(scope: Scope) -> dict[str, Any]:
    return {name: metric(scope) for name, metric in METRICS.items()}


#: The headline numbers: (key, label, unit, how to read it from ``compute``, lower is better).
HEADLINES: list[tuple[str, str, str, Any, bool]] = [
    ("first_response_median", "Median first response", "minutes",
     lambda m: m["first_response"]["median"], True),
    ("first_response_p90", "90th percentile first response", "minutes",
     lambda m: m["first_response"]["p90"], True),
    ("first_response_wall_median", "Median first response, clock time", "minutes",
     lambda m: m["first_response"]["wall_clock"]["median"], True),
    ("open_at_end", "Open items at end of period", "count",
     lambda m: m["open_per_day"][-1]["open"] if m["open_per_day"] else None, True),
    ("repeat_rate", "Repeat contacts per item", "rate",
     lambda m: m["repeat_contacts"]["rate_per_item"], True),
    ("referral_median", "Median referral turnaround (open ones included)", "minutes",
     lambda m: m["referral_turnaround"]["median"], True),
    ("telehealth_share", "Telehealth issues fixed before the visit", "share",
     lambda m: m["telehealth_before_appointment"]["share"], False),
    ("complaints_escalated", "Complaints escalated from the front line", "count",
     lambda m: m["complaint_escalations"]["escalated"], True),
    ("reviews_sent", "Review requests sent", "count",
     lambda m: m["review_requests"]["sent"], False),
    ("at_risk", "Appointments at risk", "count",
     lambda m: m["missed_appointment_risk"]["at_risk"], True),
    ("confirmation_rate", "Visits confirmed, of those asked", "share",
     lambda m: m["visit_confirmations"]["share"], False),
    ("broken_promises", "Broken promises", "count",
     lambda m: m["broken_promises"]["count"], True),
    ("language_gap", "Non-English wait beyond English (median)", "minutes",
     lambda m: m["language_access"]["gap_median"], True),
    ("resolution_wall_median", "Median time to resolution, clock time", "minutes",
     lambda m: m["resolution_time"]["wall_clock"]["median"], True),
    ("routed_share", "Routed to the right colleague at first contact", "share",
     lambda m: m["first_contact_routing"]["share"], False),
    ("patient_confirmed_share", "Recoveries confirmed by patients", "share",
     lambda m: m["patient_confirmed"]["share"], False),
]  # fmt: skip


def headlines(
    current: dict[str, Any],
    previous: dict[str, Any],
    table: list[tuple[str, str, str, Any, bool]] | None = None,
) -> list[dict[str, Any]]:
    """Each headline (of ``table``, by default ``HEADLINES``) now, in the previous equal
    period, the change, and whether it improved."""
    rows = []
    for key, label, unit, read, lower_is_better in HEADLINES if table is None else table:
        now, before = read(current), read(previous)
        change = round(now - before, 3) if now is not None and before is not None else None
        better = None if not change else (change < 0) == lower_is_better
        rows.append(
            {
                "key": key,
                "label": label,
                "unit": unit,
                "value": now,
                "previous": before,
                "change": change,
                "better": better,
            }
        )
    return rows


def report(scope: Scope) -> dict[str, Any]:
    """All metrics for the scope and the previous equal period, with the headline changes."""
    current = compute(scope)
    previous = compute(scope.previous())
    return {
        "scope": {
            "practices": [p.slug for p in scope.practices],
            "start": scope.start,
            "end": scope.end,
            "previous_start": scope.previous().start,
            "previous_end": scope.previous().end,
        },
        "metrics": current,
        "previous": previous,
        "headlines": headlines(current, previous),
    }


def person_name(first: str | None, last: str | None, username: str | None) -> str:
    """How a person is shown in figures: their name, else their login."""
    return f"{first or ''} {last or ''}".strip() or (username or "")
