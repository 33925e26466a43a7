"""The tenant filter. Every read of practice data goes through ``for_user``.

A user sees a practice only when their staff profile says they serve it. No profile, an inactive
account or an anonymous user sees nothing: the filter fails closed, superusers included (they
administer the installation through the admin site, not the queue).
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.db import models

_QS = TypeVar("_QS", bound="TenantQuerySet[Any]")
_M = TypeVar("_M", bound=models.Model)


#: Set on a user object by API token authentication when the token is limited to some practices.
PRACTICE_LIMIT_ATTR = "closeloop_practice_limit"


def served_practices_subquery(user: Any) -> models.QuerySet[Any]:
    """The ids of the practices ``user`` serves, as a subquery (no extra round trip).

    An API token limited to some practices narrows this further, never widens it.
    """
    from closeloop.practices.models import StaffProfile

    through = StaffProfile.practices.through
    served = through.objects.filter(
        staffprofile__user_id=user.pk, staffprofile__user__is_active=True
    )
    limit = getattr(user, PRACTICE_LIMIT_ATTR, None)
    if limit is not None:
        served = served.filter(practice_id__in=limit)
    return served.values("practice_id")


def emergency_practices_subquery(user: Any) -> models.QuerySet[Any]:
    """Practices opened to ``user`` for now by a supervisor's emergency ("break glass")
    grant; they end by themselves (see ``closeloop.security.breakglass``)."""
    from django.utils import timezone

    from closeloop.security.models import EmergencyAccess

    grants = EmergencyAccess.objects.active(timezone.now()).filter(
        user_id=user.pk, user__is_active=True
    )
    limit = getattr(user, PRACTICE_LIMIT_ATTR, None)
    if limit is not None:
        grants = grants.filter(practice_id__in=limit)
    return grants.values("practice_id")


class TenantQuerySet(models.QuerySet[_M]):
    #: The lookup path from this model to its practice's id.
    tenant_field: ClassVar[str] = "practice_id"

    def for_user(self: _QS, user: Any) -> _QS:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        field = f"{self.tenant_field}__in"
        return self.filter(
            models.Q(**{field: served_practices_subquery(user)})
            | models.Q(**{field: emergency_practices_subquery(user)})
        )

    def for_practice(self: _QS, practice: Any) -> _QS:
        return self.filter(**{self.tenant_field: practice.pk})
