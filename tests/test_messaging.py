"""Messages to patients: templates, consent, minimum necessary, quiet hours, Twilio and SMTP."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from closeloop.messaging.consent import consent_record, may_contact
from closeloop.messaging.models import (
    MessageState,
    MessageTemplate,
    OutboundMessage,
    validate_template_fields,
)
from closeloop.messaging.services import MessageRefused, deliver, message_send, render
from closeloop.periodic.sweep import sweep
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import EventCode
from tests.conftest import planned, serving
from tests.test_intake import TWILIO_TOKEN, twilio_post

pytestmark = pytest.mark.django_db
NEXT = "Booked Thursday 9:30"

#: Promises made in the evening fall after the practice closes: they say why that is fine.
EVENING = "The evening nurse line calls back tonight"


def soon() -> Any:
    """An update time to promise: three hours from now."""
    return timezone.now() + timedelta(hours=3)


def test_templates_render_in_the_patients_language(clock, make_item, patient) -> None:
    item = planned(make_item(), None, next_step=NEXT)
    subject, body = render(item, "pending_update")
    assert body.startswith("Hi Ana, an update from Riverside")
    assert "by Tuesday, November 17 at 12:00 PM" in body  # the promise, on Chicago's clock
    patient.preferred_language = "es"
    patient.save()
    spanish = planned(make_item(language="es"), None, next_step=NEXT)
    _, body = render(spanish, "pending_update")
    assert body.startswith("Hola Ana, una actualización de Riverside")
    assert "a más tardar el martes 17 de noviembre a las 12:00" in body


def test_templates_may_not_name_clinical_fields() -> None:
    with pytest.raises(ValidationError, match="summary"):
        validate_template_fields("Hi {first_name}, about {summary}")
    validate_template_fields("Hi {first_name}, call {callback_number}")


def test_a_sent_message_is_logged_and_its_quoted_time_is_the_promise(
    clock, make_item, assistant, patient
) -> None:
    item = planned(make_item(), assistant, next_step=NEXT)
    promise = soon()
    message = message_send(
        item=item, actor=assistant, channel="sms", purpose="pending_update", next_update_at=promise
    )
    assert (message.to, message.state) == (patient.phone, MessageState.QUEUED)
    item.refresh_from_db()
    # The time the text quotes is the new promise.
    assert item.promised_update_at == promise and item.last_patient_contact_at == timezone.now()
    assert "Tuesday, November 17 at 1:00 PM" in message.body
    event = item.events.get(code=EventCode.MESSAGE_SENT)
    assert event.changes["message"]["new"] == {
        "id": message.pk,
        "channel": "sms",
        "purpose": "pending_update",
    }
    assert deliver(message.pk) == MessageState.SENT
    assert deliver(message.pk) == "not-due"  # a retried task sends nothing more


def test_a_closure_message_gives_the_next_step_so_the_item_can_be_resolved(
    clock, make_item, assistant
) -> None:
    item = planned(make_item(), assistant, next_step=NEXT)
    message_send(item=item, actor=assistant, channel="sms", purpose="closure")
    item = lifecycle.item_resolve(item=item, actor=assistant, outcome="Booked")
    assert item.status == "resolved"


def test_clinical_details_are_refused_in_texts(clock, make_item, assistant) -> None:
    item = planned(make_item(), assistant, next_step=NEXT)
    with pytest.raises(MessageRefused) as refused:
        message_send(
            item=item,
            actor=assistant,
            channel="sms",
            purpose="free",
            body="Your lab results are back, the antibiotic dose changes",
        )
    assert refused.value.code == "clinical_content"
    assert not OutboundMessage.objects.exists()


def test_opted_out_channels_are_refused(clock, make_item, assistant, riverside, patient) -> None:
    consent_record(
        practice=riverside, channel="sms", address=patient.phone, opted_in=False, source="staff"
    )
    with pytest.raises(MessageRefused, match="opted out of text messages"):
        message_send(
            item=planned(make_item(), assistant, next_step=NEXT),
            actor=assistant,
            channel="sms",
            purpose="checking",
            next_update_at=soon(),
        )


def test_quiet_hours_hold_then_release(clock, make_item, assistant) -> None:
    clock.move_to(datetime(2026, 11, 18, 3, 0, tzinfo=UTC))  # Tuesday 21:00 Chicago
    item = planned(make_item(), assistant, next_step=NEXT, after_hours_reason=EVENING)
    # The time it states is after the quiet hours (one inside them would have passed by the
    # morning, and the text is then cancelled: ``test_send_time``).
    wednesday_10am = datetime(2026, 11, 18, 16, 0, tzinfo=UTC)
    message = message_send(
        item=item, actor=assistant, channel="sms", purpose="checking",
        next_update_at=wednesday_10am,
    )  # fmt: skip
    assert message.state == MessageState.HELD
    assert message.send_after == datetime(2026, 11, 18, 14, 0, tzinfo=UTC)  # Wednesday 08:00
    clock.move_to(datetime(2026, 11, 18, 13, 59, tzinfo=UTC))
    sweep()
    message.refresh_from_db()
    assert message.state == MessageState.HELD
    clock.move_to(datetime(2026, 11, 18, 14, 1, tzinfo=UTC))
    assert sweep().handled["messages"] == 1
    message.refresh_from_db()
    assert message.state == MessageState.SENT


def test_emergencies_are_not_held(clock, make_item, assistant) -> None:
    clock.move_to(datetime(2026, 11, 18, 3, 0, tzinfo=UTC))
    item = planned(
        make_item(urgency="emergency"), assistant, next_step=NEXT, after_hours_reason=EVENING
    )
    assert (
        message_send(
            item=item,
            actor=assistant,
            channel="sms",
            purpose="checking",
            next_update_at=soon(),
            after_hours_reason=EVENING,
        ).state
        == MessageState.QUEUED
    )


@pytest.fixture
def fake_twilio() -> Iterator[tuple[list[dict[str, Any]], str]]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            received.append(
                {"path": self.path, "form": parse_qs(body), "auth": self.headers["Authorization"]}
            )
            payload = json.dumps(
                {"sid": "SM" + "a" * 32, "status": "queued", "to": "", "from": "", "body": ""}
            )
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(payload.encode())

        def log_message(self, *args: Any) -> None:
            pass

    with serving(Handler) as base:
        yield received, base


def test_sms_goes_through_the_twilio_client_and_status_callbacks_update_it(
    client, clock, make_item, assistant, riverside, settings, fake_twilio
) -> None:
    received, base = fake_twilio
    settings.SMS_BACKEND, settings.TWILIO_API_BASE_URL = "twilio", base
    riverside.twilio_account_sid, riverside.twilio_auth_token = "AC" + "1" * 32, TWILIO_TOKEN
    riverside.sms_from_number = "+13125550100"
    riverside.save()
    message = message_send(
        item=planned(make_item(), assistant, next_step=NEXT),
        actor=assistant,
        channel="sms",
        purpose="checking",
        next_update_at=soon(),
    )
    assert deliver(message.pk) == MessageState.SENT
    (request,) = received
    assert request["path"] == f"/2010-04-01/Accounts/AC{'1' * 32}/Messages.json"
    assert request["form"]["To"] == ["+13125550142"] and request["form"]["From"] == ["+13125550100"]
    assert request["form"]["StatusCallback"][0].endswith("/hooks/twilio/riverside/status/")
    message.refresh_from_db()
    assert message.provider_id == "SM" + "a" * 32
    response = twilio_post(
        client,
        "/hooks/twilio/riverside/status/",
        {"MessageSid": message.provider_id, "MessageStatus": "delivered"},
    )
    assert response.status_code == 204
    message.refresh_from_db()
    assert message.state == MessageState.DELIVERED


def test_email_through_a_real_smtp_server_with_thread_id_and_unsubscribe(
    client, clock, make_item, assistant, riverside, patient, settings
) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    inbox: list[Any] = []

    class Collect(Message):
        def handle_message(self, message: Any) -> None:
            inbox.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = (
            "127.0.0.1",
            controller.server.sockets[0].getsockname()[1],
        )
        settings.EMAIL_USE_TLS = False
        patient.email = "ana@example.com"
        patient.save()
        item = planned(make_item(), assistant, next_step=NEXT)
        message = message_send(
            item=item, actor=assistant, channel="email", purpose="pending_update",
            next_update_at=soon(),
        )  # fmt: skip
        assert deliver(message.pk) == MessageState.SENT
    finally:
        controller.stop()
    (received,) = inbox
    assert received["To"] == "ana@example.com"
    assert re.fullmatch(rf"<item-{item.pk}\.[0-9a-f]+@closeloop>", received["Message-ID"])
    link = re.search(r"(/u/[^/\s]+/)", received.get_payload()).group(1)
    assert client.get(link).status_code == 200
    client.post(link)
    assert not may_contact(riverside, "email", "ana@example.com")
    assert client.get("/u/forged-token/").status_code == 404


def test_staff_send_from_the_item_page(client, clock, make_item, assistant) -> None:
    item = planned(make_item(), assistant, next_step=NEXT)
    client.force_login(assistant)
    response = client.post(
        f"/items/{item.pk}/message/",
        {
            "message-channel": "sms",
            "message-purpose": "checking",
            "message-next_update_at": "2026-11-17T14:30",  # Chicago time, as the page shows it
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.promised_update_at == datetime(2026, 11, 17, 20, 30, tzinfo=UTC)
    assert "Message to the patient" in client.get(f"/items/{item.pk}/").content.decode()
    refused = client.post(
        f"/items/{item.pk}/message/",
        {
            "message-channel": "sms",
            "message-purpose": "free",
            "message-body": "new prescription for your infection",
        },
    )
    assert refused.status_code == 422 and "clinical details" in refused.content.decode()


def test_a_practice_uses_the_shipped_templates_until_it_writes_its_own(
    clock, make_item, assistant, riverside
) -> None:
    item = planned(make_item(), assistant, next_step=NEXT)
    assert not MessageTemplate.objects.filter(practice=riverside).exists()
    assert render(item, "pending_update")[1].startswith("Hi Ana, an update from Riverside")
    MessageTemplate.objects.create(
        practice=riverside, purpose="pending_update", language="en", subject="S",
        body="Hello {first_name}, news from {practice}.",
    )  # fmt: skip
    assert render(item, "pending_update")[1] == "Hello Ana, news from Riverside."


def test_the_practice_name_is_not_mistaken_for_clinical_content(
    clock, make_item, assistant, riverside
) -> None:
    riverside.name = "Riverside Family Medicine"
    riverside.save()
    item = planned(make_item(), assistant, next_step=NEXT)
    assert (
        message_send(item=item, actor=assistant, channel="sms", purpose="closure").state
        == MessageState.QUEUED
    )


def test_staff_can_fill_in_a_template_to_edit_it(client, clock, make_item, assistant) -> None:
    item = planned(make_item(), assistant, next_step=NEXT)
    client.force_login(assistant)
    response = client.get(
        f"/items/{item.pk}/message/preview/", {"message-purpose": "pending_update"}
    )
    assert response.status_code == 200
    assert "Hi Ana, an update from Riverside" in response.content.decode()
    assert (
        client.get(f"/items/{item.pk}/message/preview/", {"message-purpose": "nope"}).status_code
        == 422
    )
