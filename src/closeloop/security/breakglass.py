"""Emergency ("break glass") access: someone responsible for a practice — a supervisor who
serves it, or an organization admin — opens it to a colleague for a few hours, with a
reason; never to themselves, and never from an account whose password or second factor
someone else reset until its owner has set their own (``credentials.grant_refusal``).
Granting and revoking are audited and listed for that practice's admins; every read and
change made meanwhile is audited as usual, and the grant shows on each audit row's user."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from closeloop.core.types import User
from closeloop.practices.choices import Role
from closeloop.practices.models import EmergencyAccess, Practice
from closeloop.practices.selectors import staff_profile
from closeloop.security import audit, credentials
from closeloop.security.models import Action
from closeloop.security.permissions import Perm, has_perm

MAX_HOURS = 12


class BreakGlassError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def may_grant(by: Any, practice: Practice) -> bool:
    """A supervisor who serves ``practice`` (not through an emergency grant), or an
    organization admin of its organization."""
    mine = staff_profile(by)
    if mine is None or practice.organization_id != mine.organization_id:
        return False
    if mine.has_role(Role.ORG_ADMIN):
        return True
    return has_perm(by, Perm.BREAK_GLASS) and mine.practices.filter(pk=practice.pk).exists()


def grantable_practices(by: Any) -> QuerySet[Practice]:
    """The practices ``by`` may open to a colleague."""
    mine = staff_profile(by)
    if mine is None:
        return Practice.objects.none()
    if mine.has_role(Role.ORG_ADMIN):
        return Practice.objects.filter(organization_id=mine.organization_id)
    if not has_perm(by, Perm.BREAK_GLASS):
        return Practice.objects.none()
    return mine.practices.filter(organization_id=mine.organization_id)


@transaction.atomic
def grant(*, by: User, user: Any, practice: Practice, reason: str, hours: int) -> EmergencyAccess:
    mine, theirs = staff_profile(by), staff_profile(user)
    if mine is None or not (has_perm(by, Perm.BREAK_GLASS) or mine.has_role(Role.ORG_ADMIN)):
        raise BreakGlassError("Only supervisors and organization admins grant emergency access.")
    if (refused := credentials.grant_refusal(by)) is not None:
        raise BreakGlassError(refused)
    if user.pk == by.pk:
        raise BreakGlassError(
            "Emergency access is granted to a colleague, never to yourself: ask a supervisor "
            "of that practice or an organization admin."
        )
    if theirs is None or theirs.organization_id != mine.organization_id:
        raise BreakGlassError("Choose a colleague in your organization.")
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
        Action.BREAK_GLASS,
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
            Action.BREAK_GLASS,
            access,
            practice_id=access.practice_id,
            detail={"granted_to": access.user.get_username(), "event": "revoked"},
        )
