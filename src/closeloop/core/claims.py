"""Claiming rows of outbound work (webhook deliveries, messages) so exactly one worker acts.

A row is *due* when it waits in its pending state and its time has come, or when a worker
claimed it (state "sending") longer ago than the lease and so must have died. Claiming is a
conditional update: the worker whose update changes the row owns it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Model, Q

#: A claim older than this belongs to a dead worker; another may take the row over.
CLAIM_LEASE = timedelta(minutes=2)
SENDING = "sending"


def due(*, pending: str, time_field: str, now: datetime) -> Q:
    return Q(state=pending, **{f"{time_field}__lte": now}) | Q(
        state=SENDING, claimed_at__lt=now - CLAIM_LEASE
    )


def claim(model: type[Model], pk: int, *, pending: str, time_field: str, now: datetime) -> bool:
    manager: Any = model._default_manager
    updated = manager.filter(due(pending=pending, time_field=time_field, now=now), pk=pk).update(
        state=SENDING, claimed_at=now
    )
    return bool(updated)
