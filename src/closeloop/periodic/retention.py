"""Data retention: closed items' free text is purged after the organization's retention
period. What stays: the item's codes, dates, owner and category (the metrics), and the audit
log. What goes: what the patient said and what staff wrote (summaries, notes, timeline text,
message bodies, raw inbound payloads, the pictures and files patients sent). Each purge is
audited."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models, transaction
from django.db.models import Q

from closeloop.intake.attachments import files_purge
from closeloop.intake.models import InboundMessage
from closeloop.messaging.models import OutboundMessage
from closeloop.practices.models import Organization
from closeloop.security import audit
from closeloop.security.models import AuditAction
from closeloop.support_queue.models import Status, SupportItem, TimelineEvent

PURGED = "[removed after the retention period]"
BATCH = 500


def _expired(now: datetime) -> Q:
    condition = Q(pk__in=[])
    for org in Organization.objects.exclude(retention_days=None):
        cutoff = now - timedelta(days=org.retention_days or 0)
        condition |= Q(practice__organization=org, closed_at__lt=cutoff)
    return condition


def purge_expired(now: datetime) -> int:
    """Purge one batch of expired closed items (the sweep calls this every minute, so a
    large backlog drains in batches without long transactions). Returns the items purged."""
    ids = list(
        SupportItem.objects.filter(_expired(now), status=Status.CLOSED, purged_at__isnull=True)
        .order_by()
        .values_list("pk", flat=True)[:BATCH]
    )
    if not ids:
        return 0
    with transaction.atomic():
        SupportItem.objects.filter(pk__in=ids).update(
            summary=PURGED,
            details="",
            checking="",
            next_step="",
            outcome="",
            escalation_reason="",
            caller_name="",
            purged_at=now,
        )
        # The timeline is append-only for the application; retention is the one sanctioned
        # exception, and only for free text (codes, times and actors stay).
        models.QuerySet(TimelineEvent).filter(item_id__in=ids).exclude(text="").update(text="")
        OutboundMessage.objects.filter(item_id__in=ids).update(body=PURGED, subject="")
        InboundMessage.objects.filter(item_id__in=ids).update(payload={})
        files_purge(ids)  # pictures and PDFs from the patient: the bytes go, the row stays
        audit.record(
            AuditAction.PURGE,
            object_type="support_queue.supportitem",
            detail={"items": ids, "reason": "retention period"},
        )
    return len(ids)
