"""API tokens (stored hashed) and idempotency records for POST /items."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from closeloop.core.types import User
from closeloop.practices.models import Practice

TOKEN_PREFIX = "cl_"  # noqa: S105  (a prefix, not a secret)


def hash_token(raw: str) -> str:
    # Tokens are 256-bit random values, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(raw.encode()).hexdigest()


DEFAULT_TOKEN_DAYS = 90


def default_expiry() -> datetime:
    return timezone.now() + timedelta(days=DEFAULT_TOKEN_DAYS)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self) -> ApiTokenQuerySet:
        return self.filter(
            revoked_at__isnull=True, user__is_active=True, expires_at__gt=timezone.now()
        )


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    #: The first characters, shown in listings so people can tell tokens apart.
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    #: Empty means every practice the user serves; otherwise only these (and still only those
    #: the user serves).
    practices = models.ManyToManyField(Practice, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    #: Tokens end by themselves; a new one is issued before this (``closeloop token create``).
    expires_at = models.DateTimeField(default=default_expiry)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(
        cls,
        *,
        user: User,
        name: str = "",
        practices: list[Practice] | None = None,
        days: int = DEFAULT_TOKEN_DAYS,
    ) -> tuple[ApiToken, str]:
        """A new token; the raw value is returned once and never stored."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=raw[:10],
            digest=hash_token(raw),
            expires_at=timezone.now() + timedelta(days=days),
        )
        if practices:
            token.practices.set(practices)
        return token, raw


class IdempotencyRecord(models.Model):
    """POST /items with an Idempotency-Key: the same key and body give the same item."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_digest = models.CharField(max_length=64)
    item = models.ForeignKey(
        "support_queue.SupportItem", on_delete=models.PROTECT, related_name="+"
    )
    #: The request joined an existing item (a repeat contact) rather than filing one.
    joined = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")
        ]

    def __str__(self) -> str:
        return self.key
