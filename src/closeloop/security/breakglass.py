"""Emergency ("break glass") access: someone responsible for a practice — a supervisor who
serves it, or an organization admin — opens it to a colleague for a few hours, with a
reason; never to themselves (nor to another account of theirs: the same email address),
never to an installation operator's account, a deactivated one, someone beyond the
organization or someone who already serves the practice, and never from or to an account
whose password or second factor someone else reset until its owner has set their own and a day
has passed (``credentials``). A reset of a person's credentials by someone else, or their
deactivation, ends, audited, the grants they hold and those they made (``end_held_and_made``):
a reactivation revives none.
Granting and revoking are audited and listed for that practice's admins; every read and
change made meanwhile is audited as usual, and the grant shows on each audit row's user."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from closeloop.core.types import Actor, User, Viewer
from closeloop.practices.choices import Role
from closeloop.practices.models import EmergencyAccess, Practice
from closeloop.practices.selectors import staff_profile
from closeloop.security import audit, credentials
from closeloop.security.models import AuditAction
from closeloop.security.permissions import Perm, has_perm
from closeloop.security.scope import operator_refusal

MAX_HOURS = 12


class BreakGlassError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def may_grant(by: Viewer, practice: Practice) -> bool:
    """A supervisor who serves ``practice`` (not through an emergency grant), or an
    organization admin of its organization."""
    mine = staff_profile(by)
    if mine is None or practice.organization_id != mine.organization_id:
        return False
    if mine.has_role(Role.ORG_ADMIN):
        return True
    return has_perm(by, Perm.BREAK_GLASS) and mine.practices.filter(pk=practice.pk).exists()


def grantable_practices(by: Viewer) -> QuerySet[Practice]:
    """The practices ``by`` may open to a colleague."""
    mine = staff_profile(by)
    if mine is None:
        return Practice.objects.none()
    if mine.has_role(Role.ORG_ADMIN):
        return Practice.objects.filter(organization_id=mine.organization_id)
    if not has_perm(by, Perm.BREAK_GLASS):
        return Practice.objects.none()
    return mine.practices.filter(organization_id=mine.organization_id)


def _same_person(by: User, user: User) -> bool:
    """The same account, or another login of the same person (the same email address)."""
    if user.pk == by.pk:
        return True
    mine, theirs = (by.email or "").strip().casefold(), (user.email or "").strip().casefold()
    return bool(mine) and mine == theirs


def recipient_refusal(*, by: User, user: User, practice: Practice) -> str | None:
    """Why ``user`` may not be given emergency access to ``practice`` by ``by``, or None."""
    mine, theirs = staff_profile(by), staff_profile(user)
    name = user.get_full_name() or user.get_username()
    if _same_person(by, user):
        return (
            "Emergency access is granted to a colleague, never to yourself (nor to another "
            "account of yours): ask a supervisor of that practice or an organization admin."
        )
    if theirs is None or mine is None or theirs.organization_id != mine.organization_id:
        return "Choose a colleague in your organization."
    if (operator := operator_refusal(user)) is not None:
        return operator
    if not user.is_active:
        return f"{name} is deactivated: emergency access is for active colleagues."
    if theirs.practices.filter(pk=practice.pk).exists():
        return f"{name} already serves {practice.name}: there is nothing to open."
    return credentials.recipient_refusal(user)


@transaction.atomic
def grant(*, by: User, user: User, practice: Practice, reason: str, hours: int) -> EmergencyAccess:
    mine = staff_profile(by)
    if mine is None or not (has_perm(by, Perm.BREAK_GLASS) or mine.has_role(Role.ORG_ADMIN)):
        raise BreakGlassError("Only supervisors and organization admins grant emergency access.")
    if (refused := credentials.grant_refusal(by)) is not None:
        raise BreakGlassError(refused)
    if (refused := recipient_refusal(by=by, user=user, practice=practice)) is not None:
        raise BreakGlassError(refused)
    if not may_grant(by, practice):
        raise BreakGlassError(
            f"Only a supervisor who serves {practice.name}, or an organization admin, can open "
            "it to a colleague."
        )
    if not (reason or "").strip() or len(reason.strip()) < 10:
        raise BreakGlassError("Say why access is needed (at least a sentence).")
    if not 1 <= hours <= MAX_HOURS:
        raise BreakGlassError(f"Access lasts 1 to {MAX_HOURS} hours.")
    now = timezone.now()
    access = EmergencyAccess.objects.create(
        user=user,
        practice=practice,
        granted_by=by,
        reason=reason.strip(),
        starts_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    audit.record(
        AuditAction.BREAK_GLASS,
        access,
        practice_id=practice.pk,
        detail={"granted_to": user.get_username(), "hours": hours, "event": "granted"},
    )
    return access


@transaction.atomic
def revoke(*, by: User, access: EmergencyAccess) -> None:
    if access.granted_by_id != by.pk and not may_grant(by, access.practice):
        raise BreakGlassError(
            "Only whoever granted it, a supervisor who serves the practice or an organization "
            "admin can end it."
        )
    updated = EmergencyAccess.objects.filter(pk=access.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        audit.record(
            AuditAction.BREAK_GLASS,
            access,
            practice_id=access.practice_id,
            detail={"granted_to": access.user.get_username(), "event": "revoked"},
        )


#: Why ``end_held_and_made`` ended a grant, as its audit row says.
CREDENTIALS_RESET = "credentials reset"
DEACTIVATED = "deactivated"


def end_held_and_made(*, person: User, by: Actor, why: str) -> int:
    """The grants ``person`` holds and those they made that are still open end now, each
    audited with ``why``: someone else reset their password or second factor (whoever signs in
    as them next may not be them), or they were deactivated (a reactivation within the grant's
    hours must not revive it). Returns how many ended (in the caller's transaction)."""
    now = timezone.now()
    open_grants = list(
        EmergencyAccess.objects.filter(revoked_at__isnull=True, expires_at__gt=now)
        .filter(Q(user_id=person.pk) | Q(granted_by_id=person.pk))
        .select_related("user")
        .order_by("pk")
    )
    ended = 0
    for access in open_grants:
        if EmergencyAccess.objects.filter(pk=access.pk, revoked_at__isnull=True).update(
            revoked_at=now
        ):
            ended += 1
            audit.record(
                AuditAction.BREAK_GLASS,
                access,
                practice_id=access.practice_id,
                user=by,
                detail={
                    "granted_to": access.user.get_username(),
                    "event": "revoked",
                    "why": why,
                },
            )
    return ended
