"""Emergency ("break glass") access: a supervisor opens another practice of the organization
to a colleague for a few hours, with a reason. Granting and revoking are audited; every read
and change made meanwhile is audited as usual, and the grant shows on each audit row's user."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from closeloop.core.types import User
from closeloop.practices.models import EmergencyAccess, Practice
from closeloop.practices.selectors import staff_profile
from closeloop.security import audit
from closeloop.security.models import Action
from closeloop.security.permissions import Perm, has_perm

MAX_HOURS = 12


class BreakGlassError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def grant(*, by: User, user: Any, practice: Practice, reason: str, hours: int) -> EmergencyAccess:
    if not has_perm(by, Perm.BREAK_GLASS):
        raise BreakGlassError("Only supervisors grant emergency access.")
    mine, theirs = staff_profile(by), staff_profile(user)
    if mine is None or theirs is None or theirs.organization_id != mine.organization_id:
        raise BreakGlassError("Choose a colleague in your organization.")
    if practice.organization_id != mine.organization_id:
        raise BreakGlassError("Choose a practice of your organization.")
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
    if not has_perm(by, Perm.BREAK_GLASS):
        raise BreakGlassError("Only supervisors revoke emergency access.")
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
