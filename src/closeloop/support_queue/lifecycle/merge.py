"""The same need filed twice: merging one item into the other."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from closeloop.core.types import Actor
from closeloop.support_queue.item_writes import (
    Change,
    LifecycleError,
    locked,
    require_open,
    set_promise,
)
from closeloop.support_queue.models import (
    EventCode,
    Status,
    SupportItem,
)


@transaction.atomic
def item_merge(*, item: SupportItem, actor: Actor, into: SupportItem) -> SupportItem:
    """The same need filed twice: ``item`` joins ``into`` and is closed as merged.

    Both rows stay (timelines are append-only): ``into``'s timeline shows the merged item's
    events beside its own, counts the duplicate as a repeat contact, and both timelines say
    what happened. Returns ``into``.
    """
    now = timezone.now()
    if item.pk == into.pk:
        raise LifecycleError("bad_merge", "An item cannot be merged into itself.")
    # Both rows locked, in id order, so two opposite merges cannot deadlock.
    first, second = sorted((item, into), key=lambda i: i.pk)
    rows = {i.pk: i for i in (locked(first, actor), locked(second, actor))}
    item, into = rows[item.pk], rows[into.pk]
    require_open(item)
    require_open(into)
    if item.patient_id is None or item.patient_id != into.patient_id:
        raise LifecycleError("bad_merge", "Only two items of the same patient can be merged.")
    change = Change(item)
    # Closed from any open status: the one way an open item closes without being resolved.
    change.set("status", Status.CLOSED)
    change.set("closed_at", now)
    change.set("merged_into", into)
    change.set("outcome", f"Merged into #{into.pk}")
    set_promise(change, item, None)
    change.set("handoff_due_at", None)
    change.set("next_attempt_due_at", None)
    change.save(code=EventCode.MERGED, actor=actor, now=now)
    target = Change(into)
    target.set("repeat_contact_count", into.repeat_contact_count + item.repeat_contact_count + 1)
    latest = max(
        filter(None, [into.last_patient_contact_at, item.last_patient_contact_at]), default=None
    )
    target.set("last_patient_contact_at", latest)
    target.note("merged", item.pk)
    return target.save(code=EventCode.MERGED, actor=actor, now=now)
