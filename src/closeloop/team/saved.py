"""Saved queue views: a person's own, and those shared with their organization's team."""

from __future__ import annotations

from django.db.models import Q

from closeloop.core.types import Viewer
from closeloop.practices.selectors import staff_profile
from closeloop.team.models import SavedView

#: Filters a view keeps (the queue's own query parameters).
VIEW_PARAMS = ("tab", "practice", "category", "status", "channel", "language", "owner")


def saved_views_for(user: Viewer) -> list[SavedView]:
    profile = staff_profile(user)
    if profile is None:
        return []
    return list(
        SavedView.objects.filter(
            Q(owner=user) | Q(shared=True, organization_id=profile.organization_id)
        ).select_related("owner")
    )
