"""Email replies to a visit confirmation (issue 33 #2), in English and Spanish: read like a text
reply (the same words, the same rules) from the words above the quoted message. The reply's
thread headers name the confirmation when present; without them the sender's address does, one
patient behind it. A forged or unknown address, a household's shared address without a thread,
a visit moved since, a "yes" in an item's thread or after a closing question asked later: an
ordinary email, filed as a contact, confirming nobody."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache

from closeloop.appointments.models import Appointment, ConfirmedHow
from closeloop.intake.models import InboundMessage
from closeloop.lib.replytext import reply_words
from closeloop.messaging import closing_question
from closeloop.messaging.consent import consent_record
from closeloop.outreach.models import OutreachPlan, OutreachSend
from closeloop.outreach.sends import outreach_due
from closeloop.patients.services import patient_create
from closeloop.support_queue.models import SupportItem
from tests.conftest import TUESDAY_10AM_CHICAGO, resolved
from tests.test_intake import EMAIL_SECRET, email_post
from tests.test_outreach import make_visit

pytestmark = pytest.mark.django_db

ANA = "ana.lopez@example.org"


def by_email_only(practice: Any, patient: Any, address: str, language: str = "en") -> None:
    patient.email, patient.preferred_language = address, language
    patient.save()
    consent_record(
        practice=practice, channel="sms", address=patient.phone, opted_in=False, source="staff"
    )


@pytest.fixture
def emailed(clock, mailoutbox, riverside, patient) -> Appointment:
    """Ana's Thursday visit, its confirmation emailed Tuesday 10:00 (she opted out of texts)."""
    riverside.inbound_email_secret = EMAIL_SECRET
    riverside.save()
    cache.clear()
    by_email_only(riverside, patient, ANA)
    OutreachPlan.objects.create(practice=riverside, confirm_days=2, reminder=False, forms_days=0)
    visit = make_visit(riverside, patient)
    outreach_due(TUESDAY_10AM_CHICAGO)
    assert len(mailoutbox) == 1
    clock.move_to(TUESDAY_10AM_CHICAGO + timedelta(minutes=30))
    return visit


def sent_id(visit: Appointment) -> str:
    return OutreachSend.objects.get(appointment=visit).provider_id


def answer(
    client: Any,
    body: str,
    *,
    sender: str = ANA,
    thread: str = "",
    message_id: str = "<r1@mail.example.org>",
) -> Any:
    headers = {
        "From": f"Ana <{sender}>",
        "To": "desk@riverside.example",
        "Subject": "Re: Please confirm your visit",
        "Message-ID": message_id,
    }
    if thread:
        headers |= {"In-Reply-To": thread, "References": thread}
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    raw = head + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body.replace("\n", "\r\n")
    return email_post(client, raw.encode())


def confirmed(visit: Appointment) -> Any:
    visit.refresh_from_db()
    return visit.confirmed_how or None


QUOTE_EN = "\n\nOn Tue, Nov 17, 2026 at 10:00 AM Riverside <desk@riverside.example> wrote:\n> Hello Ana,\n> Please reply to this email to confirm it"  # noqa: E501
QUOTE_ES = "\n\nEl mar., 17 nov. 2026 a las 10:00, Riverside escribió:\n> Hola Ana,\n> Responda a este correo para confirmarla"  # noqa: E501


def test_yes_in_the_thread_confirms_the_visit_once(client, emailed) -> None:
    response = answer(client, "Yes" + QUOTE_EN, thread=sent_id(emailed))
    assert response.status_code == 201
    assert response.json() == {"item": None, "repeat": False, "visit_reply": "confirm"}
    assert confirmed(emailed) == ConfirmedHow.EMAIL
    # The mail provider's retry of the same message: handled the first time.
    assert answer(client, "Yes" + QUOTE_EN, thread=sent_id(emailed)).status_code == 200
    assert InboundMessage.objects.count() == 1
    assert not SupportItem.objects.exists()


def test_si_confirmo_in_spanish_confirms_with_a_sign_off(client, emailed, patient) -> None:
    patient.preferred_language = "es"
    patient.save()
    answer(client, "Sí, confirmo\n\nGracias,\nAna López" + QUOTE_ES, thread=sent_id(emailed))
    assert confirmed(emailed) == ConfirmedHow.EMAIL


def test_confirmo_without_thread_headers_is_matched_by_the_patients_address(
    client, emailed, patient
) -> None:
    patient.preferred_language = "es"
    patient.save()
    assert answer(client, "confirmo", sender=ANA.upper()).status_code == 201
    assert confirmed(emailed) == ConfirmedHow.EMAIL


@pytest.mark.parametrize(("language", "word"), [("en", "reschedule"), ("es", "CAMBIAR")])
def test_a_reschedule_email_files_a_linked_scheduling_item(
    client, emailed, patient, language, word
) -> None:
    patient.preferred_language = language
    patient.save()
    response = answer(client, word, thread=sent_id(emailed))
    item = SupportItem.objects.get()
    assert response.json()["item"] == item.pk
    assert (item.channel, item.appointment_id, item.category.code) == (
        "email", emailed.pk, "scheduling",
    )  # fmt: skip
    assert item.summary.endswith("(email reply)")
    assert item.promised_update_at is not None
    assert confirmed(emailed) is None


def test_more_than_a_sign_off_is_a_contact_staff_read(client, emailed) -> None:
    answer(client, "Yes\nbut I may be a few minutes late", thread=sent_id(emailed))
    assert confirmed(emailed) is None
    assert SupportItem.objects.get().channel == "email"


def test_a_forged_thread_from_another_address_confirms_nobody(client, emailed) -> None:
    response = answer(client, "yes", sender="mallory@example.net", thread=sent_id(emailed))
    assert response.status_code == 201 and "visit_reply" not in response.json()
    assert confirmed(emailed) is None
    assert SupportItem.objects.get().contact_email == "mallory@example.net"


def test_an_unknown_address_without_a_thread_is_an_ordinary_email(client, emailed) -> None:
    answer(client, "confirm", sender="someone@example.net")
    assert confirmed(emailed) is None
    assert SupportItem.objects.count() == 1


def test_a_household_address_without_a_thread_confirms_nobody(
    client, clock, emailed, riverside, mailoutbox
) -> None:
    bo = patient_create(
        practice=riverside, first_name="Bo", last_name="Lopez", phone="312-555-0100"
    )
    by_email_only(riverside, bo, ANA)
    bos = make_visit(riverside, bo, start=emailed.start + timedelta(days=1), external_id="o2")
    outreach_due(TUESDAY_10AM_CHICAGO + timedelta(days=1))
    assert len(mailoutbox) == 2
    clock.move_to(TUESDAY_10AM_CHICAGO + timedelta(days=1, minutes=5))
    answer(client, "yes")
    assert (confirmed(emailed), confirmed(bos)) == (None, None)
    assert SupportItem.objects.count() == 1
    # A reply in the thread of Bo's confirmation says whose visit it is.
    answer(client, "yes", thread=sent_id(bos), message_id="<r2@mail.example.org>")
    assert (confirmed(emailed), confirmed(bos)) == (None, ConfirmedHow.EMAIL)


def test_a_reply_to_the_old_time_of_a_moved_visit_confirms_nothing(client, emailed) -> None:
    Appointment.objects.filter(pk=emailed.pk).update(start=emailed.start + timedelta(hours=3))
    answer(client, "yes", thread=sent_id(emailed))
    assert confirmed(emailed) is None
    assert SupportItem.objects.count() == 1


def test_yes_in_an_items_thread_is_about_the_item(client, emailed, make_item) -> None:
    item = make_item()
    answer(client, "Yes", thread=f"<item-{item.pk}.abc@closeloop>")
    assert confirmed(emailed) is None


def test_yes_answers_a_closing_question_emailed_later_not_the_confirmation(
    client, clock, emailed, riverside, make_item, assistant
) -> None:
    riverside.closure_question = True
    riverside.save()
    clock.move_to(TUESDAY_10AM_CHICAGO + timedelta(minutes=40))
    check = closing_question.ask_after_resolution(
        resolved(make_item(), assistant, confirmed=True), actor=assistant
    )
    assert check is not None and check.message.channel == "email"
    clock.move_to(TUESDAY_10AM_CHICAGO + timedelta(minutes=50))
    answer(client, "Yes")
    assert confirmed(emailed) is None


def test_the_words_above_the_quote_are_the_reply() -> None:
    assert reply_words("Yes" + QUOTE_EN) == "Yes"
    assert reply_words("Sí\n\nGracias, Ana\n\nEnviado desde mi iPhone") == "Sí"
    assert reply_words("> quoted only") == ""
    assert reply_words("yes\nCan I come earlier?") == "yes\nCan I come earlier?"
    assert reply_words("C\n-----Original Message-----\nFrom: x") == "C"


def test_another_practices_hook_cannot_confirm_this_practices_visit(
    client, emailed, lakeside
) -> None:
    lakeside.inbound_email_secret = "lakeside-secret"
    lakeside.save()
    raw = (
        f"From: Ana <{ANA}>\r\nTo: desk@lakeside.example\r\nSubject: Re: visit\r\n"
        f"Message-ID: <x1@mail.example.org>\r\nIn-Reply-To: {sent_id(emailed)}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nyes\r\n"
    ).encode()
    response = client.post(
        "/hooks/email/lakeside/", raw, content_type="message/rfc822",
        HTTP_X_CLOSELOOP_SECRET="lakeside-secret",
    )  # fmt: skip
    assert response.status_code == 201
    assert confirmed(emailed) is None
    assert SupportItem.objects.get().practice_id == lakeside.pk


@pytest.mark.parametrize(
    "thread",
    ["<visit-99999999999999999999.1@closeloop>", "<visit-1.1@closeloop>" * 500, "\u202e<visit-",
     "<visit-1.1@closeloop\x00>", "<" * 5000],
)  # fmt: skip
def test_hostile_thread_headers_never_fail_nor_confirm_for_a_stranger(
    client, emailed, thread
) -> None:
    stranger = "someone@example.net"
    response = answer(client, "yes", sender=stranger, thread=thread.replace("\x00", ""))
    assert response.status_code in (201, 400)
    assert confirmed(emailed) is None


def test_the_spanish_email_says_what_to_reply_and_that_word_confirms(
    client, clock, mailoutbox, riverside, patient
) -> None:
    riverside.inbound_email_secret = EMAIL_SECRET
    riverside.save()
    cache.clear()
    by_email_only(riverside, patient, ANA, language="es")
    OutreachPlan.objects.create(practice=riverside, confirm_days=2, reminder=False, forms_days=0)
    visit = make_visit(riverside, patient)
    outreach_due(TUESDAY_10AM_CHICAGO)
    assert "Para confirmarla, responda SÍ a este correo" in mailoutbox[0].body
    assert "responda CAMBIAR" in mailoutbox[0].body
    answer(client, "SÍ" + QUOTE_ES, thread=sent_id(visit))
    assert confirmed(visit) == ConfirmedHow.EMAIL
