"""Two-factor sign-in with django-otp: a TOTP authenticator app, and recovery codes."""

from __future__ import annotations

import secrets

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from closeloop.core.types import User
from closeloop.security import credentials
from closeloop.security.models import CredentialKind

RECOVERY_CODES = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def pending_totp(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up (one at a time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def confirm_totp(user: User, token: str) -> tuple[TOTPDevice, list[str]] | None:
    """The code from the app proves it is set up: the device is confirmed (replacing any
    older one) and fresh recovery codes are issued, shown once; each works once. It is the
    person's own second factor now (after an admin's reset)."""
    device = pending_totp(user)
    if not device.verify_token(_digits(token)):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    credentials.replaced(user=user, kind=CredentialKind.MFA)
    return device, new_recovery_codes(user)


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME)
    device.token_set.all().delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _digits(token: str) -> str:
    return "".join(ch for ch in token if ch.isdigit())[:8]


def verify(user: User, token: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts ``token`` (an app code or an unused recovery code), or None."""
    text = (token or "").strip().lower()
    totp = confirmed_totp(user)
    if totp is not None and _digits(text) and totp.verify_token(_digits(text)):
        return totp
    recovery = StaticDevice.objects.filter(user=user, name=RECOVERY_NAME, confirmed=True).first()
    if recovery is not None and text and recovery.verify_token(text):
        return recovery
    return None
