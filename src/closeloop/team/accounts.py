"""Acting on a colleague's account (Settings' staff pages): a temporary password, a two-factor
reset, an unlock, a deactivation.

Each is allowed only by the one scope rule (``security.scope.admin_refusal``) and audited. A
password or two-factor reset is recorded so the person sets their own at their next sign-in
(``security.credentials``); every credential change alerts the person and the organization
admins (bell and email, queued in the same transaction) — never with the password.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from axes.utils import reset as axes_reset
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from closeloop.core.types import User
from closeloop.practices.selectors import organization_admins
from closeloop.queue import lifecycle
from closeloop.queue.alerts import notify_account
from closeloop.queue.models import AlertKind, SupportItem, SupportItemQuerySet
from closeloop.security import audit, credentials
from closeloop.security.models import Action, CredentialKind
from closeloop.security.scope import AdminAct, admin_refusal
from closeloop.triage.routing import handback_team


class AccountRefused(PermissionError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def account_refusal(*, actor: Any, person: Any, act: AdminAct) -> None:
    """Raise ``AccountRefused`` (with the reason) unless ``actor`` may do ``act`` to
    ``person``."""
    refused = admin_refusal(actor, person, act)
    if refused is not None:
        raise AccountRefused(refused)


def temporary_password() -> str:
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))


def _alert(actor: User, person: Any, kind: str) -> None:
    """The person and the organization admins (but the one who did it) hear of it."""
    admins = [u for u in organization_admins(person.staff.organization_id) if u.pk != actor.pk]
    notify_account([person, *admins], about=person, kind=kind, sender=actor)


@transaction.atomic
def account_temporary_password(*, actor: User, person: Any) -> str:
    """A temporary password for ``person`` (shown once to the admin, never stored or sent in
    clear); they choose their own at their next sign-in."""
    account_refusal(actor=actor, person=person, act=AdminAct.PASSWORD)
    password = temporary_password()
    person.set_password(password)
    person.save(update_fields=["password"])
    credentials.reset_recorded(user=person, by=actor, kind=CredentialKind.PASSWORD)
    audit.record(
        Action.UPDATE, person, fields=["temporary_password"], detail={"event": "password reset"}
    )
    _alert(actor, person, AlertKind.PASSWORD_RESET)
    return password


@transaction.atomic
def account_reset_mfa(*, actor: User, person: Any) -> None:
    """Remove ``person``'s authenticator and recovery codes: they enrol again at sign-in."""
    account_refusal(actor=actor, person=person, act=AdminAct.RESET_MFA)
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()
    credentials.reset_recorded(user=person, by=actor, kind=CredentialKind.MFA)
    audit.record(Action.MFA, person, detail={"event": "reset by admin"})
    _alert(actor, person, AlertKind.MFA_RESET)


@transaction.atomic
def account_unlock(*, actor: User, person: Any) -> None:
    """Lift a lockout after repeated failed sign-ins."""
    account_refusal(actor=actor, person=person, act=AdminAct.UNLOCK)
    axes_reset(username=person.get_username())
    audit.record(Action.UPDATE, person, fields=["lockout"], detail={"event": "unlocked"})
    _alert(actor, person, AlertKind.UNLOCKED)


@dataclass(frozen=True)
class Deactivation:
    """What deactivating a person hands back: the open items the admin may see (through the
    tenant filter), and how many more are at practices the admin does not serve."""

    shown: list[SupportItem]
    elsewhere: int


def _open_items(person: Any) -> SupportItemQuerySet:
    return SupportItem.objects.filter(owner=person).open()


def deactivation_preview(*, actor: User, person: Any) -> Deactivation:
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
def account_deactivate(*, actor: User, person: Any) -> int:
    """Each of ``person``'s open items back to the queue of the team routing gives it
    (``routing.handback_team``, as for a shift's hand-back), then no more
    sign-in. An item at a practice ``actor`` does not serve is handed back by the system, not
    in their name. Returns how many items went back."""
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
    person.is_active = False
    person.save(update_fields=["is_active"])
    return len(items)
