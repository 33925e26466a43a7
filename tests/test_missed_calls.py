"""Missed calls (issue 33 #4): Twilio's voice status callback for an inbound call that ended
without a voicemail files one "missed call" item and, when the practice turns it on, one
text-back whose time is the item's promise. Fixtures are Twilio's documented status callback
parameters (CallSid, AccountSid, From, To, CallStatus, Direction, CallDuration) and the
<Enqueue> action's (QueueResult, QueueTime)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache

from closeloop.intake.models import InboundKind, InboundMessage
from closeloop.messaging.consent import consent_record
from closeloop.messaging.models import ConsentChannel, MessageState, OutboundMessage
from closeloop.practices.models import StaffProfile
from closeloop.support_queue.models import Channel, EventCode, SupportItem
from tests.test_intake import TWILIO_TOKEN, twilio_post

pytestmark = pytest.mark.django_db
CALL_STATUS = "/hooks/twilio/riverside/call-status/"
CALLER = "+17735550181"


@pytest.fixture(autouse=True)
def _configured(riverside: Any) -> None:
    riverside.twilio_auth_token = TWILIO_TOKEN
    riverside.missed_call_text_back = True
    riverside.save()
    cache.clear()


def call(sid: str = "CA100", status: str = "no-answer", **extra: str) -> dict[str, str]:
    params = {
        "CallSid": sid,
        "AccountSid": "AC0000000000000000000000000000000",
        "From": CALLER,
        "To": "+13125550100",
        "CallStatus": status,
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
        "CallbackSource": "call-progress-events",
        "SequenceNumber": "0",
    }
    return {**params, **extra}


def test_a_missed_call_in_business_hours_files_one_item_and_one_text_back(
    client, clock, riverside
) -> None:
    response = twilio_post(client, CALL_STATUS, call())
    assert response.status_code == 200
    item = SupportItem.objects.get()
    assert (item.channel, item.summary, item.callback_number) == (
        Channel.PHONE,
        "Missed call",
        CALLER,
    )
    message = OutboundMessage.objects.get()
    assert (message.purpose, message.to, message.created_by) == ("missed_call", CALLER, None)
    assert "Sorry we missed your call" in message.body and "reply here" in message.body
    # The time the text states is the item's promise: its first-response target, in hours.
    assert item.promised_update_at == message.promised_update_at == item.first_response_due_at
    assert riverside.calendar().is_open(item.promised_update_at - timedelta(minutes=1))
    assert message.state == MessageState.QUEUED
    # An automatic reply, not the first response: a person still has to call back.
    item.refresh_from_db()
    assert item.first_response_at is None and item.auto_replied_at is not None


def test_after_hours_the_only_text_says_when_we_open(client, clock, riverside) -> None:
    clock.shift(timedelta(hours=9))  # Tuesday 7 pm in Chicago: closed, not yet quiet hours
    assert twilio_post(client, CALL_STATUS, call(status="busy")).status_code == 200
    item = SupportItem.objects.get()
    message = OutboundMessage.objects.get()
    assert message.purpose == "missed_call_closed"
    assert "closed" in message.body and "when we open" in message.body
    opening = riverside.calendar().next_opening(item.first_contact_at)
    assert item.promised_update_at == message.promised_update_at == item.first_response_due_at
    assert item.promised_update_at > opening


def test_late_at_night_the_text_waits_for_the_end_of_quiet_hours(client, clock) -> None:
    clock.shift(timedelta(hours=12))  # Tuesday 10 pm in Chicago
    twilio_post(client, CALL_STATUS, call(status="canceled"))
    message = OutboundMessage.objects.get()
    assert message.state == MessageState.HELD and message.purpose == "missed_call_closed"


def test_without_the_practice_setting_the_item_is_filed_and_nothing_is_sent(
    client, clock, riverside
) -> None:
    riverside.missed_call_text_back = False
    riverside.save()
    twilio_post(client, CALL_STATUS, call())
    assert SupportItem.objects.count() == 1 and not OutboundMessage.objects.exists()


def test_a_duplicate_callback_files_one_item_and_sends_one_text(client, clock) -> None:
    for _ in range(3):
        assert twilio_post(client, CALL_STATUS, call("CA7")).status_code == 200
    assert SupportItem.objects.count() == 1 and OutboundMessage.objects.count() == 1


def test_the_same_number_twice_within_an_hour_joins_one_item_with_one_text(client, clock) -> None:
    twilio_post(client, CALL_STATUS, call("CA1"))
    clock.shift(timedelta(minutes=20))
    twilio_post(client, CALL_STATUS, call("CA2", status="busy"))
    item = SupportItem.objects.get()
    assert item.events.filter(code=EventCode.REPEAT_CONTACT).count() == 1
    assert OutboundMessage.objects.count() == 1


def test_the_caller_is_texted_in_their_language(client, clock, patient) -> None:
    patient.preferred_language = "es"
    patient.save()
    twilio_post(client, CALL_STATUS, call(From=patient.phone))
    message = OutboundMessage.objects.get()
    assert message.language == "es" and SupportItem.objects.get().patient == patient
    assert "Lamentamos" in message.body


def test_a_caller_who_opted_out_of_texts_gets_no_text_back(client, clock, riverside) -> None:
    consent_record(
        practice=riverside, channel=ConsentChannel.SMS, address=CALLER, opted_in=False,
        source="inbound_sms",
    )  # fmt: skip
    twilio_post(client, CALL_STATUS, call())
    assert SupportItem.objects.count() == 1 and not OutboundMessage.objects.exists()


@pytest.mark.parametrize("signature", ["", "forged"])
def test_a_forged_or_unsigned_callback_is_403_and_stores_nothing(client, signature) -> None:
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    response = client.post(CALL_STATUS, call(), **headers)
    assert response.status_code == 403
    assert not SupportItem.objects.exists() and not InboundMessage.objects.exists()


def test_a_callback_signed_with_another_token_is_403(client) -> None:
    response = twilio_post(client, CALL_STATUS, call(), token="someone-else")
    assert response.status_code == 403 and not SupportItem.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {k: v for k, v in call().items() if k != "CallSid"},
        {k: v for k, v in call().items() if k != "CallStatus"},
        call(status="on-fire"),
        call(status="completed", QueueResult="hangup", QueueTime="ninety"),
        call(status="completed", QueueResult="hangup", QueueTime="-5"),
    ],
    ids=["no-sid", "no-status", "unknown-status", "queue-time-words", "queue-time-negative"],
)
def test_malformed_callbacks_are_400(client, clock, params) -> None:
    response = twilio_post(client, CALL_STATUS, params)
    assert response.status_code == 400 and "error" in response.json()
    assert not SupportItem.objects.exists()


def test_a_caller_who_hung_up_in_the_queue_is_a_missed_call_with_the_hold_time(
    client, clock
) -> None:
    params = call(status="completed", CallDuration="97", QueueResult="hangup", QueueTime="95")
    assert twilio_post(client, CALL_STATUS, params).status_code == 200
    item = SupportItem.objects.get()
    inbound = InboundMessage.objects.get(kind=InboundKind.TWILIO_CALL)
    assert inbound.hold_seconds == 95 and inbound.item == item
    assert "95 s" in item.details


def test_waiting_on_hold_is_not_read_as_a_complaint_about_hold_times(client, clock) -> None:
    """The details are Closeloop's words ("after 95 s on hold"), not the caller's: triage reads
    what the caller said (nothing), so the call is sorted like any missed call, not routed to
    the supervisors as a complaint."""
    forwarded = call(sid="CA1", status="completed", DialCallStatus="no-answer")
    held = call(sid="CA2", status="completed", QueueResult="hangup", QueueTime="95")
    held["From"] = "+17735550182"
    for params in (forwarded, held):
        assert twilio_post(client, CALL_STATUS, params).status_code == 200
    categories = set(SupportItem.objects.values_list("category__code", flat=True))
    assert categories == {"other"}


@pytest.mark.parametrize(
    "params",
    [
        call(status="completed", CallDuration="60"),  # answered
        call(status="completed", RecordingSid="RE5"),  # left a voicemail
        call(status="ringing"),  # not over yet
        call(Direction="outbound-api"),  # our own call out
    ],
    ids=["answered", "voicemail", "ringing", "outbound"],
)
def test_calls_that_were_not_missed_file_nothing(client, clock, params) -> None:
    assert twilio_post(client, CALL_STATUS, params).status_code == 200
    assert not SupportItem.objects.exists() and not OutboundMessage.objects.exists()


def test_a_call_whose_voicemail_was_recorded_is_not_a_missed_call(client, clock) -> None:
    voicemail = {"CallSid": "CA9", "RecordingSid": "RE9", "RecordingUrl": "https://x/RE9",
                 "RecordingDuration": "12", "From": CALLER}  # fmt: skip
    twilio_post(client, "/hooks/twilio/riverside/voicemail/", voicemail)
    twilio_post(client, CALL_STATUS, call("CA9", status="completed", QueueResult="hangup"))
    item = SupportItem.objects.get()
    assert item.channel == Channel.VOICEMAIL and not OutboundMessage.objects.exists()


def test_phone_numbers_are_never_logged(client, clock, caplog) -> None:
    with caplog.at_level(logging.DEBUG):
        twilio_post(client, CALL_STATUS, call())
        client.post(CALL_STATUS, call(), HTTP_X_TWILIO_SIGNATURE="forged")
    assert CALLER not in caplog.text and "5550181" not in caplog.text


# --- <Dial> forwarding (Twilio's <Dial action> parameters: DialCallStatus, DialCallSid,
# DialCallDuration, DialBridged, beside the parent call's CallSid and CallStatus) -------------


def dialed(sid: str = "CA300", dial_status: str = "no-answer", **extra: str) -> dict[str, str]:
    dial = {"DialCallStatus": dial_status, "DialCallSid": "CA301", "DialCallDuration": "0",
            "DialBridged": "false"}  # fmt: skip
    return call(sid, status=extra.pop("status", "completed"), **{**dial, **extra})


@pytest.mark.parametrize("dial_status", ["no-answer", "busy", "failed", "canceled"])
def test_a_forwarded_call_nobody_answered_is_missed_even_when_the_call_completed(
    client, clock, dial_status
) -> None:
    assert twilio_post(client, CALL_STATUS, dialed(dial_status=dial_status)).status_code == 200
    item = SupportItem.objects.get()
    assert item.summary == "Missed call" and dial_status in item.details
    assert OutboundMessage.objects.count() == 1


@pytest.mark.parametrize("status", ["in-progress", "completed"])
def test_a_forwarded_call_someone_answered_files_nothing(client, clock, status) -> None:
    params = dialed(dial_status="completed", status=status, DialCallDuration="120")
    assert twilio_post(client, CALL_STATUS, params).status_code == 200
    assert not SupportItem.objects.exists() and not OutboundMessage.objects.exists()


def test_the_dial_action_and_the_status_callback_of_one_call_file_one_item(client, clock) -> None:
    # The <Dial action> request comes first, while the call is still up…
    twilio_post(client, CALL_STATUS, dialed("CA400", status="in-progress"))
    twilio_post(client, CALL_STATUS, dialed("CA400", status="in-progress"))  # a retry
    # …then the call's own status callback, which carries no DialCallStatus.
    twilio_post(client, CALL_STATUS, call("CA400", status="completed", CallDuration="31"))
    assert SupportItem.objects.count() == 1 and OutboundMessage.objects.count() == 1


def test_an_unknown_dial_status_is_a_400(client, clock) -> None:
    response = twilio_post(client, CALL_STATUS, dialed(dial_status="on-fire"))
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_status"
    assert not SupportItem.objects.exists()


@pytest.mark.parametrize("signature", ["", "forged"])
def test_a_forged_dial_callback_is_403(client, signature) -> None:
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    assert client.post(CALL_STATUS, dialed(), **headers).status_code == 403
    assert not SupportItem.objects.exists()


# --- the practice's language for callers we do not know ---------------------------------------


def test_an_unknown_caller_is_texted_in_the_practice_default_language(
    client, clock, riverside
) -> None:
    riverside.default_language = "es"
    riverside.save()
    twilio_post(client, CALL_STATUS, call())
    message = OutboundMessage.objects.get()
    assert message.language == "es" and "Lamentamos" in message.body
    assert SupportItem.objects.get().language == "es"


def test_a_known_patient_keeps_their_own_language_over_the_practice_default(
    client, clock, riverside, patient
) -> None:
    riverside.default_language = "es"
    riverside.save()
    patient.preferred_language = "en"
    patient.save()
    twilio_post(client, CALL_STATUS, call(From=patient.phone))
    assert OutboundMessage.objects.get().language == "en"


def test_practices_default_to_english(riverside) -> None:
    assert riverside.default_language == "en"


def test_a_call_missed_at_night_is_routed_within_the_caps_like_any_other(
    client, clock, assistant
) -> None:
    """Routing has no night rule: a call missed after hours (Monday 9:31 pm in Chicago) goes
    to a colleague under their cap, and with everyone at their cap waits in the team queue."""
    clock.move_to(datetime(2026, 11, 17, 3, 31, tzinfo=UTC))
    StaffProfile.objects.filter(user=assistant).update(max_open_items=1)
    twilio_post(client, CALL_STATUS, call("CA901"))
    first = SupportItem.objects.get()
    assert first.owner == assistant
    twilio_post(client, CALL_STATUS, call("CA902", From="+17735550182"))
    second = SupportItem.objects.exclude(pk=first.pk).get()
    assert second.owner is None
    assert "at their cap" in second.events.filter(code=EventCode.ASSIGNED).last().text
