"""Triage at intake: suggest, file, alert on red flags, route and assign — for every channel."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from closeloop.core.types import Actor
from closeloop.lib.classify import Suggestion, classify
from closeloop.practices.choices import Urgency
from closeloop.practices.models import Category, Practice, StaffProfile
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import SupportItem
from closeloop.triage.emergency import alert_responders
from closeloop.triage.routing import assigned, assignment_for, auto_assign

UNSORTED_CATEGORY = "other"


def suggest(*texts: str, language: str | None = None) -> Suggestion:
    return classify("\n".join(t for t in texts if t), language=language)


def urgency_for(suggestion: Suggestion, *, chosen: str | None, category_given: bool) -> str | None:
    """The one urgency rule for every door. Urgent symptoms make an emergency, whatever was
    chosen; otherwise what staff (or an API client) chose stands; a category triage picked
    brings triage's urgency; a category somebody chose brings its own default (``None``)."""
    if suggestion.red_flag:
        return Urgency.EMERGENCY
    if chosen:
        return chosen
    return None if category_given else suggestion.urgency


_RED_FLAG_REASON = re.compile(r"^red flag (\w+): (.*)$")
_CATEGORY_REASON = re.compile(r"^(\w+)(?: \(\d+\))?: (.*)$")


def readable_reasons(reasons: Iterable[str], category_names: dict[str, str]) -> list[str]:
    """Triage's reasons (the words or model scores that decided) as staff read them, without
    internal codes ("urgent symptoms, chest pain: 'duele el pecho'", not "red flag
    chest_pain: …"): at intake, and on the timeline where the suggestion is kept."""
    readable = []
    for reason in reasons:
        if match := _RED_FLAG_REASON.match(reason):
            readable.append(f"urgent symptoms, {match[1].replace('_', ' ')}: {match[2]}")
        elif (match := _CATEGORY_REASON.match(reason)) and match[1] in category_names:
            readable.append(f"{category_names[match[1]]}: {match[2]}")
        else:
            readable.append(reason)
    return readable


def readable(suggestion: Suggestion, category_names: dict[str, str]) -> dict[str, Any]:
    """The suggestion as staff read it: the practice's category names, urgency and language
    labels, and ``readable_reasons``."""
    return {
        "category": category_names.get(suggestion.category, suggestion.category),
        "urgency": Urgency(suggestion.urgency).label,
        "language": LANGUAGE_NAMES.get(suggestion.language, suggestion.language.upper()),
        "reasons": readable_reasons(suggestion.reasons, category_names),
        "red_flag": suggestion.red_flag,
    }


#: Languages triage tells apart.
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


def suggested_category(practice: Practice, suggestion: Suggestion) -> Category:
    """The practice's active category for the suggested code, else "Other (needs sorting)"."""
    categories = Category.objects.for_practice(practice).active()
    return (
        categories.filter(code=suggestion.category).first()
        or categories.filter(code=UNSORTED_CATEGORY).first()
        or Category.objects.for_practice(practice).get(code=UNSORTED_CATEGORY)
    )


def routed_at_intake(
    item: SupportItem, *, actor: Actor, taking: StaffProfile | None
) -> lifecycle.Assignment:
    """Who a new item (not yet stored, without urgent symptoms) goes to: the person logging
    it when they take it and are on its team, else routing's least-loaded eligible person."""
    if actor is not None and taking is not None and taking.on_team(item.team):
        return lifecycle.Assignment(owner=actor, team=item.team, reason="logged the contact")
    chosen = assignment_for(item)
    assigned(chosen.owner)
    return chosen


def after_intake(item: SupportItem, *, actor: Actor = None) -> SupportItem:
    """A new item's first minute: whoever answers urgent symptoms now is alerted (a red flag),
    then routing and assignment."""
    if item.red_flag:
        found = alert_responders(item)
        # Whoever logged it and took it (a clinician on the line) keeps it; otherwise one of
        # the people answering urgent symptoms now owns it, not someone off duty.
        answering = {u.pk for u in found.users} | ({actor.pk} if actor is not None else set())
        if item.owner_id not in answering:
            item = auto_assign(item=item, actor=actor)
        return item
    if item.owner_id is None:
        item = auto_assign(item=item, actor=actor)
    return item


def flag_repeat_contact(
    item: SupportItem, suggestion: Suggestion, *, actor: Actor = None
) -> SupportItem:
    """A repeat contact that reports urgent symptoms turns the item into a clinical emergency."""
    if not suggestion.red_flag or item.red_flag:
        return item
    item = lifecycle.item_flag_red(item=item, actor=actor, groups=suggestion.red_flag_groups)
    return after_intake(item, actor=actor)
