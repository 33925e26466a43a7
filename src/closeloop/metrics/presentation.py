"""How a figure reads: the one place for its units, its change in words and its arrow, for the
dashboard, the weekly review's page, CSV, PDF and email alike. The figures themselves are
``definitions``' (and ``measures``'); nothing here computes one.

Staff screens are English (``core.languages``): the gettext catalogs are the patients', and a
staff string in them would be one more string every language a practice adds must translate
before it may write to patients in it."""

from __future__ import annotations

from typing import Any

#: How a change reads, by unit: (word when the figure went up, word when it went down).
CHANGE_WORDS: dict[str, tuple[str, str]] = {
    "minutes": ("slower", "faster"),
    "seconds": ("longer", "shorter"),
    "count": ("more", "fewer"),
    "share": (
        "percentage points higher",
        "percentage points lower",
    ),
    "rate": ("higher", "lower"),
}
GAP_WORDS = ("wider", "narrower")
#: What a change is measured against.
WEEK_BEFORE = "the week before"
PERIOD_BEFORE = "the period before"
#: Headlines whose minutes are a gap, not a wait.
GAP_KEYS = frozenset({"language_gap"})

#: The unit column of the CSV, by unit: every figure in the CSV names one of these.
CSV_UNITS: dict[str, str] = {
    "minutes": "business minutes",
    "clock_minutes": "clock minutes",
    "seconds": "seconds",
    "share": "%",
    "rate": "per item",
    "count": "count",
    "days": "days",
}
#: Headlines counted on the clock the patient lives by, not the practice's business calendar.
CLOCK_KEYS = frozenset({"first_response_wall_median", "referral_median", "resolution_wall_median"})


def humanize(value: Any, unit: str = "count") -> str:
    """A figure for people: shares as percentages, minutes as hours and minutes, seconds as
    minutes and seconds, None as a dash."""
    if value is None:
        return "—"
    if unit == "share":
        return f"{value:.0%}"
    if unit in ("minutes", "clock_minutes"):
        minutes = round(value)
        sign = "-" if minutes < 0 else ""
        hours, rest = divmod(abs(minutes), 60)
        return f"{sign}{hours} h {rest} min" if hours else f"{sign}{rest} min"
    if unit == "seconds":
        seconds = round(value)
        minutes, rest = divmod(seconds, 60)
        return f"{minutes} min {rest} s" if minutes else f"{rest} s"
    if unit == "days":
        return f"{value} day" if value == 1 else f"{value} days"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _shown_change(headline: dict[str, Any]) -> float | None:
    """The change as the reader can see it: for a share, the difference of the two percentages
    shown (12 % against 11 % is 1 point, even when the exact change rounds to 0)."""
    change, unit = headline["change"], headline["unit"]
    value, previous = headline.get("value"), headline.get("previous")
    if change is not None and unit == "share" and value is not None and previous is not None:
        return round(value * 100) - round(previous * 100)
    if change is not None and unit == "share":
        return round(change * 100)
    return change


def _amount(change: float, unit: str) -> str:
    """The size of a change as shown; "" when it shows as nothing (rounds to zero)."""
    if unit == "share":
        return str(abs(round(change))) if round(change) else ""
    if unit in ("minutes", "clock_minutes", "seconds"):
        return humanize(abs(change), unit) if round(abs(change)) else ""
    if unit == "rate":
        return f"{abs(change):.2f}" if round(abs(change), 2) else ""
    return humanize(abs(change), unit) if change else ""


def change_sentence(headline: dict[str, Any], before: str = PERIOD_BEFORE) -> str:
    """A change as a sentence: "13 min faster than the week before", "2 fewer than …"; a
    change that shows as nothing (0, or 0.2 % of a share) reads "no change"."""
    change, unit = _shown_change(headline), headline["unit"]
    if change is None:
        return "no figure to compare"
    amount = _amount(change, unit)
    if not amount:
        return "no change"
    up, down = GAP_WORDS if headline["key"] in GAP_KEYS else CHANGE_WORDS[unit]
    direction = up if change > 0 else down
    if amount == "1":
        direction = direction.replace("points", "point")
    return f"{amount} {direction} than {before}"


def change_arrow(headline: dict[str, Any]) -> str:
    """▲ or ▼ for a change that shows; nothing for "no change" or nothing to compare."""
    change = _shown_change(headline)
    if change is None or not _amount(change, headline["unit"]):
        return ""
    return "▲" if change > 0 else "▼"


def shown(headline: dict[str, Any], before: str = PERIOD_BEFORE) -> dict[str, Any]:
    """A headline with its figures, change sentence and arrow as people read them."""
    unit = headline["unit"]
    return {
        **headline,
        "shown": humanize(headline["value"], unit),
        "shown_previous": humanize(headline["previous"], unit),
        "sentence": change_sentence(headline, before),
        "arrow": change_arrow(headline),
        # Colour only with a change that shows (and never alone: the words say it).
        "better": headline["better"] if change_arrow(headline) else None,
    }


def csv_unit(headline: dict[str, Any]) -> str:
    """The CSV's unit for a headline: clock or business minutes, %, per item, count."""
    if headline["unit"] == "minutes" and headline["key"] in CLOCK_KEYS:
        return CSV_UNITS["clock_minutes"]
    return CSV_UNITS[headline["unit"]]


def csv_value(value: Any, unit: str) -> Any:
    """A figure for a spreadsheet in its unit column's terms: shares as percentages."""
    if value is None:
        return ""
    if unit == "share":
        return round(value * 100, 1)
    return value
