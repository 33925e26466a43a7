"""Settings inside the workspace (issue 20): staff, practice, categories and scripts, message
templates — scoped to the practices an admin administers, audited."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from markupsafe import escape

from closeloop.messaging.models import MessagePurpose
from closeloop.messaging.services import render, shipped_template
from closeloop.practices.choices import Role
from closeloop.practices.models import Category, CategoryScript, Practice
from closeloop.security.models import AuditAction, AuditEvent
from closeloop.support_queue.models import SupportItem
from closeloop.web.settings_sections import BY_KEY, SECTIONS
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def settings_urls(practice: Practice) -> list[str]:
    category = Category.objects.filter(practice=practice).first()
    assert category is not None
    slug = practice.slug
    return [
        reverse("settings_practice", args=[slug]),
        *(reverse("settings_practice_section", args=[slug, s.key]) for s in SECTIONS),
        reverse("settings_categories", args=[slug]),
        reverse("settings_category", args=[slug, category.pk]),
        reverse("settings_templates", args=[slug]),
        reverse("settings_template", args=[slug]) + "?purpose=received&language=es",
    ]


def post_urls(practice: Practice) -> list[str]:
    category = Category.objects.filter(practice=practice).first()
    assert category is not None
    slug = practice.slug
    return [
        *(reverse("settings_practice_section", args=[slug, s.key]) for s in SECTIONS),
        reverse("settings_holiday_add", args=[slug]),
        reverse("settings_oncall_add", args=[slug]),
        reverse("settings_route_add", args=[slug]),
        reverse("settings_webhook_add", args=[slug]),
        reverse("settings_category", args=[slug, category.pk]),
        reverse("settings_script_preview", args=[slug, category.pk, "en"]),
        reverse("settings_template_preview", args=[slug]),
    ]


def test_a_practice_admin_sees_their_practice_and_never_anothers(
    client, practice_admin, riverside, lakeside
) -> None:
    client.force_login(practice_admin)
    assert client.get(reverse("settings")).status_code == 200
    for url in settings_urls(riverside):
        assert client.get(url).status_code == 200, url
    for url in settings_urls(lakeside):
        assert client.get(url).status_code == 404, url
    for url in post_urls(lakeside):
        assert client.post(url, {}).status_code == 404, url
    assert "Lakeside" not in client.get(reverse("settings")).content.decode()


def test_staff_without_a_configuring_role_get_no_settings(client, assistant, riverside) -> None:
    client.force_login(assistant)
    assert client.get(reverse("settings")).status_code == 404
    for url in settings_urls(riverside):
        assert client.get(url).status_code == 404, url


def staff_data(practice: Practice, **overrides: Any) -> dict[str, Any]:
    return {
        "first_name": "Dana", "last_name": "Desk", "username": "dana",
        "email": "dana@example.com", "roles": [Role.FRONT_DESK], "skills": ["scheduling"],
        "languages": ["en", "es"], "practices": [practice.pk], "max_open_items": "20",
        "max_open_complaints": "3", "available": "on", "mobile": "",
        **overrides,
    }  # fmt: skip


def test_an_organization_admin_adds_a_person_who_then_signs_in(
    client, org_admin, riverside, lakeside
) -> None:
    client.force_login(org_admin)
    form = client.get(reverse("settings_staff_new")).content.decode()
    assert "Front desk" in form and 'value="front_desk"' in form  # labels, not codes to type
    created = client.post(reverse("settings_staff_new"), staff_data(lakeside))
    assert created.status_code == 200
    password = re.search(r'class="secret">([^<]+)<', created.content.decode())[1]
    dana = get_user_model().objects.get(username="dana")
    assert dana.staff.roles == [Role.FRONT_DESK] and list(dana.staff.practices.all()) == [lakeside]
    assert AuditEvent.objects.filter(object_type="practices.staffprofile").exists()
    client.logout()
    signed_in = sign_in(client, "dana", password)
    assert signed_in.status_code == 302


def test_a_practice_admin_cannot_grant_admin_roles(client, practice_admin, riverside) -> None:
    client.force_login(practice_admin)
    refused = client.post(
        reverse("settings_staff_new"), staff_data(riverside, roles=[Role.ORG_ADMIN])
    )
    assert refused.status_code == 200 and "is not one of the available choices" in (
        refused.content.decode()
    )
    assert not get_user_model().objects.filter(username="dana").exists()


def test_deactivating_hands_open_items_back_first(
    client, clock, practice_admin, riverside, assistant, make_item
) -> None:
    from closeloop.support_queue import lifecycle

    item = make_item()
    lifecycle.item_assign(item=item, actor=assistant, owner=assistant, team=item.team)
    client.force_login(practice_admin)
    url = reverse("settings_staff_deactivate", args=[assistant.pk])
    page = client.get(url).content.decode()
    assert f"/items/{item.pk}/" in page and "open item" in page
    assert client.post(url).status_code == 302
    assistant.refresh_from_db()
    item.refresh_from_db()
    assert not assistant.is_active
    assert item.owner != assistant  # routed again from the team queue


def test_temporary_password_two_factor_reset_and_unlock_are_audited(
    client, practice_admin, assistant
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.conftest import locked_out

    TOTPDevice.objects.create(user=assistant, name="phone", confirmed=True)
    locked_out(assistant)
    client.force_login(practice_admin)
    shown = client.post(reverse("settings_staff_password", args=[assistant.pk])).content.decode()
    password = re.search(r'class="secret">([^<]+)<', shown)[1]
    assistant.refresh_from_db()
    assert assistant.check_password(password)
    client.post(reverse("settings_staff_reset_mfa", args=[assistant.pk]))
    assert not TOTPDevice.objects.filter(user=assistant).exists()
    assert client.post(reverse("settings_staff_unlock", args=[assistant.pk])).status_code == 302
    actions = set(
        AuditEvent.objects.filter(object_id=str(assistant.pk)).values_list("action", flat=True)
    )
    assert {AuditAction.UPDATE, AuditAction.MFA} <= actions


def hours_form(**days: tuple[str, str]) -> dict[str, str]:
    data = {}
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        opens, closes = days.get(day, ("", ""))
        data |= {f"hours-{day}_open_0": opens, f"hours-{day}_close_0": closes,
                 f"hours-{day}_open_1": "", f"hours-{day}_close_1": ""}  # fmt: skip
    return data


def section_data(practice: Practice, key: str, **changes: Any) -> dict[str, Any]:
    """What a section's form posts as the page showed it (``practice`` as stored), with
    ``changes`` typed over it (a tick box: True or False)."""
    form = BY_KEY[key].build(practice)
    data: dict[str, Any] = {}
    for field in form:
        value = changes.get(field.name, field.value())
        if field.widget_type == "checkbox":
            if value:
                data[field.html_name] = "on"
            continue
        if isinstance(value, time):
            value = f"{value:%H:%M}"
        data[field.html_name] = "" if value is None else value
    return data


def section_url(practice: Practice, key: str) -> str:
    return reverse("settings_practice_section", args=[practice.slug, key])


def test_a_practice_admin_edits_hours_with_time_pickers(client, practice_admin, riverside):
    client.force_login(practice_admin)
    assert client.get(reverse("settings_practice", args=["riverside"])).status_code == 200
    url = section_url(riverside, "hours")
    page = client.get(url).content.decode()
    assert 'type="time"' in page and 'aria-label="Monday opens"' in page
    backwards = hours_form(mon=("17:00", "09:00"))
    refused = client.post(url, backwards)
    assert refused.status_code == 422 and "closes before it opens" in refused.content.decode()
    week = dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), ("07:30", "16:00"))
    saved = client.post(url, hours_form(**week))
    assert saved.status_code == 302
    riverside.refresh_from_db()
    assert riverside.business_hours["mon"] == [["07:30", "16:00"]]
    assert "sat" not in riverside.business_hours


def test_a_practice_admin_sets_how_fresh_a_message_must_be_and_nonsense_is_refused(
    client, practice_admin, riverside
):
    client.force_login(practice_admin)
    url = section_url(riverside, "contact")
    page = client.get(url).content.decode()
    assert "Messages not sent within this many hours are cancelled" in page
    for bad, why in (
        ("0", "greater than or equal to 1"),
        ("abc", "whole number"),
        ("721", "less than or equal to 720"),
        ("12", "more than the quiet hours"),
    ):
        refused = client.post(url, section_data(riverside, "contact", message_fresh_hours=bad))
        assert refused.status_code == 422 and why in refused.content.decode(), bad
    saved = client.post(url, section_data(riverside, "contact", message_fresh_hours="72"))
    assert saved.status_code == 302
    riverside.refresh_from_db()
    assert riverside.message_fresh_hours == 72
    assert AuditEvent.objects.filter(
        object_type="practices.practice", action=AuditAction.UPDATE, object_id=str(riverside.pk)
    ).exists()


def billing_category_post(category: Category, **overrides: str) -> dict[str, Any]:
    """The billing category's Settings form: its times as shipped, its scripts and the names
    patients read as they stand, with ``overrides``."""
    data = {
        "name": category.name, "default_team": "support", "default_skill": "billing",
        "default_urgency": "routine",
        "first_response_minutes_0": "2", "first_response_minutes_1": "hours",
        "update_interval_minutes_0": "240", "update_interval_minutes_1": "minutes",
        "resolution_minutes_0": "16", "resolution_minutes_1": "hours",
        "handoff_accept_minutes_0": "60", "handoff_accept_minutes_1": "minutes",
        "active": "on", "checklist_text": "",
    }  # fmt: skip
    for script in CategoryScript.objects.filter(category=category):
        for part in ("acknowledge", "clarify", "own", "close"):
            data[f"{script.language}_{part}"] = getattr(script, part)
        data[f"{script.language}_patient_name"] = category.name_for_patients(script.language)
    return data | overrides


def test_a_category_and_its_scripts_with_a_live_preview(client, practice_admin, riverside):
    client.force_login(practice_admin)
    category = Category.objects.get(practice=riverside, code="billing")
    url = reverse("settings_category", args=["riverside", category.pk])
    page = client.get(url).content.decode()
    assert "Preview" in page and "Ana" in page  # the sample patient
    preview = client.post(
        reverse("settings_script_preview", args=["riverside", category.pk, "es"]),
        {"es_own": "Le llamará {owner} a más tardar {update_time}."},
    ).content.decode()
    assert "Le llamará" in preview and "{update_time}" not in preview
    data = billing_category_post(
        category, name="Billing questions",
        checklist_text="Find the statement\nCall the patient back",
    )  # fmt: skip
    data["en_close"] = "Here is what happens next: {next_step}. Thanks for your patience."
    data["es_patient_name"] = "Preguntas sobre su cuenta"
    assert client.post(url, data).status_code == 302
    category.refresh_from_db()
    assert category.name == "Billing questions" and category.first_response_minutes == 120
    assert category.checklist == ["Find the statement", "Call the patient back"]
    # The name patients read, per language, edited with the rest (issue 30).
    assert category.name_for_patients("es") == "Preguntas sobre su cuenta"
    assert (
        "Thanks for your patience"
        in CategoryScript.objects.get(category=category, language="en").close
    )
    data["en_close"] = "We will {guess} it"
    refused = client.post(url, data)
    assert refused.status_code == 422 and "not guess" in refused.content.decode()


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_template_preview_is_the_text_that_would_be_sent(
    client, clock, practice_admin, riverside, language
) -> None:
    """The preview fills the template through the messaging layer's renderer: a patient Ana
    promised the sample time receives exactly the previewed words (the practice's number as
    sent, "(312) 555-0100", never the stored "+13125550100")."""
    client.force_login(practice_admin)
    shipped = shipped_template(riverside.pk, MessagePurpose.RECEIVED, language)
    assert shipped is not None
    # The sample promise: the next business morning (Wednesday 10:00 in Chicago) + 2 hours.
    promised = datetime(2026, 11, 18, 18, 0, tzinfo=UTC)
    ana = SupportItem(
        practice=riverside, category=riverside.categories.first(), language=language,
        caller_name="Ana Sample",
    )  # fmt: skip
    subject, body = render(ana, MessagePurpose.RECEIVED, promised)
    preview = client.post(
        reverse("settings_template_preview", args=["riverside"]),
        {"language": language, "subject": shipped.subject, "body": shipped.body},
    ).content.decode()
    assert str(escape(body)) in preview and str(escape(subject)) in preview
    assert "(312) 555-0100" in preview and "+13125550100" not in preview


def test_a_template_preview_checks_for_clinical_details_as_you_type(
    client, practice_admin, riverside
) -> None:
    client.force_login(practice_admin)
    preview = client.post(
        reverse("settings_template_preview", args=["riverside"]),
        {"language": "en", "subject": "Update",
         "body": "Hi {first_name}, about your chest pain: we call by {update_time}."},
    ).content.decode()  # fmt: skip
    assert "Texts must not carry clinical details" in preview and "Hi Ana" in preview
    url = reverse("settings_template", args=["riverside"])
    saved = client.post(
        url + "?purpose=received&language=en",
        {"purpose": "received", "language": "en", "subject": "Got it",
         "body": "Hi {first_name}, {practice} has your message; update by {update_time}."},
    )  # fmt: skip
    assert saved.status_code == 302
    page = client.get(reverse("settings_templates", args=["riverside"])).content.decode()
    assert "has your message" in page


def test_help_is_written_for_each_role_and_linked_from_screens(client, supervisor) -> None:
    client.force_login(supervisor)
    page = client.get(reverse("help")).content.decode()
    for anchor in ("front-desk", "clinical", "supervisor", "admin", "keyboard"):
        assert f'id="{anchor}"' in page, anchor
    assert f'href="{reverse("help")}#front-desk"' in client.get("/").content.decode()
    assert SupportItem.objects.count() == 0


def test_integration_secrets_are_kept_and_never_shown_back_in_settings(
    client, practice_admin, riverside
) -> None:
    riverside.twilio_auth_token = "tw-secret-0123456789abcdef"
    riverside.save()
    client.force_login(practice_admin)
    url = section_url(riverside, "integrations")
    page = client.get(url).content.decode()
    assert "tw-secret-0123456789abcdef" not in page and "ending in …cdef" in page
    data = section_data(riverside, "integrations", twilio_auth_token="")
    assert client.post(url, data).status_code == 302
    riverside.refresh_from_db()
    assert riverside.twilio_auth_token == "tw-secret-0123456789abcdef"  # blank kept it


@pytest.mark.parametrize("language", ["x" * 500, "zz", "Spanish", "../en", ""])
def test_a_template_preview_in_a_language_without_a_catalog_is_a_400(
    client, practice_admin, riverside, language
) -> None:
    """The preview renders in a patient language Closeloop has; any other value is refused by
    name (it was read as a catalog's file name: a long one answered 500)."""
    client.force_login(practice_admin)
    url = f"/settings/{riverside.slug}/templates/preview/"
    data = {"subject": "Hello {first_name}", "body": "See you, {first_name}."}
    response = client.post(url, {**data, "language": language})
    assert response.status_code == 400
    assert "language" in response.content.decode().lower()
    assert client.post(url, {**data, "language": "es"}).status_code == 200


def test_a_practice_admin_turns_on_missed_call_text_backs_off_by_default(
    client, practice_admin, riverside
):
    assert riverside.missed_call_text_back is False
    client.force_login(practice_admin)
    url = section_url(riverside, "contact")
    page = client.get(url).content.decode()
    assert "Text callers back after a missed call" in page
    form = section_data(riverside, "contact", missed_call_text_back=True)
    assert client.post(url, form).status_code == 302
    riverside.refresh_from_db()
    assert riverside.missed_call_text_back is True


def test_a_practice_admin_sets_the_language_for_callers_we_do_not_know(
    client, practice_admin, riverside
) -> None:
    client.force_login(practice_admin)
    url = section_url(riverside, "contact")
    assert "Language for callers we do not know" in client.get(url).content.decode()
    form = section_data(riverside, "contact", default_language="es")
    assert client.post(url, form).status_code == 302
    riverside.refresh_from_db()
    assert riverside.default_language == "es"
    form = section_data(riverside, "contact", default_language="xx")  # no catalog: refused
    assert client.post(url, form).status_code != 302
    riverside.refresh_from_db()
    assert riverside.default_language == "es"
