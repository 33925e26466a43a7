"""Claiming rows of outbound work (webhook deliveries, messages; alert and report emails use
the same lease) so exactly one worker acts.

A row is *due* when it waits in its pending state and its time has come, or when a worker
claimed it (state "sending") longer ago than the lease and so must have died. Claiming is a
conditional update: the worker whose update changes the row owns it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Model, Q

SENDING = "sending"


def lease() -> timedelta:
    """A claim older than this belongs to a dead worker; another may take the row over
    (``OUTBOUND_LEASE_SECONDS``; every send times out well before it)."""
    return timedelta(seconds=getattr(settings, "OUTBOUND_LEASE_SECONDS", 120))


def redrive_after() -> timedelta:
    """Work never claimed this long after it was queued lost its task: the sweep sends it
    (``OUTBOUND_REDRIVE_AFTER_SECONDS``)."""
    return timedelta(seconds=getattr(settings, "OUTBOUND_REDRIVE_AFTER_SECONDS", 120))


def due(*, pending: str, time_field: str, now: datetime) -> Q:
    return Q(state=pending, **{f"{time_field}__lte": now}) | Q(
        state=SENDING, claimed_at__lt=now - lease()
    )


def claim(model: type[Model], pk: int, *, pending: str, time_field: str, now: datetime) -> bool:
    manager: Any = model._default_manager
    updated = manager.filter(due(pending=pending, time_field=time_field, now=now), pk=pk).update(
        state=SENDING, claimed_at=now
    )
    return bool(updated)


def released_and_due(model: type[Model], *, held: str, pending: str, now: datetime) -> list[int]:
    """Rows held until a time (``send_after``: quiet hours) that has come go back to
    ``pending``; then the ids of every row due now (``due``: pending and its time come, or
    claimed under a lease that ran out). The sweep sends each (messages, visit outreach)."""
    manager: Any = model._default_manager
    manager.filter(state=held, send_after__lte=now).update(state=pending)
    due_now = due(pending=pending, time_field="send_after", now=now)
    return list(manager.filter(due_now).values_list("pk", flat=True))
