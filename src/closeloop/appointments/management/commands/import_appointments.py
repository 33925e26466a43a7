"""``closeloop import-appointments --practice SLUG FILE.csv [--map field=Header ...]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from closeloop.appointments.csv_import import FIELDS, CsvFileError, import_csv, parse_mapping
from closeloop.appointments.management.commands._common import (
    get_practice,
    progress_bar,
    report,
)


class Command(BaseCommand):
    help = "Import appointments from a CSV export. Bad rows are reported; good rows imported."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", required=True, help="the practice's slug")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help=f"use the column HEADER for FIELD (fields: {', '.join(FIELDS)})",
        )
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        practice = get_practice(options["practice"])
        path: Path = options["file"]
        try:
            mapping = parse_mapping(options["map"])
            rows = max(0, sum(1 for _ in path.open("rb")) - 1) if path.is_file() else None
            with progress_bar(rows, "Rows") as advance:
                summary = import_csv(practice, path, mapping, progress=advance)
        except CsvFileError as exc:
            raise CommandError(str(exc)) from None
        report(self.stdout, summary)
        if summary.rejected and not (summary.created or summary.updated or summary.unchanged):
            raise CommandError("nothing was imported")
