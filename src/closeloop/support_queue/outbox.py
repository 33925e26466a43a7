"""Turning timeline events into outbound webhook deliveries, inside the same transaction.

The lifecycle calls ``event_recorded`` for every event it writes; this module decides which
events practices hear about and what the payload says. Sending (signing, retries, attempts)
is the webhooks app's job, which knows nothing of items.
"""

from __future__ import annotations

from typing import Any

from closeloop.core.history import is_history
from closeloop.practices import config
from closeloop.support_queue.models import EventCode, TimelineEvent
from closeloop.webhooks.delivery import deliver_webhook
from closeloop.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent


def _webhook_events(event: TimelineEvent) -> list[str]:
    if event.code == EventCode.CREATED:
        return [WebhookEvent.CREATED]
    events: list[str] = []
    if "status" in event.changes:
        events.append(WebhookEvent.STATUS_CHANGED)
    # Escalated by staff, or by the sweep when a deadline passed (its event says so).
    if event.code == EventCode.ESCALATED or event.changes.get("escalated", {}).get("new") is True:
        events.append(WebhookEvent.ESCALATED)
    if event.code == EventCode.RESOLVED:
        events.append(WebhookEvent.RESOLVED)
    return events


def payload_for(event: TimelineEvent, webhook_event: str) -> dict[str, Any]:
    """Ids and codes only: never a patient's name, number or message text."""
    item = event.item
    return {
        "event": webhook_event,
        "occurred_at": event.at.isoformat(),
        "timeline_event_id": event.pk,
        "practice": {"id": item.practice_id, "slug": item.practice.slug},
        "item": {
            "id": item.pk,
            "status": item.status,
            "category": item.category.code,
            "channel": item.channel,
            "urgency": item.urgency,
            "team": item.team,
            "owner_id": item.owner_id,
            "patient_id": item.patient_id,
            "escalated": item.escalated,
            "promised_update_at": item.promised_update_at.isoformat()
            if item.promised_update_at
            else None,
        },
        "changes": {
            field: change
            for field, change in event.changes.items()
            if field in ("status", "owner", "team", "escalated", "category", "urgency")
        },
    }


def event_recorded(event: TimelineEvent) -> None:
    wanted = _webhook_events(event)
    if not wanted or is_history():
        return  # history (a backfill, an import) is recorded, never announced
    for endpoint_id, events in active_endpoints(event.item.practice):
        for webhook_event in wanted:
            if webhook_event not in events:
                continue
            delivery = WebhookDelivery.objects.create(
                endpoint_id=endpoint_id,
                idempotency_key=f"evt{event.pk}-ep{endpoint_id}-{webhook_event}",
                event=webhook_event,
                payload=payload_for(event, webhook_event),
                next_attempt_at=event.at,
            )
            # The task row is written in this transaction too (database task backend).
            deliver_webhook.enqueue(delivery.pk)


def active_endpoints(practice: Any) -> list[tuple[int, list[str]]]:
    """The practice's active webhook endpoints: (id, the events each wants)."""
    return config.cached(
        practice,
        "webhook_endpoints",
        lambda: [
            (endpoint.pk, list(endpoint.events))
            for endpoint in WebhookEndpoint.objects.filter(practice=practice, active=True)
        ],
    )
