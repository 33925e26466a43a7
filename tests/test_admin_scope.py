"""An admin's power ends at their practices (issue 29, finding 1).

Riverside's practice admin (``padmin``) may act on a person only when they run every practice
the person serves and the person holds no admin role; the organization admin (``oadmin``),
the supervisor of both practices (``sam``) and María, who serves both, are beyond them. A
refused act is a 403 that says why, and changes nothing.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from closeloop.patients.services import patient_create
from closeloop.practices.choices import Role
from closeloop.practices.models import EmergencyAccess
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import Channel, SupportItem, TimelineEvent
from tests.conftest import PASSWORD, category, locked_out, person, sign_in

pytestmark = pytest.mark.django_db
REASON = "Covering Lakeside's queue while their VA is out sick"


@pytest.fixture
def sam(org: Any, riverside: Any, lakeside: Any) -> Any:
    """The supervisor of both practices."""
    return person(org, "sam", [Role.SUPERVISOR], [riverside, lakeside], first_name="Sam")


@pytest.fixture
def maria(org: Any, riverside: Any, lakeside: Any) -> Any:
    return person(
        org, "maria", [Role.SUPPORT, Role.CLINICAL], [riverside, lakeside], first_name="María"
    )


@pytest.fixture
def marias_lakeside_item(clock: Any, lakeside: Any, maria: Any) -> SupportItem:
    patient = patient_create(
        practice=lakeside, first_name="Zelda", last_name="Quarry", phone="212-555-0133"
    )
    item = lifecycle.item_create(
        practice=lakeside, category=category(lakeside, "billing"), channel=Channel.PORTAL,
        actor=maria, summary="Statement question", patient=patient,
    )  # fmt: skip
    return lifecycle.item_assign(item=item, actor=maria, owner=maria, team=item.team)


def password_hash(user: Any) -> str:
    return str(get_user_model().objects.get(pk=user.pk).password)


# --- passwords, two-factor, unlock -------------------------------------------------------------


@pytest.mark.parametrize("target", ["org_admin", "sam", "maria"])
def test_a_practice_admin_cannot_reset_the_password_of_someone_beyond_their_practices(
    client, request, practice_admin, target
) -> None:
    victim = request.getfixturevalue(target)
    before = password_hash(victim)
    client.force_login(practice_admin)
    refused = client.post(reverse("settings_staff_password", args=[victim.pk]))
    assert refused.status_code == 403
    assert b'class="secret"' not in refused.content
    assert password_hash(victim) == before


@pytest.mark.parametrize("target", ["org_admin", "sam", "maria"])
def test_a_practice_admin_cannot_reset_the_two_factor_of_someone_beyond_their_practices(
    client, request, practice_admin, target
) -> None:
    victim = request.getfixturevalue(target)
    TOTPDevice.objects.create(user=victim, name="phone", confirmed=True)
    client.force_login(practice_admin)
    assert client.post(reverse("settings_staff_reset_mfa", args=[victim.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=victim).exists()


def test_a_practice_admin_cannot_unlock_an_admin(
    client, org, riverside, practice_admin, org_admin
) -> None:
    colleague = person(org, "coadmin", [Role.PRACTICE_ADMIN], [riverside])
    client.force_login(practice_admin)
    for admin in (org_admin, colleague):
        refused = client.post(reverse("settings_staff_unlock", args=[admin.pk]))
        assert refused.status_code == 403
        assert b"organization admin" in refused.content


def test_a_practice_admin_cannot_change_the_roles_of_a_person_serving_two_practices(
    client, riverside, practice_admin, maria
) -> None:
    client.force_login(practice_admin)
    refused = client.post(
        reverse("settings_staff_edit", args=[maria.pk]),
        {"first_name": "María", "last_name": "", "email": "maria@example.com",
         "roles": [Role.SUPPORT, Role.CLINICAL, Role.SUPERVISOR], "languages": ["en"],
         "practices": [riverside.pk], "max_open_items": "25", "max_open_complaints": "5"},
    )  # fmt: skip
    assert refused.status_code == 403
    assert b"serves Lakeside too" in refused.content
    maria.staff.refresh_from_db()
    assert maria.staff.roles == [Role.SUPPORT, Role.CLINICAL]


# --- deactivation ------------------------------------------------------------------------------


def test_the_deactivation_page_of_a_two_practice_person_shows_no_other_practices_patient(
    client, practice_admin, maria, marias_lakeside_item
) -> None:
    client.force_login(practice_admin)
    page = client.get(reverse("settings_staff_deactivate", args=[maria.pk]))
    assert page.status_code == 403
    assert b"Zelda" not in page.content and b"Quarry" not in page.content


def test_a_practice_admin_cannot_deactivate_a_two_practice_person_nor_touch_lakeside_items(
    client, practice_admin, maria, marias_lakeside_item
) -> None:
    events = TimelineEvent.objects.count()
    client.force_login(practice_admin)
    assert client.post(reverse("settings_staff_deactivate", args=[maria.pk])).status_code == 403
    marias_lakeside_item.refresh_from_db()
    maria.refresh_from_db()
    assert maria.is_active and marias_lakeside_item.owner == maria
    assert TimelineEvent.objects.count() == events
    assert not TimelineEvent.objects.filter(actor=practice_admin).exists()


def test_deactivating_never_shows_nor_signs_another_practices_items_as_the_admin(
    client, riverside, lakeside, org_admin, assistant, make_item
) -> None:
    """The organization admin serves Riverside only: the assistant's Lakeside item (from
    before she moved) is neither listed to them nor handed back in their name."""
    lakeside_patient = patient_create(practice=lakeside, first_name="Zelda", last_name="Quarry")
    assistant.staff.practices.add(lakeside)
    theirs = lifecycle.item_create(
        practice=lakeside, category=category(lakeside, "billing"), channel=Channel.PORTAL,
        actor=assistant, summary="Statement question", patient=lakeside_patient,
    )  # fmt: skip
    lifecycle.item_assign(item=theirs, actor=assistant, owner=assistant, team=theirs.team)
    assistant.staff.practices.remove(lakeside)
    ours = make_item()
    lifecycle.item_assign(item=ours, actor=assistant, owner=assistant, team=ours.team)
    client.force_login(org_admin)
    url = reverse("settings_staff_deactivate", args=[assistant.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f"/items/{ours.pk}/".encode() in page.content
    assert b"Zelda" not in page.content and f"/items/{theirs.pk}/".encode() not in page.content
    assert client.post(url).status_code == 302
    theirs.refresh_from_db()
    ours.refresh_from_db()
    assert theirs.owner is None and ours.owner != assistant
    assert not TimelineEvent.objects.filter(item=theirs, actor=org_admin).exists()
    assert TimelineEvent.objects.filter(item=ours, actor=org_admin).exists()


# --- the emergency-access takeover chain --------------------------------------------------------


def test_the_emergency_access_takeover_chain_is_refused(
    client, org, lakeside, practice_admin, sam
) -> None:
    """Reset the supervisor's password and two-factor, sign in as them, enrol one's own
    authenticator, grant oneself Lakeside "from" the supervisor: refused at the first step."""
    org.require_mfa = True
    org.save()
    own = TOTPDevice.objects.create(user=practice_admin, name="phone", confirmed=True)
    TOTPDevice.objects.create(user=sam, name="phone", confirmed=True)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, "padmin")
        client.post(reverse("mfa_verify"), {"token": str(totp(own.bin_key)).zfill(6)})
        reset = client.post(reverse("settings_staff_password", args=[sam.pk]))
        mfa_reset = client.post(reverse("settings_staff_reset_mfa", args=[sam.pk]))
        shown = re.search(r'class="secret">([^<]+)<', reset.content.decode())
        if shown:  # today's main: the chain goes on
            thief = Client()
            sign_in(thief, "sam", shown[1])
            thief.get(reverse("mfa_setup"))
            device = TOTPDevice.objects.get(user=sam, confirmed=False)
            clock.shift(timedelta(seconds=31))
            thief.post(reverse("mfa_setup"), {"token": str(totp(device.bin_key)).zfill(6)})
            thief.post(
                reverse("emergency_access"),
                {
                    "user": practice_admin.pk,
                    "practice": lakeside.pk,
                    "hours": "2",
                    "reason": REASON,
                },
            )
    assert not EmergencyAccess.objects.filter(user=practice_admin).exists()
    assert (reset.status_code, mfa_reset.status_code) == (403, 403)
    assert TOTPDevice.objects.filter(user=sam, confirmed=True).exists()


# --- what a practice admin still does, and sees --------------------------------------------------


def test_the_staff_list_shows_people_beyond_the_admin_without_actions_and_says_why(
    client, practice_admin, org_admin, maria, assistant, outsider
) -> None:
    client.force_login(practice_admin)
    page = client.get(reverse("settings_staff")).content.decode()
    assert f'href="/settings/staff/{assistant.pk}/"' in page  # theirs to manage
    for beyond in (maria, org_admin):
        assert f'href="/settings/staff/{beyond.pk}/"' not in page
    assert "María serves Lakeside too: an organization admin manages this account." in page
    assert "Olga is an admin: an organization admin manages admins" in page
    assert "outsider" not in page  # serves none of their practices: not listed at all
    assert client.get(reverse("settings_staff_edit", args=[outsider.pk])).status_code == 404


def test_the_staff_list_queries_do_not_grow_with_the_staff(
    client, org, riverside, lakeside, practice_admin
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(practice_admin)
    person(org, "first", [Role.SUPPORT], [riverside, lakeside])
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("settings_staff")).status_code == 200
    for n in range(12):
        person(org, f"more{n}", [Role.SUPPORT], [riverside] if n % 2 else [riverside, lakeside])
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("settings_staff")).status_code == 200
    assert len(many) == len(few)


def test_a_practice_admin_manages_colleagues_who_serve_only_their_practices(
    client, practice_admin, assistant
) -> None:
    TOTPDevice.objects.create(user=assistant, name="phone", confirmed=True)
    client.force_login(practice_admin)
    page = client.get(reverse("settings_staff_edit", args=[assistant.pk])).content.decode()
    assert "Give a temporary password" in page and "Reset two-factor sign-in" in page
    assert client.post(reverse("settings_staff_password", args=[assistant.pk])).status_code == 200
    own = client.get(reverse("settings_staff_edit", args=[practice_admin.pk]))
    assert own.status_code == 403 and b"organization admin" in own.content


# --- credential resets: audited, told, replaced ------------------------------------------------


def temporary_password_of(response: Any) -> str:
    return re.search(r'class="secret">([^<]+)<', response.content.decode())[1]


def test_a_password_reset_is_audited_and_emailed_to_the_person_and_org_admins_without_it(
    client, caplog, org, practice_admin, org_admin, assistant
) -> None:
    from closeloop.security.models import AuditAction, AuditEvent
    from closeloop.support_queue.alerts import deliver
    from closeloop.support_queue.models import AlertDelivery, StaffAlert

    person(org, "director", [Role.ORG_ADMIN], [])  # another org admin, serving no practice
    assistant.email = "assistant@example.com"
    assistant.save()
    client.force_login(practice_admin)
    password = temporary_password_of(
        client.post(reverse("settings_staff_password", args=[assistant.pk]))
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(assistant.pk), fields=["temporary_password"],
        username="padmin",
    ).exists()  # fmt: skip
    alerts = StaffAlert.objects.filter(about=assistant)
    assert {a.user.username for a in alerts} == {"assistant", "oadmin", "director"}
    assert {a.sender for a in alerts} == {practice_admin} and {a.item for a in alerts} == {None}
    deliver(AlertDelivery.objects.values_list("pk", flat=True))
    assert sorted(m.to[0] for m in mail.outbox) == [
        "assistant@example.com", "director@example.com", "oadmin@example.com"
    ]  # fmt: skip
    for message in mail.outbox:
        assert password not in message.subject + message.body
        assert "Pat (padmin)" in message.body
    (theirs,) = [m for m in mail.outbox if m.to == ["assistant@example.com"]]
    assert "your account" in theirs.subject and "choose a password of your own" in theirs.body
    assert all(password not in record.getMessage() for record in caplog.records)
    assistant.refresh_from_db()  # (signed in with the password as it is now)
    client.force_login(assistant)
    assert client.get(reverse("alerts"))["Location"] == reverse("password_set_own")
    client.post(
        reverse("password_set_own"),
        {"new_password1": PASSWORD + "!", "new_password2": PASSWORD + "!"},
    )
    bell = client.get(reverse("alerts")).content.decode()
    assert "Pat gave you a temporary password." in bell and "Your account" in bell


def test_a_two_factor_reset_and_an_unlock_alert_the_person_and_the_org_admins(
    client, practice_admin, org_admin, assistant
) -> None:
    from closeloop.security.models import AuditAction, AuditEvent
    from closeloop.support_queue.models import AlertKind, StaffAlert

    TOTPDevice.objects.create(user=assistant, name="phone", confirmed=True)
    locked_out(assistant)
    client.force_login(practice_admin)
    client.post(reverse("settings_staff_reset_mfa", args=[assistant.pk]))
    client.post(reverse("settings_staff_unlock", args=[assistant.pk]))
    sent = set(StaffAlert.objects.values_list("user__username", "kind"))
    assert sent == {
        (who, kind)
        for who in ("assistant", "oadmin")
        for kind in (AlertKind.MFA_RESET, AlertKind.UNLOCKED)
    }
    details = AuditEvent.objects.filter(object_id=str(assistant.pk), username="padmin")
    assert {"event": "reset by admin"} in [e.detail for e in details if e.action == AuditAction.MFA]
    assert {"event": "unlocked"} in [e.detail for e in details]


def test_a_person_whose_password_was_reset_chooses_their_own_at_next_sign_in(
    client, org_admin, assistant
) -> None:
    client.force_login(org_admin)
    password = temporary_password_of(
        client.post(reverse("settings_staff_password", args=[assistant.pk]))
    )
    client.logout()
    assert sign_in(client, "assistant", password).status_code == 302
    assert client.get(reverse("queue"))["Location"] == reverse("password_set_own")
    page = client.get(reverse("password_set_own"))
    assert page.status_code == 200 and b"Olga (oadmin) reset your password" in page.content
    url = reverse("password_set_own")
    short = client.post(url, {"new_password1": "short", "new_password2": "short"})
    assert short.status_code == 422 and b"too short" in short.content
    same = client.post(url, {"new_password1": password, "new_password2": password})
    assert same.status_code == 422 and b"not the temporary one" in same.content
    done = client.post(url, {"new_password1": PASSWORD + "!", "new_password2": PASSWORD + "!"})
    assert done.status_code == 302
    assert client.get(reverse("queue")).status_code == 200  # still signed in, free to work
    assistant.refresh_from_db()
    assert assistant.check_password(PASSWORD + "!")


def test_a_new_persons_temporary_password_is_replaced_at_their_first_sign_in(
    client, org_admin, riverside
) -> None:
    client.force_login(org_admin)
    created = client.post(
        reverse("settings_staff_new"),
        {"first_name": "Dana", "last_name": "Desk", "username": "dana",
         "email": "dana@example.com", "roles": [Role.FRONT_DESK], "languages": ["en"],
         "practices": [riverside.pk], "max_open_items": "20", "max_open_complaints": "3"},
    )  # fmt: skip
    client.logout()
    sign_in(client, "dana", temporary_password_of(created))
    assert client.get(reverse("queue"))["Location"] == reverse("password_set_own")


def test_grants_from_an_account_reset_by_someone_else_wait_for_its_owner_and_a_day(
    client, org, lakeside, org_admin, sam, assistant
) -> None:
    """Even a legitimate reset (by the organization admin): whoever chose the temporary
    password could be the one signing in as the supervisor."""
    from closeloop.security import breakglass

    client.force_login(org_admin)
    password = temporary_password_of(client.post(reverse("settings_staff_password", args=[sam.pk])))
    with pytest.raises(breakglass.BreakGlassError, match="reset by Olga \\(oadmin\\)"):
        breakglass.grant(by=sam, user=assistant, practice=lakeside, reason=REASON, hours=2)
    client.logout()
    sign_in(client, "sam", password)
    tried = client.post(
        reverse("emergency_access"),
        {"user": assistant.pk, "practice": lakeside.pk, "hours": "2", "reason": REASON},
    )
    assert tried["Location"] == reverse("password_set_own")
    assert not EmergencyAccess.objects.exists()
    client.post(
        reverse("password_set_own"),
        {"new_password1": PASSWORD + "!", "new_password2": PASSWORD + "!"},
    )
    # Whoever had the temporary password could have chosen "their own" too: a day passes first.
    with pytest.raises(breakglass.BreakGlassError, match="until .* a day later"):
        breakglass.grant(by=sam, user=assistant, practice=lakeside, reason=REASON, hours=2)
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        breakglass.grant(by=sam, user=assistant, practice=lakeside, reason=REASON, hours=2)
    assert EmergencyAccess.objects.filter(user=assistant).exists()


def test_after_a_two_factor_reset_the_person_enrols_their_own_before_granting(
    client, org, lakeside, org_admin, sam, assistant
) -> None:
    from closeloop.security import breakglass

    TOTPDevice.objects.create(user=sam, name="phone", confirmed=True)
    client.force_login(org_admin)
    client.post(reverse("settings_staff_reset_mfa", args=[sam.pk]))
    org.require_mfa = True  # (after the admin's act: their session has no second factor)
    org.save()
    with pytest.raises(breakglass.BreakGlassError, match="two-factor sign-in was reset"):
        breakglass.grant(by=sam, user=assistant, practice=lakeside, reason=REASON, hours=2)
    client.logout()
    with time_machine.travel(timezone.now(), tick=False):
        sign_in(client, "sam")
        assert client.get(reverse("queue"))["Location"] == reverse("mfa_setup")
        client.get(reverse("mfa_setup"))
        device = TOTPDevice.objects.get(user=sam, confirmed=False)
        client.post(reverse("mfa_setup"), {"token": str(totp(device.bin_key)).zfill(6)})
        assert client.get(reverse("queue")).status_code == 200
    with pytest.raises(breakglass.BreakGlassError, match="a day later"):
        breakglass.grant(by=sam, user=assistant, practice=lakeside, reason=REASON, hours=2)
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        breakglass.grant(by=sam, user=assistant, practice=lakeside, reason=REASON, hours=2)
