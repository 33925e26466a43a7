"""A repeat contact is a contact (issue 31, item 1): whatever door it comes through, what the
patient said lands on the item's timeline as that contact, with its channel; what the caller
was told becomes the item's promise; a callback number finds the patient's open item the way
every door does (a household's number is not guessed)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from closeloop.patients.services import patient_create
from closeloop.support_queue.models import EventCode, Status, SupportItem
from tests.conftest import api_auth, category, planned, resolved
from tests.test_intake import SMS, _configured, sms, twilio_post  # noqa: F401

pytestmark = pytest.mark.django_db

NOON_CHICAGO = datetime(2026, 11, 17, 18, 0, tzinfo=UTC)  # what the caller is told
NEEDS = "Has the referral gone to the cardiologist?"
SAID = "Dr <b>Patel</b>'s office says they never got it; she can fax it herself."


def log_call(client: Any, practice: Any, patient: Any, **fields: Any) -> Any:
    return client.post(
        "/log/",
        {
            "practice": practice.pk, "caller": "existing", "patient": patient.pk if patient else "",
            "channel": "phone", "category": category(practice, "referral_document_status").pk,
            "summary": NEEDS, "details": SAID, "language": "en",
            "next_update_at": "2026-11-17T12:00", **fields,
        },
    )  # fmt: skip


def api_post(client: Any, user: Any, body: dict[str, Any]) -> Any:
    return client.post("/api/v1/items", body, content_type="application/json", **api_auth(user))


def api_timeline(client: Any, user: Any, item: SupportItem) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/items/{item.pk}/timeline", **api_auth(user))
    assert response.status_code == 200
    return response.json()


def the_repeat(item: SupportItem) -> Any:
    return item.events.get(code=EventCode.REPEAT_CONTACT)


def referral(make_item: Any, assistant: Any) -> SupportItem:
    return planned(
        make_item("referral_document_status"), assistant, acknowledge=True, after=timedelta(hours=4)
    )


# --- the page ----------------------------------------------------------------------------------


def test_a_repeat_call_logged_on_the_page_keeps_the_words_and_the_promise_told(
    client, clock, riverside, patient, make_item, assistant
) -> None:
    item = referral(make_item, assistant)
    client.force_login(assistant)
    assert log_call(client, riverside, patient).status_code == 302
    item.refresh_from_db()
    assert SupportItem.objects.count() == 1 and item.repeat_contact_count == 1
    assert item.promised_update_at == NOON_CHICAGO
    event = the_repeat(item)
    assert NEEDS in event.text and SAID in event.text
    assert event.changes["contact"]["new"]["channel"] == "phone"
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert "The patient called again" in page and "wrote again" not in page
    # What the patient said is shown as text, never as markup.
    assert "Dr &lt;b&gt;Patel&lt;/b&gt;" in page and "<b>Patel</b>" not in page


def test_a_repeat_call_that_reopens_the_item_keeps_the_promise_told(
    client, clock, riverside, patient, make_item, assistant
) -> None:
    item = resolved(make_item("referral_document_status"), assistant)
    client.force_login(assistant)
    assert log_call(client, riverside, patient).status_code == 302
    item.refresh_from_db()
    assert item.status == Status.ACKNOWLEDGED and item.promised_update_at == NOON_CHICAGO
    assert item.events.get(code=EventCode.REOPENED).text == "The patient called again."
    assert SAID in the_repeat(item).text


def test_a_call_attached_to_a_chosen_request_keeps_the_promise_told(
    client, clock, riverside, patient, make_item, assistant
) -> None:
    item = referral(make_item, assistant)
    client.force_login(assistant)
    assert log_call(client, riverside, patient, attach=str(item.pk)).status_code == 302
    item.refresh_from_db()
    assert item.promised_update_at == NOON_CHICAGO and SAID in the_repeat(item).text


# --- the API -----------------------------------------------------------------------------------


def call_body(**fields: Any) -> dict[str, Any]:
    return {
        "practice": "riverside", "category": "referral_document_status", "channel": "phone",
        "summary": NEEDS, "details": SAID, "next_update_at": NOON_CHICAGO.isoformat(), **fields,
    }  # fmt: skip


def test_a_repeat_call_through_the_api_stores_and_returns_the_words(
    client, clock, patient, make_item, assistant
) -> None:
    item = referral(make_item, assistant)
    response = api_post(client, assistant, call_body(patient_id=patient.pk))
    assert response.status_code == 200 and response.json()["repeat_of"] == item.pk
    item.refresh_from_db()
    assert item.promised_update_at == NOON_CHICAGO
    events = api_timeline(client, assistant, item)
    (repeat,) = [e for e in events if e["code"] == EventCode.REPEAT_CONTACT]
    assert NEEDS in repeat["text"] and SAID in repeat["text"]


def test_a_repeat_call_with_only_a_callback_number_joins_the_patients_item(
    client, clock, patient, make_item, assistant
) -> None:
    item = referral(make_item, assistant)
    response = api_post(client, assistant, call_body(callback_number="(312) 555-0142"))
    assert response.status_code == 200 and response.json()["repeat_of"] == item.pk
    assert SupportItem.objects.count() == 1
    item.refresh_from_db()
    assert item.promised_update_at == NOON_CHICAGO and SAID in the_repeat(item).text


def test_a_household_number_is_not_guessed_the_patient_is_to_confirm(
    client, clock, riverside, patient, make_item, assistant
) -> None:
    item = referral(make_item, assistant)
    brother = patient_create(
        practice=riverside, first_name="Luis", last_name="Lopez", phone="312-555-0142"
    )
    response = api_post(client, assistant, call_body(callback_number="312 555 0142"))
    assert response.status_code == 201 and response.json()["repeat_of"] is None
    new = SupportItem.objects.exclude(pk=item.pk).get()
    assert new.patient is None and sorted(new.patient_candidates) == [patient.pk, brother.pk]
    item.refresh_from_db()
    assert item.repeat_contact_count == 0


def test_the_same_number_and_the_patients_name_joins_their_item(
    client, clock, riverside, patient, make_item, assistant
) -> None:
    item = referral(make_item, assistant)
    patient_create(practice=riverside, first_name="Luis", last_name="Lopez", phone="312-555-0142")
    body = call_body(callback_number="+13125550142", caller_name="Ana Lopez")
    assert api_post(client, assistant, body).json()["repeat_of"] == item.pk


def test_an_unknown_callers_second_call_joins_their_first_whatever_the_format(
    client, clock, assistant
) -> None:
    first = api_post(client, assistant, call_body(callback_number="+1 773 555 0181"))
    again = api_post(client, assistant, call_body(callback_number="(773) 555-0181"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["repeat_of"] == first.json()["id"]


def test_an_unknown_caller_on_the_page_joins_the_patients_item_by_their_number(
    client, clock, riverside, patient, make_item, assistant
) -> None:
    item = referral(make_item, assistant)
    client.force_login(assistant)
    response = log_call(client, riverside, None, caller="unknown", callback_number="312-555-0142")
    assert response.status_code == 302 and SupportItem.objects.count() == 1
    item.refresh_from_db()
    assert item.promised_update_at == NOON_CHICAGO and SAID in the_repeat(item).text


# --- a text ------------------------------------------------------------------------------------


def test_a_repeat_text_is_on_the_timeline_as_a_text(
    client, clock, patient, make_item, assistant
) -> None:
    item = referral(make_item, assistant)
    promised = item.promised_update_at
    twilio_post(client, SMS, sms("SM-again", patient.phone, "Still nothing from <i>cardiology</i>"))
    item.refresh_from_db()
    assert the_repeat(item).text == "Still nothing from <i>cardiology</i>"
    assert item.promised_update_at == promised  # a text is told nothing
    client.force_login(assistant)
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert "The patient texted again" in page
    assert "Still nothing from &lt;i&gt;cardiology&lt;/i&gt;" in page


def test_a_text_after_resolution_reopens_as_a_text(client, clock, make_item, assistant) -> None:
    item = resolved(make_item("referral_document_status"), assistant)
    clock.shift(timedelta(days=1))
    twilio_post(client, SMS, sms("SM-later", "+13125550142", "The referral never arrived"))
    item.refresh_from_db()
    assert item.events.get(code=EventCode.REOPENED).text == "The patient texted again."


# --- who may read the words --------------------------------------------------------------------


def test_the_words_stay_in_their_practice_and_out_of_the_logs(
    client, clock, patient, make_item, assistant, outsider, caplog
) -> None:
    item = referral(make_item, assistant)
    with caplog.at_level(logging.DEBUG):
        api_post(client, assistant, call_body(patient_id=patient.pk))
    assert SAID not in caplog.text and NEEDS not in caplog.text
    response = client.get(f"/api/v1/items/{item.pk}/timeline", **api_auth(outsider))
    assert response.status_code == 404
    client.force_login(outsider)
    assert client.get(f"/items/{item.pk}/").status_code == 404


def test_a_clinical_items_repeat_words_are_for_clinical_staff(
    client, clock, patient, make_item, assistant, nurse
) -> None:
    item = make_item("clinical_message", summary="Question about a dose")
    body = call_body(
        patient_id=patient.pk, category="clinical_message", summary="Is the new dose right?"
    )
    assert api_post(client, nurse, body).json()["repeat_of"] == item.pk
    texts = {e["code"]: e["text"] for e in api_timeline(client, assistant, item)}
    assert texts[EventCode.REPEAT_CONTACT] == ""
    texts = {e["code"]: e["text"] for e in api_timeline(client, nurse, item)}
    assert SAID in texts[EventCode.REPEAT_CONTACT]


@pytest.mark.parametrize("reopens", [False, True])
def test_a_repeat_call_promised_after_hours_takes_the_reason_like_a_new_call(
    client, clock, riverside, patient, make_item, assistant, reopens
) -> None:
    """The promise told on a repeat call follows the one promise rule: at 7:30 PM only with a
    reason, which the item keeps — the same as a first call logged with that promise."""
    item = (
        resolved(make_item("referral_document_status"), assistant)
        if reopens
        else referral(make_item, assistant)
    )
    client.force_login(assistant)
    evening = {"next_update_at": "2026-11-17T19:30"}
    refused = log_call(client, riverside, patient, **evening)
    assert refused.status_code == 422
    item.refresh_from_db()
    assert item.repeat_contact_count == 0
    reason = "Her cardiologist's office answers until 7 PM; I call her back after."
    assert (
        log_call(client, riverside, patient, after_hours_reason=reason, **evening).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.promised_update_at == datetime(2026, 11, 18, 1, 30, tzinfo=UTC)
    assert any(reason in str(event.changes) + event.text for event in item.events.all())
