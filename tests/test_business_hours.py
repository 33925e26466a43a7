"""Business-time arithmetic: pure functions, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from closeloop.lib.business_hours import BusinessCalendar, CalendarError

WEEKDAYS_9_TO_5 = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
CHICAGO = ZoneInfo("America/Chicago")
BERLIN = ZoneInfo("Europe/Berlin")


def calendar(tz: str = "America/Chicago", hours=None, holidays=()) -> BusinessCalendar:
    return BusinessCalendar.from_config(
        timezone=tz, weekly_hours=hours or WEEKDAYS_9_TO_5, holidays=holidays
    )


def local(tz: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=tz)


HOUR = timedelta(hours=1)


def test_voicemail_left_friday_evening_is_due_monday_an_hour_after_opening() -> None:
    friday_7pm = local(CHICAGO, 2026, 11, 20, 19, 0)
    assert calendar().add(friday_7pm, HOUR) == local(CHICAGO, 2026, 11, 23, 10, 0)


def test_saturday_contact_waits_for_monday() -> None:
    saturday_noon = local(CHICAGO, 2026, 11, 21, 12, 0)
    assert calendar().add(saturday_noon, 30 * timedelta(minutes=1)) == local(
        CHICAGO, 2026, 11, 23, 9, 30
    )


def test_early_morning_contact_starts_counting_at_opening() -> None:
    tuesday_7am = local(CHICAGO, 2026, 11, 17, 7, 0)
    assert calendar().add(tuesday_7am, HOUR) == local(CHICAGO, 2026, 11, 17, 10, 0)


def test_target_ending_exactly_at_closing_is_due_at_closing() -> None:
    tuesday_4pm = local(CHICAGO, 2026, 11, 17, 16, 0)
    assert calendar().add(tuesday_4pm, HOUR) == local(CHICAGO, 2026, 11, 17, 17, 0)


def test_holiday_is_skipped() -> None:
    cal = calendar(holidays=[date(2026, 11, 26)])  # Thanksgiving, a Thursday
    wednesday_4_30pm = local(CHICAGO, 2026, 11, 25, 16, 30)
    assert cal.add(wednesday_4_30pm, 2 * HOUR) == local(CHICAGO, 2026, 11, 27, 10, 30)


def test_target_spanning_several_days_and_a_weekend() -> None:
    thursday_noon = local(CHICAGO, 2026, 11, 19, 12, 0)
    # Thursday 5 h + Friday 8 h + Monday 3 h.
    assert calendar().add(thursday_noon, 16 * HOUR) == local(CHICAGO, 2026, 11, 23, 12, 0)


def test_three_business_days_from_monday_morning_end_wednesday_at_closing() -> None:
    monday_9am = local(CHICAGO, 2026, 11, 16, 9, 0)
    assert calendar().add(monday_9am, 24 * HOUR) == local(CHICAGO, 2026, 11, 18, 17, 0)


def test_lunch_break_is_not_business_time() -> None:
    hours = {"mon": [["09:00", "12:00"], ["13:00", "17:00"]]}
    monday_11_30 = local(CHICAGO, 2026, 11, 16, 11, 30)
    assert calendar(hours=hours).add(monday_11_30, HOUR) == local(CHICAGO, 2026, 11, 16, 13, 30)


@pytest.mark.parametrize(
    ("tz", "friday", "monday_utc"),
    [
        # US spring forward: Sunday 2027-03-14; Monday opens at 09:00 CDT = 14:00 UTC.
        ("America/Chicago", (2027, 3, 12, 16, 30), datetime(2027, 3, 15, 14, 30, tzinfo=UTC)),
        # EU spring forward: Sunday 2027-03-28; Monday opens at 09:00 CEST = 07:00 UTC.
        ("Europe/Berlin", (2027, 3, 26, 16, 30), datetime(2027, 3, 29, 7, 30, tzinfo=UTC)),
    ],
)
def test_spring_forward_weekend_keeps_local_opening_time(tz, friday, monday_utc) -> None:
    due = calendar(tz).add(local(ZoneInfo(tz), *friday), HOUR)
    assert due == monday_utc
    assert (due.astimezone(ZoneInfo(tz)).hour, due.astimezone(ZoneInfo(tz)).minute) == (9, 30)


@pytest.mark.parametrize(
    ("tz", "friday", "monday_utc"),
    [
        # US fall back: Sunday 2026-11-01; Monday opens at 09:00 CST = 15:00 UTC.
        ("America/Chicago", (2026, 10, 30, 16, 30), datetime(2026, 11, 2, 15, 30, tzinfo=UTC)),
        # EU fall back: Sunday 2026-10-25; Monday opens at 09:00 CET = 08:00 UTC.
        ("Europe/Berlin", (2026, 10, 23, 16, 30), datetime(2026, 10, 26, 8, 30, tzinfo=UTC)),
    ],
)
def test_fall_back_weekend_keeps_local_opening_time(tz, friday, monday_utc) -> None:
    assert calendar(tz).add(local(ZoneInfo(tz), *friday), HOUR) == monday_utc


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [
        ("America/Chicago", date(2027, 3, 14), 23),
        ("America/Chicago", date(2026, 11, 1), 25),
        ("Europe/Berlin", date(2027, 3, 28), 23),
        ("Europe/Berlin", date(2026, 10, 25), 25),
    ],
)
def test_a_day_open_around_the_clock_has_its_real_length_on_dst_days(tz, day, hours) -> None:
    cal = calendar(tz, hours={"sun": [["00:00", "24:00"]]})
    zone = ZoneInfo(tz)
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    end = datetime(day.year, day.month, day.day + 1, tzinfo=zone)
    assert cal.between(start, end) == timedelta(hours=hours)


def test_business_time_between_friday_afternoon_and_monday_morning() -> None:
    cal = calendar()
    friday_4pm = local(CHICAGO, 2026, 11, 20, 16, 0)
    monday_10am = local(CHICAGO, 2026, 11, 23, 10, 0)
    assert cal.between(friday_4pm, monday_10am) == 2 * HOUR
    assert cal.between(monday_10am, friday_4pm) == timedelta(0)


def test_add_and_between_agree() -> None:
    cal = calendar("Europe/Berlin", holidays=[date(2026, 12, 25)])
    start = local(BERLIN, 2026, 12, 23, 15, 17)
    for minutes in (1, 59, 60, 61, 480, 1441, 5000):
        due = cal.add(start, timedelta(minutes=minutes))
        assert cal.between(start, due) == timedelta(minutes=minutes)


def test_open_and_next_opening() -> None:
    cal = calendar()
    assert cal.is_open(local(CHICAGO, 2026, 11, 17, 9, 0))
    assert not cal.is_open(local(CHICAGO, 2026, 11, 17, 17, 0))
    assert not cal.is_open(local(CHICAGO, 2026, 11, 21, 11, 0))
    assert cal.next_opening(local(CHICAGO, 2026, 11, 21, 11, 0)) == local(
        CHICAGO, 2026, 11, 23, 9, 0
    )


def test_suggested_update_time_is_rounded_up_to_a_quarter_hour() -> None:
    tuesday = local(CHICAGO, 2026, 11, 17, 10, 7)
    assert calendar().suggest_update_time(tuesday, 4 * HOUR) == local(CHICAGO, 2026, 11, 17, 14, 15)


def test_suggested_update_time_for_an_evening_request_lands_next_business_day() -> None:
    tuesday_evening = local(CHICAGO, 2026, 11, 17, 18, 40)
    assert calendar().suggest_update_time(tuesday_evening, 4 * HOUR) == local(
        CHICAGO, 2026, 11, 18, 13, 0
    )


def test_results_are_in_the_practice_timezone() -> None:
    due = calendar().add(datetime(2026, 11, 17, 16, 0, tzinfo=UTC), HOUR)
    assert due.tzinfo == CHICAGO


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({"mon": [["9am", "17:00"]]}, "HH:MM"),
        ({"mon": [["17:00", "09:00"]]}, "closes before it opens"),
        ({"mon": [["09:00", "13:00"], ["12:00", "17:00"]]}, "overlap"),
        ({"funday": [["09:00", "17:00"]]}, "unknown weekday"),
        ({"mon": [["09:00"]]}, "[opens, closes]"),
        ({"mon": []}, "no opening hours"),
    ],
)
def test_malformed_hours_are_rejected_with_the_reason(hours, message) -> None:
    with pytest.raises(CalendarError, match=message.replace("[", r"\[").replace("]", r"\]")):
        calendar(hours=hours)


def test_unknown_timezone_is_rejected() -> None:
    with pytest.raises(CalendarError, match="Mars/Olympus"):
        calendar("Mars/Olympus")


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar().add(datetime(2026, 11, 17, 10, 0), HOUR)  # noqa: DTZ001


def test_calendar_that_is_never_open_is_reported() -> None:
    everyday = [date(2026, 1, 1) + timedelta(days=n) for n in range(4000)]
    cal = calendar(holidays=everyday)
    with pytest.raises(CalendarError, match="no opening hours"):
        cal.add(local(CHICAGO, 2026, 1, 1, 9, 0), HOUR)
