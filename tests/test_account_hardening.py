"""The adversarial review of issue 29's fixes: emergency grants' scope and their end at a
credential reset (F1), operator accounts out of Settings' reach (F2), and an email address
change told to the old address and the organization admins (F6). Then the attack review's F5:
a deactivation ends the person's emergency grants, and a reactivation is told."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from closeloop.practices.choices import Role
from closeloop.practices.models import EmergencyAccess
from closeloop.security import breakglass
from closeloop.security.models import AuditAction, AuditEvent
from closeloop.security.scope import AdminAct, admin_refusal
from closeloop.support_queue.alerts import deliver, notify_account
from closeloop.support_queue.models import ACCOUNT_ALERTS, AlertDelivery, AlertKind, StaffAlert
from closeloop.team import accounts
from tests.conftest import person

pytestmark = pytest.mark.django_db
REASON = "Covering Lakeside's queue while their VA is out sick"


@pytest.fixture
def lakeside_sup(org: Any, lakeside: Any) -> Any:
    return person(org, "lsup", [Role.SUPERVISOR], [lakeside])


@pytest.fixture
def operator(org: Any, riverside: Any) -> Any:
    """An installation operator (a Django superuser) who also has a staff profile."""
    root = person(org, "root", [Role.SUPPORT], [riverside])
    root.is_superuser = root.is_staff = True
    root.save()
    return root


def sent_deliveries() -> None:
    deliver(AlertDelivery.objects.values_list("pk", flat=True))


# --- F2: operator accounts ---------------------------------------------------------------------


@pytest.mark.parametrize("act", list(AdminAct))
@pytest.mark.parametrize("flag", ["is_superuser", "is_staff"])
def test_no_settings_act_reaches_an_operator_account_not_even_an_org_admins(
    org, riverside, org_admin, practice_admin, act, flag
) -> None:
    target = person(org, "ops", [Role.SUPPORT], [riverside])
    setattr(target, flag, True)
    target.save()
    for admin in (org_admin, practice_admin):
        refused = admin_refusal(admin, target, act)
        assert refused is not None and "operator" in refused, (admin, act)


def test_an_operator_account_cannot_have_its_password_reset_through_settings(
    client, org_admin, operator
) -> None:
    before = operator.password
    client.force_login(org_admin)
    refused = client.post(reverse("settings_staff_password", args=[operator.pk]))
    assert refused.status_code == 403
    assert b"operator" in refused.content
    operator.refresh_from_db()
    assert operator.password == before


# --- F1: who may be granted what ---------------------------------------------------------------


def test_emergency_access_is_never_granted_to_an_operator_account(org_admin, lakeside, operator):
    with pytest.raises(breakglass.BreakGlassError, match="operator"):
        breakglass.grant(by=org_admin, user=operator, practice=lakeside, reason=REASON, hours=2)


def test_emergency_access_is_never_granted_to_a_deactivated_person(
    org, riverside, lakeside, org_admin
) -> None:
    gone = person(org, "gone", [Role.SUPPORT], [riverside])
    gone.is_active = False
    gone.save()
    with pytest.raises(breakglass.BreakGlassError, match="deactivated"):
        breakglass.grant(by=org_admin, user=gone, practice=lakeside, reason=REASON, hours=2)


def test_emergency_access_is_never_granted_to_someone_of_another_organization(
    lakeside, org_admin
) -> None:
    from closeloop.practices.models import Organization, Practice

    other_org = Organization.objects.create(name="Elsewhere")
    practice = Practice.objects.create(organization=other_org, name="Far", slug="far")
    stranger = person(other_org, "stranger", [Role.SUPPORT], [practice])
    with pytest.raises(breakglass.BreakGlassError):
        breakglass.grant(by=org_admin, user=stranger, practice=lakeside, reason=REASON, hours=2)


def test_a_supervisor_cannot_grant_their_practice_to_their_own_second_account(
    org, riverside, lakeside, lakeside_sup
) -> None:
    """Same person, another login (the same email address): still 'to yourself'."""
    second = person(org, "lsup2", [Role.SUPPORT], [riverside], email="LSUP@example.com")
    with pytest.raises(breakglass.BreakGlassError, match="yourself"):
        breakglass.grant(by=lakeside_sup, user=second, practice=lakeside, reason=REASON, hours=2)


def test_a_practice_admin_grants_nothing_even_at_their_own_practice(
    org, riverside, lakeside, practice_admin
) -> None:
    colleague = person(org, "col", [Role.SUPPORT], [lakeside])
    for practice in (riverside, lakeside):
        with pytest.raises(breakglass.BreakGlassError):
            breakglass.grant(
                by=practice_admin, user=colleague, practice=practice, reason=REASON, hours=2
            )


def test_nobody_is_granted_a_practice_they_already_serve(org, lakeside, lakeside_sup) -> None:
    colleague = person(org, "col", [Role.SUPPORT], [lakeside])
    with pytest.raises(breakglass.BreakGlassError, match="already serves"):
        breakglass.grant(by=lakeside_sup, user=colleague, practice=lakeside, reason=REASON, hours=2)


def test_nobody_is_granted_access_while_someone_elses_reset_of_their_credentials_stands(
    org, riverside, lakeside, org_admin, lakeside_sup
) -> None:
    colleague = person(org, "col", [Role.SUPPORT], [riverside])
    accounts.account_temporary_password(actor=org_admin, person=colleague)
    with pytest.raises(breakglass.BreakGlassError, match="reset"):
        breakglass.grant(by=lakeside_sup, user=colleague, practice=lakeside, reason=REASON, hours=2)


# --- F1: a credential reset ends the grants ----------------------------------------------------


@pytest.mark.parametrize("reset", ["password", "mfa"])
def test_a_credential_reset_ends_the_grants_the_person_holds_and_those_they_made(
    org, riverside, lakeside, org_admin, lakeside_sup, reset
) -> None:
    colleague = person(org, "col", [Role.SUPPORT], [riverside])
    third = person(org, "third", [Role.SUPPORT], [riverside])
    held = breakglass.grant(
        by=org_admin, user=lakeside_sup, practice=riverside, reason=REASON, hours=2
    )
    made = breakglass.grant(
        by=lakeside_sup, user=colleague, practice=lakeside, reason=REASON, hours=2
    )
    untouched = breakglass.grant(
        by=org_admin, user=third, practice=lakeside, reason=REASON, hours=2
    )
    if reset == "password":
        accounts.account_temporary_password(actor=org_admin, person=lakeside_sup)
    else:
        TOTPDevice.objects.create(user=lakeside_sup, name="phone", confirmed=True)
        accounts.account_reset_mfa(actor=org_admin, person=lakeside_sup)
    for grant in (held, made, untouched):
        grant.refresh_from_db()
    assert held.revoked_at is not None and made.revoked_at is not None
    assert untouched.revoked_at is None
    assert not EmergencyAccess.objects.active().filter(pk__in=[held.pk, made.pk]).exists()
    ended = AuditEvent.objects.filter(
        action=AuditAction.BREAK_GLASS,
        detail__event="revoked",
        detail__why=breakglass.CREDENTIALS_RESET,
    )
    assert sorted(int(e.object_id) for e in ended) == sorted([held.pk, made.pk])


# --- F6: an email address changed ---------------------------------------------------------------


def staff_post(person: Any, **changes: Any) -> dict[str, Any]:
    profile = person.staff
    data = {
        "first_name": person.first_name, "last_name": person.last_name or "X",
        "email": person.email, "roles": profile.roles, "skills": profile.skills,
        "languages": profile.languages,
        "practices": list(profile.practices.values_list("pk", flat=True)),
        "max_open_items": profile.max_open_items,
        "max_open_complaints": profile.max_open_complaints,
    }  # fmt: skip
    data.update(changes)
    return data


def test_an_email_change_by_an_admin_alerts_the_old_address_and_the_org_admins(
    client, org, riverside, practice_admin, org_admin
) -> None:
    colleague = person(org, "col", [Role.SUPPORT], [riverside])
    client.force_login(practice_admin)
    response = client.post(
        reverse("settings_staff_edit", args=[colleague.pk]),
        staff_post(colleague, email="attacker@evil.example"),
    )
    assert response.status_code == 302
    sent_deliveries()
    to = {address for message in mail.outbox for address in message.to}
    assert "col@example.com" in to  # the old address
    assert "oadmin@example.com" in to
    old = next(m for m in mail.outbox if "col@example.com" in m.to)
    assert "attacker@evil.example" not in old.body or "changed" in old.body.lower()
    assert "email" in old.subject.lower()
    changed = AuditEvent.objects.get(detail__event="email changed")
    assert changed.object_id == str(colleague.pk) and changed.user_id == practice_admin.pk


def test_an_org_admin_changing_their_own_email_alerts_their_old_address_and_the_other_admins(
    client, org, riverside, org_admin
) -> None:
    other = person(org, "oadmin2", [Role.ORG_ADMIN], [riverside])
    client.force_login(org_admin)
    response = client.post(
        reverse("settings_staff_edit", args=[org_admin.pk]),
        staff_post(org_admin, email="new@x.example"),
    )
    assert response.status_code == 302
    sent_deliveries()
    to = {address for message in mail.outbox for address in message.to}
    assert {"oadmin@example.com", other.email} <= to
    assert "new@x.example" not in to


def test_an_unchanged_email_alerts_nobody(client, org, riverside, practice_admin) -> None:
    colleague = person(org, "col", [Role.SUPPORT], [riverside])
    client.force_login(practice_admin)
    client.post(reverse("settings_staff_edit", args=[colleague.pk]), staff_post(colleague))
    sent_deliveries()
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(detail__event="email changed").exists()


# --- attack review F5: deactivation and reactivation ----------------------------------------------


def test_deactivation_ends_the_grants_the_person_holds_and_made_and_reactivation_revives_none(
    org, riverside, lakeside, org_admin, lakeside_sup
) -> None:
    colleague = person(org, "col", [Role.SUPPORT], [riverside])
    held = breakglass.grant(
        by=org_admin, user=lakeside_sup, practice=riverside, reason=REASON, hours=12
    )
    made = breakglass.grant(
        by=lakeside_sup, user=colleague, practice=lakeside, reason=REASON, hours=12
    )
    accounts.account_deactivate(actor=org_admin, person=lakeside_sup)
    for grant in (held, made):
        grant.refresh_from_db()
        assert grant.revoked_at is not None
    ended = AuditEvent.objects.filter(
        action=AuditAction.BREAK_GLASS, detail__event="revoked", detail__why=breakglass.DEACTIVATED
    )
    assert sorted(int(e.object_id) for e in ended) == sorted([held.pk, made.pk])
    accounts.account_reactivate(actor=org_admin, person=lakeside_sup)
    assert not EmergencyAccess.objects.active().filter(pk__in=[held.pk, made.pk]).exists()


def test_reactivation_alerts_the_person_and_the_other_org_admins(
    client, org, riverside, org_admin
) -> None:
    other_admin = person(org, "oadmin2", [Role.ORG_ADMIN], [riverside])
    colleague = person(org, "col", [Role.SUPPORT], [riverside])
    accounts.account_deactivate(actor=org_admin, person=colleague)
    before = set(StaffAlert.objects.values_list("pk", flat=True))
    accounts.account_reactivate(actor=org_admin, person=colleague)
    told = StaffAlert.objects.exclude(pk__in=before)
    assert {a.user_id for a in told} == {colleague.pk, other_admin.pk}
    assert {a.kind for a in told} == {AlertKind.REACTIVATED}
    sent_deliveries()
    to = {address for message in mail.outbox for address in message.to}
    assert {"col@example.com", "oadmin2@example.com"} <= to
    client.force_login(colleague)
    bell = client.get(reverse("alerts"))
    assert bell.status_code == 200
    assert "reactivated your account" in bell.content.decode()


@pytest.mark.parametrize("kind", sorted(ACCOUNT_ALERTS))
def test_every_account_alert_reads_as_a_sentence_in_the_bell(
    client, org, riverside, org_admin, kind
) -> None:
    colleague = person(org, "col", [Role.SUPPORT], [riverside])
    notify_account([colleague, org_admin], about=colleague, kind=kind, sender=org_admin)
    for reader in (colleague, org_admin):
        client.force_login(reader)
        assert client.get(reverse("alerts")).status_code == 200
