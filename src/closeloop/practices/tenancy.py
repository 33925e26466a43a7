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
from typing import Any, ClassVar, TypeVar

from django.apps import apps
from django.db import models
from django.utils import timezone

_QS = TypeVar("_QS", bound="TenantQuerySet[Any]")
_M = TypeVar("_M", bound=models.Model)


def _model(name: str) -> Any:
    """A model of this app by name: ``models.py`` imports this module for ``TenantQuerySet``,
    so the filter finds the staff and grant tables through the app registry at query time."""
    return apps.get_model("practices", name)


#: Set on a user object by API token authentication when the token is limited to some practices.
PRACTICE_LIMIT_ATTR = "closeloop_practice_limit"


def served_practices_subquery(user: Any) -> models.QuerySet[Any]:
    """The ids of the practices ``user`` serves, as a subquery (no extra round trip).

    An API token limited to some practices narrows this further, never widens it.
    """
    through = _model("StaffProfile").practices.through
    served = through.objects.filter(
        staffprofile__user_id=user.pk, staffprofile__user__is_active=True
    )
    limit = getattr(user, PRACTICE_LIMIT_ATTR, None)
    if limit is not None:
        served = served.filter(practice_id__in=limit)
    return served.values("practice_id")


def emergency_practices_subquery(user: Any) -> models.QuerySet[Any]:
    """Practices opened to ``user`` for now by a supervisor's emergency ("break glass")
    grant; they end by themselves (granted in ``closeloop.security.breakglass``)."""
    grants = (
        _model("EmergencyAccess")
        .objects.active(timezone.now())
        .filter(user_id=user.pk, user__is_active=True)
    )
    limit = getattr(user, PRACTICE_LIMIT_ATTR, None)
    if limit is not None:
        grants = grants.filter(practice_id__in=limit)
    return grants.values("practice_id")


#: Within one web request the answer is remembered (``request_scope``); elsewhere (worker,
#: commands, tests) every call asks the database.
_per_request: contextvars.ContextVar[dict[Any, list[int]] | None] = contextvars.ContextVar(
    "closeloop_tenancy", default=None
)


@contextmanager
def request_scope() -> Iterator[None]:
    token = _per_request.set({})
    try:
        yield
    finally:
        _per_request.reset(token)


def practice_ids(user: Any) -> list[int]:
    """The practices ``user`` may see now (served, or opened by an emergency grant), as a
    list of ids: one small query. The filter then compares ``practice_id`` with literal
    values, which both planners match to the (practice, …) indexes; with the same condition
    as a subquery (it joins the staff tables) SQLite estimated it badly and scanned all items.
    """
    limit = getattr(user, PRACTICE_LIMIT_ATTR, None)
    key = (user.pk, tuple(limit) if limit is not None else None)
    cache = _per_request.get()
    if cache is not None and key in cache:
        return cache[key]
    served = served_practices_subquery(user).union(emergency_practices_subquery(user))
    ids = sorted({row["practice_id"] for row in served})
    if cache is not None:
        cache[key] = ids
    return ids


class TenantQuerySet(models.QuerySet[_M]):
    #: The lookup path from this model to its practice's id.
    tenant_field: ClassVar[str] = "practice_id"

    def for_user(self: _QS, user: Any) -> _QS:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(**{f"{self.tenant_field}__in": practice_ids(user)})

    def for_practice(self: _QS, practice: Any) -> _QS:
        return self.filter(**{self.tenant_field: practice.pk})
