"""Reads about practices and staff."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from closeloop.core.types import User, Viewer
from closeloop.practices import tenancy
from closeloop.practices.choices import Role
from closeloop.practices.models import Practice, StaffProfile


def staff_profile(user: Viewer) -> StaffProfile | None:
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    try:
        profile: StaffProfile = user.staff
    except StaffProfile.DoesNotExist:
        return None
    return profile


def user_serves(user: Viewer, practice_id: int) -> bool:
    """The tenant filter's answer for one practice (no query of its own within a request:
    the practices a person serves are read once per request, see ``tenancy.practice_ids``)."""
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return False
    return practice_id in tenancy.practice_ids(user)


def staff_for_practice(practice: Practice) -> QuerySet[User]:
    """Active logins serving ``practice``, with their profiles."""
    return (
        get_user_model()
        .objects.filter(is_active=True, staff__practices=practice)
        .select_related("staff")
        .order_by("first_name", "username")
    )


def organization_admins(organization_id: int) -> list[User]:
    """Active organization admins of an organization, with their profiles."""
    people = (
        get_user_model()
        .objects.filter(is_active=True, staff__organization_id=organization_id)
        .select_related("staff")
        .order_by("pk")
    )
    return [user for user in people if user.staff.has_role(Role.ORG_ADMIN)]


def home_practice(user: Viewer) -> Practice | None:
    """The practice whose clock a person's own pages use (their shift, alerts about their
    account, the page after a password reset): the first they serve, else their
    organization's first (an organization admin serving none)."""
    practice = Practice.objects.for_user(user).order_by("pk").first()
    profile = staff_profile(user)
    if practice is None and profile is not None:
        practice = (
            Practice.objects.filter(organization_id=profile.organization_id).order_by("pk").first()
        )
    return practice
