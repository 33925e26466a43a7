"""Round-3 attack probes on the surfaces merged at f300c11: outreach replies from shared
numbers, the confirmations CSV, presence leave, settings sections, patient files."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client

from closeloop.appointments.models import Appointment
from closeloop.outreach.models import OutreachPlan
from closeloop.outreach.sends import outreach_due
from closeloop.patients.services import patient_create
from closeloop.practices.choices import Role
from closeloop.practices.services import staff_create
from closeloop.support_queue.models import SupportItem
from closeloop.web.settings_sections import SECTIONS
from tests.conftest import TUESDAY_10AM_CHICAGO
from tests.test_intake import SMS, TWILIO_TOKEN, sms, twilio_post
from tests.test_outreach import THURSDAY_2PM, make_visit
from tests.test_outreach_replies import confirmation_texted
from tests.test_settings_pages import section_data, section_url

pytestmark = pytest.mark.django_db


# --- 2. outreach replies ------------------------------------------------------------------------


def test_a_shared_household_number_does_not_confirm_someone_elses_visit(
    client,
    clock,
    texts,
    riverside,
    patient,
) -> None:
    """Ana and her son Leo share one phone; both have a visit Thursday and both confirmations
    went out Tuesday 10:00. A bare "C" cannot say whose visit it confirms: it must not be
    recorded on either (it is filed for staff), never on the one sent last."""
    riverside.twilio_auth_token = TWILIO_TOKEN
    riverside.save()
    cache.clear()
    son = patient_create(
        practice=riverside, first_name="Leo", last_name="Lopez", phone="(312) 555-0142"
    )
    OutreachPlan.objects.create(practice=riverside, confirm_days=2, reminder=False, forms_days=0)
    ana = make_visit(riverside, patient, external_id="o1")
    leo = make_visit(riverside, son, start=THURSDAY_2PM + timedelta(hours=1), external_id="o2")
    outreach_due(TUESDAY_10AM_CHICAGO)
    assert len(texts()) == 2
    clock.move_to(TUESDAY_10AM_CHICAGO + timedelta(minutes=30))
    assert twilio_post(client, SMS, sms("SMx", patient.phone, "C")).status_code == 200
    confirmed = [a.patient.first_name for a in Appointment.objects.filter(
        pk__in=[ana.pk, leo.pk], confirmed_at__isnull=False)]  # fmt: skip
    assert confirmed == []
    assert SupportItem.objects.exists()  # filed as a text for a person to sort out


# --- 5. the day's confirmations CSV -------------------------------------------------------------


def test_the_confirmations_csv_refuses_a_day_with_no_next_day(client, assistant) -> None:
    """GET /appointments/confirmations.csv?day=9999-12-31 was a 500 (OverflowError)."""
    client.force_login(assistant)
    response = client.get("/appointments/confirmations.csv?practice=riverside&day=9999-12-31")
    assert response.status_code == 400
    early = client.get("/appointments/confirmations.csv?practice=riverside&day=0001-01-01")
    assert early.status_code in (200, 400)


def test_the_confirmations_csv_neutralises_formulas(client, clock, riverside, assistant) -> None:
    evil = patient_create(practice=riverside, first_name="=HYPERLINK(\"http://x\")",
                          last_name="x", phone="(312) 555-0199")  # fmt: skip
    make_visit(riverside, evil, external_id="+cmd|' /C calc'!A0")
    client.force_login(assistant)
    body = client.get(
        "/appointments/confirmations.csv?practice=riverside&day=2026-11-19"
    ).content.decode()
    row = body.splitlines()[1]
    assert ",=" not in row and not row.startswith("+") and not row.startswith("=")


def test_the_confirmations_csv_of_another_practice_is_not_given(
    client, clock, riverside, lakeside, outsider, patient
) -> None:
    make_visit(riverside, patient)
    client.force_login(outsider)
    response = client.get("/appointments/confirmations.csv?practice=riverside&day=2026-11-19")
    assert "Lopez" not in response.content.decode()


# --- 4. presence leave --------------------------------------------------------------------------


def test_presence_leave_needs_csrf_and_is_404_for_another_practice(
    clock, make_item, assistant, outsider
) -> None:
    item = make_item()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(assistant)
    assert strict.post(f"/items/{item.pk}/presence/leave/").status_code == 403
    other = Client()
    other.force_login(outsider)
    assert other.post(f"/items/{item.pk}/presence/leave/").status_code == 404
    assert other.get(f"/items/{item.pk}/presence/leave/").status_code in (404, 405)


# --- 3. settings sections -----------------------------------------------------------------------


@pytest.mark.parametrize("key", [s.key for s in SECTIONS])
def test_a_section_of_another_practice_or_by_front_desk_is_404(
    client, practice_admin, assistant, riverside, lakeside, key
) -> None:
    before = section_data(lakeside, key) if key != "hours" else {}
    client.force_login(practice_admin)
    assert client.post(section_url(lakeside, key), before).status_code == 404
    client.force_login(assistant)
    assert client.post(section_url(riverside, key), before).status_code == 404


HOSTILE = ["", "-1", "99999999999999999999", "1e309", "NaN", "\x00", "<script>", "x" * 5000,
           "25:99", "2026-13-45", "[]", "{}", "☃"]  # fmt: skip


@pytest.mark.parametrize("key", [s.key for s in SECTIONS])
def test_hostile_values_in_a_section_are_4xx_not_500(
    client, practice_admin, riverside, key
) -> None:
    client.force_login(practice_admin)
    base = section_data(riverside, key) if key != "hours" else {}
    names = list(base) or [f"hours-{d}_{w}_{n}" for d in ("mon", "sun")
                           for w in ("open", "close") for n in (0, 1)]  # fmt: skip
    for name in names:
        for value in HOSTILE:
            response = client.post(section_url(riverside, key), {**base, name: value})
            assert response.status_code in (302, 400, 422), (name, value, response.status_code)


OUTREACH_HOSTILE = {
    "confirm_days": ["-5", "100000000000"],
    "video_hours": ["-1", "99999999999"],
    "forms_days": ["-3", "9999999999"],
    "send_at": ["24:00", "\x00"],
    "video_link": ["javascript:alert(1)", "http://169.254.169.254/", "x" * 3000],
    "kind": ["x" * 3000, "\x00"],
    "mode": ["bogus"],
}


def test_hostile_outreach_plan_values_are_4xx_not_500(client, practice_admin, riverside) -> None:
    client.force_login(practice_admin)
    base = {"kind": "", "mode": "in_person", "active": "on", "confirm_days": "2",
            "reminder": "on", "forms_days": "0", "video_hours": "0",
            "send_at": "10:00"}  # fmt: skip
    for name, values in OUTREACH_HOSTILE.items():
        for value in values:
            response = client.post(f"/settings/{riverside.slug}/outreach/", {**base, name: value})
            assert response.status_code in (302, 400, 422), (name, value, response.status_code)


def test_yes_answers_the_question_asked_last_not_an_older_visit_confirmation(
    client,
    clock,
    texts,
    riverside,
    patient,
    make_item,
    assistant,
) -> None:
    """Confirmation of Thursday's visit texted Tuesday 10:00; at 10:30 a resolved request asks
    "Did we resolve your request?"; at 10:40 the patient texts "Yes". The answer is to the
    question just asked (it was recorded on the visit and the closing question left open)."""
    from closeloop.messaging.models import RecoveryCheck
    from tests.test_patient_status import _asked

    visit = confirmation_texted(riverside, patient)
    clock.move_to(TUESDAY_10AM_CHICAGO + timedelta(minutes=30))
    _item, check = _asked(riverside, make_item, assistant, patient)
    clock.move_to(TUESDAY_10AM_CHICAGO + timedelta(minutes=40))
    assert twilio_post(client, SMS, sms("SMy", patient.phone, "Yes")).status_code == 200
    check = RecoveryCheck.objects.get(pk=check.pk)
    visit.refresh_from_db()
    assert check.answered_at is not None
    assert visit.confirmed_at is None


def test_the_confirmations_csv_export_is_audited_with_its_practice(
    client, clock, riverside, lakeside, org, patient
) -> None:
    """A person serving both practices exports Lakeside's day: the audit row said the day and
    the count but not whose patients' names left (practice_id was empty)."""
    from closeloop.security.models import AuditAction, AuditEvent

    both = staff_create(
        organization=org, username="both", password="pw", roles=[Role.SUPPORT],
        practices=[riverside, lakeside],
    )  # fmt: skip
    make_visit(riverside, patient)
    client.force_login(both)
    url = "/appointments/confirmations.csv?practice=riverside&day=2026-11-19"
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("pk")
    assert event.practice_id == riverside.pk and event.detail["rows"] == 1


def test_a_reply_to_the_old_time_does_not_confirm_a_moved_visit(
    client,
    clock,
    texts,
    riverside,
    patient,
) -> None:
    """ "Please confirm Thursday 2 PM" was texted; the EHR then moved the visit to Friday 9 AM
    (the import clears the confirmation: the new time is asked again). A "C" to the old text
    confirmed Friday, a time the patient was never told."""
    visit = confirmation_texted(riverside, patient)
    assert len(texts()) == 1
    Appointment.objects.filter(pk=visit.pk).update(
        start=THURSDAY_2PM + timedelta(hours=19), confirmation_asked_at=None
    )
    clock.move_to(TUESDAY_10AM_CHICAGO + timedelta(minutes=30))
    assert twilio_post(client, SMS, sms("SMz", patient.phone, "C")).status_code == 200
    visit.refresh_from_db()
    assert visit.confirmed_at is None


def test_a_reply_from_the_old_patients_number_does_not_cancel_a_visit_now_someone_elses(
    client,
    clock,
    texts,
    riverside,
    patient,
) -> None:
    """The confirmation went to Ana's number; the EHR import then matched the visit to another
    patient (a wrong match corrected). "CANCEL VISIT" from Ana's number filed a cancel request
    on the other patient's visit and texted that patient."""
    other = patient_create(
        practice=riverside, first_name="Bea", last_name="Ruiz", phone="(312) 555-0177"
    )
    visit = confirmation_texted(riverside, patient)
    assert len(texts()) == 1
    Appointment.objects.filter(pk=visit.pk).update(patient=other)
    clock.move_to(TUESDAY_10AM_CHICAGO + timedelta(minutes=30))
    assert twilio_post(client, SMS, sms("SMw", patient.phone, "CANCEL VISIT")).status_code == 200
    assert not SupportItem.objects.filter(appointment=visit).exists()
    assert not SupportItem.objects.filter(patient=other).exists()


def test_a_shared_household_number_does_not_answer_someone_elses_closing_question(
    client, clock, riverside, patient, make_item, assistant
) -> None:
    """Ana and her son Leo share one phone; each had a request resolved and was asked "Did we
    resolve your request?" (Leo last). Ana texts "NO, still no call": the text cannot say whose
    question it answers, so neither is answered nor reopened — it is filed for a person, as a
    bare "C" to two confirmations is (the same single-patient rule)."""
    from closeloop.messaging import closing_question
    from closeloop.messaging.models import RecoveryCheck
    from closeloop.support_queue.models import Status
    from tests.conftest import resolved

    riverside.twilio_auth_token = TWILIO_TOKEN
    riverside.closure_question = True
    riverside.save()
    cache.clear()
    patient.phone = "+13125550142"
    patient.save()
    son = patient_create(
        practice=riverside, first_name="Leo", last_name="Lopez", phone="(312) 555-0142"
    )
    hers = resolved(make_item(), assistant, confirmed=True)
    assert closing_question.ask_after_resolution(hers, actor=assistant) is not None
    clock.shift(timedelta(minutes=10))
    his = resolved(make_item(patient=son, summary="Leo's refill"), assistant, confirmed=True)
    assert closing_question.ask_after_resolution(his, actor=assistant) is not None
    clock.shift(timedelta(minutes=10))
    assert (
        twilio_post(client, SMS, sms("SMh", patient.phone, "NO, still no call")).status_code == 200
    )
    assert not RecoveryCheck.objects.filter(answered_at__isnull=False).exists()
    for item in (hers, his):
        item.refresh_from_db()
        assert item.status == Status.RESOLVED
    filed = SupportItem.objects.exclude(pk__in=[hers.pk, his.pk])
    assert filed.count() == 1  # the text, for a person to sort out


def test_one_patients_closing_question_is_still_answered_from_a_shared_number(
    client, clock, riverside, patient, make_item, assistant
) -> None:
    """Positive control: only Ana was asked; her household's number answers her question."""
    from closeloop.messaging import closing_question
    from closeloop.messaging.models import RecoveryAnswer
    from tests.conftest import resolved

    riverside.twilio_auth_token = TWILIO_TOKEN
    riverside.closure_question = True
    riverside.save()
    cache.clear()
    patient.phone = "+13125550142"
    patient.save()
    patient_create(practice=riverside, first_name="Leo", last_name="Lopez", phone="3125550142")
    hers = resolved(make_item(), assistant, confirmed=True)
    check = closing_question.ask_after_resolution(hers, actor=assistant)
    assert check is not None
    assert twilio_post(client, SMS, sms("SMk", patient.phone, "Yes")).status_code == 200
    check.refresh_from_db()
    assert check.answer == RecoveryAnswer.YES
