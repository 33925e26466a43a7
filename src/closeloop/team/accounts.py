"""Acting on a colleague's account (Settings' staff pages): a temporary password, a two-factor
reset, an unlock, a new email address, a deactivation, a reactivation.

Each is allowed only by the one scope rule (``security.scope.admin_refusal``), then only when
it fits the account as it stands (``state_refusal``: an unlock needs a lockout, a two-factor
reset an authenticator, and a deactivated account takes no credential act until it is
reactivated), and audited. A
password or two-factor reset is recorded so the person sets their own at their next sign-in
(``security.credentials``) and ends the emergency grants they hold and made
(``security.breakglass.end_held_and_made``), as a deactivation does. Every credential change,
a new email address and a reactivation alert the person and the organization admins (bell and
email, queued in the same transaction; a new address is told to the old one) — never with the
password.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from axes.utils import reset as axes_reset
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from closeloop.core.types import User
from closeloop.practices.selectors import organization_admins
from closeloop.security import audit, breakglass, credentials, mfa
from closeloop.security.models import AuditAction, CredentialKind
from closeloop.security.scope import AdminAct, admin_refusal, admin_scope
from closeloop.support_queue import lifecycle
from closeloop.support_queue.alerts import notify_account
from closeloop.support_queue.models import AlertKind, SupportItem, SupportItemQuerySet
from closeloop.triage.routing import handback_team


class AccountRefused(PermissionError):
    """The admin may not do this to this person (the scope rule): a 403."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AccountStateError(ValueError):
    """The act does not fit the account as it stands (nothing to unlock, no authenticator,
    deactivated): a 409, nothing done, nobody told."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


#: Acts on a person's sign-in, refused while the account is deactivated.
CREDENTIAL_ACTS = frozenset({AdminAct.PASSWORD, AdminAct.RESET_MFA, AdminAct.UNLOCK})


def _display(person: User) -> str:
    return str(person.get_full_name() or person.get_username())


def account_facts(person: User) -> dict[str, bool]:
    """What a person's page says about their sign-in."""
    return {
        "active": bool(person.is_active),
        "has_authenticator": mfa.confirmed_totp(person) is not None,
        "locked": credentials.locked_out(person),
    }


def state_refusal(person: User, act: AdminAct) -> str | None:
    """Why ``act`` does not fit ``person``'s account now (a sentence), or None when it does."""
    name = _display(person)
    if act == AdminAct.REACTIVATE:
        return None if not person.is_active else f"{name} is active: nothing to reactivate."
    if not person.is_active:
        if act == AdminAct.DEACTIVATE:
            return f"{name} is deactivated already."
        if act in CREDENTIAL_ACTS:
            return (
                f"{name} is deactivated: reactivate the account first (an organization admin "
                "does), then reset their sign-in if they need it."
            )
    if act == AdminAct.RESET_MFA and mfa.confirmed_totp(person) is None:
        return f"{name} has no authenticator to reset: they have not set up two-factor sign-in."
    if act == AdminAct.UNLOCK and not credentials.locked_out(person):
        return f"{name} is not locked: their sign-in works, there is nothing to unlock."
    return None


def account_refusal(*, actor: User, person: User, act: AdminAct) -> None:
    """Raise ``AccountRefused`` (with the reason) unless ``actor`` may do ``act`` to
    ``person``, then ``AccountStateError`` unless the act fits the account now."""
    refused = admin_refusal(actor, person, act)
    if refused is not None:
        raise AccountRefused(refused)
    unfit = state_refusal(person, act)
    if unfit is not None:
        raise AccountStateError(unfit)


def open_acts(*, actor: User, person: User) -> dict[str, bool]:
    """Which acts to offer ``actor`` on ``person``'s page: allowed and fitting now."""
    scope = admin_scope(actor)
    return {
        act.value: scope.refusal(person, act) is None and state_refusal(person, act) is None
        for act in AdminAct
    }


def temporary_password() -> str:
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))


def _alert(actor: User, person: User, kind: str) -> None:
    """The person and the organization admins (but the one who did it) hear of it."""
    admins = [u for u in organization_admins(person.staff.organization_id) if u.pk != actor.pk]
    notify_account([person, *admins], about=person, kind=kind, sender=actor)


@transaction.atomic
def account_temporary_password(*, actor: User, person: User) -> str:
    """A temporary password for ``person`` (shown once to the admin, never stored or sent in
    clear); they choose their own at their next sign-in."""
    account_refusal(actor=actor, person=person, act=AdminAct.PASSWORD)
    password = temporary_password()
    person.set_password(password)
    person.save(update_fields=["password"])
    credentials.reset_recorded(user=person, by=actor, kind=CredentialKind.PASSWORD)
    breakglass.end_held_and_made(person=person, by=actor, why=breakglass.CREDENTIALS_RESET)
    audit.record(
        AuditAction.UPDATE,
        person,
        fields=["temporary_password"],
        detail={"event": "password reset"},
    )
    _alert(actor, person, AlertKind.PASSWORD_RESET)
    return password


@transaction.atomic
def account_reset_mfa(*, actor: User, person: User) -> None:
    """Remove ``person``'s authenticator and recovery codes: they enrol again at sign-in."""
    account_refusal(actor=actor, person=person, act=AdminAct.RESET_MFA)
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()
    credentials.reset_recorded(user=person, by=actor, kind=CredentialKind.MFA)
    breakglass.end_held_and_made(person=person, by=actor, why=breakglass.CREDENTIALS_RESET)
    audit.record(AuditAction.MFA, person, detail={"event": "reset by admin"})
    _alert(actor, person, AlertKind.MFA_RESET)


@transaction.atomic
def account_email_change(*, actor: User, person: User, email: str) -> bool:
    """A new email address for ``person`` (by an admin, or an organization admin for
    themselves). The *old* address and the organization admins are told, so that someone who
    changes the address to reset the password next does not go unnoticed; audited without
    either address. Returns whether it changed."""
    account_refusal(actor=actor, person=person, act=AdminAct.EDIT)
    if (person.email or "").strip().casefold() == (email or "").strip().casefold():
        if person.email != email:
            person.email = email
            person.save(update_fields=["email"])
        return False
    # Queued while ``person.email`` is still the old address: the delivery is written to it.
    _alert(actor, person, AlertKind.EMAIL_CHANGED)
    person.email = email
    person.save(update_fields=["email"])
    audit.record(AuditAction.UPDATE, person, fields=["email"], detail={"event": "email changed"})
    return True


@transaction.atomic
def account_unlock(*, actor: User, person: User) -> None:
    """Lift a lockout after repeated failed sign-ins."""
    account_refusal(actor=actor, person=person, act=AdminAct.UNLOCK)
    axes_reset(username=person.get_username())
    audit.record(AuditAction.UPDATE, person, fields=["lockout"], detail={"event": "unlocked"})
    _alert(actor, person, AlertKind.UNLOCKED)


@dataclass(frozen=True)
class Deactivation:
    """What deactivating a person hands back: the open items the admin may see (through the
    tenant filter), and how many more are at practices the admin does not serve."""

    shown: list[SupportItem]
    elsewhere: int


def _open_items(person: User) -> SupportItemQuerySet:
    return SupportItem.objects.filter(owner=person).open()


def deactivation_preview(*, actor: User, person: User) -> Deactivation:
    account_refusal(actor=actor, person=person, act=AdminAct.DEACTIVATE)
    shown = list(
        _open_items(person)
        .for_user(actor)
        .select_related("category", "patient", "practice")
        .order_by("pk")
    )
    elsewhere = _open_items(person).exclude(pk__in=[item.pk for item in shown]).count()
    return Deactivation(shown=shown, elsewhere=elsewhere)


@transaction.atomic
def account_deactivate(*, actor: User, person: User) -> int:
    """Each of ``person``'s open items back to the queue of the team routing gives it
    (``routing.handback_team``, as for a shift's hand-back), the emergency grants they hold
    and made end, then no more sign-in. An item at a practice ``actor`` does not serve is
    handed back by the system, not in their name. Returns how many items went back."""
    account_refusal(actor=actor, person=person, act=AdminAct.DEACTIVATE)
    mine = set(_open_items(person).for_user(actor).values_list("pk", flat=True))
    reason = f"{person.get_full_name() or person.get_username()} left"
    items = list(_open_items(person).select_related("category", "practice").order_by("pk"))
    for item in items:
        lifecycle.item_assign(
            item=item,
            actor=actor if item.pk in mine else None,
            owner=None,
            team=handback_team(item),
            reason=reason,
        )
    breakglass.end_held_and_made(person=person, by=actor, why=breakglass.DEACTIVATED)
    person.is_active = False
    person.save(update_fields=["is_active"])
    audit.record(AuditAction.UPDATE, person, fields=["is_active"], detail={"event": "deactivated"})
    return len(items)


@transaction.atomic
def account_reactivate(*, actor: User, person: User) -> None:
    """A deactivated person may sign in again (with the password and authenticator they had;
    their items went back to the queues and stay there, their emergency grants ended). The
    person and the organization admins are told, as for a credential change: an account
    revived unexpectedly is one to look at."""
    account_refusal(actor=actor, person=person, act=AdminAct.REACTIVATE)
    person.is_active = True
    person.save(update_fields=["is_active"])
    audit.record(AuditAction.UPDATE, person, fields=["is_active"], detail={"event": "reactivated"})
    _alert(actor, person, AlertKind.REACTIVATED)
