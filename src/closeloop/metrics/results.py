"""The shapes of the metrics' results (the API's ``MetricsOut`` mirrors them)."""

from __future__ import annotations

from datetime import date
from typing import Any, TypedDict


class Distribution(TypedDict):
    """Business minutes: count, average, nearest-rank median and 90th percentile."""

    count: int
    average: float | None
    median: int | None
    p90: int | None


class FirstResponse(Distribution):
    unanswered: int
    #: Items the practice's automatic reply acknowledged: beside the figure, never in it.
    automatic_replies: int
    #: The same waits on the clock the patient lives by (nights and weekends included).
    wall_clock: Distribution


class ResolutionTime(TypedDict):
    business: Distribution
    wall_clock: Distribution


class Routing(TypedDict):
    items: int
    routed: int
    share: float | None


class OpenDay(TypedDict):
    date: date
    open: int
    source: str


class RepeatItem(TypedDict):
    item: int
    repeats: int


class RepeatPatient(TypedDict):
    patient: int
    repeats: int


class RepeatContacts(TypedDict):
    count: int
    reopened: int
    items: int
    rate_per_item: float | None
    top_items: list[RepeatItem]
    top_patients: list[RepeatPatient]


class Turnaround(TypedDict):
    """Clock minutes over resolved and still-open items together (open ones: their age)."""

    count: int
    resolved: int
    open: int
    median: int | None
    #: The median is an open item's age: the turnaround is at least this.
    median_at_least: bool
    p90: int | None
    p90_at_least: bool
    oldest_open: int | None


class Telehealth(TypedDict):
    linked: int
    resolved_before: int
    share: float | None


class Complaints(TypedDict):
    total: int
    #: Filed to the supervisors from the start (not escalated: theirs already).
    to_supervisors: int
    #: Owned by someone else first.
    front_line: int
    #: Of ``front_line``, those that needed a supervisor.
    escalated: int
    share: float | None


class ReviewRequests(TypedDict):
    sent: int
    withheld: int
    withheld_by_reason: dict[str, int]


class PatientConfirmed(TypedDict):
    answered: int
    yes: int
    no: int
    share: float | None
    by_category: list[dict[str, Any]]
    by_team: list[dict[str, Any]]
    by_person: list[dict[str, Any]]


class Risk(TypedDict):
    appointments: int
    at_risk: int
    missed: int
    missed_total: int
    missed_share: float | None


class VisitConfirmations(TypedDict):
    asked: int
    confirmed: int
    by_reply: int
    share: float | None


class BrokenPromises(TypedDict):
    count: int
    by_owner: dict[str, int]
    by_category: dict[str, int]
    #: Per category and its practice (a category belongs to one): category, practice, count.
    categories: list[dict[str, Any]]


class LanguageAccess(TypedDict):
    english: Distribution
    other: Distribution
    gap_median: int | None


class PersonLoad(TypedDict):
    user_id: int
    username: str
    name: str
    open: int
    resolved: int
    complaints_handled: int
    open_complaints: int


class DayFlow(TypedDict):
    date: date
    new: int
    resolved: int
