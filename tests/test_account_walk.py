"""A new admin's walk through the account surfaces (issue 29's follow-up): two-factor resets
where two-factor is not required, the set-password page, confirmations after each staff act,
unlocking only a locked account, a deactivated person's page and reactivation, the alerts'
badge and times, the away form after a refusal, and which practice Settings is editing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from closeloop.practices.choices import Role
from closeloop.practices.local_time import for_staff
from closeloop.security.models import AuditEvent
from closeloop.support_queue.alerts import notify_group
from closeloop.support_queue.models import AlertKind, StaffAlert
from tests.conftest import locked_out, sign_in

pytestmark = pytest.mark.django_db


def flash(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- 1. two-factor resets ---------------------------------------------------------------------


def test_a_two_factor_reset_sends_nobody_to_enrol_where_two_factor_is_not_required(
    client, org_admin, assistant
) -> None:
    TOTPDevice.objects.create(user=assistant, name="phone", confirmed=True)
    client.force_login(org_admin)
    assert client.post(reverse("settings_staff_reset_mfa", args=[assistant.pk])).status_code == 302
    client.logout()
    sign_in(client, "assistant", "pw")
    assert client.get(reverse("queue")).status_code == 200


def test_a_two_factor_reset_sends_the_person_to_enrol_where_it_is_required(
    client, org, org_admin, assistant
) -> None:
    TOTPDevice.objects.create(user=assistant, name="phone", confirmed=True)
    client.force_login(org_admin)
    client.post(reverse("settings_staff_reset_mfa", args=[assistant.pk]))
    client.logout()
    org.require_mfa = True
    org.save()
    sign_in(client, "assistant", "pw")
    assert client.get(reverse("queue"))["Location"] == reverse("mfa_setup")


def test_reset_two_factor_is_offered_and_done_only_for_a_person_with_an_authenticator(
    client, org_admin, assistant
) -> None:
    client.force_login(org_admin)
    page = client.get(reverse("settings_staff_edit", args=[assistant.pk])).content.decode()
    assert "Reset two-factor sign-in" not in page
    assert "has not set up two-factor sign-in" in page
    refused = client.post(reverse("settings_staff_reset_mfa", args=[assistant.pk]))
    assert refused.status_code == 409 and b"no authenticator to reset" in refused.content
    assert not StaffAlert.objects.exists() and not mail.outbox
    TOTPDevice.objects.create(user=assistant, name="phone", confirmed=True)
    page = client.get(reverse("settings_staff_edit", args=[assistant.pk])).content.decode()
    assert "Reset two-factor sign-in" in page


# --- 2. and 6. the set-password page --------------------------------------------------------------


def test_the_set_password_page_names_the_newest_reset_and_explains_itself(
    client, org, org_admin, practice_admin, assistant
) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 15, 0, tzinfo=UTC), tick=False):
        client.force_login(practice_admin)
        client.post(reverse("settings_staff_password", args=[assistant.pk]))
    with time_machine.travel(datetime(2026, 3, 4, 16, 30, tzinfo=UTC), tick=False):
        client.force_login(org_admin)
        shown = client.post(reverse("settings_staff_password", args=[assistant.pk]))
        password = re.search(r'class="secret">([^<]+)<', shown.content.decode())[1]
        client.logout()
        sign_in(client, "assistant", password)
        page = client.get(reverse("password_set_own")).content.decode()
    assert "Olga (oadmin) reset your password" in page and "padmin" not in page
    assert "Wed Mar 4, 10:30 AM CST" in page  # the newest, on the practice's clock
    assert "set it for you" in page  # why they are here
    assert "at least 12 characters" in page  # the validators' help text


def test_the_temporary_password_screen_says_how_to_hand_it_over(
    client, org_admin, assistant
) -> None:
    client.force_login(org_admin)
    page = client.post(reverse("settings_staff_password", args=[assistant.pk])).content.decode()
    assert "in person or by phone" in page and "never by email or text" in page
    assert "works once" in page
    assert "choose their own password at their next sign-in" in page


# --- 3. far dates -------------------------------------------------------------------------------


def test_staff_times_name_the_year_when_it_is_not_this_year() -> None:
    practice = SimpleNamespace(timezone="America/Chicago")
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=UTC), tick=False):
        assert for_staff(practice, datetime(2026, 11, 30, 18, 0, tzinfo=UTC)) == (
            "Mon Nov 30, 12:00 PM CST"
        )
        assert for_staff(practice, datetime(2031, 3, 4, 15, 0, tzinfo=UTC)) == (
            "Tue Mar 4, 2031, 9:00 AM CST"
        )
        assert for_staff(practice, datetime(2025, 12, 31, 18, 0, tzinfo=UTC)) == (
            "Wed Dec 31, 2025, 12:00 PM CST"
        )


# --- 4. confirmations ---------------------------------------------------------------------------


def test_each_staff_act_confirms_what_it_did(client, org_admin, assistant, riverside) -> None:
    client.force_login(org_admin)
    TOTPDevice.objects.create(user=assistant, name="phone", confirmed=True)
    locked_out(assistant)
    edit = reverse("settings_staff_edit", args=[assistant.pk])
    said = flash(client.post(reverse("settings_staff_reset_mfa", args=[assistant.pk]), follow=True))
    assert any("Two-factor sign-in reset" in m for m in said), said
    said = flash(client.post(reverse("settings_staff_unlock", args=[assistant.pk]), follow=True))
    assert any("unlocked" in m for m in said), said
    data = {
        "first_name": "Ana", "last_name": "Assist", "email": "ana@example.com",
        "roles": [Role.SUPPORT], "languages": ["en"], "practices": [riverside.pk],
        "max_open_items": "20", "max_open_complaints": "3",
    }  # fmt: skip
    said = flash(client.post(edit, data, follow=True))
    assert any("Saved" in m and "email" in m for m in said), said
    said = flash(
        client.post(reverse("settings_staff_deactivate", args=[assistant.pk]), follow=True)
    )
    assert any("deactivated" in m for m in said), said
    page = client.post(reverse("settings_staff_password", args=[org_admin.pk]))
    assert page.status_code == 403


# --- 5. unlock only what is locked --------------------------------------------------------------


def test_unlock_is_offered_and_done_only_when_the_account_is_locked(
    client, org_admin, assistant
) -> None:
    client.force_login(org_admin)
    edit = reverse("settings_staff_edit", args=[assistant.pk])
    assert "Unlock" not in client.get(edit).content.decode()
    refused = client.post(reverse("settings_staff_unlock", args=[assistant.pk]))
    assert refused.status_code == 409 and b"is not locked" in refused.content
    assert not StaffAlert.objects.exists() and not mail.outbox
    assert not AuditEvent.objects.filter(detail={"event": "unlocked"}).exists()
    locked_out(assistant)
    assert "Unlock after failed sign-ins" in client.get(edit).content.decode()
    assert client.post(reverse("settings_staff_unlock", args=[assistant.pk])).status_code == 302
    assert not AccessAttempt.objects.exists()
    assert StaffAlert.objects.filter(kind=AlertKind.UNLOCKED, user=assistant).exists()


def test_an_expired_lockout_is_not_a_lock(client, org_admin, assistant) -> None:
    locked_out(assistant)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=2))
    client.force_login(org_admin)
    assert client.post(reverse("settings_staff_unlock", args=[assistant.pk])).status_code == 409


# --- 7. deactivated people ----------------------------------------------------------------------


def test_a_deactivated_persons_page_says_so_and_refuses_credential_acts(
    client, org_admin, assistant
) -> None:
    TOTPDevice.objects.create(user=assistant, name="phone", confirmed=True)
    locked_out(assistant)
    client.force_login(org_admin)
    client.post(reverse("settings_staff_deactivate", args=[assistant.pk]))
    page = client.get(reverse("settings_staff_edit", args=[assistant.pk])).content.decode()
    assert "Deactivated" in page and "Reactivate" in page
    for act in ("Give a temporary password", "Reset two-factor", "Unlock after"):
        assert act not in page
    before = get_user_model().objects.get(pk=assistant.pk).password
    for name in ("settings_staff_password", "settings_staff_reset_mfa", "settings_staff_unlock"):
        refused = client.post(reverse(name, args=[assistant.pk]))
        assert refused.status_code == 409, name
        assert b"is deactivated: reactivate" in refused.content
    assert get_user_model().objects.get(pk=assistant.pk).password == before
    assert TOTPDevice.objects.filter(user=assistant).exists()
    assert not StaffAlert.objects.exists()


def test_an_org_admin_reactivates_a_person_audited(
    client, org_admin, practice_admin, assistant
) -> None:
    client.force_login(org_admin)
    client.post(reverse("settings_staff_deactivate", args=[assistant.pk]))
    client.force_login(practice_admin)
    url = reverse("settings_staff_reactivate", args=[assistant.pk])
    assert client.post(url).status_code == 403
    assert not get_user_model().objects.get(pk=assistant.pk).is_active
    client.force_login(org_admin)
    said = flash(client.post(url, follow=True))
    assert any("reactivated" in m for m in said), said
    assert get_user_model().objects.get(pk=assistant.pk).is_active
    assert AuditEvent.objects.filter(
        object_id=str(assistant.pk), username="oadmin", detail={"event": "reactivated"}
    ).exists()
    assert client.post(url).status_code == 409  # active already


# --- 8. the alerts' badge and times -------------------------------------------------------------


def badge(page: str) -> int:
    found = re.search(r'<span class="badge" aria-label="(\d+) unread">', page)
    return int(found[1]) if found else 0


def test_the_alerts_badge_counts_the_rows_of_the_list(
    client, clock, org_admin, assistant, make_item
) -> None:
    TOTPDevice.objects.create(user=assistant, name="phone", confirmed=True)
    locked_out(assistant)
    client.force_login(org_admin)
    client.post(reverse("settings_staff_reset_mfa", args=[assistant.pk]))
    client.post(reverse("settings_staff_unlock", args=[assistant.pk]))
    notify_group(assistant, [make_item(), make_item()], AlertKind.COVER, sender=org_admin)
    client.force_login(assistant)
    page = client.get(reverse("alerts")).content.decode()
    rows = page.count("<strong>New</strong>")
    assert rows == 3 and badge(page) == 3
    assert "UTC" not in page and "CST" in page
    assert "Olga reset your two-factor sign-in" in page
    assert "Olga unlocked your sign-in" in page


# --- 9. the away form keeps what was typed ------------------------------------------------------


def test_a_refused_away_form_keeps_the_typed_dates(client, assistant) -> None:
    client.force_login(assistant)
    refused = client.post(
        reverse("shift_away"),
        {"starts_at": "2031-05-02T09:00", "ends_at": "2031-05-01T17:00", "note": "Dentist"},
    )
    assert refused.status_code == 422
    page = refused.content.decode()
    assert 'value="2031-05-02T09:00"' in page and 'value="2031-05-01T17:00"' in page
    assert 'value="Dentist"' in page


# --- 10. which practice -------------------------------------------------------------------------


def test_settings_pages_name_the_practice_being_edited(client, org_admin, lakeside) -> None:
    client.force_login(org_admin)
    page = client.get(
        reverse("settings_template", args=[lakeside.slug]) + "?purpose=received&language=en"
    ).content.decode()
    assert re.search(r"<h1>[^<]*Lakeside", page)
    nav = re.search(r'<nav class="tabs settings-nav".*?</nav>', page, re.S)[0]
    assert "Lakeside" in re.search(r"<a [^>]*aria-current[^>]*>([^<]*)</a>", nav)[1]
