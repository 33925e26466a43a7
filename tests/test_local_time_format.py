"""The staff screens' time format, built directly, reads exactly as Django formats it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import time_machine
from django.utils import translation
from django.utils.dateformat import format as date_format

from closeloop.practices.local_time import STAFF_FORMAT, STAFF_FORMAT_WITH_YEAR, for_staff, local


@time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=UTC), tick=False)
def test_the_staff_format_matches_djangos_formatting_across_zones_and_hours() -> None:
    """Into the next year too, where the year is named."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for zone in ("America/Chicago", "America/New_York", "America/Los_Angeles", "UTC"):
        practice = SimpleNamespace(timezone=zone)
        for step in range(0, 24 * 400, 7):  # every hour of the day, both DST changes
            when = start + timedelta(hours=step, minutes=step % 60)
            with translation.override("en"):
                moment = local(practice, when)
                fmt = STAFF_FORMAT if moment.year == 2026 else STAFF_FORMAT_WITH_YEAR
                expected = date_format(moment, fmt)
            shown = for_staff(practice, when)
            if expected.endswith(" "):
                # The repeated hour when clocks go back: Django leaves the zone out; we name
                # it (EDT, then EST), which is what tells the two hours apart.
                assert shown == expected + local(practice, when).tzname()
            else:
                assert shown == expected
