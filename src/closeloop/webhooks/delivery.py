"""Sending webhook deliveries: signed, claimed by one worker at a time, retried with backoff.

Signature: ``X-Closeloop-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">``
with the endpoint's secret. ``X-Closeloop-Delivery`` is the idempotency key; a receiver that has
seen it already must ignore the request (a worker killed after sending but before recording
will send again).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from closeloop.core import claims, outbound
from closeloop.webhooks.models import DeliveryState, WebhookAttempt, WebhookDelivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 10


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at 6 hours."""
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), timedelta(hours=6))


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def url_problem(url: str) -> str:
    """Why ``url`` may not receive webhooks (on its text), or "" when it may."""
    return outbound.url_problem(url)


def _claim(delivery_id: int, now: datetime) -> bool:
    return claims.claim(
        WebhookDelivery,
        delivery_id,
        pending=DeliveryState.PENDING,
        time_field="next_attempt_at",
        now=now,
    )


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    request = urllib.request.Request(  # noqa: S310  (scheme checked by url_problem)
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Closeloop-Webhooks/1",
            "X-Closeloop-Event": delivery.event,
            "X-Closeloop-Delivery": delivery.idempotency_key,
            "X-Closeloop-Signature": sign(delivery.endpoint.secret, int(time.time()), body),
        },
    )
    try:
        with outbound.OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, ""
    except outbound.Refused as exc:
        return None, str(exc)[:300]
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, str(reason)[:300]


def attempt_delivery(delivery_id: int) -> str:
    """Try one delivery now if it is due and unclaimed; returns its resulting state."""
    now = timezone.now()
    if not _claim(delivery_id, now):
        return "not-due"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    started = time.monotonic()
    # The address is checked where the connection is made (``outbound.OPENER``).
    problem = outbound.url_problem(delivery.endpoint.url)
    status, error = (None, problem) if problem else _post(delivery)
    WebhookAttempt.objects.create(
        delivery=delivery,
        at=now,
        status_code=status,
        error=error,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    delivery.attempts += 1
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.delivered_at = DeliveryState.DELIVERED, timezone.now()
    elif delivery.attempts >= MAX_ATTEMPTS or not delivery.endpoint.active:
        delivery.state = DeliveryState.FAILED
    else:
        delivery.state = DeliveryState.PENDING
        delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
    delivery.claimed_at = None
    delivery.save(
        update_fields=["state", "attempts", "next_attempt_at", "claimed_at", "delivered_at"]
    )
    if delivery.state == DeliveryState.PENDING:
        deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    logger.info("webhook delivery %s: %s", delivery.pk, delivery.state)
    return str(delivery.state)


def redrive_deliveries(now: datetime | None = None) -> int:
    """Attempt every due delivery (the minute tick calls this; tasks may have been lost)."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        claims.due(pending=DeliveryState.PENDING, time_field="next_attempt_at", now=now)
    ).values_list("pk", flat=True)
    return sum(attempt_delivery(pk) != "not-due" for pk in list(due))


@task()
def deliver_webhook(delivery_id: int) -> str:
    return attempt_delivery(delivery_id)
