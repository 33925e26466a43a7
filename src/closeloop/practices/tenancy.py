"""The tenant filter. Every read of practice data goes through ``for_user``.

A user sees a practice only when their staff profile says they serve it (or a supervisor's
emergency grant opened it for a few hours). No profile, an inactive
account or an anonymous user sees nothing: the filter fails closed, superusers included (they
administer the installation through the admin site, not the queue).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

from django.apps import apps
from django.db import models
from django.utils import timezone

from closeloop.core.types import User, Viewer

if TYPE_CHECKING:
    from closeloop.practices.models import EmergencyAccess, StaffProfile

_QS = TypeVar("_QS", bound="TenantQuerySet")
_M = TypeVar("_M", bound=models.Model)

# Why the app registry rather than an import: ``practices/models.py`` imports this module for
# ``TenantQuerySet`` (every tenant model's manager), so importing the models here would be a
# cycle; the filter finds the staff and grant tables by name when it runs, typed as they are.


def _staff_profiles() -> type[StaffProfile]:
    return cast("type[StaffProfile]", apps.get_model("practices", "StaffProfile"))


def _emergency_grants() -> type[EmergencyAccess]:
    return cast("type[EmergencyAccess]", apps.get_model("practices", "EmergencyAccess"))


#: Set on a user object by API token authentication when the token is limited to some practices.
PRACTICE_LIMIT_ATTR = "closeloop_practice_limit"


def _served_and_opened(user: User, limit: list[int] | None) -> set[int]:
    """The ids of the practices ``user`` serves and those a supervisor's emergency ("break
    glass") grant opened to them for now (granted in ``closeloop.security.breakglass``; they
    end by themselves), in one query. An API token limited to some practices (``limit``)
    narrows this further, never widens it."""
    served = _staff_profiles().practices.through.objects.filter(
        staffprofile__user_id=user.pk, staffprofile__user__is_active=True
    )
    grants = _emergency_grants().objects.active(timezone.now())
    grants = grants.filter(user_id=user.pk, user__is_active=True)
    if limit is not None:
        served = served.filter(practice_id__in=limit)
        grants = grants.filter(practice_id__in=limit)
    either = served.values_list("practice_id", flat=True).union(
        grants.values_list("practice_id", flat=True)
    )
    return set(either)


#: (user, the token's practice limit): the key of a remembered answer.
_Key = tuple[int, tuple[int, ...] | None]

#: Within one web request the answer is remembered (``request_scope``); elsewhere (worker,
#: commands, tests) every call asks the database.
_per_request: contextvars.ContextVar[dict[_Key, list[int]] | None] = contextvars.ContextVar(
    "closeloop_tenancy", default=None
)


@contextmanager
def request_scope() -> Iterator[None]:
    token = _per_request.set({})
    try:
        yield
    finally:
        _per_request.reset(token)


def practice_ids(user: User) -> list[int]:
    """The practices ``user`` may see now (served, or opened by an emergency grant), as a
    list of ids: one small query. The filter then compares ``practice_id`` with literal
    values, which both planners match to the (practice, …) indexes; with the same condition
    as a subquery (it joins the staff tables) SQLite estimated it badly and scanned all items.
    """
    limit: list[int] | None = getattr(user, PRACTICE_LIMIT_ATTR, None)
    key: _Key = (user.pk, tuple(limit) if limit is not None else None)
    cache = _per_request.get()
    if cache is not None and key in cache:
        return cache[key]
    ids = sorted(_served_and_opened(user, limit))
    if cache is not None:
        cache[key] = ids
    return ids


class TenantQuerySet(models.QuerySet[_M]):
    #: The lookup path from this model to its practice's id.
    tenant_field: ClassVar[str] = "practice_id"

    def for_user(self: _QS, user: Viewer) -> _QS:
        # No one, a visitor not signed in, an inactive account: nothing (fails closed).
        if not isinstance(user, User) or not user.is_active:
            return self.none()
        return self.filter(**{f"{self.tenant_field}__in": practice_ids(user)})

    def for_practice(self: _QS, practice: models.Model) -> _QS:
        return self.filter(**{self.tenant_field: practice.pk})
