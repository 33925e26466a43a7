"""Passwords and second factors set by someone else.

An admin's temporary password or two-factor reset is recorded here (``reset_recorded``).
At their next sign-in the person sets a password of their own and enrols their own
authenticator (``RequireOwnCredentialsMiddleware`` sends them to those pages); until they
have, emergency grants made from their account are refused (``grant_refusal``): whoever chose
the temporary password could be the one signing in.
"""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from closeloop.core.types import Actor, User, Viewer
from closeloop.security import audit
from closeloop.security.models import AuditAction, CredentialKind, CredentialReset

#: Set in the session at sign-in when something is to be replaced: the middleware then asks
#: the database (a session without it costs no query).
SESSION_KEY = "closeloop_set_own_credentials"
#: How long after someone else set a person's credentials their account grants nothing.
GRANT_COOL_OFF = timedelta(days=1)


def mfa_required(user: Viewer) -> bool:
    """Whether ``user`` signs in with a second factor: their organization's choice (on by
    default); an installation administrator without an organization always does."""
    if user is None:
        return False
    profile = getattr(user, "staff", None) if user.is_authenticated else None
    organization = getattr(profile, "organization", None)
    if organization is None:
        return bool(user.is_authenticated and user.is_superuser)
    return bool(organization.require_mfa)


def pending(user: User) -> list[CredentialReset]:
    """The resets ``user`` has yet to replace, newest first (with who made them). A removed
    authenticator is one only where a second factor is required of them: elsewhere enrolling
    again is their choice, not a condition of signing in (the day's wait for emergency grants
    still applies, ``grant_refusal``)."""
    if user is None or user.pk is None:
        return []
    resets = CredentialReset.objects.filter(user_id=user.pk, replaced_at__isnull=True)
    if not mfa_required(user):
        resets = resets.exclude(kind=CredentialKind.MFA)
    return list(resets.select_related("by").order_by("-at", "-pk"))


def newest_password_reset(user: User) -> CredentialReset | None:
    """The temporary password ``user`` is to replace: the newest one (it is the one that
    works), with who gave it and when."""
    return next((r for r in pending(user) if r.kind == CredentialKind.PASSWORD), None)


def locked_out(user: User) -> bool:
    """Whether sign-in is locked for ``user`` after repeated failures (django-axes counts
    them per username and address; a lockout ends by itself after the cool-off)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    counts = (
        AccessAttempt.objects.filter(username=user.get_username(), attempt_time__gte=since)
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .values_list("failures", flat=True)
    )
    return any(count >= settings.AXES_FAILURE_LIMIT for count in counts)


def pending_kinds(user: User) -> set[str]:
    return {reset.kind for reset in pending(user)}


def reset_recorded(*, user: User, by: Actor, kind: CredentialKind) -> CredentialReset:
    """``by`` set ``user``'s password (or removed their second factor) for them."""
    return CredentialReset.objects.create(user=user, by=by, kind=kind)


def replaced(*, user: User, kind: CredentialKind) -> int:
    """``user`` set their own: the resets of that kind are done with."""
    return CredentialReset.objects.filter(
        user_id=user.pk, kind=kind, replaced_at__isnull=True
    ).update(replaced_at=timezone.now())


@transaction.atomic
def own_password_set(*, user: User, password: str) -> None:
    """The person chose their own password (the page at sign-in after a reset)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    replaced(user=user, kind=CredentialKind.PASSWORD)
    audit.record(
        AuditAction.UPDATE, user, fields=["password"], detail={"event": "set own password"}
    )


def remember_at_sign_in(
    sender: object, request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    """At sign-in: note in the session whether a password or second factor is to be replaced
    (``user_logged_in``)."""
    if request is not None and hasattr(request, "session") and pending_kinds(user):
        request.session[SESSION_KEY] = True


def _who(reset: CredentialReset) -> str:
    if reset.by is None:
        return "an admin"
    return f"{reset.by.get_full_name() or reset.by.get_username()} ({reset.by.get_username()})"


def standing_reset(user: User) -> tuple[CredentialReset, bool] | None:
    """The reset of ``user``'s credentials by someone else that still stands, and whether it
    is pending (not replaced yet) rather than within its day's cool-off; None when none does."""
    for reset in pending(user):
        return reset, True
    since = timezone.now() - GRANT_COOL_OFF
    recent = (
        CredentialReset.objects.filter(user_id=user.pk, at__gt=since)
        .exclude(by_id=user.pk)
        .select_related("by")
        .order_by("-at")
        .first()
    )
    return (recent, False) if recent is not None else None


def _what(reset: CredentialReset) -> str:
    return "password" if reset.kind == CredentialKind.PASSWORD else "two-factor sign-in"


def grant_refusal(user: User) -> str | None:
    """Why emergency access may not be granted from ``user``'s account now, or None."""
    standing = standing_reset(user)
    if standing is None:
        return None
    reset, is_pending = standing
    if is_pending:
        own = "password" if reset.kind == CredentialKind.PASSWORD else "authenticator"
        return (
            f"Your {_what(reset)} was reset by {_who(reset)} on {reset.at:%Y-%m-%d at %H:%M} "
            f"UTC, and you have not set your own {own} since: emergency access cannot be "
            f"granted from this account until you do (you are asked to at your next sign-in)."
        )
    return (
        f"Your {_what(reset)} was reset by {_who(reset)} on {reset.at:%Y-%m-%d at %H:%M} UTC: "
        f"emergency access cannot be granted from this account until "
        f"{reset.at + GRANT_COOL_OFF:%Y-%m-%d at %H:%M} UTC, a day later (whoever had the "
        f"temporary password could have set the new one)."
    )


def recipient_refusal(user: User) -> str | None:
    """Why emergency access may not be granted *to* ``user`` now (their credentials were set
    by someone else: whoever holds them could be anyone), or None."""
    standing = standing_reset(user)
    if standing is None:
        return None
    reset, is_pending = standing
    name = user.get_full_name() or user.get_username()
    until = (
        "they have set their own and a day has passed"
        if is_pending
        else f"{reset.at + GRANT_COOL_OFF:%Y-%m-%d at %H:%M} UTC"
    )
    return (
        f"{name}'s {_what(reset)} was reset by {_who(reset)} on {reset.at:%Y-%m-%d at %H:%M} "
        f"UTC: emergency access cannot be granted to this account until {until}."
    )
