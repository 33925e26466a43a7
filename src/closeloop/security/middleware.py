"""Request-level safeguards: the audit context, idle logoff, required two-factor sign-in, and
one's own password and authenticator after an admin reset them."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device
from django_otp.middleware import is_verified

from closeloop.core.types import User
from closeloop.practices import tenancy
from closeloop.security import audit, credentials
from closeloop.security.credentials import mfa_required
from closeloop.security.models import Channel, CredentialKind

#: Requests made by the page on its own (htmx polling) carry this header: they do not count
#: as activity for the idle logoff.
BACKGROUND_HEADER = "HTTP_X_CLOSELOOP_BACKGROUND"
LAST_ACTIVITY = "closeloop_last_activity"
#: Activity is written to the session at most this often (seconds): a page view within a
#: minute of the recorded one changes nothing, so most pages write no session row (a write
#: transaction per page otherwise). The logoff can then come up to this much sooner than
#: ``IDLE_LOGOFF_MINUTES`` after the last page, never later.
ACTIVITY_RESOLUTION = 60
#: Paths that work before two-factor sign-in is complete.
MFA_EXEMPT_PREFIXES = (
    "/mfa/",
    "/logout/",
    "/login/",
    "/static/",
    "/healthz/",
    "/api/",  # tokens, not sessions
    "/hooks/",
    "/p/",  # the public contact form
    "/u/",  # unsubscribe links
)


class AuditMiddleware:
    """Sets who is asking, from where and through which channel for everything recorded
    while the request runs (the API overrides the user once its token is checked), and opens
    the request's scope for remembered tenant lookups."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = Channel.API if request.path.startswith("/api/") else Channel.PAGE
        if request.path.startswith("/hooks/"):
            channel = Channel.WEBHOOK
        context = audit.context_for_request(request, channel)
        token = audit.bind(context)
        try:
            with tenancy.request_scope():
                return self.get_response(request)
        finally:
            audit.unbind(token)


def start_idle_clock(
    sender: object, request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    """The idle timer starts when the person signs in, not at their next request."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY] = time.time()


class IdleLogoffMiddleware:
    """Ends a session after ``IDLE_LOGOFF_MINUTES`` without the person doing anything."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            # Set at sign-in (``start_idle_clock``); a session without it is treated as idle.
            last = request.session.get(LAST_ACTIVITY, 0)
            if now - last > settings.IDLE_LOGOFF_MINUTES * 60:
                logout(request)
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = f"{reverse('login')}?idle=1"
                    return response
                return redirect(f"{reverse('login')}?idle=1")
            if not request.META.get(BACKGROUND_HEADER) and now - last >= ACTIVITY_RESOLUTION:
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)


def _redirect(request: HttpRequest, target: str) -> HttpResponse:
    """A redirect, or for an htmx request the header that makes the browser follow it."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = redirect(target).url
        return response
    return redirect(target)


class RequireTwoFactorMiddleware:
    """Staff of an organization that requires two-factor sign-in (the default) use the app
    only after a TOTP code or a recovery code; first-timers are sent to enrol."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            isinstance(user, User)
            and user.is_authenticated
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            # what django-otp's middleware installs as ``user.is_verified()``
            and not is_verified(user)
            and mfa_required(user)
        ):
            return _redirect(request, "mfa_verify" if user_has_device(user) else "mfa_setup")
        return self.get_response(request)


#: The page where a person replaces a password someone else set.
SET_OWN_PASSWORD_PATH = "/account/set-password/"  # noqa: S105  (a path, not a secret)


class RequireOwnCredentialsMiddleware:
    """After an admin gave a person a temporary password or removed their authenticator, the
    person sets their own at their next sign-in, before anything else: a new authenticator
    first (the two-factor pages), then a password of their own. After two-factor sign-in in
    the chain, so a temporary password alone never reaches the page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            isinstance(user, User)
            and user.is_authenticated
            and hasattr(request, "session")
            and request.session.get(credentials.SESSION_KEY)
            and not request.path.startswith((*MFA_EXEMPT_PREFIXES, SET_OWN_PASSWORD_PATH))
        ):
            kinds = credentials.pending_kinds(user)
            if CredentialKind.MFA in kinds:
                return _redirect(request, "mfa_setup")
            if CredentialKind.PASSWORD in kinds:
                return _redirect(request, "password_set_own")
            del request.session[credentials.SESSION_KEY]
        return self.get_response(request)
