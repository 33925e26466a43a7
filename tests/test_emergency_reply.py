"""The emergency reply first (issue 30, item 5): on the public form's reply and in every
automatic text and email about urgent symptoms, 911 comes before anything else — large, a
``tel:`` link on the web, in the patient's language, in web wording on the web — and the 988
Suicide & Crisis Lifeline when the patient wrote of harming themselves."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache

from closeloop.core.languages import patient_languages
from closeloop.intake.wording import EMERGENCY_REPLY
from closeloop.lib.redflags import find_red_flags, needs_crisis_line
from closeloop.messaging.models import MessagePurpose
from closeloop.messaging.services import render
from closeloop.practices.services import practice_add_language
from closeloop.support_queue.models import SupportItem
from tests.test_intake import contact_form
from tests.test_language_matrix import check, french, page_text  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

CHEST = {
    "en": "my chest is squeezing and I can hardly breathe",
    "es": "me aprieta el pecho y casi no me entra el aire",
    "fr": "my chest is squeezing and I can hardly breathe",
}
SELF_HARM = {
    "en": "I want to end my life, I can't go on",
    "es": "ya no quiero vivir, quiero quitarme la vida",
    "fr": "I want to end my life, I can't go on",
}
#: Text-message wording that must not appear on a web page ("this is X writing").
TEXT_WORDING = {"en": "This is ", "es": "Le escribe", "fr": "Ici "}
THANKS = {"en": "Thank you", "es": "Gracias", "fr": "Merci"}


def _post(client: Any, language: str, message: str, n: int = 1) -> str:
    cache.clear()
    response = client.post(
        f"/p/riverside/contact/?lang={language}",
        contact_form(submission=f"e{language}{n}", lang=language, message=message),
    )
    assert response.status_code == 200
    assert SupportItem.objects.filter(red_flag=True).exists()
    return response.content.decode()


@pytest.mark.usefixtures("french")
@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_the_public_form_says_call_911_first_with_a_tap_to_call_link(
    client, riverside, language
) -> None:
    practice_add_language(practice=riverside, language="fr")
    assert language in patient_languages()
    body = _post(client, language, CHEST[language])
    main = body[body.index("<main") :]
    first_911 = main.index("911")
    assert 'href="tel:911"' in main
    assert first_911 < main.index(THANKS[language])
    # The first heading is the instruction, not the thank-you.
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", main, re.S)
    assert heading and "911" in heading[1]
    assert TEXT_WORDING[language] not in page_text_of(body)
    assert "tel:988" not in main  # chest pain: 911 only
    check(page_text_of(body), language, [riverside.name], "emergency reply")


def page_text_of(body: str) -> str:
    class Response:
        content = body.encode()

    return page_text(Response())


@pytest.mark.parametrize("language", ["en", "es"])
def test_self_harm_wording_brings_the_988_lifeline_beside_911(client, riverside, language) -> None:
    body = _post(client, language, SELF_HARM[language])
    main = body[body.index("<main") :]
    assert 'href="tel:911"' in main and 'href="tel:988"' in main
    assert main.index("tel:911") < main.index(THANKS[language])
    assert main.index("tel:988") < main.index(THANKS[language])


def test_the_crisis_line_is_for_self_harm_not_every_red_flag() -> None:
    assert needs_crisis_line(SELF_HARM["en"]) and needs_crisis_line(SELF_HARM["es"])
    assert not needs_crisis_line(CHEST["en"]) and not needs_crisis_line("please call me back")


@pytest.mark.usefixtures("french")
def test_the_web_reply_has_every_string_in_every_catalog() -> None:
    for language in ("es", "fr"):
        for key, words in EMERGENCY_REPLY.items():
            assert words.translated_in(language), (language, key)


@pytest.mark.parametrize("language", ["en", "es", "fr"])
@pytest.mark.parametrize("channel", ["sms", "email"])
@pytest.mark.usefixtures("french")
def test_the_automatic_emergency_text_and_email_start_with_911(
    riverside, make_item, language, channel
) -> None:
    practice_add_language(practice=riverside, language="fr")
    item = make_item("clinical_message", language=language)
    _, body = render(item, MessagePurpose.EMERGENCY, None, channel)
    first_sentence = re.split(r"(?<=[.!])\s", body, maxsplit=1)[0]
    assert "911" in first_sentence, body
    assert body.index("911") < body.index(riverside.name)


@pytest.mark.parametrize(
    "text",
    [
        "took all my pills so I won't wake up",
        "she swallowed the whole bottle so she wouldnt have to wake up",
        "me tomé todas las pastillas para no despertar",
        "se tomó el frasco entero para ya no sufrir",
    ],
)
def test_an_overdose_taken_to_die_brings_the_crisis_line_too(text: str) -> None:
    groups = {flag.group for flag in find_red_flags(text)}
    assert {"overdose", "suicidal"} <= groups, (text, groups)
    assert needs_crisis_line(text)


def test_an_accidental_overdose_is_911_and_poison_control_only() -> None:
    for text in (
        "my son took too many of his tylenol by mistake",
        "me tomé el doble de insulina sin querer",
    ):
        assert "overdose" in {flag.group for flag in find_red_flags(text)}, text
        assert not needs_crisis_line(text), text
    assert not needs_crisis_line("I set an alarm so I can wake up on time for my visit")
