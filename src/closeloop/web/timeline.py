"""Readable timeline entries from stored codes and old/new values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import TextChoices
from django.utils.dateformat import format as date_format

from closeloop.practices.choices import Team, Urgency
from closeloop.support_queue.models import (
    Channel,
    ContactOutcome,
    Direction,
    EventCode,
    Status,
    TimelineEvent,
    WaitingOn,
    contacted_again,
)
from closeloop.triage.services import readable_reasons

FIELD_LABELS = {
    "status": "Status",
    "owner": "Owner",
    "team": "Team",
    "checking": "What we are checking",
    "next_step": "Next step",
    "promised_update_at": "Update promised by",
    "first_response_at": "First response",
    "waiting_on": "Waiting on",
    "outcome": "Outcome",
    "escalation_reason": "Reason",
    "channel": "Channel",
    "urgency": "Urgency",
    "category": "Category",
    "due": "Was due",
    "resolution_due_at": "Resolution due",
    "after_hours_reason": "After hours is fine, because",
    "step": "Step",
    "content_type": "Kind",
}
#: Notes: a new value only (nothing was there before).
NOTES = {"due", "after_hours_reason", "step", "content_type"}
DATETIME_FIELDS = {"promised_update_at", "first_response_at", "due", "resolution_due_at"}
CHOICES: dict[str, type[TextChoices]] = {
    "status": Status,
    "team": Team,
    "waiting_on": WaitingOn,
    "channel": Channel,
    "urgency": Urgency,
}


@dataclass
class Entry:
    at: datetime
    who: str
    what: str
    lines: list[str]
    text: str
    code: str


def _label(choices: type[TextChoices], value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _value(field: str, value: Any, names: dict[Any, str], tz: ZoneInfo) -> str:
    if value in (None, ""):
        return "—"
    if field == "category":
        return names.get(value, str(value))
    if field in CHOICES:
        return _label(CHOICES[field], value)
    if field == "owner":
        return names.get(value, f"user {value}")
    if field in DATETIME_FIELDS:
        return date_format(datetime.fromisoformat(value).astimezone(tz), "D M j, g:i A T")
    return str(value)


def _contact_line(contact: dict[str, Any]) -> str:
    parts = [
        _label(Direction, contact.get("direction")),
        _label(Channel, contact.get("channel")).lower(),
        _label(ContactOutcome, contact.get("outcome")).lower(),
    ]
    line = " · ".join(parts)
    return line + (" · next step given" if contact.get("gave_next_step") else "")


def _attempt_line(attempt: dict[str, Any]) -> str:
    """What came of a call that did not reach the patient: "Attempt 2 · phone · no answer"."""
    parts = [
        f"Attempt {attempt.get('number', '?')}",
        _label(Channel, attempt.get("channel")).lower(),
        _label(ContactOutcome, attempt.get("outcome")).lower(),
    ]
    return " · ".join(parts)


#: After the attempts were used up (one event, "Call attempts used up", when the last attempt's
#: deadline passed), what was done next, each its own event: not the same words again.
REACHED_OUT = {
    "text": "“We tried to reach you” text sent",
    "letter": "A letter is owed: no text may go to this patient",
}


def _what(event: TimelineEvent) -> str:
    if event.code == EventCode.ATTEMPTS_EXHAUSTED and "due" not in event.changes:
        how = event.changes.get("reached_out_by", {}).get("new")
        return REACHED_OUT.get(how, "Handed to the supervisors: the patient was not reached")
    if event.code == EventCode.REPEAT_CONTACT:
        # The contact as it came: "The patient called again.", "… texted again."
        return contacted_again(event.changes.get("contact", {}).get("new", {}).get("channel", ""))
    return _label(EventCode, event.code)


def describe(
    events: Iterable[TimelineEvent], tz: ZoneInfo, *, categories: dict[str, str] | None = None
) -> list[Entry]:
    """Entries for display; ``categories`` maps category codes to the practice's names."""
    events = list(events)
    owner_ids = {
        value
        for event in events
        for side in ("old", "new")
        if (value := event.changes.get("owner", {}).get(side)) is not None
    }
    names: dict[Any, str] = {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model().objects.filter(pk__in=owner_ids)
    }
    names.update(categories or {})
    entries = []
    for event in events:
        lines = []
        for field, change in event.changes.items():
            if field == "contact":
                lines.append(_contact_line(change["new"]))
            elif field == "attempt":
                lines.append(_attempt_line(change["new"]))
            elif field == "suggestion" and (reasons := (change["new"] or {}).get("reasons")):
                # What triage read, beside what was chosen: the words that raised a red flag.
                read = readable_reasons(reasons, categories or {})
                lines.append("Triage read: " + "; ".join(read))
            elif field in FIELD_LABELS:
                old = _value(field, change.get("old"), names, tz)
                new = _value(field, change.get("new"), names, tz)
                if event.code == EventCode.CREATED or field in NOTES:
                    lines.append(f"{FIELD_LABELS[field]}: {new}")
                else:
                    lines.append(f"{FIELD_LABELS[field]}: {old} → {new}")
        actor = event.actor
        entries.append(
            Entry(
                at=event.at,
                who=(actor.get_full_name() or actor.get_username()) if actor else "System",
                what=_what(event),
                lines=lines,
                text=event.text,
                code=event.code,
            )
        )
    return entries
