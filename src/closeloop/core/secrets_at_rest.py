"""Integration secrets encrypted at rest (a practice's Twilio auth token, inbound email secret,
FHIR bearer token): ``SealedTextField`` stores Fernet tokens (``cryptography``; AES-128-CBC with
HMAC-SHA256), never the secret itself, so a database dump or backup does not hand them out.

Keys: ``SECRETS_KEYS`` — one or more Fernet keys, comma-separated, newest first. The first
encrypts; every key decrypts (``MultiFernet``), so rotating is: put a new key first, run
``closeloop rotate-secrets`` (re-encrypts every stored secret with it), then drop the old key.
Production refuses to start without a key (check ``closeloop.E005``); development, the demo and
the tests derive one from ``SECRET_KEY``.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

#: Stored values start with this; anything else is a secret saved before encryption existed
#: (read as it is, and encrypted the next time it is saved).
PREFIX = "sealed:"


class SealedSecretError(RuntimeError):
    """A stored secret cannot be decrypted with the configured keys."""


def _derived_key() -> bytes:
    digest = hashlib.sha256(f"closeloop-sealed:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


@cache
def _box(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def box() -> MultiFernet:
    keys = tuple(k.strip() for k in getattr(settings, "SECRETS_KEYS", ()) if k.strip())
    return _box(keys or (_derived_key().decode(),))


def seal(secret: str) -> str:
    if not secret or secret.startswith(PREFIX):
        return secret
    return PREFIX + box().encrypt(secret.encode()).decode()


def unseal(stored: str) -> str:
    if not stored or not stored.startswith(PREFIX):
        return stored
    try:
        return box().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise SealedSecretError(
            "a stored secret cannot be decrypted: is SECRETS_KEYS missing the key it was "
            "encrypted with?"
        ) from None


def hint(secret: str) -> str:
    """What a page may show of a secret: that one is set, and its last four characters."""
    return f"set, ending in …{secret[-4:]}" if len(secret) >= 8 else ("set" if secret else "")


class SealedTextField(models.TextField):
    """A text column whose value is encrypted in the database and plain in Python."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return unseal(value) if isinstance(value, str) else value

    def to_python(self, value: Any) -> Any:
        return unseal(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return seal(value) if isinstance(value, str) else value


def _unseal_bytes(token: bytes) -> bytes:
    try:
        return box().decrypt(bytes(token))
    except InvalidToken:
        raise SealedSecretError(
            "a stored file cannot be decrypted: is SECRETS_KEYS missing the key it was "
            "encrypted with?"
        ) from None


class SealedBinaryField(models.BinaryField):
    """Bytes (a patient's picture or PDF) encrypted in the database and plain in Python: the
    same keys and rotation as the secrets. Lists defer it: every load decrypts."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else _unseal_bytes(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else box().encrypt(bytes(value))


#: The field kinds ``closeloop rotate-secrets`` re-encrypts.
SEALED_FIELDS = (SealedTextField, SealedBinaryField)
