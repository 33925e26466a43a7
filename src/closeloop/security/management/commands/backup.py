"""``closeloop backup FILE``: a verified copy of the SQLite database (PostgreSQL: pg_dump)."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from closeloop.security import audit
from closeloop.security.backup import BackupError, backup
from closeloop.security.models import AuditAction, Channel


class Command(BaseCommand):
    help = "Back up the SQLite database to FILE with the online backup API, then verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        path = cast(Path, options["file"])  # argparse's type=Path
        try:
            tables = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        with audit.audit_channel(Channel.CLI):
            audit.record(AuditAction.BACKUP, object_type="database", detail={"event": "backup"})
        rows = sum(tables.values())
        self.stdout.write(f"Backed up {len(tables)} tables ({rows} rows) to {path}; verified.")
