"""Form pieces shared by the pages and the installation admin: integration secrets that are
never shown back, URL fields that assume https, and dates and times within the one range
Closeloop accepts (``closeloop.lib.dates``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from closeloop.core.secrets_at_rest import hint
from closeloop.lib import dates
from closeloop.lib.ids import parse_id

#: Integration secrets: never shown back (only "set, ending in …abcd"); blank keeps them.
SECRET_FIELDS = {
    "twilio_auth_token": "Twilio auth token",
    "inbound_email_secret": "inbound email secret",
    "fhir_token": "FHIR bearer token",
}


def secret_field() -> forms.CharField:
    return forms.CharField(
        required=False, max_length=500, widget=forms.PasswordInput(render_value=False)
    )


def https_urls(field: models.Field[Any, Any], **kwargs: Any) -> Any:
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class SecretFieldsMixin(forms.Form):
    """The secret fields of a practice ModelForm (list them in its ``Meta.fields``) and their
    ``clear_`` boxes, declared once for the Settings page and the installation admin: the
    help says whether one is saved (and its last four characters); a blank field keeps it;
    the box removes it. Put it first among the form's bases."""

    twilio_auth_token = secret_field()
    inbound_email_secret = secret_field()
    fhir_token = secret_field()
    clear_twilio_auth_token = forms.BooleanField(required=False, label="Remove the Twilio token")
    clear_inbound_email_secret = forms.BooleanField(
        required=False, label="Remove the inbound email secret"
    )
    clear_fhir_token = forms.BooleanField(required=False, label="Remove the FHIR token")

    instance: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in SECRET_FIELDS.items():
            if name not in self.fields:
                continue
            current = getattr(self.instance, name, "") if self.instance.pk else ""
            self.fields[name].label = label[0].upper() + label[1:]
            self.fields[name].help_text = (
                f"Saved ({hint(current)}). Leave blank to keep it; type a new one to replace it."
                if current
                else "Not set."
            )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        for name in SECRET_FIELDS:
            if data.get(f"clear_{name}"):
                data[name] = ""
            elif not data.get(name):
                data[name] = getattr(self.instance, name, "") if self.instance.pk else ""
        return data


def validate_in_range(value: Any) -> None:
    """The API's rule and message for a year no time zone or business calendar can hold."""
    if value is not None and not dates.in_range(value):
        raise ValidationError(dates.OUT_OF_RANGE, code="out_of_range")


class InstantField(forms.DateTimeField):
    """A date and time typed on the clock of the current time zone (the views override it
    with the practice's), from a ``datetime-local`` input; refused outside the range."""

    default_validators = [validate_in_range]  # noqa: RUF012  (Django's class attribute)
    input_formats = dates.LOCAL_FORMATS

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        )
        super().__init__(**kwargs)


class DayField(forms.DateField):
    """A calendar day from a ``date`` input; refused outside the range."""

    default_validators = [validate_in_range]  # noqa: RUF012  (Django's class attribute)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(**kwargs)


class ModelIdsField(forms.ModelMultipleChoiceField):
    """Django's, but a value that cannot be an id is an invalid choice before any query: a
    number past 64 bits in ``pk__in`` overflows SQLite's binding (and PostgreSQL's bigint)."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            if parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(pk)[:20]},
                )
        return super()._check_values(value)  # type: ignore[misc]


#: For the admin's ``formfield_overrides``: every date and time it edits is in range.
RANGED_DATES: dict[Any, dict[str, Any]] = {
    models.DateTimeField: {"validators": [validate_in_range]},
    models.DateField: {"validators": [validate_in_range]},
}
