"""Outbound webhooks: endpoints practice admins register, and every delivery and attempt."""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from closeloop.core import outbound
from closeloop.practices.models import Practice


class WebhookEvent(models.TextChoices):
    CREATED = "item.created", "Item created"
    STATUS_CHANGED = "item.status_changed", "Status changed"
    ESCALATED = "item.escalated", "Escalated"
    RESOLVED = "item.resolved", "Resolved"


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def validate_events(value: object) -> None:
    if not isinstance(value, list) or not value or not set(value) <= set(WebhookEvent.values):
        raise ValidationError(f"choose events among: {', '.join(WebhookEvent.values)}")


class WebhookEndpoint(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500, help_text="HTTPS only.")
    events = models.JSONField(default=list, validators=[validate_events])
    secret = models.CharField(max_length=100, default=_new_secret)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.url

    def clean(self) -> None:
        if problem := outbound.save_problem(self.url):
            raise ValidationError({"url": problem})


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed (gave up)"


class WebhookDelivery(models.Model):
    """One event for one endpoint. The row is the truth; tasks only trigger attempts."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    #: Sent as X-Closeloop-Delivery: receivers use it to ignore a retried duplicate.
    idempotency_key = models.CharField(max_length=64, unique=True)
    event = models.CharField(max_length=30, choices=WebhookEvent.choices)
    payload = models.JSONField()
    state = models.CharField(
        max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    #: When a worker claimed the delivery; a claim older than the lease is taken over.
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state__in=["pending", "sending"]),
                name="delivery_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.state})"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.status_code or self.error}"
