"""Business-time arithmetic for a practice's calendar. Pure functions, no Django.

A calendar is a timezone, opening intervals per weekday (local wall-clock times) and holiday
dates. All arithmetic is done on UTC instants built from local wall-clock times, so a day on which
the clocks change has exactly the business time it really has, and a promise made on Friday
evening for "one business hour" lands an hour after Monday's opening in the practice's own zone.

Wall-clock times that do not exist (inside a spring-forward gap) are read with the offset in
force before the change, and ambiguous ones (the repeated hour at fall-back) as their first
occurrence; practices do not open inside those hours, but the rule is defined anyway.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from closeloop.lib.ids import is_digits

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How far ahead an instant may be searched for opening hours before the calendar is declared
# unusable (e.g. every day of the next ten years marked as a holiday).
MAX_SEARCH_DAYS = 3660

Interval = tuple[time, time | None]  # None as the end means midnight at the end of the day


class CalendarError(ValueError):
    """The calendar's configuration cannot be used."""


def parse_clock(text: str) -> time:
    """``"09:30"`` -> ``time(9, 30)``."""
    parts = text.strip().split(":")
    if len(parts) != 2 or not all(is_digits(p) and len(p) == 2 for p in parts):
        raise CalendarError(f"{text!r} is not a time of day written HH:MM")
    hour, minute = int(parts[0]), int(parts[1])
    if hour > 23 or minute > 59:
        raise CalendarError(f"{text!r} is not a time of day written HH:MM")
    return time(hour, minute)


def parse_closing(text: str) -> time | None:
    """Like ``parse_clock``, and ``"24:00"`` -> None: open until midnight."""
    return None if text.strip() == "24:00" else parse_clock(text)


def load_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarError(f"{name!r} is not a known IANA timezone") from None


@dataclass(frozen=True)
class BusinessCalendar:
    tz: ZoneInfo
    hours: Mapping[int, tuple[Interval, ...]]
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not any(self.hours.get(day) for day in range(7)):
            raise CalendarError("the calendar has no opening hours on any weekday")

    @classmethod
    def from_config(
        cls,
        *,
        timezone: str,
        weekly_hours: Mapping[str, Sequence[Sequence[str]]],
        holidays: Iterable[date] = (),
    ) -> BusinessCalendar:
        """Build from the stored form: ``{"mon": [["09:00", "12:00"], ["13:00", "17:00"]]}``."""
        return cls(
            tz=load_timezone(timezone),
            hours=parse_weekly_hours(weekly_hours),
            holidays=frozenset(holidays),
        )

    # --- intervals -------------------------------------------------------------------------

    def day_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The opening intervals (UTC) of one local calendar day; empty when closed."""
        return list(self._day_intervals(day))

    def _day_intervals(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        if day in self.holidays:
            return
        for opens, closes in self.hours.get(day.weekday(), ()):
            start = datetime.combine(day, opens, tzinfo=self.tz).astimezone(UTC)
            if closes is None:
                end_local = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz)
            else:
                end_local = datetime.combine(day, closes, tzinfo=self.tz)
            yield start, end_local.astimezone(UTC)

    def intervals_from(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals (UTC) at or after ``start``, the first one clipped to ``start``."""
        start = _aware(start).astimezone(UTC)
        first_day = start.astimezone(self.tz).date()
        for offset in range(MAX_SEARCH_DAYS):
            for opens, closes in self._day_intervals(first_day + timedelta(days=offset)):
                if closes > start:
                    yield max(opens, start), closes
        raise CalendarError(f"no opening hours in the {MAX_SEARCH_DAYS} days after {start}")

    # --- queries ---------------------------------------------------------------------------

    def is_open(self, at: datetime) -> bool:
        at = _aware(at).astimezone(UTC)
        opens, _ = next(self.intervals_from(at))
        return opens == at

    def next_opening(self, at: datetime) -> datetime:
        """``at`` itself when open, otherwise the next time the practice opens."""
        opens, _ = next(self.intervals_from(at))
        return opens.astimezone(self.tz)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when ``duration`` of business time has passed after ``start``."""
        if duration < timedelta(0):
            raise ValueError("duration must not be negative")
        if duration == timedelta(0):
            return _aware(start).astimezone(self.tz)
        remaining = duration
        for opens, closes in self.intervals_from(start):
            available = closes - opens
            if remaining <= available:
                return (opens + remaining).astimezone(self.tz)
            remaining -= available
        raise AssertionError("unreachable: intervals_from raises when it runs out")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Business time elapsed from ``start`` to ``end`` (zero when end is not after start)."""
        end = _aware(end).astimezone(UTC)
        total = timedelta(0)
        if end <= _aware(start):
            return total
        for opens, closes in self.intervals_from(start):
            if opens >= end:
                break
            total += min(closes, end) - opens
        return total

    def within_hours(self, at: datetime) -> bool:
        """Whether ``at`` is inside an opening interval, its closing instant included (a
        promise "by 5:00 PM" is kept by a practice that closes at 5)."""
        at = _aware(at).astimezone(UTC)
        day = at.astimezone(self.tz).date()
        return any(
            opens <= at <= closes
            for previous in (day - timedelta(days=1), day)
            for opens, closes in self._day_intervals(previous)
        )

    def last_open_moment(self, after: datetime, before: datetime) -> datetime | None:
        """The latest instant in (``after``, ``before``] within business hours, or None."""
        after, before = _aware(after).astimezone(UTC), _aware(before).astimezone(UTC)
        latest = None
        for opens, closes in self.intervals_from(after):
            if opens > before:
                break
            latest = min(closes, before)
        return latest.astimezone(self.tz) if latest is not None and latest > after else None

    def suggest_update_time(
        self,
        now: datetime,
        interval: timedelta,
        *,
        before: datetime | None = None,
        any_hour: bool = False,
        round_to_minutes: int = 15,
    ) -> datetime:
        """A promise a practice can keep: ``interval`` of business time ahead, rounded up, and
        never after ``before`` (a hard deadline: urgent symptoms' minutes, a visit).

        Rounding up (never down) to a whole quarter hour keeps the promise modest and easy to
        say on the phone ("by 2:15") — unless rounding up would leave business hours or pass
        the deadline; then it rounds down. Under a deadline the suggestion is the latest
        business-hours moment before it; when there is none (or ``any_hour``: urgent symptoms
        run on the clock) it is the deadline itself, possibly after hours: the caller says so.
        """
        now = _aware(now)
        step = timedelta(minutes=round_to_minutes)
        due = self.add(now, interval)
        if before is None or due <= before:
            up = _round(due, step, self.tz, up=True)
            inside = self.within_hours(up) and (before is None or up <= before)
            if inside or (up == due):
                return up
            down = _round(due, step, self.tz, up=False)
            return down if down > now else due.astimezone(self.tz)
        latest = before if any_hour else self.last_open_moment(now, before) or before
        down = _round(latest, step, self.tz, up=False)
        return (down if down > now else latest).astimezone(self.tz)


def _round(moment: datetime, step: timedelta, tz: ZoneInfo, *, up: bool) -> datetime:
    """``moment`` rounded to a whole ``step`` of its local day (up or down)."""
    local = moment.astimezone(tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    steps = (local - midnight) / step
    whole = math.ceil(steps) if up else math.floor(steps)
    return (midnight + whole * step).astimezone(UTC).astimezone(tz)


def parse_weekly_hours(
    weekly_hours: Mapping[str, Sequence[Sequence[str]]],
) -> dict[int, tuple[Interval, ...]]:
    unknown = set(weekly_hours) - set(WEEKDAYS)
    if unknown:
        raise CalendarError(f"unknown weekday key(s): {', '.join(sorted(unknown))}")
    parsed: dict[int, tuple[Interval, ...]] = {}
    for index, name in enumerate(WEEKDAYS):
        intervals: list[Interval] = []
        for pair in weekly_hours.get(name, ()):
            if len(pair) != 2:
                raise CalendarError(f"{name}: each interval is [opens, closes], got {pair!r}")
            opens = parse_clock(pair[0])
            closes = parse_closing(pair[1])
            if closes is not None and closes <= opens:
                raise CalendarError(f"{name}: {pair[0]}-{pair[1]} closes before it opens")
            if intervals:
                previous_end = intervals[-1][1]
                if previous_end is None or previous_end > opens:
                    raise CalendarError(f"{name}: intervals overlap or are out of order")
            intervals.append((opens, closes))
        parsed[index] = tuple(intervals)
    return parsed


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business-time arithmetic needs timezone-aware datetimes")
    return moment
