"""Settings in a real browser (issue 20): an organization admin adds a person who signs in,
sets up two-factor sign-in, chooses a password of their own and sees only their practice; a
practice admin edits the hours and a category's script and sees the preview."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_otp.oath import totp

from closeloop.demo.seed import DEMO_PASSWORD, create_on_call_rota, create_world
from closeloop.practices.models import Organization, Practice
from closeloop.practices.services import staff_create
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def enrol(page: Any) -> None:
    """Two-factor set-up, as a person does it with an authenticator app."""
    page.wait_for_url(re.compile(r"/mfa/setup/"))
    key = "".join(page.locator("code.secret").inner_text().split()).upper()
    code = str(totp(base64.b32decode(key + "=" * (-len(key) % 8)))).zfill(6)
    page.get_by_label("Code from the app").fill(code)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.get_by_text("recovery codes", exact=False).first.wait_for()


def test_an_admin_adds_a_person_who_signs_in_with_two_factor(
    live_server, new_page, screenshot_dir
) -> None:
    world = create_world()
    Organization.objects.filter(pk=world.organization.pk).update(require_mfa=True)
    base = live_server.url
    page = new_page()
    # The demo's admin is an organization admin.
    login(page, base, "admin", lands_on=None)
    enrol(page)
    page.goto(base + "/settings/staff/new/")
    page.get_by_label("First name").fill("Dana")
    page.get_by_label("Last name").fill("Desk")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Email").fill("dana@example.com")
    page.get_by_label("Front desk").check()
    page.get_by_label("Scheduling", exact=True).check()
    page.get_by_label("Spanish").check()
    page.get_by_label("Lakeside Dental").check()
    page.screenshot(path=str(screenshot_dir / "settings-staff.png"), full_page=True)
    page.get_by_role("button", name="Add and show a temporary password").click()
    password = page.locator("code.secret").inner_text().strip()
    assert len(password) > 12

    newcomer = new_page()
    login(newcomer, base, "dana", password, lands_on=None)
    enrol(newcomer)
    # Someone else chose that password: before anything else, one of her own.
    newcomer.goto(base + "/?tab=open")
    newcomer.wait_for_url(re.compile(r"/account/set-password/"))
    newcomer.locator('input[name="new_password1"]').fill("dana's own long passphrase")
    newcomer.locator('input[name="new_password2"]').fill("dana's own long passphrase")
    newcomer.get_by_role("button", name="Save my password").click()
    newcomer.wait_for_url(re.compile(r"/$"))
    newcomer.goto(base + "/?tab=open")
    body = newcomer.locator("main").inner_text()
    assert "Lakeside Dental" in newcomer.content()
    assert "Riverside Family Medicine" not in body


def test_a_practice_admin_edits_hours_and_a_script_with_its_preview(
    live_server, new_page, screenshot_dir
) -> None:
    world = create_world()
    riverside = Practice.objects.get(slug="riverside")
    staff_create(
        organization=world.organization, username="padmin", password=DEMO_PASSWORD,
        roles=["practice_admin"], practices=[riverside], first_name="Pat", last_name="Admin",
    )  # fmt: skip
    base = live_server.url
    page = new_page()
    login(page, base, "padmin")
    page.goto(base + "/settings/riverside/")
    page.get_by_label("Saturday opens", exact=True).fill("09:00")
    page.get_by_label("Saturday closes", exact=True).fill("12:00")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(base + "/settings/riverside/section/hours/")
    page.get_by_text("Saved: Business hours and holidays.").wait_for()
    riverside.refresh_from_db()
    assert riverside.business_hours["sat"] == [["09:00", "12:00"]]

    page.goto(base + "/settings/riverside/categories/")
    page.get_by_role("link", name="Billing").click()
    own = page.locator('textarea[name="es_own"]')
    own.fill("Le devolverá la llamada {owner} a más tardar {update_time}. ¡Gracias!")
    preview = page.locator("#preview-es")
    preview.get_by_text("¡Gracias!").wait_for()
    assert "{update_time}" not in preview.inner_text() and "a más tardar" in preview.inner_text()
    page.screenshot(path=str(screenshot_dir / "settings-category.png"), full_page=True)
    # Another practice's settings are not there for them.
    assert page.goto(base + "/settings/lakeside/").status == 404


def test_an_admin_walks_the_sections_saves_one_and_ticks_boxes_by_their_words(
    live_server, new_page, screenshot_dir
) -> None:
    """Each section is its own page with its own Save; the words beside a tick box tick it;
    a refused save shows the error beside the field with what was typed; "Saved" after."""
    create_world()
    base = live_server.url
    page = new_page()
    login(page, base, "admin")
    page.goto(base + "/settings/riverside/")
    subnav = page.get_by_role("navigation", name="Settings of Riverside Family Medicine")
    titles = ["Business hours and holidays", "Contact and texts", "The loop's rules",
              "Emergencies and on-call", "Integrations and secrets"]  # fmt: skip
    for title in titles:
        subnav.get_by_role("link", name=title).click()
        page.get_by_role("heading", name=title, level=2).wait_for()
        assert page.get_by_role("button", name="Save", exact=True).count() == 1, title
    page.screenshot(path=str(screenshot_dir / "settings-integrations.png"), full_page=True)

    subnav.get_by_role("link", name="The loop's rules").click()
    closure = page.get_by_label("After a confirmed resolution, ask")
    was = closure.is_checked()
    # The words, not the box: the label sits beside its box and ticks it.
    page.get_by_text("After a confirmed resolution, ask").click()
    assert closure.is_checked() is not was
    box, words = (
        closure.bounding_box(),
        page.get_by_text("After a confirmed resolution").bounding_box(),
    )
    assert box and words and abs(box["y"] - words["y"]) < 20 and 0 <= words["x"] - box["x"] < 60
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved: The loop's rules.").wait_for()
    assert Practice.objects.get(slug="riverside").closure_question is not was
    page.screenshot(path=str(screenshot_dir / "settings-practice.png"), full_page=True)

    subnav.get_by_role("link", name="Contact and texts").click()
    fresh = page.get_by_label("Messages not sent within this many hours are cancelled")
    phone = page.get_by_label("Practice phone number")
    phone.fill("+13125550166")
    fresh.fill("12")  # no more than the quiet hours (20:00 to 08:00): refused by the server
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Not saved: see the fields marked below.").wait_for()
    page.locator(".field.has-error").get_by_text("more than the quiet hours").wait_for()
    assert fresh.input_value() == "12" and phone.input_value() == "+13125550166"  # kept
    page.screenshot(path=str(screenshot_dir / "settings-refused.png"), full_page=True)
    fresh.fill("72")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved: Contact and texts.").wait_for()
    riverside = Practice.objects.get(slug="riverside")
    assert riverside.message_fresh_hours == 72 and riverside.phone == "+13125550166"


def test_a_clinician_reads_who_is_on_call_from_the_header(
    live_server, new_page, screenshot_dir
) -> None:
    world = create_world()
    now = timezone.now()
    create_on_call_rota(world, now - timedelta(days=2), now + timedelta(days=10))
    base = live_server.url
    page = new_page()
    login(page, base, "nurse")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="On call").click()
    page.get_by_role("heading", name="On call", level=1).wait_for()
    main = page.locator("main").inner_text()
    assert "Now" in main and "Next" in main and "Riverside Family Medicine" in main
    assert "Add a shift" not in main
    assert "(312) 555-0181" in main and "(312) 555-0182" in main  # the nurse and Dr. Reyes
    page.screenshot(path=str(screenshot_dir / "on-call.png"), full_page=True)
    assert page.goto(base + "/settings/riverside/").status == 404
