"""``closeloop new-secrets-key``: print a new Fernet key for ``SECRETS_KEYS``."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new key for SECRETS_KEYS (integration secrets at rest)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(Fernet.generate_key().decode())
