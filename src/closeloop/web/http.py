from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from closeloop.core.types import User
from closeloop.lib import dates


class HtmxHttpRequest(HttpRequest):
    """A request after django-htmx's middleware (for type checking)."""

    htmx: HtmxDetails


def acting_user(request: HttpRequest) -> User:
    """The signed-in person taking an action (views that change things require a login)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return user


def local_datetime(text: str, zone: ZoneInfo) -> datetime | None:
    """A datetime-local field's value (``2026-11-30T09:15``) read on ``zone``'s clock; None
    when empty, malformed or out of range (``closeloop.lib.dates.parse_local`` says why)."""
    try:
        return dates.parse_local(text, zone)
    except ValueError:
        return None
