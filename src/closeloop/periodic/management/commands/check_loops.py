"""``closeloop check-loops [--practice SLUG]``: every open item that breaks the promise
invariant (no next deadline, or an owner who can no longer act). Exit status 1 if any."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from closeloop.practices.models import Practice
from closeloop.support_queue.loop_invariant import loop_breaks
from closeloop.support_queue.models import SupportItem


class Command(BaseCommand):
    help = "List open items with no next deadline someone owns (exit 1 if any)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", help="only this practice (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        items = SupportItem.objects.all()
        if options["practice"]:
            practice = Practice.objects.filter(slug=options["practice"]).first()
            if practice is None:
                raise CommandError(f"No practice {options['practice']!r}.")
            items = items.for_practice(practice)
        breaks = list(loop_breaks(items))
        for found in breaks:
            self.stdout.write(f"#{found.item_id} {found.practice} {found.status}: {found.problem}")
        open_items = items.open().count()
        self.stdout.write(
            f"check-loops: {len(breaks)} of {open_items} open item(s) break the promise invariant"
        )
        if breaks:
            sys.exit(1)
