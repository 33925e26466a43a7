"""Replies to a visit confirmation (issue 33 #2), in English and Spanish: confirm is recorded on
the visit; reschedule and cancel file a scheduling item linked to the visit with a promise ("we
will call you by …", in business hours); anything else is free text filed through the one
intake service. Posted to the signed Twilio hook with Twilio's documented SMS parameters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache

from closeloop.appointments.models import ConfirmedHow
from closeloop.messaging.consent import may_contact
from closeloop.messaging.models import MessagePurpose, OutboundMessage
from closeloop.outreach.models import OutreachPlan
from closeloop.outreach.replies import reply_kind
from closeloop.outreach.sends import outreach_due
from closeloop.practices.choices import Role
from closeloop.support_queue.models import SupportItem
from tests import conftest
from tests.conftest import TUESDAY_10AM_CHICAGO
from tests.test_intake import SMS, TWILIO_TOKEN, sms, twilio_post
from tests.test_outreach import make_visit

pytestmark = pytest.mark.django_db


def confirmation_texted(practice: Any, patient: Any) -> Any:
    """``patient``'s Thursday visit, its confirmation texted Tuesday 10:00 (the practice takes
    texts signed with Twilio's token)."""
    practice.twilio_auth_token = TWILIO_TOKEN
    practice.save()
    cache.clear()
    OutreachPlan.objects.create(practice=practice, confirm_days=2, reminder=False, forms_days=0)
    visit = make_visit(practice, patient)
    outreach_due(TUESDAY_10AM_CHICAGO)
    return visit


@pytest.fixture
def asked(clock, texts, riverside, patient) -> Any:
    """Ana's Thursday visit, its confirmation texted Tuesday 10:00."""
    visit = confirmation_texted(riverside, patient)
    assert len(texts()) == 1
    clock.move_to(TUESDAY_10AM_CHICAGO + timedelta(minutes=30))
    return visit


def reply(client, patient, body: str, sid: str = "SM1") -> Any:
    response = twilio_post(client, SMS, sms(sid, patient.phone, body))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", ["C", "1", "yes", "Y", "YES!"]), ("es", ["C", "1", "SÍ", "si", "Sí."])],
)
def test_each_confirm_word_is_understood_in_the_patients_language(language, words) -> None:
    for word in words:
        assert reply_kind(word, language) == "confirm", word


def test_reply_words_in_both_languages() -> None:
    assert [reply_kind(w, "en") for w in ("R", "2", "reschedule", "CANCEL VISIT", "cancel")] == [
        "reschedule", "reschedule", "reschedule", "cancel", "cancel",
    ]  # fmt: skip
    assert [reply_kind(w, "es") for w in ("R", "CAMBIAR", "CANCELAR", "cancelar cita")] == [
        "reschedule", "reschedule", "cancel", "cancel",
    ]  # fmt: skip
    # English works for everyone; another language's words are not guessed.
    assert reply_kind("yes", "es") == "confirm"
    assert reply_kind("cambiar", "en") is None
    assert reply_kind("can I come at 3?", "en") is None


def test_c_confirms_the_visit_once(client, asked, patient) -> None:
    reply(client, patient, "C")
    reply(client, patient, "C")  # Twilio's retry of the same message
    asked.refresh_from_db()
    assert asked.confirmed_how == ConfirmedHow.TEXT
    assert asked.confirmed_at == TUESDAY_10AM_CHICAGO + timedelta(minutes=30)
    assert not SupportItem.objects.exists()


def test_si_confirms_a_spanish_patients_visit(client, clock, texts, riverside, patient) -> None:
    patient.preferred_language = "es"
    patient.save()
    visit = confirmation_texted(riverside, patient)
    assert "Responda C para confirmarla" in texts()[0]["body"]
    reply(client, patient, "SÍ")
    visit.refresh_from_db()
    assert visit.confirmed_at is not None


@pytest.mark.parametrize(
    ("language", "word", "asks"),
    [("en", "R", "reschedule"), ("es", "CAMBIAR", "reschedule"), ("en", "CANCEL VISIT", "cancel"),
     ("es", "CANCELAR", "cancel")],
)  # fmt: skip
def test_reschedule_or_cancel_files_a_linked_scheduling_item_with_a_promise(
    client, asked, patient, language, word, asks
) -> None:
    patient.preferred_language = language
    patient.save()
    reply(client, patient, word)
    item = SupportItem.objects.get()
    assert item.appointment_id == asked.pk
    assert item.category.code == "scheduling"
    assert asks in item.summary.lower()
    assert item.promised_update_at is not None
    assert item.practice.calendar().is_open(item.promised_update_at)
    told = OutboundMessage.objects.get(item=item, purpose=MessagePurpose.VISIT_CALLBACK)
    assert told.promised_update_at == item.promised_update_at
    asked.refresh_from_db()
    assert asked.confirmed_at is None


def test_a_bare_cancel_cancels_and_keeps_the_carriers_opt_out(client, asked, patient) -> None:
    reply(client, patient, "CANCEL")
    item = SupportItem.objects.get()
    assert item.appointment_id == asked.pk and "cancel" in item.summary.lower()
    assert not may_contact(asked.practice, "sms", patient.phone)


def test_free_text_files_a_contact_through_intake(client, asked, patient) -> None:
    reply(client, patient, "Can I bring my daughter along on Thursday?")
    item = SupportItem.objects.get()
    assert item.channel == "sms" and item.patient_id == patient.pk
    asked.refresh_from_db()
    assert asked.confirmed_at is None


def test_a_reply_with_no_confirmation_asked_is_an_ordinary_text(
    client, clock, riverside, patient
) -> None:
    riverside.twilio_auth_token = TWILIO_TOKEN
    riverside.save()
    cache.clear()
    visit = make_visit(riverside, patient)
    reply(client, patient, "C")
    visit.refresh_from_db()
    assert visit.confirmed_at is None
    assert SupportItem.objects.count() == 1


# --- not confirmed: the at-risk list and the VA's call list -----------------------------------


def test_unanswered_visits_join_the_at_risk_list_and_the_call_list_by_visit_time(
    client, clock, asked, riverside, patient, assistant
) -> None:
    from closeloop.patients.services import patient_create

    later = make_visit(riverside, patient_create(
        practice=riverside, first_name="Bo", last_name="Kim", phone="312-555-0100",
        preferred_language="es",
    ), start=asked.start + timedelta(days=1), external_id="o2")  # fmt: skip
    later.confirmation_asked_at = TUESDAY_10AM_CHICAGO
    later.save()
    client.force_login(assistant)
    # Asked at 10:00; by the next morning nobody answered.
    clock.move_to(TUESDAY_10AM_CHICAGO + timedelta(hours=19))
    assert b"Not confirmed" not in client.get("/appointments/?tab=risk").content
    clock.move_to(TUESDAY_10AM_CHICAGO + timedelta(hours=21))
    client.force_login(assistant)  # (the session expired overnight)
    risk = client.get("/appointments/?tab=risk").content.decode()
    assert "Not confirmed: no answer to our request" in risk
    calls = client.get("/appointments/?tab=calls").content.decode()
    assert calls.index("Ana Lopez") < calls.index("Bo Kim")
    assert "I am calling to confirm your visit on Thursday" in calls
    assert "Le llamo para confirmar su cita el viernes" in calls
    # The number to dial as people write it, not as stored (+13125550142).
    assert "(312) 555-0142" in calls and "+13125550142" not in calls
    # Confirmed on the phone: off the list, shown on the visit.
    response = client.post(
        f"/appointments/{asked.pk}/confirm/", {"next": "/appointments/?tab=calls"}
    )
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.confirmed_how == ConfirmedHow.STAFF
    calls = client.get("/appointments/?tab=calls").content.decode()
    assert "Ana Lopez" not in calls and "Bo Kim" in calls


def test_a_reschedule_request_takes_the_visit_off_the_call_list(
    client, clock, asked, patient, assistant
) -> None:
    reply(client, patient, "R")
    clock.move_to(TUESDAY_10AM_CHICAGO + timedelta(hours=21))
    client.force_login(assistant)
    assert "Ana Lopez" not in client.get("/appointments/?tab=calls").content.decode()


def test_a_confirmed_visit_shows_it_on_the_schedule(client, asked, patient, assistant) -> None:
    reply(client, patient, "yes")
    asked.refresh_from_db()
    asked.mode = "telehealth"
    asked.save()
    client.force_login(assistant)
    page = client.get("/appointments/?tab=telehealth").content.decode()
    assert "✓ Confirmed (text reply" in page, page[page.find("<table") :][:3000]


def test_another_practices_visit_cannot_be_confirmed(client, asked, outsider) -> None:
    client.force_login(outsider)
    assert client.post(f"/appointments/{asked.pk}/confirm/").status_code == 404
    asked.refresh_from_db()
    assert asked.confirmed_at is None


def test_the_days_confirmations_are_exported_in_a_csv(
    client, clock, asked, patient, assistant
) -> None:
    reply(client, patient, "C")
    client.force_login(assistant)
    response = client.get("/appointments/confirmations.csv?practice=riverside&day=2026-11-19")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("appointment_id,source,start")
    assert lines[1].startswith("o1,fhir,2026-11-19T14:00:00-06:00,booked,Ana Lopez,")
    assert lines[1].endswith(",text")
    assert client.get("/appointments/confirmations.csv?day=19-11-2026").status_code == 400


def test_with_all_ones_practices_shown_each_has_its_own_confirmations_csv(
    client, org, riverside, lakeside
) -> None:
    """The CSV is one practice's day: "All my practices" offers one link per practice rather
    than one link that silently exports the first practice only."""
    both = conftest.person(org, "both", [Role.SUPPORT], [riverside, lakeside])
    client.force_login(both)
    calls = client.get("/appointments/?tab=calls").content.decode()
    assert "/appointments/confirmations.csv?practice=lakeside" in calls
    assert "/appointments/confirmations.csv?practice=riverside" in calls
    assert 'confirmations.csv"' not in calls
    one = client.get("/appointments/?tab=calls&practice=riverside").content.decode()
    assert one.count("confirmations.csv") == 1
    assert "/appointments/confirmations.csv?practice=riverside" in one


# --- the confirmation rate: the definition, and a second plain implementation ---------------


@pytest.mark.parametrize("seed_value", [1, 2, 3])
def test_the_confirmation_rate_matches_a_plain_count_over_random_histories(
    riverside, lakeside, patient, seed_value
) -> None:
    import random
    from datetime import date

    from closeloop.metrics.definitions import Scope, visit_confirmations

    rng = random.Random(seed_value)
    base = TUESDAY_10AM_CHICAGO - timedelta(days=10)
    made = []
    for n in range(40):
        practice = riverside if rng.random() < 0.8 else lakeside
        start = base + timedelta(hours=rng.randint(0, 24 * 20))
        visit = make_visit(
            practice, patient if practice == riverside else None, start=start,
            external_id=f"r{n}", status=rng.choice(["booked", "fulfilled", "cancelled", "noshow"]),
        )  # fmt: skip
        if rng.random() < 0.7:
            visit.confirmation_asked_at = start - timedelta(days=2)
            if rng.random() < 0.6:
                visit.confirmed_at = start + timedelta(hours=rng.choice([-30, -1, 2]))
                visit.confirmed_how = rng.choice(["text", "email", "staff"])
        visit.save()
        made.append(visit)
    scope = Scope.of([riverside], date(2026, 11, 9), date(2026, 11, 20))
    # The plain count, from the rows alone.
    lo = datetime_at(riverside, date(2026, 11, 9))
    hi = datetime_at(riverside, date(2026, 11, 21))
    counted = [
        v for v in made
        if v.practice_id == riverside.pk and lo <= v.start < hi and v.status != "cancelled"
        and v.confirmation_asked_at is not None
    ]  # fmt: skip
    confirmed = [v for v in counted if v.confirmed_at is not None and v.confirmed_at <= v.start]
    replies = [v for v in confirmed if v.confirmed_how in ("text", "email")]
    result = visit_confirmations(scope)
    assert (result["asked"], result["confirmed"], result["by_reply"]) == (
        len(counted), len(confirmed), len(replies),
    )  # fmt: skip
    assert result["share"] == (round(len(confirmed) / len(counted), 3) if counted else None) or (
        result["share"] is not None and abs(result["share"] - len(confirmed) / len(counted)) < 1e-3
    )


def datetime_at(practice: Any, day: Any) -> Any:
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time.min, tzinfo=ZoneInfo(practice.timezone))


def test_a_reply_to_a_confirmation_the_demo_asked_yesterday_is_answered(
    client,
    clock,
    texts,  # noqa: F811
    riverside,
    patient,
) -> None:
    """The demo writes yesterday's confirmations as history (nothing leaves now); a signed reply
    the running demo receives must still answer them as it would a real one — before, they were
    rows nothing answered, and "C" was filed as an unrelated text."""
    from closeloop.appointments.models import Appointment
    from closeloop.demo.outreach import seed_outreach
    from closeloop.patients.services import patient_create

    riverside.twilio_auth_token = TWILIO_TOKEN
    riverside.save()
    cache.clear()
    clock.move_to(TUESDAY_10AM_CHICAGO)
    people = [patient] + [
        patient_create(
            practice=riverside, first_name=f"P{n}", last_name="Demo", phone=f"31255501{n:02d}"
        )  # fmt: skip
        for n in range(2)
    ]
    for n, person in enumerate(people):
        make_visit(riverside, person, start=TUESDAY_10AM_CHICAGO + timedelta(days=2, hours=n),
                   external_id=f"d{n}")  # fmt: skip
    seed_outreach(TUESDAY_10AM_CHICAGO)
    assert texts() == []  # nothing was sent
    unanswered = Appointment.objects.get(external_id="d1")
    assert unanswered.confirmation_asked_at is not None and unanswered.confirmed_at is None
    assert twilio_post(client, SMS, sms("SMdemo", people[1].phone, "C")).status_code == 200
    unanswered.refresh_from_db()
    assert unanswered.confirmed_how == ConfirmedHow.TEXT
