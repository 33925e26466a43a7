"""May this admin act on this person? The one rule for every administrative act (Settings'
staff pages and whatever else acts on a person's account), beside the tenant filter's "may this
user see this practice" and ``permissions``' "may this role do this".

A login is organization-wide: its roles, password and second factor open every practice the
person serves. So a practice admin acts on a person only when they run *every* practice the
person serves and the person holds no admin role; everything else about an account is the
organization admin's, and so is reactivating a deactivated login. Nobody resets, unlocks or
deactivates their own account here (the account page is for that). Installation operators'
accounts (Django superusers and ``is_staff`` accounts, which open the admin site) are out of
every Settings act, the organization admin's included: whoever could reset one would hold the
installation (``operator_refusal``).

Whether an act makes sense for the account as it stands (unlock only a locked one, no
credential act on a deactivated one) is ``team.accounts.state_refusal``'s question, asked
after this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from closeloop.core.types import User, Viewer
from closeloop.practices.choices import CONFIG_ADMIN_ROLES, Role
from closeloop.practices.models import Practice, StaffProfile
from closeloop.practices.selectors import staff_profile
from closeloop.security.permissions import Perm, has_perm


class AdminAct(StrEnum):
    EDIT = "edit"  # name, email, roles, skills, languages, practices, limits
    PASSWORD = "password"  # noqa: S105  (an act: giving a temporary password)
    RESET_MFA = "reset_mfa"  # remove the authenticator and recovery codes
    UNLOCK = "unlock"  # lift a lockout after failed sign-ins
    DEACTIVATE = "deactivate"  # hand back their open items, then no more sign-in
    REACTIVATE = "reactivate"  # sign-in again for a deactivated person (org admins only)


#: Acts nobody does to their own account through Settings, and why.
NOT_ON_ONESELF = {
    AdminAct.PASSWORD: "This is your own account: change your password on your account page.",
    AdminAct.RESET_MFA: (
        "This is your own account: replace your authenticator on your account page."
    ),
    AdminAct.UNLOCK: "This is your own account, and you are signed in: it is not locked.",
    AdminAct.DEACTIVATE: "You cannot deactivate yourself: ask an organization admin.",
    AdminAct.REACTIVATE: "This is your own account, and you are signed in: it is active.",
}
#: Acts only an organization admin does, whoever the person is: letting a deactivated login
#: (organization-wide, like its roles) sign in again.
ORG_ADMINS_ONLY = {
    AdminAct.REACTIVATE: "Only an organization admin reactivates an account.",
}


#: Why nobody acts on an operator's account through Settings.
OPERATOR_ACCOUNT = (
    "{name} is an installation operator account (it opens the admin site): it is managed by "
    "the installation's operators, never through Settings."
)


def is_operator(person: User) -> bool:
    """A Django superuser or ``is_staff`` account: the installation's, not the practice's."""
    return bool(getattr(person, "is_superuser", False) or getattr(person, "is_staff", False))


def operator_refusal(person: User) -> str | None:
    """Why nothing in Closeloop's own pages acts on ``person``'s account, or None."""
    return OPERATOR_ACCOUNT.format(name=_name(person)) if is_operator(person) else None


def is_org_admin(user: Viewer) -> bool:
    profile = staff_profile(user)
    return bool(profile and profile.has_role(Role.ORG_ADMIN))


def administered_practices(user: Viewer) -> QuerySet[Practice]:
    """The practices ``user`` configures: those they serve (not through an emergency grant)
    when their role configures; an organization admin's are all of the organization's."""
    profile = staff_profile(user)
    if profile is None or not has_perm(user, Perm.CONFIGURE):
        return Practice.objects.none()
    if profile.has_role(Role.ORG_ADMIN):
        return Practice.objects.filter(organization_id=profile.organization_id)
    return profile.practices.filter(organization_id=profile.organization_id)


def manageable_people(user: Viewer) -> QuerySet[User]:
    """The people an admin sees under Settings: an organization admin, the whole
    organization's staff; a practice admin, whoever serves one of their practices (the admin
    may act on only some of them: ``admin_refusal`` says which)."""
    profile = staff_profile(user)
    practices = administered_practices(user)
    people = get_user_model().objects.select_related("staff").prefetch_related("staff__practices")
    if profile is None or not practices.exists():
        return people.none()
    if profile.has_role(Role.ORG_ADMIN):
        people = people.filter(staff__organization_id=profile.organization_id)
    else:
        people = people.filter(staff__practices__in=practices).distinct()
    return people.order_by("first_name", "last_name", "username")


def _name(person: User) -> str:
    return str(person.get_full_name() or person.get_username())


def _listed(names: list[str]) -> str:
    names = sorted(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class AdminScope:
    """What one admin administers, read once (a list page asks it about every row)."""

    admin_id: int | None
    organization_id: int | None
    org_admin: bool
    #: The practices they run: id -> name.
    practices: dict[int, str]

    def refusal(self, person: User, act: AdminAct) -> str | None:
        """Why this admin may not do ``act`` to ``person``, or None when they may."""
        if not self.practices:
            return "Settings are for practice and organization admins."
        try:
            profile: StaffProfile | None = person.staff
        except StaffProfile.DoesNotExist:
            profile = None
        if profile is None or profile.organization_id != self.organization_id:
            return "Not on your organization's staff."
        if person.pk == self.admin_id and act in NOT_ON_ONESELF:
            return NOT_ON_ONESELF[act]
        if (operator := operator_refusal(person)) is not None:
            return operator
        if self.org_admin:
            return None
        if act in ORG_ADMINS_ONLY:
            return ORG_ADMINS_ONLY[act]
        if CONFIG_ADMIN_ROLES & set(profile.roles):
            if person.pk == self.admin_id:
                return "Your own roles and practices are changed by an organization admin."
            return f"{_name(person)} is an admin: an organization admin manages admins' accounts."
        served = {p.pk: p.name for p in profile.practices.all()}
        beyond = [name for pk, name in served.items() if pk not in self.practices]
        if not served:
            return f"{_name(person)} serves no practice yet: an organization admin assigns them."
        if len(beyond) == len(served):
            return f"{_name(person)} serves only {_listed(beyond)}, which you do not run."
        if beyond:
            return (
                f"{_name(person)} serves {_listed(beyond)} too: an organization admin manages "
                "this account."
            )
        return None


def admin_scope(admin: Viewer) -> AdminScope:
    profile = staff_profile(admin)
    practices = dict(administered_practices(admin).values_list("pk", "name"))
    return AdminScope(
        admin_id=getattr(admin, "pk", None),
        organization_id=profile.organization_id if profile else None,
        org_admin=bool(profile and profile.has_role(Role.ORG_ADMIN)),
        practices=practices,
    )


def admin_refusal(admin: Viewer, person: User, act: AdminAct) -> str | None:
    """Why ``admin`` may not do ``act`` to ``person`` (a sentence to show them), or None."""
    return admin_scope(admin).refusal(person, act)
