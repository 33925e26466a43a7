"""The staff screens' time format, built directly, reads exactly as Django formats it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from django.utils import translation
from django.utils.dateformat import format as date_format

from closeloop.practices.local_time import STAFF_FORMAT, for_staff, local


def test_the_staff_format_matches_djangos_formatting_across_zones_and_hours() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for zone in ("America/Chicago", "America/New_York", "America/Los_Angeles", "UTC"):
        practice = SimpleNamespace(timezone=zone)
        for step in range(0, 24 * 400, 7):  # every hour of the day, both DST changes
            when = start + timedelta(hours=step, minutes=step % 60)
            with translation.override("en"):
                expected = date_format(local(practice, when), STAFF_FORMAT)
            shown = for_staff(practice, when)
            if expected.endswith(" "):
                # The repeated hour when clocks go back: Django leaves the zone out; we name
                # it (EDT, then EST), which is what tells the two hours apart.
                assert shown == expected + local(practice, when).tzname()
            else:
                assert shown == expected
