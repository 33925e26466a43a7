"""Request and response shapes of the REST API (codes, never translated labels)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, BeforeValidator

from closeloop.lib import dates
from closeloop.patients.models import validate_birth_date
from closeloop.practices.choices import Team, Urgency
from closeloop.support_queue.models import Channel, ContactOutcome, Direction, Status, WaitingOn

ChannelCode = Channel
TeamCode = Team
UrgencyCode = Urgency
StatusCode = Status
WaitingCode = WaitingOn
DirectionCode = Direction
OutcomeCode = ContactOutcome
LanguageCode = str

# Real UTC offsets lie within -12:00..+14:00; PostgreSQL refuses some beyond that, and far-off
# years overflow when converted. Anything outside is a typo or an attack: a 422, not a 500.
_MAX_OFFSET_SECONDS = 14 * 3600
MAX_OWNER_ID = 2**63 - 1


def _reasonable_instant(value: datetime) -> datetime:
    offset = value.utcoffset()
    if offset is None or abs(offset.total_seconds()) > _MAX_OFFSET_SECONDS:
        raise ValueError("timezone offset must be between -14:00 and +14:00")
    return dates.check(value)  # the one range every door accepts


def _iso_text(value: object) -> object:
    """A date and time is written out (ISO 8601): a bare number ("0.5", 1700000000) is not
    read as seconds since 1970."""
    if isinstance(value, int | float) or (
        isinstance(value, str) and re.fullmatch(r"\s*[-+]?[\d.eE+-]*\s*", value)
    ):
        raise ValueError(
            "give a date and time in ISO 8601 with its offset, e.g. 2026-11-17T10:00:00-06:00"
        )
    return value


def _birth_date(value: date) -> date:
    try:
        validate_birth_date(value)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    return value


Instant = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_reasonable_instant)]
BirthDate = Annotated[date, AfterValidator(_birth_date)]


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}
    missing: list[str] = []
    #: 412: the item's current version and what changed since the one sent in If-Match.
    version: int | None = None
    changes: list[str] = []


class ErrorOut(Schema):
    error: ErrorDetail


class PracticeOut(Schema):
    id: int
    slug: str
    name: str
    timezone: str
    phone: str


class CategoryOut(Schema):
    id: int
    practice: str
    code: str
    name: str
    default_team: str
    default_skill: str
    default_urgency: str
    first_response_minutes: int
    update_interval_minutes: int
    resolution_minutes: int
    active: bool


class PatientIn(Schema):
    practice: str = Field(description="Practice slug", min_length=1, max_length=50)
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    date_of_birth: BirthDate | None = None
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    preferred_language: str = Field("en", pattern=r"^[a-z]{2,3}$")
    mrn: str = Field("", max_length=64)


class PatientOut(Schema):
    id: int
    practice: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    phone: str
    alt_phone: str
    email: str
    preferred_language: str
    mrn: str


class ItemIn(Schema):
    practice: str = Field(description="Practice slug", min_length=1, max_length=50)
    category: str | None = Field(
        None,
        description="Category code of that practice; omit to let triage suggest it",
        min_length=1,
        max_length=50,
    )
    channel: ChannelCode
    summary: str = Field(min_length=1, max_length=300)
    details: str = Field("", max_length=20000)
    patient_id: int | None = Field(None, ge=1, le=2**62)
    caller_name: str = Field("", max_length=200)
    callback_number: str = Field("", max_length=40)
    contact_email: str = Field("", max_length=254)
    urgency: UrgencyCode | None = None
    language: str | None = Field(None, pattern=r"^[a-z]{2,3}$")
    contact_at: Instant | None = None
    new_item: bool = Field(
        False,
        description="File a new item even when the patient has an open item about the same "
        "thing (otherwise the contact joins it as a repeat contact)",
    )
    next_update_at: Instant | None = Field(
        None,
        description="A live call (phone, in person): when the caller was told they hear from us "
        "next; a new item is then acknowledged at the time of the call, an item the contact "
        "joins has it as its promise",
    )
    after_hours_reason: str = Field(
        "",
        max_length=500,
        description="Why a next_update_at outside the practice's business hours is fine "
        "(required then; it goes on the timeline)",
    )


class ItemOut(Schema):
    id: int
    practice: str
    patient_id: int | None
    patient_candidates: list[int]
    caller_name: str
    callback_number: str
    contact_email: str
    channel: str
    category: str
    urgency: str
    language: str
    status: str
    owner_id: int | None
    team: str
    summary: str
    details: str
    checking: str
    next_step: str
    waiting_on: str
    promised_update_at: datetime | None
    first_contact_at: datetime
    first_response_due_at: datetime
    first_response_at: datetime | None
    resolution_due_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    outcome: str
    escalated: bool
    escalation_reason: str
    repeat_contact_count: int
    red_flag: bool
    acknowledged_how: str
    callback_attempts: int
    next_attempt_due_at: datetime | None
    handoff_due_at: datetime | None
    merged_into_id: int | None
    created_at: datetime
    updated_at: datetime
    #: Sent back as the ETag; send it in If-Match with an action to refuse stale changes.
    version: int


class FiledOut(ItemOut):
    """A new item (201), or the item the contact joined (200, ``repeat_of``)."""

    repeat_of: int | None = None


class ItemPage(Schema):
    items: list[ItemOut]
    next_cursor: str | None


class TimelineEventOut(Schema):
    id: int
    at: datetime
    code: str
    actor_id: int | None
    changes: dict[str, dict[str, object]]
    text: str


# --- actions (request bodies: generated from the action registry in closeloop.api.actions) ---


class ActionOut(ItemOut):
    """The item after the action, and what else the action reports (e.g. ``review_request``:
    sent or why it was withheld; ``message_id``; ``merged`` and ``into``)."""

    result: dict[str, str | int] = {}


# --- metrics (definitions: closeloop/metrics/definitions.py) -----------------------------------


class DistributionOut(Schema):
    """Business minutes: count, average, nearest-rank median and 90th percentile."""

    count: int
    average: float | None
    median: int | None
    p90: int | None


class FirstResponseOut(DistributionOut):
    unanswered: int
    automatic_replies: int = Field(
        description="items acknowledged by an automatic reply: not a response, not counted in it"
    )
    wall_clock: DistributionOut = Field(description="clock minutes, nights and weekends included")


class ResolutionTimeOut(Schema):
    business: DistributionOut
    wall_clock: DistributionOut


class RoutingOut(Schema):
    items: int
    routed: int
    share: float | None


class OpenDayOut(Schema):
    date: date
    open: int
    source: str = Field(description="snapshot (end-of-day row) or timeline (rebuilt)")


class RepeatItemOut(Schema):
    item: int
    repeats: int


class RepeatPatientOut(Schema):
    patient: int
    repeats: int


class RepeatContactsOut(Schema):
    count: int
    reopened: int
    items: int
    rate_per_item: float | None
    top_items: list[RepeatItemOut]
    top_patients: list[RepeatPatientOut]


class TurnaroundOut(Schema):
    """Clock minutes over resolved and still-open items together (open ones: their age)."""

    count: int
    resolved: int
    open: int
    median: int | None
    median_at_least: bool = Field(description="the median is an open item's age: at least this")
    p90: int | None
    p90_at_least: bool
    oldest_open: int | None


class TelehealthOut(Schema):
    linked: int
    resolved_before: int
    share: float | None


class ComplaintsOut(Schema):
    total: int
    to_supervisors: int = Field(description="filed to the supervisors from the start")
    front_line: int = Field(description="owned by someone other than a supervisor first")
    escalated: int = Field(description="front-line complaints that needed a supervisor")
    share: float | None


class ReviewRequestsOut(Schema):
    sent: int
    withheld: int
    withheld_by_reason: dict[str, int]


class RiskOut(Schema):
    appointments: int
    at_risk: int
    missed: int
    missed_total: int
    missed_share: float | None


class BrokenPromisesOut(Schema):
    count: int
    by_owner: dict[str, int]
    by_category: dict[str, int]


class LanguageAccessOut(Schema):
    english: DistributionOut
    other: DistributionOut
    gap_median: int | None


class PersonLoadOut(Schema):
    user_id: int
    username: str
    name: str
    open: int
    resolved: int
    complaints_handled: int
    open_complaints: int


class MetricSetOut(Schema):
    first_response: FirstResponseOut
    open_per_day: list[OpenDayOut]
    repeat_contacts: RepeatContactsOut
    referral_turnaround: TurnaroundOut
    telehealth_before_appointment: TelehealthOut
    complaint_escalations: ComplaintsOut
    review_requests: ReviewRequestsOut
    missed_appointment_risk: RiskOut
    broken_promises: BrokenPromisesOut
    language_access: LanguageAccessOut
    load_per_person: list[PersonLoadOut]
    resolution_time: ResolutionTimeOut
    first_contact_routing: RoutingOut


class HeadlineOut(Schema):
    key: str
    label: str
    unit: str = Field(description="minutes (business), count, rate or share (0..1)")
    value: float | None
    previous: float | None
    change: float | None
    better: bool | None


class MetricScopeOut(Schema):
    practices: list[str]
    start: date
    end: date
    previous_start: date
    previous_end: date


class MetricsOut(Schema):
    scope: MetricScopeOut
    metrics: MetricSetOut
    previous: MetricSetOut = Field(description="the same metrics for the equal period before")
    headlines: list[HeadlineOut]


class MetricsQuery(Schema):
    practice: str | None = Field(None, description="practice slug; all your practices if left out")
    start: date | None = Field(None, description="first day (default: 30 days before end)")
    end: date | None = Field(None, description="last day, inclusive (default: yesterday)")
    team: TeamCode | None = None
    owner: int | None = Field(None, ge=1, le=MAX_OWNER_ID, description="staff user id")
    category: str | None = Field(None, max_length=40, description="category code")
    channel: ChannelCode | None = None
    language: str | None = Field(None, max_length=3)
