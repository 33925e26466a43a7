"""The date of birth as the public pages ask it (the contact form, the status page's reply):
day, month and year as three labelled number fields in the order the page's language writes a
date. Not a browser date picker: its order follows the browser's locale, not the page's
language, so a Spanish page would show mm/dd/yyyy. The parts become one date here, with one
clear error in the patient's language when they are incomplete, no such date, or out of range."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from closeloop.core.languages import SOURCE
from closeloop.intake.wording import BIRTH_DATE, DATE_ORDER
from closeloop.patients.models import validate_birth_date

#: Each part: its field, lowest and highest value, and its ``autocomplete`` token.
DATE_PARTS = {
    "d": ("birth_day", 1, 31, "bday-day"),
    "m": ("birth_month", 1, 12, "bday-month"),
    "y": ("birth_year", 1900, 2100, "bday-year"),
}
#: The field of each part and the words that label it (``BIRTH_DATE``).
LABELS = {"birth_day": "day", "birth_month": "month", "birth_year": "year"}


def date_order(language: str) -> list[str]:
    """The date-of-birth fields in the order the language writes a date (``DATE_ORDER``)."""
    order = DATE_ORDER.said_in(language).split()
    if sorted(order) != ["d", "m", "y"]:
        order = ["m", "d", "y"]
    return [DATE_PARTS[part][0] for part in order]


def _part(low: int, high: int, autocomplete: str) -> forms.IntegerField:
    attrs = {"inputmode": "numeric", "autocomplete": autocomplete, "size": 4 if high > 31 else 2}
    return forms.IntegerField(
        min_value=low, max_value=high, required=False, widget=forms.NumberInput(attrs)
    )


class BirthDateForm(forms.Form):
    """A form that asks a date of birth as day, month and year. ``cleaned_data[birth_date_key]``
    is the date, or None when none is asked for and none was given (``birth_date_required``);
    ``birth_date_error`` is the one message the page shows for the three fields."""

    birth_day = _part(*DATE_PARTS["d"][1:])
    birth_month = _part(*DATE_PARTS["m"][1:])
    birth_year = _part(*DATE_PARTS["y"][1:])

    birth_date_required = True
    birth_date_key = "birth_date"

    def __init__(self, *args: Any, language: str = SOURCE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language = language
        for name, label in LABELS.items():
            self.fields[name].label = BIRTH_DATE[label].said_in(language)
        self.order = date_order(language)
        self._birth_error = ""

    def birth_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.order]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(name in self.errors for name in LABELS):
            return data  # a part that is not a number in range: ``birth_date_error``
        try:
            data[self.birth_date_key] = self._birth_date(data)
        except ValidationError as error:
            self._birth_error = error.messages[0]
            self.add_error(self.order[0], error)
        return data

    def _birth_date(self, data: dict[str, Any]) -> date | None:
        parts = [data.get(name) for name in ("birth_year", "birth_month", "birth_day")]
        if all(part is None for part in parts) and not self.birth_date_required:
            return None
        if any(part is None for part in parts):
            raise ValidationError(self._said("incomplete"), code="incomplete")
        try:
            born = date(*parts)  # type: ignore[arg-type]
        except ValueError:
            raise ValidationError(self._said("no_such_date"), code="no_such_date") from None
        try:
            validate_birth_date(born)
        except ValidationError:
            raise ValidationError(self._said("out_of_range"), code="out_of_range") from None
        return born

    def _said(self, key: str) -> str:
        return BIRTH_DATE[key].said_in(self.language)

    def birth_date_error(self) -> str:
        """The one problem with the date of birth, in the patient's language ("" if none); a
        part that is not a whole number in range reads as an incomplete date."""
        if self._birth_error:
            return self._birth_error
        if any(name in self.errors for name in LABELS):
            return self._said("incomplete")
        return ""
