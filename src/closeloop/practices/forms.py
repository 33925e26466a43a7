"""Form pieces shared by the settings pages and the installation admin: integration secrets
that are never shown back, and URL fields that assume https."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from closeloop.core.sealed import hint

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


class SecretFieldsMixin:
    """For a practice ModelForm declaring the secret fields and their ``clear_`` boxes: the
    help says whether one is saved (and its last four characters); a blank field keeps it;
    the box removes it."""

    fields: dict[str, Any]
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
        data: dict[str, Any] = super().clean() or {}  # type: ignore[misc]
        for name in SECRET_FIELDS:
            if data.get(f"clear_{name}"):
                data[name] = ""
            elif not data.get(name):
                data[name] = getattr(self.instance, name, "") if self.instance.pk else ""
        return data
