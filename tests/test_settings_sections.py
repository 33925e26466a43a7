"""A practice's Settings in titled sections (issue 31): each section saves on its own and never
clears or changes another's fields, says "Saved" when it did, and on a refusal shows the errors
beside the fields with what was typed kept; every tick box sits inside its label. And everyone
who works for a practice sees its on-call rota, read only (Settings stays for its admins)."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import pgettext

from closeloop.practices.choices import Role
from closeloop.practices.models import Category, OnCallShift, Practice, StaffProfile
from closeloop.practices.services import staff_create
from closeloop.security.models import AuditAction, AuditEvent
from closeloop.web.settings_sections import BY_KEY, SECTIONS
from tests.test_settings_pages import hours_form, section_data, section_url

pytestmark = pytest.mark.django_db

#: A value for one field of each section that differs from a new practice's.
CHANGES: dict[str, dict[str, Any]] = {
    "hours": {"sat_open_0": "09:00", "sat_close_0": "12:00"},
    "contact": {"phone": "+13125550199", "status_links": True, "message_fresh_hours": "72"},
    "rules": {"reopen_days": "21", "closure_question": True, "auto_acknowledge": False},
    "emergencies": {"red_flag_response_minutes": "10", "emergency_script_es": "Llame al 911."},
    "integrations": {"twilio_account_sid": "AC0123", "fhir_token": "fhir-secret-0001"},
}


def columns(practice: Practice) -> dict[str, Any]:
    """Every stored value a section of Settings edits, by section."""
    practice = Practice.objects.get(pk=practice.pk)
    found: dict[str, Any] = {"hours": practice.business_hours}
    for section in SECTIONS[1:]:
        fields = section.build(practice)._meta.fields
        found[section.key] = {name: getattr(practice, name) for name in fields}
    return found


def test_every_section_has_a_change_in_this_test() -> None:
    """A section added to ``SECTIONS`` without a value here fails, so the tests below cover it."""
    assert set(CHANGES) == set(BY_KEY)


@pytest.mark.parametrize("key", [s.key for s in SECTIONS])
def test_saving_one_section_changes_its_fields_and_no_others(
    client, practice_admin, riverside, key
) -> None:
    client.force_login(practice_admin)
    before = columns(riverside)
    if key == "hours":
        data = {**hours_form(**dict.fromkeys(("mon", "tue"), ("08:00", "17:00")))}
        data |= {"hours-sat_open_0": "09:00", "hours-sat_close_0": "12:00"}
    else:
        data = section_data(riverside, key, **CHANGES[key])
    response = client.post(section_url(riverside, key), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == section_url(riverside, key)
    after = columns(riverside)
    assert after[key] != before[key]
    assert {k: v for k, v in after.items() if k != key} == {
        k: v for k, v in before.items() if k != key
    }
    # Audited, with this section's fields only.
    event = AuditEvent.objects.filter(
        object_type="practices.practice", action=AuditAction.UPDATE, object_id=str(riverside.pk)
    ).latest("pk")
    assert event.fields
    assert set(event.fields) <= set(BY_KEY[key].build(riverside).fields) | {"business_hours"}


def test_a_section_saved_from_a_page_read_earlier_keeps_what_another_section_saved_since(
    client, practice_admin, riverside
) -> None:
    """Two admins, or two tabs: the rules page was read, then the contact section saved."""
    client.force_login(practice_admin)
    rules_as_read = section_data(riverside, "rules", reopen_days="30")
    contact = section_data(riverside, "contact", phone="+13125550123")
    assert client.post(section_url(riverside, "contact"), contact).status_code == 302
    assert client.post(section_url(riverside, "rules"), rules_as_read).status_code == 302
    riverside.refresh_from_db()
    assert riverside.phone == "+13125550123" and riverside.reopen_days == 30


def test_a_saved_section_says_saved_in_english_and_spanish(
    client, practice_admin, riverside
) -> None:
    client.force_login(practice_admin)
    data = section_data(riverside, "rules", reopen_days="21")
    page = client.post(section_url(riverside, "rules"), data, follow=True).content.decode()
    assert "Saved: The loop&#x27;s rules." in page
    with translation.override("es"):
        saved = pgettext("staff: a settings section was saved", "Saved: %(section)s.") % {
            "section": BY_KEY["rules"].title
        }
    assert saved == "Guardado: Las reglas del ciclo."


def test_a_refused_section_shows_the_errors_beside_the_fields_and_keeps_the_input(
    client, practice_admin, riverside
) -> None:
    client.force_login(practice_admin)
    before = columns(riverside)
    data = section_data(riverside, "contact", phone="+13125550177", message_fresh_hours="abc")
    refused = client.post(section_url(riverside, "contact"), data)
    page = refused.content.decode()
    assert refused.status_code == 422
    assert "Not saved" in page
    field = re.search(r'<div class="field has-error">(.*?)</div>', page, re.S)
    assert field and 'name="contact-message_fresh_hours"' in field[1]
    assert "whole number" in field[1] and 'value="abc"' in field[1]
    assert 'value="+13125550177"' in page  # the rest of what was typed, kept
    assert "Saved" not in page.replace("Not saved", "")
    assert columns(riverside) == before


def test_a_rule_about_another_sections_field_is_said_not_crashed(
    client, practice_admin, riverside
) -> None:
    """The stored row already breaks the quiet-hours rule (written outside Settings): a section
    without the field it names is refused with the reason above its form (it was a 500: Django
    puts a model's error on its field, which that section lacks), the contact section beside
    the field, and nothing is stored."""
    Practice.objects.filter(pk=riverside.pk).update(message_fresh_hours=2)
    riverside.refresh_from_db()
    client.force_login(practice_admin)
    for key in ("rules", "contact"):
        refused = client.post(section_url(riverside, key), section_data(riverside, key))
        assert refused.status_code == 422, key
        assert "more than the quiet hours" in refused.content.decode(), key
    riverside.refresh_from_db()
    assert riverside.message_fresh_hours == 2


def test_an_unknown_section_is_a_404_and_the_old_one_form_post_is_refused(
    client, practice_admin, riverside
) -> None:
    client.force_login(practice_admin)
    assert client.get(section_url(riverside, "everything")).status_code == 404
    assert client.post(section_url(riverside, "everything"), {}).status_code == 404
    assert client.post(reverse("settings_practice", args=[riverside.slug]), {}).status_code == 405


class Checkboxes(HTMLParser):
    """Each tick box of a page, and whether it sits inside a label."""

    def __init__(self) -> None:
        super().__init__()
        self.labels = 0
        self.found: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "label":
            self.labels += 1
        elif tag == "input" and values.get("type") == "checkbox":
            self.found.append((str(values.get("name")), self.labels > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.labels -= 1


def test_every_tick_box_of_settings_sits_inside_its_label(
    client, practice_admin, riverside, assistant
) -> None:
    client.force_login(practice_admin)
    category = Category.objects.filter(practice=riverside).first()
    pages = [
        *(section_url(riverside, s.key) for s in SECTIONS),
        reverse("settings_staff_new"),
        reverse("settings_staff_edit", args=[assistant.pk]),
        reverse("settings_category", args=[riverside.slug, category.pk]),
    ]
    seen = set()
    for url in pages:
        parser = Checkboxes()
        parser.feed(client.get(url).content.decode())
        apart = [name for name, inside in parser.found if not inside]
        assert apart == [], f"{url}: tick boxes apart from their labels: {apart}"
        seen |= {name for name, _ in parser.found}
    assert {"rules-closure_question", "contact-status_links", "available", "active"} <= seen


def test_every_page_of_a_practices_settings_leads_to_every_section(
    client, practice_admin, riverside
) -> None:
    """From Outreach (or any page of a practice's Settings) the admin reaches Integrations and
    the other sections in one click: the same menu on every page."""
    from closeloop.outreach.models import OutreachPlan

    client.force_login(practice_admin)
    category = Category.objects.filter(practice=riverside).first()
    plan = OutreachPlan.objects.create(practice=riverside)
    pages = [
        *(section_url(riverside, s.key) for s in SECTIONS),
        reverse("settings_categories", args=[riverside.slug]),
        reverse("settings_category", args=[riverside.slug, category.pk]),
        reverse("settings_templates", args=[riverside.slug]),
        reverse("settings_outreach", args=[riverside.slug]),
        reverse("settings_outreach_plan", args=[riverside.slug, plan.pk]),
        reverse("settings_playbook", args=[riverside.slug]),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        missing = [s.key for s in SECTIONS if section_url(riverside, s.key) not in page]
        assert missing == [], f"{url}: no link to {missing}"
    index = client.get(reverse("settings")).content.decode()
    for name in ("settings_outreach", "settings_playbook", "settings_templates"):
        assert reverse(name, args=[riverside.slug]) in index


# --- the on-call rota, read only --------------------------------------------------------------


@pytest.fixture
def rota(riverside, nurse) -> dict[str, Any]:
    StaffProfile.objects.filter(user=nurse).update(mobile="+13125550181")
    nurse.first_name, nurse.last_name = "Nora", "Nurse"
    nurse.save()
    now = timezone.now()
    return {
        "now": OnCallShift.objects.create(
            practice=riverside, clinician=nurse, starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=7), note="Nights",
        ),
        "next": OnCallShift.objects.create(
            practice=riverside, clinician=nurse, starts_at=now + timedelta(days=1),
            ends_at=now + timedelta(days=1, hours=8),
        ),
    }  # fmt: skip


def test_a_clinician_sees_who_is_on_call_now_and_next_but_no_settings(
    client, riverside, nurse, rota
) -> None:
    client.force_login(nurse)
    assert client.get(reverse("settings_practice", args=[riverside.slug])).status_code == 404
    queue = client.get("/").content.decode()
    assert f'href="{reverse("on_call")}"' in queue  # reachable from the navigation
    for url in (reverse("on_call"), reverse("on_call_practice", args=[riverside.slug])):
        page = client.get(url).content.decode()
        now = page[page.index(">Now<") : page.index(">Next<")]
        assert "Nora Nurse" in now and "(312) 555-0181" in now and "Nights" in now
        assert "CST" in page or "CDT" in page  # on the practice's clock
        assert page.count("(312) 555-0181") == 2  # now, and the next shift
        assert "<form" not in page.split("<main", 1)[1].split("</main>")[0]  # read only
        assert "Change the rota in Settings" not in page


def test_every_role_of_the_practice_sees_the_rota_and_an_admin_is_led_to_change_it(
    client, org, riverside, rota
) -> None:
    for role in Role.values:
        person = staff_create(
            organization=org, username=f"p-{role}", password="pw", roles=[role],
            practices=[riverside],
        )  # fmt: skip
        client.force_login(person)
        page = client.get(reverse("on_call_practice", args=[riverside.slug]))
        assert page.status_code == 200 and "(312) 555-0181" in page.content.decode(), role
        may_change = role in (Role.PRACTICE_ADMIN, Role.ORG_ADMIN)
        assert ("Change the rota in Settings" in page.content.decode()) is may_change, role


def test_another_practices_rota_is_a_404_and_never_listed(
    client, riverside, lakeside, outsider, nurse, rota
) -> None:
    OnCallShift.objects.create(
        practice=lakeside, clinician=outsider, starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(hours=3), note="Zebrafish",
    )  # fmt: skip
    client.force_login(nurse)
    assert client.get(reverse("on_call_practice", args=[lakeside.slug])).status_code == 404
    assert client.get(reverse("on_call_practice", args=["nowhere"])).status_code == 404
    assert "Zebrafish" not in client.get(reverse("on_call")).content.decode()
    client.force_login(outsider)
    assert client.get(reverse("on_call_practice", args=[riverside.slug])).status_code == 404
    assert "Zebrafish" in client.get(reverse("on_call")).content.decode()


def test_the_rota_page_reads_a_fixed_number_of_queries(client, org, riverside, nurse, rota):
    """Not one per shift: more shifts ahead read no more queries."""

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("on_call")).status_code == 200
        return len(queries)

    client.force_login(nurse)
    few = count()
    start = timezone.now() + timedelta(days=2)
    for n in range(4):
        OnCallShift.objects.create(
            practice=riverside, clinician=nurse, starts_at=start + timedelta(days=n),
            ends_at=start + timedelta(days=n, hours=8),
        )  # fmt: skip
    assert count() == few
