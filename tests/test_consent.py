"""Text-message consent: STOP / PARAR / UNSUBSCRIBE opt out, START opts back in."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from closeloop.messaging.consent import (
    at_address,
    consent_record,
    keyword,
    may_contact,
    reachable_by,
)
from closeloop.messaging.models import ConsentChange, ConsentChannel
from closeloop.support_queue.models import EventCode, SupportItem
from tests.test_intake import TWILIO_TOKEN, sms, twilio_post

pytestmark = pytest.mark.django_db
SMS = "/hooks/twilio/riverside/sms/"
NUMBER = "+17735550177"


@pytest.fixture(autouse=True)
def _configured(riverside) -> None:
    riverside.twilio_auth_token = TWILIO_TOKEN
    riverside.save()
    cache.clear()


@pytest.mark.parametrize(("text", "expected"), [
    ("STOP", False), ("stop.", False), ("Parar", False), ("UNSUBSCRIBE", False), ("baja", False),
    ("START", True), ("iniciar", True),
    ("please stop calling me about the bill", None), ("start my refill", None), ("", None),
])  # fmt: skip
def test_keywords_are_whole_messages(text, expected) -> None:
    assert keyword(text) is expected


def test_stop_then_start_by_text(client, riverside) -> None:
    assert may_contact(riverside, ConsentChannel.SMS, NUMBER)
    twilio_post(client, SMS, sms("SMS1", NUMBER, "STOP"))
    assert not may_contact(riverside, ConsentChannel.SMS, NUMBER)
    assert not SupportItem.objects.exists()  # a keyword is not a patient need
    twilio_post(client, SMS, sms("SMS1", NUMBER, "STOP"))  # a retry changes nothing
    assert ConsentChange.objects.count() == 1
    twilio_post(client, SMS, sms("SMS2", NUMBER, "start"))
    assert may_contact(riverside, ConsentChannel.SMS, NUMBER)
    assert list(ConsentChange.objects.order_by("id").values_list("opted_in", "source")) == [
        (False, "inbound_sms"),
        (True, "inbound_sms"),
    ]


def test_spanish_opt_out_is_noted_on_the_open_item(client, clock, riverside) -> None:
    twilio_post(client, SMS, sms("SMS3", NUMBER, "necesito cambiar mi cita"))
    twilio_post(client, SMS, sms("SMS4", NUMBER, "PARAR"))
    item = SupportItem.objects.get()
    assert not may_contact(riverside, ConsentChannel.SMS, NUMBER)
    note = item.events.filter(code=EventCode.NOTE).get()
    assert note.text == "The patient opted out of text messages from this number."


def test_consent_is_per_practice(client, riverside, lakeside) -> None:
    twilio_post(client, SMS, sms("SMS5", NUMBER, "STOP"))
    assert may_contact(lakeside, ConsentChannel.SMS, NUMBER)
    assert not may_contact(riverside, ConsentChannel.SMS, NUMBER)
    assert not may_contact(riverside, ConsentChannel.SMS, "")


def test_unasked_messages_go_by_text_where_consent_allows_else_by_email(riverside) -> None:
    """One rule for the review request, the closing question and the outreach messages."""
    email = "ana@example.org"
    assert reachable_by(riverside, phone=NUMBER, email=email) == (ConsentChannel.SMS, NUMBER)
    assert reachable_by(riverside, phone="", email=email) == (ConsentChannel.EMAIL, email)
    consent_record(
        practice=riverside, channel=ConsentChannel.SMS, address=NUMBER, opted_in=False,
        source="test",
    )  # fmt: skip
    assert reachable_by(riverside, phone=NUMBER, email=email) == (ConsentChannel.EMAIL, email)
    consent_record(
        practice=riverside, channel=ConsentChannel.EMAIL, address=email.upper(), opted_in=False,
        source="test",
    )  # fmt: skip
    assert reachable_by(riverside, phone=NUMBER, email=email) is None


def test_an_email_address_is_the_same_in_any_case_a_number_only_exactly(riverside) -> None:
    """The one match replies are read by (closing questions, visit confirmations)."""
    for channel, address in (
        (ConsentChannel.EMAIL, "Ana@Example.org"),
        (ConsentChannel.SMS, NUMBER),
    ):
        ConsentChange.objects.create(
            practice=riverside, channel=channel, address=address, opted_in=True, source="test"
        )
    rows = ConsentChange.objects.all()
    assert rows.filter(at_address(ConsentChannel.EMAIL, "ANA@example.ORG", "address")).count() == 1
    assert rows.filter(at_address(ConsentChannel.SMS, NUMBER, "address")).count() == 1
    assert not rows.filter(at_address(ConsentChannel.SMS, "(773) 555-0177", "address")).exists()
