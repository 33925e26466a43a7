"""Routing and automatic assignment.

Route: a red flag or a clinical category goes to the clinical team; otherwise a practice's
channel override, else the category's own team and skill (complaints: supervisors).
Urgent symptoms go to whoever answers them now (``emergency``), never to the team queue.
Assign: among staff the one rule of every door lets take it
(``support_queue.eligibility``: serves the
practice, not away, on duty, on that team with the skill, under their cap on open items and
open complaints), one who speaks the item's language first, then the one with the fewest open
items (round robin among ties: whoever was assigned longest ago). Load comes before language:
the language is preferred only among people under their cap, so a bilingual colleague takes
the patients who speak it until their cap and never past it while someone else is under
theirs. Nobody under cap who speaks it: the least loaded all the same, and the item says
"interpreter needed". Nobody eligible: the item waits, unassigned, in the team's queue
(supervisors see it). Urgent symptoms (no cap applies) follow the same order: a responder
under their cap first, the language among them, then the least loaded.

Concurrent assignments are serialised per practice by locking its staff profiles, so two
workers or web requests can never push a person past a cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from closeloop.core.languages import language_name
from closeloop.core.types import Actor
from closeloop.practices import config
from closeloop.practices.choices import Team
from closeloop.practices.models import ChannelRoute, StaffProfile
from closeloop.support_queue import eligibility, lifecycle
from closeloop.support_queue.models import SupportItem
from closeloop.triage.emergency import responders


@dataclass(frozen=True)
class Route:
    team: str
    skill: str
    why: str


def route_for(item: SupportItem) -> Route:
    category = item.category
    if item.red_flag:
        return Route(Team.CLINICAL, "", "red flag: urgent symptoms go to the clinical team")
    if item.is_clinical:
        skill = category.default_skill if category.is_clinical else ""
        return Route(Team.CLINICAL, skill, f"category {category.code} is clinical")
    routes = channel_routes(item.practice)
    # A category-specific route wins over a channel-wide one.
    for key in ((item.channel, category.pk), (item.channel, None)):
        if key in routes:
            team, skill = routes[key]
            return Route(team, skill, f"channel {item.channel} is routed to {team}")
    return Route(category.default_team, category.default_skill, f"category {category.code}")


def handback_team(item: SupportItem) -> str:
    """The team an item goes back to (or with) when it changes hands: bulk reassign, the
    shift handoff, deactivation. The routing rule, so a hand-back lands where routing would
    have put it."""
    return route_for(item).team


def channel_routes(practice: Any) -> dict[tuple[str, int | None], tuple[str, str]]:
    """The practice's overrides: (channel, category id or None) → (team, skill)."""
    return config.cached(
        practice,
        "channel_routes",
        lambda: {
            (route.channel, route.category_id): (route.team, route.skill)
            for route in ChannelRoute.objects.filter(practice=practice).order_by("pk")
        },
    )


def emergency_owner(item: SupportItem, profiles: list[StaffProfile]) -> tuple[Any, str]:
    """Urgent symptoms: one of the people who answer them now (``emergency.responders``),
    whatever their load or language — one under their cap first (the cap does not refuse
    urgent symptoms, but a responder over it does not take them while a colleague is under
    theirs), among them one who speaks the patient's language, else the least loaded, and
    the item notes that an interpreter is needed."""
    found = responders(item.practice)
    ids = {u.pk for u in found.users}
    # Only clinical staff own urgent symptoms: when no clinician answers (the supervisors were
    # paged instead), the item waits in the clinical queue, its deadline running.
    candidates = [
        p
        for p in profiles
        if p.user_id in ids
        and eligibility.receiver_refusal(p.user, item, team=Team.CLINICAL, serves=True) is None
    ]
    if not candidates:
        return None, "nobody at this practice can answer urgent symptoms; left in the team queue"
    loads = eligibility.open_loads([p.user_id for p in candidates])
    epoch = timezone.now().replace(year=1970, month=1, day=1)
    chosen = min(
        candidates,
        key=lambda p: (
            loads.get(p.user_id, (0, 0))[0] >= p.max_open_items,
            not p.speaks(item.language),
            loads.get(p.user_id, (0, 0))[0],
            p.last_assigned_at or epoch,
            p.pk,
        ),
    )
    why = (
        f"urgent symptoms, {found.why.lower()}: assigned to {eligibility.person_name(chosen.user)}"
    )
    if not chosen.speaks(item.language):
        why += f"; interpreter needed: {language_name(item.language)}"
    return chosen.user, why


def choose_owner(item: SupportItem, route: Route, profiles: list[StaffProfile]) -> tuple[Any, str]:
    """The person to assign, or None, and why (for the timeline): among those the one rule
    lets take it now (``eligibility.receiver_refusal``, on duty, under their cap), one who
    speaks the patient's language first, then the least loaded (round robin among ties). One
    who does not speak it takes it when nobody who does can: the item says "interpreter
    needed" rather than waiting."""
    if item.red_flag:
        return emergency_owner(item, profiles)
    loads = eligibility.open_loads([p.user_id for p in profiles])
    eligible: list[StaffProfile] = []
    refusals: list[eligibility.Refusal] = []
    for p in profiles:
        refused = eligibility.receiver_refusal(
            p.user,
            item,
            team=route.team,
            skill=route.skill,
            on_duty=True,
            load=eligibility.load_besides(item, p.user_id, loads),
            serves=True,
        )
        if refused is None:
            eligible.append(p)
        else:
            refusals.append(refused)
    if not eligible:
        capped = any(r.code == "over_cap" for r in refusals)
        return None, (
            f"everyone eligible on the {route.team} team is at their cap; left in the team queue"
            if capped
            else f"nobody on duty on the {route.team} team"
            + (f" with the {route.skill} skill" if route.skill else "")
            + "; left in the team queue"
        )
    epoch = timezone.now().replace(year=1970, month=1, day=1)
    chosen = min(
        eligible,
        key=lambda p: (
            not p.speaks(item.language),
            loads.get(p.user_id, (0, 0))[0],
            p.last_assigned_at or epoch,
            p.pk,
        ),
    )
    open_items = loads.get(chosen.user_id, (0, 0))[0]
    if not chosen.speaks(item.language):
        language = f"interpreter needed: {language_name(item.language)}, "
    else:
        language = f"speaks {language_name(item.language)}, " if item.language != "en" else ""
    return (
        chosen.user,
        f"assigned to {eligibility.person_name(chosen.user)}: {language}{open_items} open items",
    )


def assignment_for(item: SupportItem) -> lifecycle.Assignment:
    """Route the item and choose the least-loaded eligible person (or the team queue); the
    item may not be stored yet (intake routes a new item before writing it)."""
    route = route_for(item)
    # Lock the practice's staff profiles (in id order, so concurrent callers never deadlock):
    # loads are counted and the choice made while no other assignment can slip in.
    profiles = list(
        StaffProfile.objects.select_for_update()
        .filter(practices=item.practice_id)
        .select_related("user")
        .order_by("pk")
    )
    owner, why = choose_owner(item, route, profiles)
    return lifecycle.Assignment(
        owner=owner, team=route.team, reason=f"routed to {route.team}: {route.why}; {why}"
    )


def assigned(owner: Actor) -> None:
    """Round robin among equally loaded people: ``owner`` was assigned last, now."""
    if owner is not None:
        StaffProfile.objects.filter(user=owner).update(last_assigned_at=timezone.now())


@transaction.atomic
def auto_assign(*, item: SupportItem, actor: Actor = None) -> SupportItem:
    """Route the item and give it to the least-loaded eligible person (or the team queue)."""
    chosen = assignment_for(item)
    item = lifecycle.item_assign(
        item=item, actor=actor, owner=chosen.owner, team=chosen.team, reason=chosen.reason
    )
    assigned(chosen.owner)
    return item
