"""The patient's status page on a phone, in Spanish (issue 22)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from closeloop.demo.seed import create_world
from closeloop.messaging import status_links
from closeloop.patients.services import patient_create
from closeloop.practices.models import Category
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import Channel, ReceiptHow
from tests.conftest import EVENING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_spanish_speaking_patient_follows_their_request_on_a_phone(
    live_server, chromium: Any, screenshot_dir
) -> None:
    world = create_world()
    riverside = world.practices[0]
    maria = world.staff["maria"]
    patient = patient_create(
        practice=riverside, first_name="Ana", last_name="López", phone="3125550142",
        date_of_birth=date(1961, 4, 2), preferred_language="es",
    )  # fmt: skip
    item = lifecycle.item_create(
        practice=riverside,
        category=Category.objects.get(practice=riverside, code="referral_document_status"),
        channel=Channel.PHONE, actor=maria, summary="Necesita su referido al cardiólogo",
        patient=patient, language="es",
    )  # fmt: skip
    item = lifecycle.item_assign(item=item, actor=maria, owner=maria, team=item.team)
    due = timezone.now() + timedelta(days=1)
    # The wall clock: at night the promise is after hours, which the evening shift explains.
    item = lifecycle.item_acknowledge(
        item=item, actor=maria, how=ReceiptHow.CALL, next_update_at=due, after_hours_reason=EVENING
    )
    item = lifecycle.item_set_update_window(
        item=item, actor=maria, checking="Si el cardiólogo recibió el referido",
        next_step="El consultorio del cardiólogo le llamará", update_at=due,
        after_hours_reason=EVENING,
    )  # fmt: skip
    token = status_links.link_create(item)
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
        has_touch=True, locale="es-MX",
    )  # fmt: skip
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{token}")
    body = page.locator("main").inner_text()
    assert "Su solicitud" in body and "Riverside Family Medicine" in body
    assert "Un referido o documentos" in body  # the name for patients (issue 30)
    assert "Estamos dando seguimiento a su referido o documentos." in body
    assert status_links.for_patient(riverside, due, "es") in body
    assert "María" in body
    assert "cardiólogo" not in body  # staff's words never reach the page
    page.screenshot(path=str(screenshot_dir / "status-phone.png"), full_page=True)
    # A reply needs the date of birth.
    # Day, month and year, in the order Spanish writes a date.
    labels = page.locator(".date-parts label").all_inner_texts()
    assert labels == ["Día", "Mes", "Año"]
    page.get_by_label("Día").fill("1")
    page.get_by_label("Mes").fill("1")
    page.get_by_label("Año").fill("1990")
    page.get_by_label("Su mensaje").fill("¿Ya lo recibieron?")
    page.get_by_role("button", name="Enviar").click()
    page.get_by_text("no coincide con nuestros registros").wait_for()
    page.get_by_label("Día").fill("2")
    page.get_by_label("Mes").fill("4")
    page.get_by_label("Año").fill("1961")
    page.get_by_role("button", name="Enviar").click()
    page.get_by_text("Gracias. Su mensaje le llegó").wait_for()
    item.refresh_from_db()
    assert item.repeat_contact_count == 1
    context.close()
