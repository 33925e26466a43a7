"""``closeloop import-fhir``: appointments (and their patients) from FHIR R4.

closeloop import-fhir --practice SLUG --url BASE_URL [--token T] [--from D --to D]
closeloop import-fhir --practice SLUG FILE.json [FILE.json ...]
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.utils import timezone

from closeloop.appointments.client import (
    FhirClient,
    FhirFetchError,
    import_batch,
    import_from_server,
    read_files,
)
from closeloop.appointments.importer import ImportSummary
from closeloop.appointments.management.commands._common import (
    get_practice,
    progress_bar,
    report,
)
from closeloop.lib import dates


def _date(text: str) -> date:
    try:
        return dates.parse_day(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


class Command(BaseCommand):
    help = "Import appointments from a FHIR R4 server (--url) or from FHIR JSON files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", required=True, help="the practice's slug")
        parser.add_argument("--url", help="FHIR base URL (default: the practice's setting)")
        parser.add_argument("--token", default=None, help="bearer token for the FHIR server")
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default today)")
        parser.add_argument("--to", dest="end", help="day after the last, default +30 days")
        parser.add_argument("files", nargs="*", type=Path, help="Bundle or resource JSON files")

    def handle(self, *args: Any, **options: Any) -> None:
        practice = get_practice(options["practice"])
        files: list[Path] = options["files"]
        if files and options["url"]:
            raise CommandError("give either --url or files, not both")
        summary = ImportSummary()
        if files:
            batch = read_files(files)
            with (
                _reported(self.stdout, summary),
                progress_bar(len(batch.appointments), "Appointments") as advance,
            ):
                import_batch(practice, batch, summary, progress=advance)
        else:
            self._from_server(practice, options, summary)
        if summary.rejected and not (summary.created or summary.updated or summary.unchanged):
            raise CommandError("nothing was imported")

    def _from_server(self, practice: Any, options: dict[str, Any], summary: ImportSummary) -> None:
        url = options["url"] or practice.fhir_base_url
        if not url:
            raise CommandError("give --url (or set the practice's FHIR base URL) or files")
        token = options["token"] if options["token"] is not None else practice.fhir_token
        today = timezone.localdate(timezone=ZoneInfo(practice.timezone))
        start = _date(options["start"]) if options["start"] else today
        end = _date(options["end"]) if options["end"] else start + timedelta(days=30)
        if end <= start:
            raise CommandError("--to must be after --from")
        try:
            client = FhirClient(url, token)
            with _reported(self.stdout, summary), progress_bar(None, "Appointments") as advance:
                import_from_server(practice, client, start, end, progress=advance, summary=summary)
        except FhirFetchError as exc:
            raise CommandError(str(exc)) from None


@contextmanager
def _reported(stdout: OutputWrapper, summary: ImportSummary) -> Iterator[None]:
    """The summary is printed however the import ends: what was stored before a server
    failed (or anything unforeseen) is said, not only the error."""
    try:
        yield
    finally:
        report(stdout, summary)
