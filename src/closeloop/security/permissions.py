"""Who may do what: the one permission table (documented in docs/security.md and SECURITY.md).

Which *practices* a person sees is the tenant filter's job (``TenantQuerySet.for_user``);
this table says what they may do inside the practices they serve.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from closeloop.core.types import Viewer
from closeloop.practices.choices import Role
from closeloop.practices.selectors import staff_profile


class Perm(StrEnum):
    WORK_QUEUE = "work_queue"  # see the queue, log contacts, work non-clinical items
    CLINICAL_DETAILS = "clinical_details"  # read and work items routed to clinical staff
    COMPLAINTS = "complaints"  # complaint callbacks, take escalations
    REPORTS = "reports"  # metrics dashboard, weekly review, metrics API
    AUDIT = "audit"  # audit search, "who has seen this patient"
    BREAK_GLASS = "break_glass"  # grant temporary access to another practice
    EXPORT_PATIENT = "export_patient"  # a patient's data as JSON (access requests)
    CONFIGURE = "configure"  # practice settings, categories, scripts, templates (admin site)
    MANAGE_STAFF = "manage_staff"  # staff accounts, roles, practice assignment
    MANAGE_TEAM = "manage_team"  # who is on duty, shift handoffs and absences of others


PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.SUPPORT: frozenset({Perm.WORK_QUEUE}),
    Role.FRONT_DESK: frozenset({Perm.WORK_QUEUE}),
    Role.CLINICAL: frozenset({Perm.WORK_QUEUE, Perm.CLINICAL_DETAILS}),
    Role.SUPERVISOR: frozenset(
        {Perm.WORK_QUEUE, Perm.COMPLAINTS, Perm.REPORTS, Perm.AUDIT, Perm.BREAK_GLASS,
         Perm.EXPORT_PATIENT, Perm.MANAGE_TEAM}
    ),
    Role.PRACTICE_ADMIN: frozenset(
        {Perm.WORK_QUEUE, Perm.REPORTS, Perm.AUDIT, Perm.EXPORT_PATIENT, Perm.CONFIGURE,
         Perm.MANAGE_TEAM}
    ),
    Role.ORG_ADMIN: frozenset(
        {Perm.WORK_QUEUE, Perm.REPORTS, Perm.AUDIT, Perm.EXPORT_PATIENT, Perm.CONFIGURE,
         Perm.MANAGE_STAFF, Perm.MANAGE_TEAM}
    ),
}  # fmt: skip


class Item(Protocol):
    """What the table reads of an item (``support_queue.models.SupportItem``, a layer above)."""

    @property
    def is_clinical(self) -> bool: ...

    @property
    def is_complaint(self) -> bool: ...


def permissions_of(user: Viewer) -> frozenset[Perm]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    profile = staff_profile(user)
    if profile is None:
        return frozenset()
    return frozenset().union(*(PERMISSIONS.get(role, frozenset()) for role in profile.roles))


def has_perm(user: Viewer, perm: Perm) -> bool:
    return perm in permissions_of(user)


def sees_clinical_details(user: Viewer, item: Item) -> bool:
    """A clinical item's details (``SupportItem.is_clinical``) are for clinical staff only."""
    return not item.is_clinical or has_perm(user, Perm.CLINICAL_DETAILS)


def may_not_decide(user: Viewer, item: Item) -> tuple[str, str] | None:
    """Why ``user`` may not decide the outcome of ``item`` (resolve it), as (code, message),
    or None when they may: clinical items are resolved by clinical staff, complaints by
    supervisors after their callback; the system (``None``) resolves neither."""
    if item.is_clinical and not has_perm(user, Perm.CLINICAL_DETAILS):
        return "clinical_only", "Only clinical staff can resolve a clinical item."
    if item.is_complaint and not has_perm(user, Perm.COMPLAINTS):
        return (
            "supervisor_only",
            "Only a supervisor can resolve a complaint, after calling the patient back.",
        )
    return None


#: What a person without clinical access sees in place of a clinical item's text.
REDACTED = "Routed to clinical staff"
CLINICAL_TEXT_FIELDS = (
    "summary",
    "details",
    "checking",
    "next_step",
    "outcome",
    "escalation_reason",
)


def visible_text(user: Viewer, item: Item, field: str) -> str:
    """An item's free text as ``user`` may see it."""
    if field in CLINICAL_TEXT_FIELDS and not sees_clinical_details(user, item):
        return REDACTED if field == "summary" else ""
    return str(getattr(item, field) or "")
