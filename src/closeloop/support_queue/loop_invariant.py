"""The promise invariant, checked: every item that is not resolved or closed has a next
deadline someone owns — a first response still due (new), else a promised update time — and
its owner (if it has one) can still act on it.

``closeloop check-loops`` lists every open item that breaks it; the sweep gives an item with no
deadline one (``deadlines.item_repair_loop``) and alerts the supervisors.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from closeloop.practices.models import StaffProfile
from closeloop.support_queue.models import OPEN_STATUSES, SupportItem

#: Open items with no next deadline: answered (so no first response is due) and no promise.
NO_DEADLINE = Q(
    status__in=OPEN_STATUSES, promised_update_at__isnull=True, first_response_at__isnull=False
)


@dataclass(frozen=True)
class LoopBreak:
    item_id: int
    practice: str
    status: str
    problem: str


def _owner_serves() -> Exists:
    through = StaffProfile.practices.through
    return Exists(
        through.objects.filter(
            staffprofile__user_id=OuterRef("owner_id"),
            staffprofile__user__is_active=True,
            practice_id=OuterRef("practice_id"),
        )
    )


def loop_breaks(items: QuerySet[SupportItem]) -> Iterator[LoopBreak]:
    """Every open item among ``items`` that breaks the invariant, and how."""
    checks = [
        (NO_DEADLINE, "no next deadline: answered, and no promised update time"),
        (
            Q(status__in=OPEN_STATUSES, owner__isnull=False) & ~Q(_owner_serves()),
            "its owner is inactive or no longer serves the practice",
        ),
    ]
    for condition, problem in checks:
        broken = items.filter(condition).select_related("practice").order_by("pk")
        for item in broken.only("pk", "status", "practice__slug"):
            yield LoopBreak(item.pk, item.practice.slug, item.status, problem)
