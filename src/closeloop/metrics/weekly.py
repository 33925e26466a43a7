"""The weekly review: open issues, broken promises, friction points, what changed, and what
to try next. One practice, Monday to Sunday. Counts, categories, staff and item numbers only:
no patient details (it is emailed and printed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Avg, Count, Q

from closeloop.metrics import measures
from closeloop.metrics.definitions import (
    ESCALATION_CODES,
    HEADLINES,
    Scope,
    daily_flow,
    headlines,
    items_open_at,
    person_name,
)
from closeloop.metrics.presentation import CSV_UNITS, csv_unit, csv_value, humanize
from closeloop.practices.choices import Role
from closeloop.practices.defaults import REFERRAL_CATEGORY
from closeloop.practices.models import Practice
from closeloop.practices.selectors import staff_for_practice
from closeloop.support_queue import eligibility
from closeloop.support_queue.models import EventCode, Status

OLDEST_SHOWN = 10

# Thresholds for the suggestions (documented in docs/metrics.md, the weekly review).
REPEAT_RATE_HIGH = 0.15
REFERRAL_OPEN_HIGH = 10
TELEHEALTH_SHARE_LOW = 0.8
LANGUAGE_GAP_MINUTES = 15
BROKEN_PROMISES_HIGH = 5
SPREAD_COMPLAINTS_MIN = 4
SPREAD_COMPLAINTS_SHARE = 0.6


@dataclass(frozen=True)
class Suggestion:
    rule: str
    text: str


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def friction(scope: Scope) -> dict[str, list[dict[str, Any]]]:
    """Where patients had to push: repeat contacts, slow categories, escalations."""
    repeats = (
        scope.events(EventCode.REPEAT_CONTACT)
        .values("item__category__name")
        .annotate(n=Count("pk"))
        .order_by("-n")[:5]
    )
    slowest = (
        scope.resolved()
        .values("category__name")
        .annotate(n=Count("pk"), average=Avg("resolution_minutes"))
        .order_by("-average")[:5]
    )
    escalations = (
        scope.events(*ESCALATION_CODES)
        .values("item__category__name")
        .annotate(
            n=Count("pk"),
            broken_promise=Count("pk", filter=Q(code=EventCode.PROMISE_ESCALATED)),
            before_visit=Count("pk", filter=Q(code=EventCode.BEFORE_APPOINTMENT)),
        )
        .order_by("-n")[:5]
    )
    return {
        "repeat_contacts": [
            {"category": r["item__category__name"], "count": r["n"]} for r in repeats
        ],
        "slowest_turnaround": [
            {
                "category": r["category__name"],
                "resolved": r["n"],
                "average_minutes": round(float(r["average"] or 0), 1),
            }
            for r in slowest
        ],
        "escalations": [
            {
                "category": r["item__category__name"],
                "count": r["n"],
                "broken_promise": r["broken_promise"],
                "before_visit": r["before_visit"],
            }
            for r in escalations
        ],
    }


def open_issues(scope: Scope, now: datetime) -> dict[str, Any]:
    """Items open at the end of the week (``items_open_at``, the dashboard's figure too) — not
    the ones open now, which a later look at the week would count."""
    end = min(scope.end_at, now)
    open_items = items_open_at(scope, end)
    oldest = (
        open_items.select_related("category", "owner")
        .order_by("first_contact_at")
        .values(
            "pk", "category__name", "owner__username", "owner__first_name", "owner__last_name",
            "first_contact_at", "status",
        )[:OLDEST_SHOWN]
    )  # fmt: skip
    by_category = dict(open_items.values_list("category__name").annotate(n=Count("pk")).order_by())
    return {
        "count": open_items.count(),
        "broken_now": open_items.filter(promised_update_at__lte=end).count(),
        "referral_open": open_items.filter(category__code=REFERRAL_CATEGORY).count(),
        "by_category": dict(sorted(by_category.items(), key=lambda kv: -kv[1])),
        "oldest": [
            {
                "item": r["pk"],
                "category": r["category__name"],
                "owner": person_name(
                    r["owner__first_name"], r["owner__last_name"], r["owner__username"]
                )
                or "unassigned",
                "status": Status(r["status"]).label,
                "days_open": (end - r["first_contact_at"]).days,
            }
            for r in oldest
        ],
    }


def suggestions(
    current: dict[str, Any],
    previous: dict[str, Any],
    issues: dict[str, Any],
    points: dict[str, list[dict[str, Any]]],
    people: list[dict[str, Any]] | None = None,
) -> list[Suggestion]:
    """What to try next, from the seed's rules; each names the figure that triggered it.
    ``people`` (``load_against_cap``) is the team: a suggestion to share work is made only
    when someone is there to share it with."""
    found = [
        _fewer_repeat_calls(current, previous),
        _referral_owner(current, previous, issues),
        _earlier_reminders(current, points),
        _language_coverage(current),
        _realistic_promises(current),
        _spread_complaints(current["load_per_person"], people),
    ]
    return [suggestion for suggestion in found if suggestion is not None]


def _fewer_repeat_calls(current: dict[str, Any], previous: dict[str, Any]) -> Suggestion | None:
    """Repeat calls high, or up by half on the previous period."""
    rate = current["repeat_contacts"]["rate_per_item"]
    before = previous["repeat_contacts"]["rate_per_item"]
    if rate is not None and (
        rate >= REPEAT_RATE_HIGH or (before is not None and rate > before * 1.5 and rate > 0.05)
    ):
        return Suggestion(
            "first_call_documentation",
            f"Repeat calls are high ({rate:.2f} per item): write the next step and the "
            "update time on the first call, so the patient does not have to call back to "
            "find out.",
        )
    return None


def _referral_owner(
    current: dict[str, Any], previous: dict[str, Any], issues: dict[str, Any]
) -> Suggestion | None:
    """Referral questions piling up, or their turnaround slowing by a quarter."""
    referral_now = issues["referral_open"]
    turnaround = current["referral_turnaround"]["median"]
    turnaround_before = previous["referral_turnaround"]["median"]
    at_least = current["referral_turnaround"]["median_at_least"]
    if referral_now >= REFERRAL_OPEN_HIGH or (
        turnaround is not None
        and turnaround_before is not None
        and turnaround > turnaround_before * 1.25
    ):
        return Suggestion(
            "referral_owner",
            f"Referral questions are piling up ({referral_now} open"
            + (
                f", median turnaround {'at least ' if at_least else ''}"
                f"{humanize(turnaround, 'minutes')}, open ones included"
                if turnaround
                else ""
            )
            + "): name one dedicated referral owner who checks the other offices daily.",
        )
    return None


def _earlier_reminders(
    current: dict[str, Any], points: dict[str, list[dict[str, Any]]]
) -> Suggestion | None:
    """Telehealth problems fixed too late."""
    telehealth = current["telehealth_before_appointment"]
    late_escalations = sum(row["before_visit"] for row in points["escalations"])
    if (
        telehealth["share"] is not None and telehealth["share"] < TELEHEALTH_SHARE_LOW
    ) or late_escalations:
        share = f"{telehealth['share']:.0%}" if telehealth["share"] is not None else "—"
        return Suggestion(
            "earlier_reminders",
            f"Telehealth problems are being fixed right before visits ({share} fixed in "
            "time): send links and offer the connection test earlier (raise the practice's "
            "telehealth check hours).",
        )
    return None


def _language_coverage(current: dict[str, Any]) -> Suggestion | None:
    """Requests in other languages wait longer than English ones."""
    gap = current["language_access"]["gap_median"]
    if gap is not None and gap >= LANGUAGE_GAP_MINUTES:
        return Suggestion(
            "language_coverage",
            f"Requests in other languages wait {gap} business minutes longer (median) "
            "than English ones: put bilingual staff on duty at the busy hours, or route "
            "more of those requests to them.",
        )
    return None


def _realistic_promises(current: dict[str, Any]) -> Suggestion | None:
    """Promised update times passed without contact."""
    broken = current["broken_promises"]["count"]
    if broken >= BROKEN_PROMISES_HIGH:
        return Suggestion(
            "realistic_promises",
            f"{broken} promised update times passed without contact: promise times staff "
            "can keep (use the suggested update time) and call even when the answer is "
            "still pending.",
        )
    return None


def _spread_complaints(
    load: list[dict[str, Any]], people: list[dict[str, Any]] | None
) -> Suggestion | None:
    """One person handling most of the complaints, when a colleague who takes complaints (a
    supervisor serving the practice, not away, under their complaint cap) could share them.
    The only supervisor is not told to lower a cap: nobody would take the calls."""
    total = sum(r["complaints_handled"] + r["open_complaints"] for r in load)
    if not load or total < SPREAD_COMPLAINTS_MIN:
        return None
    top = max(load, key=lambda r: r["complaints_handled"] + r["open_complaints"])
    mine = top["complaints_handled"] + top["open_complaints"]
    if mine / total <= SPREAD_COMPLAINTS_SHARE:
        return None
    others = [
        p["person"]
        for p in people or []
        if p["takes_complaints"] and not p["away"] and p["user_id"] != top["user_id"]
    ]
    if not others:
        return None
    return Suggestion(
        "spread_complaints",
        f"{top['name']} handled {mine} of {total} complaints: share the hard calls with "
        f"{', '.join(others[:3])} (assign them the next ones, or lower "
        f"{top['name']}'s complaint cap so routing does).",
    )


def load_against_cap(practice: Practice) -> list[dict[str, Any]]:
    """Now, for each person serving ``practice``: their open items (at every practice: the
    cap is per person) against their cap, busiest first, so a review sees who is over while a
    colleague is under."""
    people = list(staff_for_practice(practice))
    loads = eligibility.open_loads([p.pk for p in people])
    rows: list[dict[str, Any]] = [
        {
            "user_id": p.pk,
            "person": eligibility.person_name(p),
            "open": loads.get(p.pk, (0, 0))[0],
            "cap": p.staff.max_open_items,
            "away": p.staff.is_away,
            "takes_complaints": Role.SUPERVISOR in p.staff.roles,
        }
        for p in people
    ]
    for row in rows:
        row["over"] = row["open"] > row["cap"]
    return sorted(rows, key=lambda r: (-r["open"], r["person"]))


def review_headlines() -> list[tuple[str, Any, str, Any, bool]]:
    """The headlines of the review: the dashboard's, the open count named for the week (both
    read ``items_open_at``, as the review's "open at the end of the week" does)."""
    return [
        (key, "Open items at the end of the week", unit, read, low)
        if key == "open_at_end"
        else (key, label, unit, read, low)
        for key, label, unit, read, low in HEADLINES
    ]


def weekly_review(practice: Practice, week_start: date, now: datetime) -> dict[str, Any]:
    """The review of the week starting ``week_start`` (a Monday) for one practice."""
    scope = Scope.of([practice], week_start, week_start + timedelta(days=6))
    current, previous = measures.compute_all(scope), measures.compute_all(scope.previous())
    issues = open_issues(scope, now)
    current["open_issues"], previous["open_issues"] = issues, open_issues(scope.previous(), now)
    points = friction(scope)
    load = load_against_cap(practice)
    found = suggestions(current, previous, issues, points, load)
    current["daily_flow"] = daily_flow(scope)
    changes = headlines(current, previous, review_headlines()) + headlines(
        current, previous, measures.headline_table()
    )
    return {
        "practice": practice.name,
        "week_start": week_start,
        "week_end": week_start + timedelta(days=6),
        "open_issues": issues,
        "broken_promises": current["broken_promises"],
        "friction": points,
        "changes": changes,
        "suggestions": [{"rule": s.rule, "text": s.text} for s in found],
        "metrics": current,
        "load": load,
    }


CSV_HEADER = ["section", "what", "value", "unit", "previous week", "change"]


def csv_rows(review: dict[str, Any]) -> list[list[Any]]:
    """The review as rows for a spreadsheet: section, what, value, its unit (business or clock
    minutes, %, per item, count, days), the previous week's value and the change, in the same
    unit. Numbers stay numbers (a spreadsheet can sum them); the unit column says what they
    count."""
    count, days = CSV_UNITS["count"], CSV_UNITS["days"]
    minutes = CSV_UNITS["minutes"]
    rows: list[list[Any]] = [CSV_HEADER]
    rows.append(["week", review["practice"], str(review["week_start"]), "", "", ""])
    for h in review["changes"]:
        unit = csv_unit(h)
        rows.append(
            [
                "what changed",
                h["label"],
                csv_value(h["value"], h["unit"]),
                unit,
                csv_value(h["previous"], h["unit"]),
                csv_value(h["change"], h["unit"]),
            ]
        )
    issues = review["open_issues"]
    rows.append(["open issues", "open at the end of the week", issues["count"], count, "", ""])
    rows.append(["open issues", "promised update time passed", issues["broken_now"], count, "", ""])
    for name, n in issues["by_category"].items():
        rows.append(["open issues by category", name, n, count, "", ""])
    for r in issues["oldest"]:
        what = f"#{r['item']} {r['category']} ({r['owner']})"
        rows.append(["oldest open", what, r["days_open"], days, "", ""])
    rows.append(["broken promises", "total", review["broken_promises"]["count"], count, "", ""])
    for who, n in review["broken_promises"]["by_owner"].items():
        rows.append(["broken promises by person", who, n, count, "", ""])
    for name, n in review["broken_promises"]["by_category"].items():
        rows.append(["broken promises by category", name, n, count, "", ""])
    for r in review.get("load", []):
        rows.append(["open items held now", r["person"], r["open"], count, "", ""])
        rows.append(["cap on open items", r["person"], r["cap"], count, "", ""])
    for r in review["friction"]["repeat_contacts"]:
        rows.append(["friction: repeat contacts", r["category"], r["count"], count, "", ""])
    for r in review["friction"]["slowest_turnaround"]:
        rows.append(
            [
                "friction: average time to resolution",
                r["category"],
                r["average_minutes"],
                minutes,
                "",
                "",
            ]
        )
    for r in review["friction"]["escalations"]:
        rows.append(["friction: escalations", r["category"], r["count"], count, "", ""])
    for s in review["suggestions"]:
        rows.append(["suggestion", s["rule"], s["text"], "", "", ""])
    return rows
