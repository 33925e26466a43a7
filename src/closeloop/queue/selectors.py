"""Reads of the support queue. Every one starts from the tenant filter ``for_user``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from closeloop.queue.models import SupportItem, TimelineEvent


def queue_for_user(user: Any, *, practice_id: int | None = None) -> QuerySet[SupportItem]:
    """The items ``user`` may see, soonest deadline first (promise, else first-response target)."""
    items = SupportItem.objects.for_user(user)
    if practice_id is not None:
        items = items.filter(practice_id=practice_id)
    return (
        items.select_related("practice", "patient", "category", "owner")
        .annotate(due_at=Coalesce("promised_update_at", "first_response_due_at"))
        .order_by(F("due_at").asc(nulls_last=True), "id")
    )


def get_item_for_user(user: Any, pk: int) -> SupportItem:
    """The item, or ``SupportItem.DoesNotExist`` when it does not exist *or* is not the user's."""
    return (
        SupportItem.objects.for_user(user)
        .select_related("practice", "patient", "category", "owner")
        .get(pk=pk)
    )


def timeline_for_item(item: SupportItem) -> QuerySet[TimelineEvent]:
    return item.events.select_related("actor").order_by("at", "id")


def items_due_before(moment: datetime | None = None) -> QuerySet[SupportItem]:
    """Open items whose promised update time has passed (uses the partial index on open items)."""
    return SupportItem.objects.open().filter(promised_update_at__lte=moment or timezone.now())


def suggest_update_time(item: SupportItem, now: datetime | None = None) -> datetime:
    """The update time to offer the patient, from the category's interval and the calendar."""
    return item.practice.calendar().suggest_update_time(
        now or timezone.now(), item.category.update_interval
    )
