"""One team across shifts: my shift (hand over, on duty, away, back) and the team now."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from closeloop.core.types import User, Viewer
from closeloop.lib import dates
from closeloop.lib.ids import parse_id
from closeloop.practices.models import Practice
from closeloop.practices.selectors import home_practice, staff_profile
from closeloop.security.permissions import Perm, has_perm
from closeloop.team import absence, shifts
from closeloop.web.http import HtmxHttpRequest, acting_user


def _zone(user: Viewer) -> ZoneInfo:
    """The clock a person's own pages use: their first practice's."""
    practice = home_practice(user)
    return ZoneInfo(practice.timezone if practice else "UTC")


def colleagues_of(user: User) -> list[User]:
    """Active staff who serve one of the practices ``user`` serves, ``user`` excluded."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, staff__practices__in=Practice.objects.for_user(user))
        .exclude(pk=user.pk)
        .select_related("staff")
        .distinct()
        .order_by("first_name", "username")
    )


@login_required
@require_GET
def shift(request: HtmxHttpRequest) -> HttpResponse:
    return _shift_page(request)


def _shift_page(request: HtmxHttpRequest, status: int = 200, posted: Any = None) -> HttpResponse:
    user = acting_user(request)
    if not has_perm(user, Perm.WORK_QUEUE):
        raise PermissionDenied("Your role does not work the queue.")
    profile = staff_profile(user)
    away = absence.current_absence(user)
    back = absence.last_return(user)
    zone = _zone(user)
    colleagues = colleagues_of(user)
    with timezone.override(zone):
        return render(
            request,
            "web/shift.html",
            {
                "rows": shifts.with_receivers(shifts.shift_items(user), colleagues),
                "colleagues": [c for c in colleagues if not c.staff.is_away],
                "profile": profile,
                "away": away,
                "covered": absence.covered_items(back) if back else [],
                "back": back,
                "zone": zone,
                "posted": posted or {},
            },
            status=status,
        )


@login_required
@require_POST
def shift_handover(request: HtmxHttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not has_perm(user, Perm.WORK_QUEUE):
        raise PermissionDenied("Your role does not work the queue.")
    people = {str(c.pk): c for c in colleagues_of(user)}
    handovers = []
    for raw in request.POST.getlist("item"):
        pk = parse_id(raw)
        if pk is None:
            continue
        to = request.POST.get(f"to-{pk}", "")
        if to and to not in people:
            messages.error(request, f"#{pk}: choose someone who serves the practice.")
            return redirect("shift")
        handovers.append(
            shifts.Handover(pk, people.get(to), request.POST.get(f"note-{pk}", "")[:500])
        )
    if not handovers:
        messages.error(request, "Tick the items to hand over.")
        return redirect("shift")
    result = shifts.hand_over(
        actor=user,
        handovers=handovers,
        note_for_all=request.POST.get("note_all", "")[:500],
        go_off_duty=bool(request.POST.get("off_duty")),
    )
    if result.moved:
        messages.success(request, f"Handed over {len(result.moved)} item(s).")
    for pk, why in result.refused:
        messages.error(request, f"#{pk} not handed over: {why}")
    return redirect("shift")


@login_required
@require_POST
def shift_duty(request: HtmxHttpRequest) -> HttpResponse:
    user = acting_user(request)
    on = request.POST.get("on_duty") == "1"
    if on and staff_profile(user) and staff_profile(user).is_away:  # type: ignore[union-attr]
        messages.error(request, "You are marked away: say you are back first.")
        return redirect("shift")
    shifts.set_on_duty(user, on)
    messages.success(request, "You are on duty." if on else "You are off duty: no new items.")
    return redirect("shift")


@login_required
@require_POST
def shift_away(request: HtmxHttpRequest) -> HttpResponse:
    """Mark oneself away (or, for supervisors, a colleague: ``user``)."""
    actor = acting_user(request)
    zone = _zone(actor)
    target_id = parse_id(request.POST.get("user", "")) or actor.pk
    people = {c.pk: c for c in colleagues_of(actor)}
    target = actor if target_id == actor.pk else people.get(target_id)
    if target is None:
        return _refused(request, "Choose someone who serves your practices.", team_page=True)
    cover = people.get(parse_id(request.POST.get("cover", "")) or -1)
    try:
        starts = _local(request, "starts_at", "From", zone) or timezone.now()
        absence.absence_create(
            actor=actor,
            user=target,
            starts_at=starts,
            ends_at=_local(request, "ends_at", "Until", zone),
            cover=cover,
            note=request.POST.get("note", "")[:300],
        )
    except absence.AbsenceError as refused:
        return _refused(request, refused.message, team_page=target != actor)
    who = "You are" if target == actor else f"{target.get_full_name() or target.username} is"
    messages.success(request, f"{who} marked away.")
    return redirect("shift" if target == actor else "team")


def _refused(request: HtmxHttpRequest, message: str, *, team_page: bool) -> HttpResponse:
    """The page the form was on again, with the reason and what was typed (422): nothing was
    stored."""
    messages.error(request, message)
    if team_page and has_perm(request.user, Perm.MANAGE_TEAM):
        return _team_page(request, status=422, posted=request.POST)
    return _shift_page(request, status=422, posted=request.POST)


def _local(request: HtmxHttpRequest, name: str, label: str, zone: ZoneInfo) -> datetime | None:
    """A typed local time, None when left empty; ``AbsenceError`` naming a bad one."""
    text = request.POST.get(name, "").strip()
    if not text:
        return None
    try:
        return dates.parse_local(text, zone)
    except ValueError as exc:
        raise absence.AbsenceError(f"{label}: {exc}") from None


@login_required
@require_POST
def shift_back(request: HtmxHttpRequest) -> HttpResponse:
    user = acting_user(request)
    away = absence.current_absence(user)
    if away is not None:
        covered = absence.absence_return(away)
        messages.success(
            request, f"Welcome back. {len(covered)} item(s) were covered while you were away."
        )
    return redirect("shift")


@login_required
@require_GET
def team(request: HtmxHttpRequest) -> HttpResponse:
    return _team_page(request)


def _team_page(request: HtmxHttpRequest, status: int = 200, posted: Any = None) -> HttpResponse:
    user = acting_user(request)
    if not has_perm(user, Perm.MANAGE_TEAM):
        raise PermissionDenied("The team page is for supervisors and admins.")
    zone = _zone(user)
    with timezone.override(zone):
        return render(
            request,
            "web/team.html",
            {
                "people": shifts.team_now(user),
                "colleagues": colleagues_of(user),
                "posted": posted or {},
            },
            status=status,
        )
