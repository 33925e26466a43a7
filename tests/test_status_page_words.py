"""The status page in the patient's words (issue 30, item 6): expired and revoked links answer
in the patient's language with the practice's phone (an unknown token stays neutral), the date
of birth is asked as day, month and year in the language's order, and staff can turn an item's
links off from the item page or the API — audited, on the timeline."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest

from closeloop.api.models import ApiToken
from closeloop.messaging import status_links
from closeloop.messaging.models import StatusLink
from closeloop.security.models import AuditEvent
from closeloop.support_queue.models import EventCode, TimelineEvent
from tests.conftest import bearer, planned
from tests.test_patient_status import dob

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def spanish_item(clock: Any, riverside: Any, patient: Any, make_item: Any, assistant: Any) -> Any:
    riverside.status_links = True
    riverside.save()
    patient.date_of_birth = date(1961, 4, 2)
    patient.preferred_language = "es"
    patient.save()
    return planned(make_item(language="es"), assistant, acknowledge=True)


def _main(response: Any) -> str:
    body = response.content.decode()
    return body[body.index("<main") :]


def test_an_expired_link_answers_in_the_patients_language_with_the_practices_phone(
    client, clock, riverside, spanish_item
) -> None:
    token = status_links.link_create(spanish_item)
    clock.shift(timedelta(days=status_links.LINK_DAYS + 1))
    page = client.get(f"/s/{token}")
    assert page.status_code == 410
    main = _main(page)
    assert 'lang="es"' in page.content.decode()
    assert "Este enlace venció." in main and "This link" not in main
    assert f'href="tel:{riverside.phone}"' in main and riverside.name in main
    # Nothing about the request itself.
    assert spanish_item.summary not in main and "Ana" not in main


def test_a_revoked_link_says_so_in_the_patients_language(client, riverside, spanish_item) -> None:
    token = status_links.link_create(spanish_item)
    status_links.link_revoke_all(spanish_item)
    main = _main(client.get(f"/s/{token}"))
    assert "La clínica desactivó este enlace." in main
    assert f'href="tel:{riverside.phone}"' in main
    # A reply through a revoked link is refused the same way.
    posted = client.post(f"/s/{token}/reply", {**dob(date(1961, 4, 2)), "text": "hola"})
    assert posted.status_code == 410 and "desactivó" in posted.content.decode()


def test_an_unknown_token_reveals_nothing(client, riverside, spanish_item) -> None:
    status_links.link_create(spanish_item)
    page = client.get("/s/not-a-real-token-at-all")
    assert page.status_code == 404
    main = _main(page)
    assert riverside.name not in main and "tel:" not in main
    assert 'lang="en"' in page.content.decode()


def test_the_spanish_page_asks_the_date_of_birth_as_day_month_year(
    client, spanish_item, patient
) -> None:
    token = status_links.link_create(spanish_item)
    main = _main(client.get(f"/s/{token}"))
    labels = re.findall(r'<label for="id_birth_(day|month|year)">([^<]+)</label>', main)
    assert labels == [("day", "Día"), ("month", "Mes"), ("year", "Año")]
    assert 'type="date"' not in main and "mm/dd" not in main
    english = _main(client.get(f"/s/{token}?lang=en"))
    assert [n for n, _ in re.findall(r'<label for="id_birth_(\w+)">([^<]+)<', english)] == [
        "month", "day", "year",
    ]  # fmt: skip
    # Day 2, month 4 (2 April): accepted as the patient's date of birth.
    done = client.post(
        f"/s/{token}/reply", {**dob(patient.date_of_birth), "text": "¿Es el jueves?"}
    )
    assert done.status_code == 302


def test_an_impossible_date_is_a_clear_error_and_no_guess(client, spanish_item, patient) -> None:
    token = status_links.link_create(spanish_item)
    for _ in range(status_links.MAX_FAILED_CHECKS + 1):
        page = client.post(
            f"/s/{token}/reply",
            {"birth_day": 31, "birth_month": 2, "birth_year": 1961, "text": "hola"},
        )
        assert page.status_code == 422
        assert "Esa fecha no existe. Revise el día, el mes y el año." in page.content.decode()
    # Not counted against the patient's guesses: the right date still gets through.
    done = client.post(f"/s/{token}/reply", {**dob(patient.date_of_birth), "text": "hola"})
    assert done.status_code == 302


def test_staff_turn_off_an_items_links_from_the_item_page(
    client, riverside, spanish_item, assistant
) -> None:
    first, second = status_links.link_create(spanish_item), status_links.link_create(spanish_item)
    client.force_login(assistant)
    page = client.get(f"/items/{spanish_item.pk}/").content.decode()
    assert 'id="form-revoke_links"' in page
    url = f"/items/{spanish_item.pk}/revoke_links/"
    unconfirmed = client.post(url, {"revoke_links-reason": "Lost phone"})
    assert unconfirmed.status_code == 422
    assert client.get(f"/s/{first}").status_code == 200
    done = client.post(url, {"revoke_links-reason": "Lost phone", "revoke_links-confirm": "on"})
    assert done.status_code == 302
    assert client.get(f"/s/{first}").status_code == 410
    assert client.get(f"/s/{second}").status_code == 410
    event = TimelineEvent.objects.get(item=spanish_item, code=EventCode.STATUS_LINKS_REVOKED)
    assert (event.actor, event.text) == (assistant, "Lost phone")
    assert AuditEvent.objects.filter(
        user=assistant, object_id=str(spanish_item.pk), fields=["status_links"]
    ).exists()
    # A message sent later carries a new, working link.
    fresh = status_links.link_create(spanish_item)
    assert client.get(f"/s/{fresh}").status_code == 200


def test_the_api_turns_off_an_items_links_under_the_same_rule(
    client, riverside, spanish_item, assistant, outsider, lakeside_item
) -> None:
    token = status_links.link_create(spanish_item)
    _, secret = ApiToken.issue(user=assistant)
    headers = bearer(secret)
    url = f"/api/v1/items/{spanish_item.pk}/revoke-links"
    refused = client.post(url, {"reason": "Lost phone"}, content_type="application/json", **headers)
    assert refused.status_code in (400, 409, 422)
    done = client.post(
        url, {"reason": "Lost phone", "confirm": True}, content_type="application/json", **headers
    )
    assert done.status_code == 200, done.content
    assert StatusLink.objects.get(item=spanish_item).revoked_at is not None
    assert client.get(f"/s/{token}").status_code == 410
    # Another practice's item: not found.
    other = client.post(
        f"/api/v1/items/{lakeside_item.pk}/revoke-links",
        {"reason": "x", "confirm": True}, content_type="application/json", **headers,
    )  # fmt: skip
    assert other.status_code == 404
