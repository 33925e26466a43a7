"""The sign-in backend: Django's own, with the signed-in person read together with their staff
profile and organization."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from closeloop.core.types import User


class StaffModelBackend(ModelBackend):
    """``ModelBackend`` (passwords, permissions, inactive users refused) whose ``get_user`` —
    run on every signed-in request — reads the user, their staff profile and its organization
    in one query: every page needs all three (roles and tenancy from the profile, the
    two-factor policy from the organization), which were two more queries per page."""

    def get_user(self, user_id: int) -> User | None:
        model = get_user_model()
        try:
            user = model._default_manager.select_related("staff__organization").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
