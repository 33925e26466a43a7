"""Reads about practices and staff."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from closeloop.practices.models import Practice, StaffProfile


def staff_profile(user: Any) -> StaffProfile | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        profile: StaffProfile = user.staff
    except StaffProfile.DoesNotExist:
        return None
    return profile


def user_serves(user: Any, practice_id: int) -> bool:
    return Practice.objects.for_user(user).filter(pk=practice_id).exists()


def staff_for_practice(practice: Practice) -> QuerySet[Any]:
    """Active logins serving ``practice``, with their profiles."""
    return (
        get_user_model()
        .objects.filter(is_active=True, staff__practices=practice)
        .select_related("staff")
        .order_by("first_name", "username")
    )
