"""Configuration in the admin site, scoped to the practices an admin serves."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from closeloop.practices.models import Category, OnCallShift

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, org, monkeypatch):
    """An installation administrator (the Django admin is theirs alone), past two-factor
    sign-in (tested on its own in test_security)."""
    monkeypatch.setattr("closeloop.security.middleware.mfa_required", lambda user: False)
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return client


def test_the_django_admin_is_for_installation_administrators_only(
    client, practice_admin, assistant
) -> None:
    for person in (practice_admin, assistant):
        assert not person.is_staff
        client.force_login(person)
        assert client.get("/admin/practices/category/").status_code == 302  # to the admin login
    # Practice admins configure their practices in the workspace.
    client.force_login(practice_admin)
    assert client.get("/settings/").status_code == 200


def practice_form(riverside: Any) -> dict[str, Any]:
    """The practice's change form as the admin site posts it, unchanged."""
    return {
        "organization": riverside.organization_id,
        "name": riverside.name,
        "slug": riverside.slug,
        "timezone": riverside.timezone,
        "phone": "",
        "review_link": "",
        "holidays-TOTAL_FORMS": "1",
        "holidays-INITIAL_FORMS": "0",
        "holidays-0-date": "2026-12-24",
        "holidays-0-name": "Christmas Eve",
        "channel_routes-TOTAL_FORMS": "0",
        "channel_routes-INITIAL_FORMS": "0",
        "on_call-TOTAL_FORMS": "0",
        "on_call-INITIAL_FORMS": "0",
        "red_flag_response_minutes": "15",
        "emergency_script": riverside.emergency_script,
        "promise_grace_minutes": "60",
        "sms_quiet_start": "20:00",
        "sms_quiet_end": "08:00",
        "review_interval_days": "90",
        "message_fresh_hours": "48",
        "emergency_script_es": riverside.emergency_script_es,
        "default_language": "en",
        "telehealth_margin_minutes": "30",
        "telehealth_check_hours": "24",
        "risk_window_days": "7",
        "reopen_days": "14",
        "callback_attempts": "3",
        "callback_interval_minutes": "360",
        "auto_acknowledge": "on",
        "business_hours": json.dumps(riverside.business_hours),
    }


def test_practice_admin_edits_business_hours_and_bad_hours_are_refused(
    admin_client, riverside
) -> None:
    url = f"/admin/practices/practice/{riverside.pk}/change/"
    form = practice_form(riverside)
    bad = admin_client.post(
        url, {**form, "business_hours": json.dumps({"mon": [["17:00", "09:00"]]})}
    )
    assert bad.status_code == 200 and "closes before it opens" in bad.content.decode()
    good = admin_client.post(
        url, {**form, "business_hours": json.dumps({"mon": [["07:00", "15:00"]]})}
    )
    assert good.status_code == 302
    riverside.refresh_from_db()
    assert riverside.business_hours == {"mon": [["07:00", "15:00"]]}
    assert riverside.holidays.get().name == "Christmas Eve"
    # The same holiday again is a form error, not a crash.
    again = admin_client.post(
        url, {**form, "business_hours": json.dumps({"mon": [["07:00", "15:00"]]})}
    )
    assert again.status_code == 200 and "already a holiday" in again.content.decode()


def test_scripts_are_edited_with_their_category(admin_client, riverside) -> None:
    category = Category.objects.get(practice=riverside, code="scheduling")
    page = admin_client.get(f"/admin/practices/category/{category.pk}/change/").content.decode()
    assert "{thanks}, {first_name}. Sé que acomodar una cita" in page


def test_practice_admin_keeps_the_on_call_rota_in_the_practice_time(
    admin_client, riverside, nurse
) -> None:
    url = f"/admin/practices/practice/{riverside.pk}/change/"
    shift = {
        "on_call-TOTAL_FORMS": "1",
        "on_call-0-clinician": nurse.pk,
        "on_call-0-starts_at_0": "2026-11-20",
        "on_call-0-starts_at_1": "17:00",
        "on_call-0-ends_at_0": "2026-11-23",
        "on_call-0-ends_at_1": "08:00",
        "on_call-0-note": "Weekend",
    }
    response = admin_client.post(url, {**practice_form(riverside), **shift})
    assert response.status_code == 302
    saved = OnCallShift.objects.get()
    # Friday 17:00 to Monday 08:00 in Chicago (CST, UTC-6).
    assert saved.starts_at == datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
    assert saved.ends_at == datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    backwards = {**shift, "on_call-0-ends_at_0": "2026-11-19"}
    response = admin_client.post(url, {**practice_form(riverside), **backwards})
    assert response.status_code == 200 and "must end after it starts" in response.content.decode()


def test_the_admin_refuses_far_dates_with_the_apis_message_and_stores_nothing(
    admin_client, riverside, nurse
) -> None:
    url = f"/admin/practices/practice/{riverside.pk}/change/"
    far = {
        **practice_form(riverside),
        "holidays-0-date": "9999-12-31",
        "on_call-TOTAL_FORMS": "1",
        "on_call-0-clinician": nurse.pk,
        "on_call-0-starts_at_0": "2026-11-20",
        "on_call-0-starts_at_1": "17:00",
        "on_call-0-ends_at_0": "9999-12-31",
        "on_call-0-ends_at_1": "23:59",
    }
    response = admin_client.post(url, far)
    assert response.status_code == 200  # the admin's way of saying "see the errors"
    assert response.content.decode().count("year must be between 1900 and 2999") == 2
    assert not OnCallShift.objects.exists()
    assert not riverside.holidays.exists()


def test_integration_secrets_are_encrypted_at_rest_and_never_shown_back(
    admin_client, riverside
) -> None:
    from django.db import connection

    url = f"/admin/practices/practice/{riverside.pk}/change/"
    no_holiday = {"holidays-TOTAL_FORMS": "0"}
    secrets = {
        "twilio_auth_token": "tw-secret-0123456789abcdef",
        "inbound_email_secret": "mail-secret-0123456789",
        "fhir_token": "fhir-secret-0123456789",
    }
    response = admin_client.post(url, {**practice_form(riverside), **no_holiday, **secrets})
    assert response.status_code == 302
    riverside.refresh_from_db()
    assert riverside.twilio_auth_token == secrets["twilio_auth_token"]  # plain in Python
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT twilio_auth_token, inbound_email_secret, fhir_token FROM practices_practice "
            "WHERE id = %s",
            [riverside.pk],
        )
        stored = cursor.fetchone()
    for value, secret in zip(stored, secrets.values(), strict=True):
        assert value.startswith("sealed:") and secret not in value
    page = admin_client.get(url).content.decode()
    assert all(secret not in page for secret in secrets.values())
    assert "ending in …cdef" in page
    # Saving the page without typing them keeps them; the remove box clears one.
    assert admin_client.post(url, {**practice_form(riverside), **no_holiday}).status_code == 302
    riverside.refresh_from_db()
    assert riverside.fhir_token == secrets["fhir_token"]
    cleared = {**practice_form(riverside), **no_holiday, "clear_fhir_token": "on"}
    assert admin_client.post(url, cleared).status_code == 302
    riverside.refresh_from_db()
    assert (
        riverside.fhir_token == "" and riverside.twilio_auth_token == secrets["twilio_auth_token"]
    )


def test_rotating_the_secrets_key_keeps_every_secret(riverside, settings) -> None:
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.SECRETS_KEYS = [old]
    riverside.fhir_token = "fhir-secret-0123456789"
    riverside.save()
    settings.SECRETS_KEYS = [new, old]
    call_command("rotate_secrets")
    settings.SECRETS_KEYS = [new]  # the old key removed
    riverside.refresh_from_db()
    assert riverside.fhir_token == "fhir-secret-0123456789"
