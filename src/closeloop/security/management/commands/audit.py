"""``closeloop audit verify`` checks the audit log's hash chain and reports the first broken
link (exit status 1); ``closeloop audit seal`` links events not yet in the chain (the sweep
does it every minute)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from closeloop.security import chain


class Command(BaseCommand):
    help = "Verify (or seal) the audit log's hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["verify", "seal"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "seal":
            sealed = 0
            while batch := chain.seal():
                sealed += batch
            self.stdout.write(f"Sealed {sealed} audit event(s) into the chain.")
            return
        result = chain.verify()
        if not result.ok:
            raise CommandError(
                f"the audit chain is broken after {result.links} good link(s): {result.problem}"
            )
        self.stdout.write(f"Audit chain intact: {result.links} link(s); head {result.head_hash}.")
