"""``closeloop sweep``: one pass of all deadline and periodic work, now (tests, cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from closeloop.periodic.sweep import sweep


class Command(BaseCommand):
    help = "Run the follow-up sweep once: reminders, escalations, snapshots, re-drives."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"sweep: {sweep()}")
