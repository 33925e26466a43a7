"""Requests to a named colleague about an item ("can you confirm the refill was sent?"), and
@mentions in notes.

A request has its own deadline, kept like a promise: the person asked is reminded when it
comes due, and the practice's supervisors are alerted when it is still unanswered after the
practice's grace period (in business time). Answering notifies the asker. A clinical item's
requests go only to clinical staff. Everything is on the item's timeline.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from closeloop.core.types import Actor, User
from closeloop.practices.choices import Team
from closeloop.practices.selectors import staff_for_practice, staff_profile
from closeloop.support_queue.alerts import notify, supervisors_of
from closeloop.support_queue.eligibility import person_name
from closeloop.support_queue.item_writes import Change, LifecycleError, locked, record_event
from closeloop.support_queue.models import AlertKind, ColleagueRequest, EventCode, SupportItem

#: ``@maria`` or ``@maria.garcia`` in a note.
MENTION = re.compile(r"(?<![\w@])@([\w.\-]{2,150})")


#: An answer is asked for within this much business time (the form's default)...
ANSWER_WITHIN = timedelta(hours=2)
#: ... and never sooner than this (a browser refuses a time already past as it submits).
ANSWER_AT_LEAST = timedelta(minutes=15)


def default_due(item: SupportItem, now: datetime | None = None) -> datetime:
    """When to ask for the answer by: within ``ANSWER_WITHIN`` of business time, and before
    the patient's promise when that comes sooner (the answer is what we tell them), on a
    quarter hour, at least ``ANSWER_AT_LEAST`` ahead."""
    now = now or timezone.now()
    due = item.practice.calendar().add(now, ANSWER_WITHIN)
    if item.promised_update_at is not None:
        due = min(due, item.promised_update_at)
    due = max(due, now + ANSWER_AT_LEAST)
    due = due.replace(second=0, microsecond=0)
    return due + timedelta(minutes=-due.minute % 15)


def _standing(user: User, profile: Any, item: SupportItem) -> str:
    """Why a colleague who serves the practice may not be asked (or ""); no query."""
    if item.is_clinical and not profile.on_team(Team.CLINICAL):
        return "Requests about a clinical item go to clinical staff only."
    if profile.is_away:
        return f"{person_name(user)} is away: ask someone else."
    return ""


def askable(people: list[User], item: SupportItem) -> list[User]:
    """Of ``people`` serving the item's practice (read with their profiles), those who may be
    asked about it: the picker lists only them."""
    return [user for user in people if not _standing(user, user.staff, item)]


def may_be_asked(user: User, item: SupportItem) -> str:
    """Why ``user`` cannot be asked about ``item`` (or ""): they must serve its practice and be
    present, and a clinical item's requests go to clinical staff only."""
    profile = staff_profile(user)
    name = person_name(user)
    if profile is None or not user.is_active:
        return f"{name} is not active staff."
    if not staff_for_practice(item.practice).filter(pk=user.pk).exists():
        return f"{name} does not serve this practice."
    return _standing(user, profile, item)


@transaction.atomic
def request_ask(
    *, item: SupportItem, actor: User, colleague: User, text: str, due_at: datetime
) -> SupportItem:
    now = timezone.now()
    item = locked(item, actor)
    if not item.is_open:
        raise LifecycleError("not_open", "Requests are for open items.")
    if colleague.pk == actor.pk:
        raise LifecycleError("ask_yourself", "Ask a colleague, not yourself.")
    if refused := may_be_asked(colleague, item):
        raise LifecycleError("colleague_not_eligible", refused)
    question = (text or "").strip()
    if not question:
        raise LifecycleError("missing_field", "Write what you are asking.", missing=["text"])
    if due_at <= now:
        raise LifecycleError("promise_in_past", "The answer is due in the future.")
    grace = timedelta(minutes=item.practice.promise_grace_minutes)
    request = ColleagueRequest.objects.create(
        item=item,
        practice=item.practice,
        asked_by=actor,
        asked_to=colleague,
        text=question,
        due_at=due_at,
        escalate_at=item.practice.calendar().add(due_at, grace),
    )
    change = Change(item)
    change.note("request", {"id": request.pk, "to": colleague.pk, "due": due_at.isoformat()})
    item = change.save(code=EventCode.REQUEST_ASKED, actor=actor, now=now, text=question)
    notify([colleague], item, AlertKind.REQUEST, sender=actor)
    return item


@transaction.atomic
def request_answer(*, item: SupportItem, actor: User, answer: str) -> SupportItem:
    """Answer the oldest open request to ``actor`` on this item; the asker is notified."""
    now = timezone.now()
    item = locked(item, actor)
    request = (
        ColleagueRequest.objects.select_for_update()
        .filter(item=item, asked_to=actor, answered_at__isnull=True)
        .order_by("created_at", "pk")
        .first()
    )
    if request is None:
        raise LifecycleError("no_request", "Nobody is waiting for an answer from you here.")
    reply = (answer or "").strip()
    if not reply:
        raise LifecycleError("missing_field", "Write the answer.", missing=["answer"])
    request.answered_at = now
    request.answer = reply
    request.save(update_fields=["answered_at", "answer"])
    change = Change(item)
    change.note("request", {"id": request.pk, "asked_by": request.asked_by_id})
    item = change.save(code=EventCode.REQUEST_ANSWERED, actor=actor, now=now, text=reply)
    notify([request.asked_by], item, AlertKind.REQUEST_ANSWERED, sender=actor)
    return item


def open_requests(item: SupportItem) -> list[ColleagueRequest]:
    return list(
        ColleagueRequest.objects.filter(item=item, answered_at__isnull=True)
        .select_related("asked_by", "asked_to")
        .order_by("due_at")
    )


def answers_due(user: User, item_ids: list[int]) -> dict[int, datetime]:
    """When ``user`` owes an answer on each of these items (the soonest of their open
    requests there): what "Asked of me" shows instead of the patient's promise."""
    rows = (
        ColleagueRequest.objects.filter(
            asked_to=user, answered_at__isnull=True, item_id__in=item_ids
        )
        .order_by("-due_at")
        .values_list("item_id", "due_at")
    )
    return dict(rows)


def mentioned(text: str, item: SupportItem, actor: Actor) -> list[User]:
    """The colleagues a note mentions (``@username``) who may read this item."""
    names = {match.lower() for match in MENTION.findall(text or "")}
    if not names:
        return []
    users = get_user_model().objects.filter(username__in=names).select_related("staff")
    return [
        user
        for user in users
        if (actor is None or user.pk != actor.pk)
        and staff_profile(user) is not None
        and staff_for_practice(item.practice).filter(pk=user.pk).exists()
        and (not item.is_clinical or user.staff.on_team(Team.CLINICAL))
    ]


def notify_mentions(item: SupportItem, actor: Actor, text: str) -> None:
    people = mentioned(text, item, actor)
    if people:
        notify(people, item, AlertKind.MENTION, sender=actor)


def requests_due(now: datetime | None = None) -> int:
    """The sweep: remind the person asked when a request comes due; alert the supervisors when
    it is still unanswered after the grace. Each once (the conditional update is the claim)."""
    now = now or timezone.now()
    reminded = _once_each("due_at", "reminded_at", now, _remind)
    return reminded + _once_each("escalate_at", "escalated_at", now, _escalate)


def _once_each(when: str, done: str, now: datetime, act: Callable[[int, datetime], None]) -> int:
    """``act`` on each unanswered request whose ``when`` has come and ``done`` is not set, once:
    setting ``done`` by a conditional update is the claim (two sweeps never both act)."""
    unset = {f"{done}__isnull": True}
    due = ColleagueRequest.objects.filter(
        answered_at__isnull=True, **unset, **{f"{when}__lte": now}
    )
    handled = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            if ColleagueRequest.objects.filter(pk=pk, **unset).update(**{done: now}):
                act(pk, now)
                handled += 1
    return handled


def _remind(pk: int, now: datetime) -> None:
    request = ColleagueRequest.objects.select_related("item", "asked_to").get(pk=pk)
    notify([request.asked_to], request.item, AlertKind.REQUEST_DUE)


def _escalate(pk: int, now: datetime) -> None:
    request = ColleagueRequest.objects.select_related(
        "item__practice", "item__category", "asked_by", "asked_to"
    ).get(pk=pk)
    item = SupportItem.objects.select_for_update().get(pk=request.item_id)
    item.version += 1
    item.save(update_fields=["version"])
    record_event(
        item,
        code=EventCode.REQUEST_ESCALATED,
        actor=None,
        now=now,
        changes={
            "request": {"old": None, "new": {"id": pk, "to": request.asked_to_id}},
        },
    )
    notify(
        [*supervisors_of(request.item.practice), request.asked_by],
        request.item,
        AlertKind.REQUEST_ESCALATED,
    )
