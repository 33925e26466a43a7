"""``closeloop restore FILE``: replace the SQLite database with a backup, then verify it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from closeloop.security import audit
from closeloop.security.backup import BackupError, check, restore
from closeloop.security.models import AuditAction, Channel


class Command(BaseCommand):
    help = (
        "Replace the database with the backup FILE (stop web servers and workers first); "
        "verifies the backup before and the result after."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: object, **options: object) -> None:
        path = cast(Path, options["file"])  # argparse's type=Path
        try:
            tables = check(path)
            if not options["yes"]:
                if not sys.stdin.isatty():
                    raise CommandError(
                        "not restored: confirm in a terminal, or add --yes to restore without "
                        "asking"
                    )
                try:
                    answer = input(f"Replace the current database with {path}? Type 'restore': ")
                except EOFError:
                    answer = ""
                if answer.strip() != "restore":
                    raise CommandError("not restored")
            tables = restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        with audit.audit_channel(Channel.CLI):
            audit.record(AuditAction.BACKUP, object_type="database", detail={"event": "restore"})
        self.stdout.write(f"Restored {len(tables)} tables from {path}; verified.")
