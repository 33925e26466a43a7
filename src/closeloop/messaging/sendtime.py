"""Send-time checks: a message queued minutes or hours ago is judged again right before it
leaves — on its first send, on every retry, and when the sweep re-drives a lease a dead worker
left (all of them go through ``services.deliver``, which runs ``judge``).

``SEND_TIME_CHECKS`` is the one list. Each check takes the message (its item and practice
loaded) and the time, and answers ``None`` (it may go), ``Hold(until, …)`` (not now: it waits
and is judged again then) or ``Cancel(code, …)`` (never: cancelled, the reason on the item's
timeline and in the outbox, the owner told while the item is open). The first answer that is
not ``None`` decides, so the checks that cancel come before the one that only holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from closeloop.messaging.consent import may_contact
from closeloop.messaging.guardrails import review_blocked
from closeloop.messaging.models import (
    CancelReason,
    ConsentChannel,
    MessagePurpose,
    OutboundMessage,
)
from closeloop.practices.models import Practice
from closeloop.support_queue.models import (
    OPEN_STATUSES,
    EventCode,
    SupportItem,
    TimelineEvent,
    Urgency,
)


@dataclass(frozen=True)
class Hold:
    """Not now: the message waits until ``until`` and is judged again then."""

    until: datetime
    code: str
    reason: str


@dataclass(frozen=True)
class Cancel:
    """Never: the message is cancelled. ``code`` is stable (``CancelReason``); ``reason`` is
    the timeline's line for staff."""

    code: str
    reason: str


Verdict = Hold | Cancel | None
Check = Callable[[OutboundMessage, datetime], Verdict]


# --- quiet hours ---------------------------------------------------------------------------------


def quiet_until(practice: Practice, now: datetime) -> datetime | None:
    """The end of the practice's quiet window (in its time zone) when ``now`` is inside it,
    else None."""
    zone = practice.calendar().tz
    local = now.astimezone(zone)
    start, end = practice.sms_quiet_start, practice.sms_quiet_end
    clock = local.time()
    inside = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not inside:
        return None
    release = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if release <= local:
        release += timedelta(days=1)
    return release


def quiet_hours_end(
    practice: Practice, *, channel: str, purpose: str, urgency: str, at: datetime
) -> datetime | None:
    """When a message sent at ``at`` must wait until, or None. Quiet hours hold texts and
    emails alike (a phone shows both at night); the emergency notice, and messages about an item
    of emergency urgency, are never held."""
    if purpose == MessagePurpose.EMERGENCY or urgency == Urgency.EMERGENCY:
        return None
    return quiet_until(practice, at)


def outside_quiet_hours(message: OutboundMessage, now: datetime) -> Verdict:
    until = quiet_hours_end(
        message.practice,
        channel=message.channel,
        purpose=message.purpose,
        urgency=message.item.urgency,
        at=now,
    )
    if until is None:
        return None
    return Hold(until, "quiet_hours", "Held for the practice's quiet hours.")


# --- consent -------------------------------------------------------------------------------------


def consent_given(message: OutboundMessage, now: datetime) -> Verdict:
    if may_contact(message.practice, message.channel, message.to):
        return None
    what = ConsentChannel(message.channel).label.lower()
    return Cancel(
        CancelReason.CONSENT_WITHDRAWN,
        f"Not sent: the patient opted out of {what} after it was written.",
    )


# --- the item is still in the state the text was written for -------------------------------------

#: Purposes written about an item that is resolved (or closed) and stay true only while it is.
ABOUT_A_RESOLUTION = frozenset({MessagePurpose.CLOSURE_QUESTION})
#: Purposes whose text states the update time: the time is the item's new promise when
#: written, and the text is true only while that time is still the promise.
QUOTES_UPDATE_TIME = frozenset(
    {
        MessagePurpose.RECEIVED,
        MessagePurpose.CHECKING,
        MessagePurpose.PENDING_UPDATE,
        MessagePurpose.MISSED_CALL,
        MessagePurpose.MISSED_CALL_CLOSED,
        MessagePurpose.VISIT_CALLBACK,
    }
)


def _since(message: OutboundMessage) -> list[TimelineEvent]:
    """What happened to the item after the message was written (nothing known for messages
    written before versions were recorded on them)."""
    if message.item_version is None:
        return []
    return list(
        TimelineEvent.objects.filter(
            item_id=message.item_id, version__gt=message.item_version
        ).only("code", "changes")
    )


def _cancel(code: str, why: str) -> Cancel:
    return Cancel(code, f"Not sent: {why}.")


def still_true(message: OutboundMessage, now: datetime) -> Verdict:
    """The item is still in the state that made the text true. The emergency notice is never
    withdrawn (it says call 911 whatever became of the item). A review request is not
    withdrawn because the item reopened: a reopen most often means the patient is unhappy, and
    asking only the others is review gating; it is withdrawn only by the guardrails that read
    state (clinical, an open complaint)."""
    item: SupportItem = message.item
    purpose = message.purpose
    if purpose == MessagePurpose.EMERGENCY:
        return None
    if item.merged_into_id is not None:
        into = item.merged_into_id
        return _cancel(CancelReason.ITEM_MERGED, f"the request was merged into #{into}")
    if purpose == MessagePurpose.REVIEW_REQUEST:
        blocked = review_blocked(item)
        return _cancel(blocked, CancelReason(blocked).label.lower()) if blocked else None
    since = _since(message)
    written_open = (message.item_status or OPEN_STATUSES[0]) in OPEN_STATUSES
    if purpose in ABOUT_A_RESOLUTION or not written_open:
        return _still_resolved(item, since)
    if purpose == MessagePurpose.CLOSURE:
        return _next_step_still_true(since)
    return _still_open(message, item, since, now)


def _reopened(since: list[TimelineEvent]) -> bool:
    return any(event.code == EventCode.REOPENED for event in since)


def _still_resolved(item: SupportItem, since: list[TimelineEvent]) -> Verdict:
    """A text written about a resolved item (the closing question, a staff note after it)."""
    if item.is_open or _reopened(since):
        return _cancel(CancelReason.ITEM_REOPENED, "the request was reopened since")
    return None


def _next_step_still_true(since: list[TimelineEvent]) -> Verdict:
    """A closure text states the next step, and the item is resolved after it: still true
    unless the item reopened or the next step changed since."""
    if _reopened(since):
        return _cancel(CancelReason.ITEM_REOPENED, "the request was reopened since")
    if any("next_step" in event.changes for event in since):
        return _cancel(CancelReason.NEXT_STEP_CHANGED, "the next step it states changed")
    return None


def _still_open(
    message: OutboundMessage, item: SupportItem, since: list[TimelineEvent], now: datetime
) -> Verdict:
    """A text about an open item ("we received", an update, "we tried to reach you", staff's
    own): cancelled once the item was resolved; one that states the update time, once that time
    is no longer the promise or has passed."""
    if not item.is_open or any(event.code == EventCode.RESOLVED for event in since):
        return _cancel(CancelReason.ITEM_RESOLVED, "the request was resolved before it left")
    promised = message.promised_update_at
    if message.purpose not in QUOTES_UPDATE_TIME or promised is None:
        return None
    if item.promised_update_at != promised:
        return _cancel(
            CancelReason.PROMISE_CHANGED, "the update time it states is no longer the promise"
        )
    if promised <= now:
        return _cancel(CancelReason.PROMISE_PASSED, "the update time it states has passed")
    return None


# --- freshness -----------------------------------------------------------------------------------


def max_age(message: OutboundMessage) -> timedelta | None:
    """How old a message of this purpose may be when it leaves: the practice's limit (default
    48 hours) for every purpose but the emergency notice, which is never too late to say
    "call 911". (A text that states an update time is also stale once that time has passed:
    ``still_true``.)"""
    if message.purpose == MessagePurpose.EMERGENCY:
        return None
    return timedelta(hours=message.practice.message_fresh_hours)


def still_fresh(message: OutboundMessage, now: datetime) -> Verdict:
    limit = max_age(message)
    if limit is None or now - message.created_at <= limit:
        return None
    hours = int(limit.total_seconds() // 3600)
    return _cancel(
        CancelReason.STALE,
        f"it was written more than {hours} hours ago (the practice's limit for messages)",
    )


#: Every check a message passes right before it leaves, in order. The checks that cancel come
#: before those that hold (no point holding till morning what is cancelled then). A new check
#: (the patient's language, for one) joins this list; nothing else needs to change.
SEND_TIME_CHECKS: tuple[Check, ...] = (
    consent_given,
    still_true,
    still_fresh,
    outside_quiet_hours,
)


def judge(message: OutboundMessage, now: datetime) -> Verdict:
    """The first check that stops the message, or None: it may go now."""
    for check in SEND_TIME_CHECKS:
        verdict = check(message, now)
        if verdict is not None:
            return verdict
    return None
