"""``closeloop rotate-secrets``: re-encrypt every stored integration secret with the newest key
of ``SECRETS_KEYS`` (put the new key first, run this, then remove the old key)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from closeloop.core.secrets_at_rest import SEALED_FIELDS


class Command(BaseCommand):
    help = "Re-encrypt stored integration secrets with the first key of SECRETS_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        rotated = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.get_fields() if isinstance(f, SEALED_FIELDS)]
            if not fields:
                continue
            names = [f.attname for f in fields]
            with transaction.atomic():
                # Read decrypted with any configured key, written back sealed with the first.
                for pk, *values in model._base_manager.values_list("pk", *names).iterator():
                    model._base_manager.filter(pk=pk).update(
                        **dict(zip(names, values, strict=True))
                    )
                    rotated += 1
        self.stdout.write(f"Re-encrypted the secrets of {rotated} row(s) with the newest key.")
