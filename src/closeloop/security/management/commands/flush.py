"""``flush`` with the audit table's triggers let through (Django's flush, otherwise as is).

Emptying the whole database is the one time audit rows may go; the test suite uses it
between transactional tests, and the benchmarks on their scratch databases.
"""

from __future__ import annotations

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from closeloop.security.audit import maintenance


class Command(FlushCommand):
    def handle(self, **options: object) -> None:
        connection = connections[str(options.get("database") or "default")]
        connection.ensure_connection()
        with maintenance():
            super().handle(**options)
