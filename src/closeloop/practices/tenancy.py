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


def served_practices_subquery(user: Any) -> models.QuerySet[Any]:
    """The ids of the practices ``user`` serves, as a subquery (no extra round trip)."""
    from closeloop.practices.models import StaffProfile

    through = StaffProfile.practices.through
    return through.objects.filter(
        staffprofile__user_id=user.pk, staffprofile__user__is_active=True
    ).values("practice_id")


class TenantQuerySet(models.QuerySet[_M]):
    #: The lookup path from this model to its practice's id.
    tenant_field: ClassVar[str] = "practice_id"

    def for_user(self: _QS, user: Any) -> _QS:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(**{f"{self.tenant_field}__in": served_practices_subquery(user)})

    def for_practice(self: _QS, practice: Any) -> _QS:
        return self.filter(**{self.tenant_field: practice.pk})
