"""May this person receive this item? The one rule for every door that hands work to someone.

``lifecycle.item_assign`` asks it of every named owner, so the item page's and the API's
assign (the action registry), bulk reassign, the shift handoff, absence cover and automatic
routing all refuse the same receiver with the same sentence. Pickers ask it too
(``receivers``), to list who may take the item and say why the others may not.

The first reason in a fixed order: serves the practice, active, not away, on duty (where the
door asks: routing and the shift's suggestions), on the team (with the skill, where the route
names one), clinical items to clinical staff, under the cap on open items (and on open
complaints for a complaint). Urgent symptoms go to whoever answers them whatever their load,
so their cap does not apply.

The patient's language is not a reason: a receiver who does not speak it gets the item, and
the item says "interpreter needed" (``SupportItem.interpreter_needed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from closeloop.core.history import is_history
from closeloop.core.types import Actor, User
from closeloop.practices.choices import Team
from closeloop.practices.models import StaffProfile
from closeloop.practices.selectors import staff_for_practice, staff_profile, user_serves
from closeloop.security.permissions import Perm, has_perm
from closeloop.support_queue.models import COMPLAINT, OPEN_STATUSES, SupportItem


@dataclass(frozen=True)
class Refusal:
    #: Stable, for the API and the timeline: ``owner_not_eligible``, ``owner_away``,
    #: ``owner_off_duty``, ``over_cap``.
    code: str
    #: Who was refused (their name, never their login) and why: "is away until Fri Nov 20.".
    name: str
    why: str

    @property
    def message(self) -> str:
        return f"{self.name} {self.why}"


def person_name(user: Actor) -> str:
    return str(user.get_full_name() or user.get_username()) if user is not None else "Nobody"


def not_serving(person: Actor) -> Refusal:
    return Refusal("owner_not_eligible", person_name(person), "does not serve this practice.")


def away(person: User, profile: StaffProfile, zone: tzinfo) -> Refusal:
    until = f" until {profile.away_until.astimezone(zone):%a %b %-d}" if profile.away_until else ""
    return Refusal("owner_away", person_name(person), f"is away{until}: choose someone else.")


def _open() -> Q:
    """Items open now; while history is written (``core.history``: a backfill, the demo's past
    weeks on a moved clock), items open at that moment of the past — today's open items did not
    weigh on a colleague weeks ago, and the items of then that were resolved since did."""
    if not is_history():
        return Q(status__in=OPEN_STATUSES)
    then = timezone.now()
    return Q(first_contact_at__lte=then) & (Q(status__in=OPEN_STATUSES) | Q(resolved_at__gt=then))


def open_loads(user_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Open items and open complaints per owner, in one query."""
    rows = (
        SupportItem.objects.filter(_open(), owner_id__in=user_ids)
        .values("owner_id")
        .annotate(items=Count("id"), complaints=Count("id", filter=COMPLAINT))
    )
    return {row["owner_id"]: (row["items"], row["complaints"]) for row in rows}


def load_besides(
    item: SupportItem, user_id: int, loads: dict[int, tuple[int, int]]
) -> tuple[int, int]:
    """From ``open_loads``: the person's load without ``item`` when they hold it already."""
    items, complaints = loads.get(user_id, (0, 0))
    if item.pk is not None and item.owner_id == user_id and item.is_open:
        return items - 1, complaints - int(item.is_complaint)
    return items, complaints


def _load(person: User, item: SupportItem) -> tuple[int, int]:
    """``person``'s open items and complaints besides ``item`` (reassigning it to its owner
    adds nothing)."""
    mine = SupportItem.objects.filter(_open(), owner=person)
    if item.pk is not None:
        mine = mine.exclude(pk=item.pk)
    counts = mine.aggregate(items=Count("id"), complaints=Count("id", filter=COMPLAINT))
    return counts["items"], counts["complaints"]


def at_cap(person: User, profile: StaffProfile) -> Refusal:
    return Refusal(
        "over_cap", person_name(person), f"is at their cap of {profile.max_open_items} open items."
    )


def standing(person: User, load: int, zone: tzinfo) -> Refusal | None:
    """What keeps ``person`` from taking any item, whatever it is (the bulk picker, before the
    items are judged one by one): away, or at their cap with ``load`` open items."""
    profile = person.staff
    if profile.is_away:
        return away(person, profile, zone)
    if load >= profile.max_open_items:
        return at_cap(person, profile)
    return None


def receiver_refusal(
    person: Actor,
    item: SupportItem,
    *,
    team: str | None = None,
    skill: str = "",
    on_duty: bool = False,
    load: tuple[int, int] | None = None,
    serves: bool | None = None,
) -> Refusal | None:
    """Why ``person`` may not receive ``item`` (on ``team``, default the item's), or None.
    ``on_duty``: the door needs them on shift now. ``load``: their open items and complaints
    besides this one, and ``serves``, when the caller read them for many people at once."""
    name = person_name(person)
    profile = staff_profile(person) if person is not None else None
    if serves is None:
        serves = user_serves(person, item.practice_id)
    if person is None or profile is None or (person.is_active and not serves):
        return not_serving(person)
    if not person.is_active:
        return Refusal("owner_not_eligible", name, "no longer has an account here.")
    if profile.is_away:
        return away(person, profile, item.practice.calendar().tz)
    if on_duty and not profile.available:
        return Refusal("owner_off_duty", name, "is off duty.")
    team = team or item.team
    if not profile.on_team(team):
        label = Team(team).label.lower()
        return Refusal("owner_not_eligible", name, f"is not on the {label} team.")
    if skill and not profile.has_skill(skill):
        return Refusal("owner_not_eligible", name, f"does not have the {skill} skill.")
    if item.is_clinical and not has_perm(person, Perm.CLINICAL_DETAILS):
        return Refusal("owner_not_eligible", name, "is not clinical staff.")
    if not item.red_flag:
        items, complaints = load if load is not None else _load(person, item)
        if items >= profile.max_open_items:
            return at_cap(person, profile)
        if item.is_complaint and complaints >= profile.max_open_complaints:
            return Refusal(
                "over_cap",
                name,
                f"is at their cap of {profile.max_open_complaints} open complaints.",
            )
    return None


@dataclass(frozen=True)
class Receiver:
    user: User
    #: None: they may take the item.
    refusal: Refusal | None
    open_items: int
    cap: int


def receivers(
    item: SupportItem,
    *,
    team: str | None = None,
    exclude: Actor = None,
    people: list[User] | None = None,
) -> list[Receiver]:
    """Everyone serving the item's practice (``people``, when the caller already read them with
    their profiles), each with why they may not take it (None when they may): what the pickers
    show. Loads are counted once for all of them."""
    serving = staff_for_practice(item.practice) if people is None else people
    people = [u for u in serving if u != exclude]
    loads = open_loads([u.pk for u in people])
    found = []
    for user in people:
        items, complaints = load_besides(item, user.pk, loads)
        refusal = receiver_refusal(user, item, team=team, load=(items, complaints), serves=True)
        found.append(Receiver(user, refusal, items, user.staff.max_open_items))
    return found


def stranger(item: SupportItem, user_id: Any) -> Refusal | None:
    """A colleague of the item's organization named as receiver who does not serve its
    practice: the same refusal as every door gives (not "no such person")."""
    if user_id is None:
        return None
    person = (
        get_user_model()
        .objects.filter(pk=user_id, staff__organization_id=item.practice.organization_id)
        .first()
    )
    return not_serving(person) if person is not None else None
