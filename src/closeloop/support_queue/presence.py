"""Who has an item open now. Each open item page asks every ``POLL_SECONDS`` (htmx), which
both records that the page is still open and lists the others; no extra server, one small
table. A page that is left says so as it goes (``left``: a request sent on ``pagehide``); one
not heard from for ``PRESENCE_SECONDS`` (two polls missed: a browser that crashed, a lost
network) is closed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from closeloop.core.types import User
from closeloop.support_queue.models import ItemPresence, SupportItem

POLL_SECONDS = 5
PRESENCE_SECONDS = 12
#: Rows older than this are removed when the item is next opened, and by the daily sweep.
FORGET_AFTER = timedelta(hours=1)


def seen(item: SupportItem, user: User) -> list[User]:
    """Record that ``user`` has ``item`` open now; the others who have it open, by name."""
    now = timezone.now()
    ItemPresence.objects.update_or_create(item=item, user=user, defaults={"seen_at": now})
    ItemPresence.objects.filter(item=item, seen_at__lt=now - FORGET_AFTER).delete()
    recent = ItemPresence.objects.filter(
        item=item, seen_at__gte=now - timedelta(seconds=PRESENCE_SECONDS)
    ).exclude(user=user)
    return list(
        get_user_model()
        .objects.filter(pk__in=recent.values("user_id"))
        .order_by("first_name", "last_name", "username")
    )


def left(item: SupportItem, user: User) -> None:
    """``user`` closed (or navigated away from) their page of ``item``."""
    ItemPresence.objects.filter(item=item, user=user).delete()


def forget_stale(now: Any = None) -> int:
    """Remove presence rows of pages long closed (the daily sweep)."""
    cutoff = (now or timezone.now()) - FORGET_AFTER
    return ItemPresence.objects.filter(seen_at__lt=cutoff).delete()[0]
