"""The shapes of the metrics' results. The API's schemas are generated from them
(``api.schemas``): a docstring is the shape's description there, and a string beside a field's
type (``Annotated[int, "..."]``) is the field's."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, TypedDict


class Distribution(TypedDict):
    """Business minutes: count, average, nearest-rank median and 90th percentile."""

    count: int
    average: float | None
    median: int | None
    p90: int | None


class FirstResponse(Distribution):
    unanswered: int
    automatic_replies: Annotated[
        int, "items acknowledged by an automatic reply: not a response, not counted in it"
    ]
    wall_clock: Annotated[Distribution, "clock minutes, nights and weekends included"]


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
    median_at_least: Annotated[bool, "the median is an open item's age: at least this"]
    p90: int | None
    p90_at_least: bool
    oldest_open: int | None


class Telehealth(TypedDict):
    linked: int
    resolved_before: int
    share: float | None


class Complaints(TypedDict):
    total: int
    to_supervisors: Annotated[int, "filed to the supervisors from the start (theirs already)"]
    front_line: Annotated[int, "owned by someone other than a supervisor first"]
    escalated: Annotated[int, "front-line complaints that needed a supervisor"]
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


class HoldTime(TypedDict):
    """Seconds on hold, one figure per call: nearest-rank median and 90th percentile."""

    count: int
    median: int | None
    p90: int | None
    longest: int | None


class MissedCallCallbacks(TypedDict):
    missed: int
    called_back: Annotated[int, "a person called back (the automatic text-back is not one)"]
    in_time: Annotated[int, "called back by the time the text-back promised"]
    overdue: Annotated[int, "not called back, the promised time passed"]
    share: Annotated[float | None, "in_time of those called back or overdue"]
