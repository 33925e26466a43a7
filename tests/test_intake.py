"""Inbound channels: Twilio voicemail and SMS, email, the public form; repeat contacts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from twilio.request_validator import RequestValidator

from closeloop.intake.models import InboundMessage
from closeloop.patients.services import patient_create
from closeloop.practices.choices import Team
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import Channel, EventCode, StaffAlert, Status, SupportItem
from tests.conftest import told

pytestmark = pytest.mark.django_db
TWILIO_TOKEN = "test-twilio-auth-token"
EMAIL_SECRET = "test-email-secret"


@pytest.fixture(autouse=True)
def _configured(riverside: Any) -> None:
    riverside.twilio_auth_token = TWILIO_TOKEN
    riverside.inbound_email_secret = EMAIL_SECRET
    riverside.save()
    cache.clear()


def twilio_post(
    client: Any, path: str, params: dict[str, str], *, token: str = TWILIO_TOKEN
) -> Any:
    url = "http://testserver" + path
    signature = RequestValidator(token).compute_signature(url, params)
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


SMS = "/hooks/twilio/riverside/sms/"
VOICEMAIL = "/hooks/twilio/riverside/voicemail/"


def sms(sid: str, sender: str, body: str) -> dict[str, str]:
    return {"MessageSid": sid, "From": sender, "To": "+13125550100", "Body": body}


# --- Twilio -----------------------------------------------------------------------------------


def test_voicemail_with_a_valid_signature_becomes_an_item(client) -> None:
    params = {
        "CallSid": "CA1",
        "RecordingSid": "RE1",
        "RecordingUrl": "https://api.twilio.com/recordings/RE1",
        "RecordingDuration": "42",
        "From": "+17735550181",
    }
    response = twilio_post(client, VOICEMAIL, params)
    assert response.status_code == 200 and response["Content-Type"] == "text/xml"
    item = SupportItem.objects.get()
    assert (item.channel, item.category.code, item.callback_number) == (
        "voicemail",
        "other",
        "+17735550181",
    )
    assert item.summary == "Voicemail: listen to the recording"
    assert "RE1" in item.details and "42 s" in item.details
    created = item.events.get(code=EventCode.CREATED)
    assert (
        created.actor is None
        and created.changes["inbound"]["new"] == InboundMessage.objects.get().pk
    )


@pytest.mark.parametrize("signature", ["", "bad-signature"])
def test_bad_or_missing_signature_is_403_and_stores_nothing(client, signature) -> None:
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    response = client.post(SMS, sms("SM1", "+17735550181", "hi"), **headers)
    assert response.status_code == 403
    assert not SupportItem.objects.exists() and not InboundMessage.objects.exists()


def test_signature_made_with_another_token_is_refused(client) -> None:
    response = twilio_post(client, SMS, sms("SM1", "+17735550181", "hi"), token="someone-else")
    assert response.status_code == 403 and not SupportItem.objects.exists()


def test_retried_webhooks_create_one_item(client, clock) -> None:
    params = sms("SM9", "+17735550181", "Can I move my appointment?")
    for _ in range(3):
        assert twilio_post(client, SMS, params).status_code == 200
    assert SupportItem.objects.count() == 1
    codes = list(SupportItem.objects.get().events.values_list("code", flat=True))
    assert codes == [EventCode.CREATED, EventCode.ASSIGNED]  # filed and routed once


def test_transcript_is_added_once_and_recording_retry_is_ignored(client) -> None:
    recording = {
        "RecordingSid": "RE2",
        "RecordingUrl": "https://x/RE2",
        "RecordingDuration": "9",
        "From": "+17735550181",
    }
    transcript = {
        **recording,
        "TranscriptionSid": "TR2",
        "TranscriptionText": "Please call me about my referral",
    }
    twilio_post(client, VOICEMAIL, recording)
    twilio_post(client, VOICEMAIL, transcript)
    twilio_post(client, VOICEMAIL, transcript)
    item = SupportItem.objects.get()
    notes = list(item.events.filter(code=EventCode.NOTE).values_list("text", flat=True))
    assert notes == ["Voicemail transcript: Please call me about my referral"]


def test_voicemail_whose_transcript_arrives_first_uses_it_as_summary(client) -> None:
    params = {
        "RecordingSid": "RE3",
        "TranscriptionSid": "TR3",
        "TranscriptionText": "Need a refill",
        "From": "+17735550181",
    }
    twilio_post(client, VOICEMAIL, params)
    assert SupportItem.objects.get().summary == "Need a refill"


def test_malformed_twilio_requests_are_400(client) -> None:
    assert twilio_post(client, SMS, {"From": "+17735550181", "Body": "x"}).status_code == 400
    assert twilio_post(client, VOICEMAIL, {"From": "+17735550181"}).status_code == 400
    assert not SupportItem.objects.exists()


def test_unknown_practice_is_404(client) -> None:
    assert client.post("/hooks/twilio/nowhere/sms/", {}).status_code == 404


# --- repeat contacts --------------------------------------------------------------------------


def test_text_from_a_patient_with_an_open_item_is_a_repeat_contact(
    client, clock, make_item, assistant, patient
) -> None:
    item = make_item()
    lifecycle.item_assign(item=item, actor=assistant, owner=assistant, team=Team.SUPPORT)
    twilio_post(client, SMS, sms("SM2", patient.phone, "Any news?"))
    assert SupportItem.objects.count() == 1
    item.refresh_from_db()
    assert item.repeat_contact_count == 1
    event = item.events.get(code=EventCode.REPEAT_CONTACT)
    assert event.text == "Any news?" and event.changes["contact"]["new"]["channel"] == "sms"
    assert StaffAlert.objects.get().user == assistant


def test_contact_after_the_repeat_window_about_an_unknown_category_is_a_new_item(
    client, clock, make_item, patient
) -> None:
    make_item()
    clock.shift(timedelta(days=15))
    twilio_post(client, SMS, sms("SM3", patient.phone, "Hello again"))
    assert SupportItem.objects.count() == 2


def test_known_patient_without_open_items_gets_a_new_item_with_the_patient(client, patient) -> None:
    twilio_post(client, SMS, sms("SM4", patient.phone, "Hola, necesito una cita"))
    item = SupportItem.objects.get()
    assert item.patient == patient and item.callback_number == ""


def test_a_number_shared_by_several_patients_is_not_guessed(client, riverside, assistant) -> None:
    mother = patient_create(
        practice=riverside, first_name="Rosa", last_name="Diaz", phone="773-555-0150"
    )
    son = patient_create(
        practice=riverside, first_name="Leo", last_name="Diaz", phone="773-555-0150"
    )
    twilio_post(client, SMS, sms("SM5", "+17735550150", "Appointment question"))
    item = SupportItem.objects.get()
    assert item.patient is None and item.patient_candidates == [mother.pk, son.pk]
    item = lifecycle.item_link_patient(item=item, actor=assistant, patient=son)
    assert item.patient == son and item.patient_candidates == []


def test_same_category_open_item_gets_the_repeat_regardless_of_age(
    client, clock, riverside, patient
) -> None:
    first = client.post(
        "/p/riverside/contact/", contact_form(phone=patient.phone, reason="new_patient")
    )
    assert first.status_code == 200
    clock.shift(timedelta(days=30))
    cache.clear()
    client.post(
        "/p/riverside/contact/",
        contact_form(phone=patient.phone, reason="new_patient", submission="s2"),
    )
    item = SupportItem.objects.get()
    assert item.category.code == "new_patient_intake" and item.repeat_contact_count == 1


# --- email ------------------------------------------------------------------------------------


def raw_email(**headers: str) -> bytes:
    lines = {
        "From": "Ana Lopez <ana@example.com>",
        "To": "desk@riverside.example",
        "Subject": "Question about my referral",
        "Message-ID": "<m1@example.com>",
        **headers,
    }
    head = "".join(f"{k}: {v}\r\n" for k, v in lines.items())
    return (
        head + "Content-Type: text/plain; charset=utf-8\r\n\r\nDid the cardiologist get it?\r\n"
    ).encode()


def email_post(client: Any, body: bytes, secret: str = EMAIL_SECRET) -> Any:
    return client.post(
        "/hooks/email/riverside/",
        body,
        content_type="message/rfc822",
        HTTP_X_CLOSELOOP_SECRET=secret,
    )


def test_email_becomes_an_item_once(client) -> None:
    assert email_post(client, raw_email()).status_code == 201
    assert email_post(client, raw_email()).status_code == 200
    item = SupportItem.objects.get()
    assert (item.channel, item.contact_email, item.summary) == (
        "email",
        "ana@example.com",
        "Question about my referral",
    )
    assert item.details == "Did the cardiologist get it?"


def test_email_with_a_wrong_secret_is_403(client) -> None:
    assert email_post(client, raw_email(), secret="guess").status_code == 403
    assert not SupportItem.objects.exists()


@pytest.mark.parametrize(
    "body", [b"", b"just some bytes without headers", b"Subject: no sender\r\n\r\nhi"]
)
def test_malformed_email_is_400(client, body) -> None:
    response = email_post(client, body)
    assert response.status_code == 400 and response.json()["error"]["code"]
    assert not SupportItem.objects.exists()


def test_reply_on_an_items_thread_attaches_and_reopens(client, clock, make_item, assistant) -> None:
    item = make_item()
    lifecycle.item_assign(item=item, actor=assistant, owner=assistant, team=Team.SUPPORT)
    lifecycle.item_set_update_window(
        item=item,
        actor=assistant,
        checking="x",
        next_step="y",
        update_at=timezone.now() + timedelta(hours=1),
    )
    told(item, assistant)
    lifecycle.item_resolve(item=item, actor=assistant, outcome="Done")
    # A stranger who writes the item's tag (or its thread id) gets a new item of their own.
    for n, header in enumerate(
        (
            {"Subject": f"Re: [#{item.pk}] hello"},
            {"In-Reply-To": f"<item-{item.pk}.a1b2@closeloop>"},
        )
    ):
        stranger = raw_email(
            **{"Message-ID": f"<s{n}@example.com>", "From": "someone@else.example", **header}
        )
        assert email_post(client, stranger).status_code == 201
        item.refresh_from_db()
        assert item.status == Status.RESOLVED and item.repeat_contact_count == 0
    # (their second message joins their own new item)
    assert SupportItem.objects.count() == 2
    # The patient's own reply on the thread attaches and reopens.
    item.patient.email = "ana.lopez@example.com"
    item.patient.save()
    reply = raw_email(
        **{
            "Message-ID": "<r1@example.com>",
            "In-Reply-To": f"<item-{item.pk}.a1b2@closeloop>",
            "From": "Ana <Ana.Lopez@example.com>",
        }
    )
    assert email_post(client, reply).status_code == 201
    item.refresh_from_db()
    assert SupportItem.objects.count() == 2
    assert item.status == Status.ACKNOWLEDGED and item.repeat_contact_count == 1


# --- public form ------------------------------------------------------------------------------


def contact_form(**overrides: str) -> dict[str, str]:
    return {
        "submission": "s1",
        "name": "Lia Chen",
        "phone": "312-555-0123",
        "email": "",
        "reason": "general",
        "message": "I need to reschedule my cleaning.",
        "website": "",
        **overrides,
    }


def test_public_form_in_english_and_spanish(client) -> None:
    assert "Contact Riverside" in client.get("/p/riverside/contact/").content.decode()
    spanish = client.get("/p/riverside/contact/?lang=es").content.decode()
    assert "Contactar a Riverside" in spanish and 'lang="es"' in spanish


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es-ES,es;q=0.9,en;q=0.8", "Contactar a Riverside"),
        ("es-MX", "Contactar a Riverside"),
        ("fr-FR,es;q=0.5,en;q=0.3", "Contactar a Riverside"),  # the first one we speak
        ("en-US,en;q=0.9,es;q=0.8", "Contact Riverside"),
        ("de-DE", "Contact Riverside"),
        ("*", "Contact Riverside"),
        ("es;q=nonsense,,;", "Contact Riverside"),  # malformed: not a wish
    ],
)
def test_public_form_opens_in_the_browsers_language(client, header, expected) -> None:
    """A patient whose phone is set to Spanish gets the form in Spanish without finding the
    link; ``?lang=`` (the link to the other language) still decides when given."""
    page = client.get("/p/riverside/contact/", HTTP_ACCEPT_LANGUAGE=header).content.decode()
    assert expected in page
    chosen = client.get("/p/riverside/contact/?lang=en", HTTP_ACCEPT_LANGUAGE=header)
    assert "Contact Riverside" in chosen.content.decode()


def test_public_form_files_an_item_and_says_when_we_will_answer(client, clock) -> None:
    response = client.post("/p/riverside/contact/", contact_form())
    assert response.status_code == 200
    item = SupportItem.objects.get()
    assert (item.channel, item.caller_name, item.callback_number) == (
        Channel.WEB_FORM,
        "Lia Chen",
        "+13125550123",
    )
    # Received Tuesday 10:00 Chicago; triage says scheduling, answered within 1 business hour.
    assert item.category.code == "scheduling"
    assert "Tuesday, November 17 at 11:00 AM" in response.content.decode()
    again = client.post("/p/riverside/contact/", contact_form())  # double submit
    assert again.status_code == 200 and SupportItem.objects.count() == 1


def test_public_form_honeypot_stores_nothing(client) -> None:
    response = client.post("/p/riverside/contact/", contact_form(website="http://spam.example"))
    assert response.status_code == 200 and not SupportItem.objects.exists()


def test_public_form_needs_a_way_to_reply_and_a_valid_phone(client) -> None:
    assert client.post("/p/riverside/contact/", contact_form(phone="")).status_code == 422
    bad = client.post("/p/riverside/contact/", contact_form(phone="12"))
    assert bad.status_code == 422 and "phone number" in bad.content.decode().lower()
    assert not SupportItem.objects.exists()


def test_public_form_is_rate_limited_per_client(client) -> None:
    statuses = [
        client.post("/p/riverside/contact/", contact_form(submission=f"s{n}")).status_code
        for n in range(7)
    ]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]


# --- staff side of intake -------------------------------------------------------------------------


def test_owner_sees_the_repeat_contact_alert_until_opening_the_item(
    client, clock, make_item, assistant, patient
) -> None:
    item = make_item()
    lifecycle.item_assign(item=item, actor=assistant, owner=assistant, team=Team.SUPPORT)
    twilio_post(client, SMS, sms("SM7", patient.phone, "Calling again"))
    client.force_login(assistant)
    page = client.get("/alerts/")
    assert page.context["unread_alerts"] == 1 and f"#{item.pk}" in page.content.decode()
    client.get(f"/items/{item.pk}/")
    assert client.get("/alerts/").context["unread_alerts"] == 0


def test_staff_pick_the_patient_for_an_ambiguous_number(client, riverside, assistant) -> None:
    first = patient_create(
        practice=riverside, first_name="Rosa", last_name="Diaz", phone="773-555-0150"
    )
    second = patient_create(
        practice=riverside, first_name="Leo", last_name="Diaz", phone="773-555-0150"
    )
    twilio_post(client, SMS, sms("SM8", "+17735550150", "Question"))
    item = SupportItem.objects.get()
    client.force_login(assistant)
    assert "2 patients share this number" in client.get(f"/items/{item.pk}/").content.decode()
    response = client.post(f"/items/{item.pk}/link_patient/", {"link_patient-patient": second.pk})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.patient == second and first.pk not in item.patient_candidates
