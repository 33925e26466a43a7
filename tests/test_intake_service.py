"""One intake service for every door: the call log, the API, the hooks and the visit checks
file an item the same way (suggestion, category, one urgency rule, routing, red-flag alert)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from closeloop.support_queue.models import AlertKind, StaffAlert, SupportItem
from tests.conftest import api_auth
from tests.test_intake import SMS, _configured, sms, twilio_post  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db


def by_log_page(client: Any, user: Any, text: str, category: str = "") -> None:
    client.force_login(user)
    response = client.post(
        reverse("log_contact"),
        {
            "practice": user.staff.practices.get().pk,
            "caller": "unknown",
            "callback_number": "312-555-0188",
            "channel": "phone",
            "category": category
            and str(user.staff.practices.get().categories.get(code=category).pk),
            "summary": text,
            "language": "en",
            "next_update_at": "2026-11-17T14:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]


def by_api(client: Any, user: Any, text: str, category: str = "") -> None:
    body = {
        "practice": "riverside",
        "channel": "phone",
        "summary": text,
        "callback_number": "312-555-0188",
        **({"category": category} if category else {}),
    }
    response = client.post(
        "/api/v1/items",
        body,
        content_type="application/json",
        **api_auth(user),
    )
    assert response.status_code == 201, response.content


def by_text_message(client: Any, user: Any, text: str, category: str = "") -> None:
    assert twilio_post(client, SMS, sms("SM-door", "+13125550188", text)).status_code == 200


DOORS = [by_log_page, by_api, by_text_message]


@pytest.mark.parametrize("door", DOORS, ids=lambda door: door.__name__)
def test_urgent_symptoms_are_an_emergency_for_the_clinical_team_through_every_door(
    client, clock, door, assistant, nurse
) -> None:
    door(client, assistant, "Crushing chest pain since this morning")
    item = SupportItem.objects.get()
    assert (item.red_flag, item.urgency, item.team) == (True, "emergency", "clinical")
    assert item.owner == nurse  # routed to the clinical staff on duty
    assert StaffAlert.objects.filter(user=nurse, kind=AlertKind.RED_FLAG).exists()


@pytest.mark.parametrize("door", [by_log_page, by_api], ids=lambda door: door.__name__)
def test_a_chosen_category_brings_its_own_urgency_through_every_door(
    client, clock, door, assistant
) -> None:
    """The same words: triage's urgency when triage picks the category, the category's own
    default when a person chose it."""
    door(client, assistant, "Question about a charge, please call back urgently", "billing")
    chosen = SupportItem.objects.get()
    assert (chosen.category.code, chosen.urgency) == ("billing", chosen.category.default_urgency)
