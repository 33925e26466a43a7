"""Start-up checks that make production fail closed."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security)
def production_settings_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if getattr(settings, "CLOSELOOP_ENV", "production") != "production":
        return []
    errors: list[Error] = []
    try:
        secret = settings.SECRET_KEY
    except ImproperlyConfigured:
        secret = ""
    if not secret:
        errors.append(
            Error(
                "SECRET_KEY is not set.",
                hint="Set the SECRET_KEY environment variable to a long random value "
                "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))').",
                id="closeloop.E001",
            )
        )
    if settings.DEBUG:
        errors.append(
            Error(
                "DEBUG is on in production.",
                hint="Unset DEBUG (or set DEBUG=false); DEBUG pages leak patient data.",
                id="closeloop.E002",
            )
        )
    if not settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "ALLOWED_HOSTS is empty.",
                hint="Set ALLOWED_HOSTS to the comma-separated host names Closeloop serves.",
                id="closeloop.E003",
            )
        )
    if not str(getattr(settings, "CLOSELOOP_BASE_URL", "")).startswith("https://"):
        errors.append(
            Error(
                "CLOSELOOP_BASE_URL is not an https:// address.",
                hint="Links in alert emails and the patients' private status links carry "
                "tokens: set CLOSELOOP_BASE_URL to the public https:// address of Closeloop.",
                id="closeloop.E007",
            )
        )
    return errors + _secrets_keys_errors()


def _secrets_keys_errors() -> list[Error]:
    errors: list[Error] = []
    keys = [key for key in getattr(settings, "SECRETS_KEYS", []) if key.strip()]
    if not keys:
        errors.append(
            Error(
                "SECRETS_KEYS is not set.",
                hint="Integration secrets (Twilio, email, FHIR tokens) are encrypted at rest: "
                "set SECRETS_KEYS to a Fernet key (closeloop new-secrets-key prints one).",
                id="closeloop.E005",
            )
        )
    for key in keys:
        try:
            Fernet(key.strip().encode())
        except ValueError:
            errors.append(
                Error(
                    "SECRETS_KEYS holds a value that is not a Fernet key.",
                    hint="Each key is 32 url-safe base64-encoded bytes (closeloop "
                    "new-secrets-key prints one); separate several with commas, newest first.",
                    id="closeloop.E006",
                )
            )
            break
    return errors


def assert_safe_to_serve() -> None:
    """Raise if production settings are unsafe; WSGI servers do not run system checks."""
    errors = production_settings_check()
    if errors:
        raise ImproperlyConfigured("; ".join(f"{e.id}: {e.msg} {e.hint}" for e in errors))
