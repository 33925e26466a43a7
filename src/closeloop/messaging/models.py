"""Patients' consent to be contacted by channel. Carriers treat a STOP per phone number, so
text-message consent is kept per practice and number (unknown callers and shared family
numbers included); each change is kept, newest last."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from closeloop.practices.models import Practice


class ConsentChannel(models.TextChoices):
    SMS = "sms", "Text messages"
    EMAIL = "email", "Email"


class ConsentChange(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=ConsentChannel.choices)
    #: E.164 number for SMS, lower-case address for email.
    address = models.CharField(max_length=254)
    opted_in = models.BooleanField()
    #: What said so: "inbound_sms", "unsubscribe_link", "staff".
    source = models.CharField(max_length=30)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["practice", "channel", "address", "at"], name="consent_lookup_idx")
        ]

    def __str__(self) -> str:
        return f"{self.channel} {'in' if self.opted_in else 'out'} at {self.at:%Y-%m-%d}"
