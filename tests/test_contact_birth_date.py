"""The public form asks the (optional) date of birth as the status page does (issue 30, item 6):
day, month and year as labelled number fields in the order the page's language writes a date,
never a browser date picker (which follows the browser's locale, not the page's language)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from closeloop.support_queue.models import SupportItem
from tests.test_intake import contact_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("riverside", "fresh_cache")]
CONTACT = "/p/riverside/contact/"


def _main(response: Any) -> str:
    body = response.content.decode()
    return body[body.index("<main") :]


def _labels(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<label for="id_birth_(day|month|year)">([^<]+)</label>', html)


def test_the_spanish_form_asks_the_date_of_birth_as_day_month_year(client) -> None:
    main = _main(client.get(f"{CONTACT}?lang=es"))
    assert _labels(main) == [("day", "Día"), ("month", "Mes"), ("year", "Año")]
    assert 'type="date"' not in main and 'name="date_of_birth"' not in main
    assert 'autocomplete="bday-day"' in main


def test_the_english_form_asks_month_day_year(client) -> None:
    main = _main(client.get(CONTACT))
    assert _labels(main) == [("month", "Month"), ("day", "Day"), ("year", "Year")]
    assert 'type="date"' not in main


def test_a_full_date_of_birth_is_stored_as_before(client, clock) -> None:
    birth = {"birth_day": "2", "birth_month": "4", "birth_year": "1961"}
    response = client.post(CONTACT, {**contact_form(), **birth, "lang": "es"})
    assert response.status_code == 200
    assert "Date of birth given: 1961-04-02" in SupportItem.objects.get().details


def test_no_date_of_birth_is_fine(client, clock) -> None:
    empty = {"birth_day": "", "birth_month": "", "birth_year": ""}
    assert client.post(CONTACT, {**contact_form(), **empty}).status_code == 200
    assert "Date of birth" not in SupportItem.objects.get().details


@pytest.mark.parametrize(
    ("language", "error"),
    [
        ("es", "Escriba su fecha de nacimiento con números: día, mes y año."),
        ("en", "Enter your date of birth as day, month and year, in numbers."),
    ],
)
def test_a_partial_date_of_birth_is_refused_in_the_patients_language(
    client, language, error
) -> None:
    partial = {"birth_day": "2", "birth_month": "", "birth_year": "1961", "lang": language}
    response = client.post(CONTACT, {**contact_form(), **partial})
    assert response.status_code == 422
    assert error in _main(response)
    assert not SupportItem.objects.exists()


def test_an_impossible_date_of_birth_is_a_clear_error(client) -> None:
    impossible = {"birth_day": "31", "birth_month": "2", "birth_year": "1961", "lang": "es"}
    response = client.post(CONTACT, {**contact_form(), **impossible})
    assert response.status_code == 422
    assert "Esa fecha no existe." in _main(response)
    assert not SupportItem.objects.exists()


def test_a_date_of_birth_out_of_range_is_refused_in_the_patients_language(client) -> None:
    future = {"birth_day": "1", "birth_month": "1", "birth_year": "2099", "lang": "es"}
    response = client.post(CONTACT, {**contact_form(), **future})
    assert response.status_code == 422
    main = _main(response)
    assert "1900" in main and "Enter a date" not in main
    assert not SupportItem.objects.exists()


def test_the_date_of_birth_keeps_what_the_patient_typed_after_an_error(client) -> None:
    partial = {"birth_day": "2", "birth_month": "", "birth_year": "1961", "lang": "es"}
    main = _main(client.post(CONTACT, {**contact_form(phone=""), **partial}))
    assert 'name="birth_day" value="2"' in main and 'name="birth_year" value="1961"' in main
