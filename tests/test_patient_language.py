"""One patient-language rule (issue 30, item 1): every word that reaches a patient is in their
language, or it is not sent. The findings of "What is wrong today", each reproduced first."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from lingua import IsoCode639_1, LanguageDetectorBuilder

from closeloop.messaging import services, status_links
from closeloop.messaging.models import MessagePurpose, OutboundMessage
from closeloop.messaging.services import MessageRefused, message_send
from closeloop.practices.models import Category, CategoryScript
from closeloop.web.item_scripts import item_scripts
from tests.conftest import api_auth, planned
from tests.test_settings_pages import billing_category_post

pytestmark = pytest.mark.django_db

#: The test's own detector (the product's is another module): English or Spanish?
DETECTOR = LanguageDetectorBuilder.from_iso_codes_639_1(IsoCode639_1.EN, IsoCode639_1.ES).build()


def detected(text: str) -> str:
    language = DETECTOR.detect_language_of(text)
    assert language is not None, text
    return language.iso_code_639_1.name.lower()


def api_post(client: Any, user: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(
        "/api/v1" + path, json.dumps(body), content_type="application/json",
        **api_auth(user),
    )  # fmt: skip


def spanish(item: Any) -> Any:
    item.language = "es"
    item.save(update_fields=["language"])
    return item


# --- staff-written words -------------------------------------------------------------------------


def test_a_next_step_in_english_is_refused_for_a_spanish_patient_at_the_api(
    client, clock, make_item, assistant
) -> None:
    item = spanish(make_item("scheduling"))
    answer = api_post(client, assistant, f"/items/{item.pk}/update-window", {
        "checking": "Horarios libres el jueves",
        "next_step": "Patient is booked; confirmation text sent",
        "update_at": "2026-11-17T15:00:00-06:00",
    })  # fmt: skip
    assert answer.status_code == 422, answer.content
    error = answer.json()["error"]
    assert "Spanish" in error["message"] and "next step" in error["message"].lower()
    item.refresh_from_db()
    assert item.next_step == ""


def test_a_spanish_text_never_carries_an_english_next_step(clock, make_item, assistant) -> None:
    # Written before the rule (or through a door that skipped it): the message is refused.
    item = spanish(planned(make_item("scheduling"), assistant, acknowledge=True,
                           next_step="Patient is booked; confirmation text sent"))  # fmt: skip
    with pytest.raises(MessageRefused) as refused:
        message_send(item=item, actor=assistant, channel="sms", purpose=MessagePurpose.CLOSURE)
    assert refused.value.code == "wrong_language"
    assert not OutboundMessage.objects.filter(item=item).exists()


@pytest.mark.parametrize(
    "shorthand",
    ["Billing specialist calls the patient", "Call pt back Thursday", "Confirm with the patient"],
)
def test_third_person_shorthand_is_refused_where_the_patient_would_read_it(
    client, clock, make_item, assistant, shorthand
) -> None:
    item = make_item("billing")
    answer = api_post(client, assistant, f"/items/{item.pk}/update-window", {
        "checking": "Your statement", "next_step": shorthand,
        "update_at": "2026-11-17T15:00:00-06:00",
    })  # fmt: skip
    assert answer.status_code == 422, answer.content
    assert "patient" in answer.json()["error"]["message"]


def test_the_item_page_says_which_language_to_write_in(client, clock, make_item, assistant):
    item = spanish(make_item("scheduling"))
    client.force_login(assistant)
    page = client.get(reverse("item", args=[item.pk])).content.decode()
    assert "Write it in Spanish" in page
    # Said once: not "the patient reads it. The patient reads it: in their language".
    assert page.count("patient reads it") == page.count("Write it in Spanish")
    assert "in their language" not in page


# --- email subjects and footers -------------------------------------------------------------------


def test_a_spanish_email_has_a_spanish_subject_and_unsubscribe_footer(
    clock, make_item, assistant, patient, settings
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    patient.email = "ana@example.org"
    patient.save()
    item = spanish(planned(make_item("scheduling"), assistant, acknowledge=True))
    message = message_send(
        item=item, actor=assistant, channel="email", purpose=MessagePurpose.FREE,
        body="Hola Ana, su cita quedó el jueves a las 9:30. Gracias por su paciencia.",
    )  # fmt: skip
    services.deliver(message.pk)
    sent = mail.outbox[-1]
    assert detected(sent.subject.replace("Riverside", "")) == "es", sent.subject
    footer = sent.body.rsplit("--", 1)[1]
    assert detected(footer.split("http")[0].replace("Riverside", "")) == "es", footer


# --- shipped wording ----------------------------------------------------------------------------


def test_the_spanish_own_line_promises_what_the_english_one_does(riverside) -> None:
    """English: "you'll hear from us by …" (a call, a text or an email); Spanish must not
    promise a phone call where English does not."""
    for category in Category.objects.filter(practice=riverside):
        english = category.scripts.get(language="en").own.lower()
        spanish_own = category.scripts.get(language="es").own.lower()
        if "call" not in english:
            assert "llam" not in spanish_own, (category.code, spanish_own)


def test_the_owner_is_named_alike_in_the_script_and_on_the_status_page(
    clock, make_item, riverside
) -> None:
    riverside.status_links = True
    riverside.save()
    for language in ("en", "es"):
        item = make_item("billing", language=language)
        own = dict(item_scripts(item))["Own"]
        who = status_links.patient_view(item).who
        assert who.lower() in own.lower(), (language, who, own)


# --- templates and scripts that cannot be sent cannot be saved ---------------------------------


def test_a_template_with_clinical_details_cannot_be_saved(client, practice_admin) -> None:
    client.force_login(practice_admin)
    url = reverse("settings_template", args=["riverside"]) + "?purpose=pending_update&language=en"
    refused = client.post(url, {
        "purpose": "pending_update", "language": "en", "subject": "Update",
        "body": "Hi {first_name}, your blood test results and medication are being reviewed; "
                "we will update you by {update_time}.",
    })  # fmt: skip
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "blood" in page and "cannot be sent" in page


def test_a_spanish_template_written_in_english_cannot_be_saved(client, practice_admin) -> None:
    client.force_login(practice_admin)
    url = reverse("settings_template", args=["riverside"]) + "?purpose=received&language=es"
    refused = client.post(url, {
        "purpose": "received", "language": "es", "subject": "We got it",
        "body": "Hi {first_name}, we received your message and will update you by "
                "{update_time}.",
    })  # fmt: skip
    assert refused.status_code == 422
    assert "Spanish" in refused.content.decode()


def test_a_script_in_the_wrong_language_or_missing_a_part_cannot_be_saved(
    client, practice_admin, riverside
) -> None:
    client.force_login(practice_admin)
    category = Category.objects.get(practice=riverside, code="billing")
    url = reverse("settings_category", args=["riverside", category.pk])
    data = billing_category_post(category)
    data["es_close"] = "Here is what happens next: {next_step}."
    refused = client.post(url, data)
    assert refused.status_code == 422 and "Spanish" in refused.content.decode()
    data["es_close"] = ""
    assert client.post(url, data).status_code == 422


# --- a language that lacks something is never written in ------------------------------------------


def test_a_message_whose_language_lost_its_script_is_held_at_send_time_for_the_owner(
    clock, make_item, assistant, billing
) -> None:
    billing.first_name = "Bill"
    billing.save()
    item = make_item("billing", language="es")
    item = planned(item, billing, acknowledge=True,
                   next_step="Le llamamos el jueves con el saldo corregido")  # fmt: skip
    message = message_send(item=item, actor=billing, channel="sms", purpose=MessagePurpose.CLOSURE)
    assert message.language == "es" and "jueves" in message.staff_words
    # Between queueing and sending, the practice removed its Spanish billing scripts.
    CategoryScript.objects.filter(category=item.category, language="es").delete()
    assert services.deliver(message.pk) == "needs_owner"
    message.refresh_from_db()
    assert message.state == "needs_owner" and "interpreter" in message.last_error
    assert message.sent_at is None
    event = item.events.order_by("-pk").first()
    assert event is not None and event.code == "item.message_failed"
    assert "held for the owner" in event.changes["message"]["new"]["error"]
    assert billing.alerts.filter(item=item).exists()


def test_staff_words_turned_english_after_queueing_are_held_at_send_time(
    clock, make_item, assistant
) -> None:
    item = planned(make_item("scheduling", language="es"), assistant, acknowledge=True,
                   next_step="Le llamamos el jueves a las 9:30")  # fmt: skip
    message = message_send(item=item, actor=assistant, channel="sms", purpose="closure")
    OutboundMessage.objects.filter(pk=message.pk).update(
        staff_words="Patient is booked; confirmation text sent"
    )
    assert services.deliver(message.pk) == "needs_owner"
    message.refresh_from_db()
    assert "Spanish" in message.last_error


def test_a_patient_whose_language_has_no_catalog_gets_no_english_instead(
    clock, make_item, assistant
) -> None:
    item = planned(make_item("scheduling", language="vi"), assistant, acknowledge=True)
    with pytest.raises(MessageRefused) as refused:
        message_send(item=item, actor=assistant, channel="sms", purpose=MessagePurpose.CLOSURE)
    assert refused.value.code == "language_incomplete"
    assert "Vietnamese" in refused.value.message and "interpreter" in refused.value.message
    assert dict(item_scripts(item)) == {}
