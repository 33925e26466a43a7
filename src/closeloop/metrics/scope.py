"""Who may see the metrics, and the scope a request asks for (web page and API alike)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from closeloop.core.types import Viewer
from closeloop.lib import dates
from closeloop.lib.ids import parse_id
from closeloop.metrics.definitions import Scope
from closeloop.practices.choices import Channel, Team
from closeloop.practices.models import Category, Practice
from closeloop.security.permissions import Perm, has_perm

MAX_DAYS = 366
DEFAULT_DAYS = 30


class ScopeError(ValueError):
    """A request for metrics that cannot be answered; the message names the parameter."""


def can_view_reports(user: Viewer) -> bool:
    return has_perm(user, Perm.REPORTS)


def report_practices(user: Viewer) -> list[Practice]:
    if not can_view_reports(user):
        return []
    return list(Practice.objects.for_user(user).order_by("name"))


def _date(params: Any, name: str, default: date) -> date:
    text = (params.get(name) or "").strip()
    if not text:
        return default
    try:
        return dates.parse_day(text)
    except ValueError as exc:
        raise ScopeError(f"{name}: {exc}") from None


@dataclass(frozen=True)
class ScopeRequest:
    scope: Scope
    practice: Practice | None  # None: all the user's practices


def scope_from(user: Viewer, params: Any) -> ScopeRequest:
    """The scope of ``params`` (practice, start, end, team, owner, category, channel,
    language) for ``user``; ``Practice.DoesNotExist`` for a practice they cannot see,
    ``ScopeError`` for a bad parameter."""
    practices = report_practices(user)
    if not practices:
        raise Practice.DoesNotExist
    slug = (params.get("practice") or "").strip()
    practice = None
    if slug:
        practice = next((p for p in practices if p.slug == slug), None)
        if practice is None:
            raise Practice.DoesNotExist
    chosen = [practice] if practice else practices
    today = timezone.localdate(timezone=ZoneInfo(chosen[0].timezone))
    end = _date(params, "end", today - timedelta(days=1))
    start = _date(params, "start", end - timedelta(days=DEFAULT_DAYS - 1))
    if start > end:
        raise ScopeError("start: the first day must not be after the last (end)")
    if (end - start).days + 1 > MAX_DAYS:
        raise ScopeError(f"end: choose at most {MAX_DAYS} days")
    filters: dict[str, Any] = {}
    team = (params.get("team") or "").strip()
    if team:
        if team not in Team.values:
            raise ScopeError(f"team: one of {', '.join(Team.values)}")
        filters["team"] = team
    channel = (params.get("channel") or "").strip()
    if channel:
        if channel not in Channel.values:
            raise ScopeError(f"channel: one of {', '.join(Channel.values)}")
        filters["channel"] = channel
    category = (params.get("category") or "").strip()
    if category:
        if not Category.objects.filter(practice__in=chosen, code=category).exists():
            raise ScopeError(f"category: no category {category[:40]!r} in these practices")
        filters["category"] = category
    language = (params.get("language") or "").strip().lower()
    if language:
        if not (language.isalpha() and 2 <= len(language) <= 3):
            raise ScopeError("language: an ISO 639 code such as en or es")
        filters["language"] = language
    owner = (params.get("owner") or "").strip()
    if owner:
        owner_id = parse_id(owner)
        people = get_user_model().objects.filter(staff__practices__in=chosen)
        if owner_id is None or not people.filter(pk=owner_id).exists():
            raise ScopeError("owner: not a staff member of these practices")
        filters["owner_id"] = owner_id
    return ScopeRequest(Scope.of(chosen, start, end, **filters), practice)
