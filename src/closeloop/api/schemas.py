"""Request and response shapes of the REST API (codes, never translated labels)."""

from __future__ import annotations

import functools
import operator
import re
from datetime import date, datetime
from types import UnionType
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Union,
    get_args,
    get_origin,
    get_type_hints,
    is_typeddict,
)

from django.core.exceptions import ValidationError
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, create_model

from closeloop.lib import dates
from closeloop.metrics import measures
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


class FileOut(Schema):
    """A picture or PDF the patient sent about the item: what it is, never its bytes (``url``
    downloads them; only a ``stored`` file has any)."""

    id: int
    source: str = Field(description="mms, email or demo")
    state: str = Field(description="pending, sending, stored, refused or purged")
    content_type: str = Field(description="From the bytes, not the sender's claim; '' if none")
    size: int
    received_at: datetime
    refused: str = Field("", description="Why it was not kept (a stable code), else ''")
    url: str | None = Field(None, description="The download (stored files only)")


class VisitOut(Schema):
    """A visit after an action on it: its time, status, patient, pre-visit telehealth check and
    confirmation."""

    id: int
    practice: str
    start: datetime
    status: str
    mode: str = Field(description="in_person or telehealth")
    patient_id: int | None = Field(description="None while staff have not said who it is")
    match: str = Field(description="matched, created, doubtful or staff (confirmed by staff)")
    link_sent_at: datetime | None
    device_test_offered_at: datetime | None
    confirmation_asked_at: datetime | None
    confirmed_at: datetime | None
    confirmed_how: str
    result: dict[str, str | int | bool] = {}


# --- metrics: generated from the result types of closeloop/metrics/results.py ------------------


def _shape(hint: Any) -> Any:
    """The API's type for a metric result's type: each ``TypedDict`` a schema named after it
    (``Distribution`` -> ``DistributionOut``), inside lists, dictionaries and unions too."""
    if is_typeddict(hint):
        return _schema_of(hint)
    args = get_args(hint)
    if not args:
        return hint
    origin = get_origin(hint)
    if origin is Annotated:
        return _shape(args[0])
    if origin in (Union, UnionType):
        return functools.reduce(operator.or_, [_shape(arg) for arg in args])
    return origin[tuple(_shape(arg) for arg in args)]


def _description(hint: Any) -> str | None:
    if get_origin(hint) is Annotated:
        return next((m for m in get_args(hint)[1:] if isinstance(m, str)), None)
    return None


@functools.cache
def _schema_of(shape: Any) -> type[Schema]:
    fields: dict[str, Any] = {
        name: (_shape(hint), Field(..., description=_description(hint)))
        for name, hint in get_type_hints(shape, include_extras=True).items()
    }
    return create_model(f"{shape.__name__}Out", __base__=Schema, __doc__=shape.__doc__, **fields)


def _summary(key: str) -> str:
    """A measure's title: the first sentence of its function's docstring (``**1. Time to
    first response.**``), else its key."""
    function = measures.compute_functions()[key]
    first = (function.__doc__ or "").strip().split("**")
    return first[1].strip(" .") if len(first) > 1 else key.replace("_", " ")


def _metric_set() -> type[Schema]:
    """Every measure the dashboard shows, each as its result type says: a new ``Measure`` or
    metric appears here without a hand copy."""
    fields: dict[str, Any] = {
        key: (_shape(hint), Field(..., description=_summary(key)))
        for key, hint in measures.result_types().items()
    }
    return create_model("MetricSetOut", __base__=Schema, **fields)


if TYPE_CHECKING:
    MetricSetOut = Schema
else:
    MetricSetOut = _metric_set()


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
