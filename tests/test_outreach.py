"""Outreach before a visit (issue 33 #1): each practice's plan sends a confirmation N days
before, a reminder the day before, an intake-forms reminder while forms are missing and, for
video visits, the link and a device test — once per (visit, purpose, scheduled time), at the
plan's local time, never in quiet hours, never for a cancelled visit; a moved visit re-times."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from closeloop.appointments.models import Appointment, AppointmentStatus, Match, Mode
from closeloop.messaging.consent import consent_record
from closeloop.messaging.models import MessagePurpose
from closeloop.outreach.models import OutreachPlan, OutreachSend, SendState, SkipReason
from closeloop.outreach.schedule import schedule_for
from closeloop.outreach.sends import outreach_due
from closeloop.periodic.sweep import sweep
from tests.conftest import TUESDAY_10AM_CHICAGO

pytestmark = pytest.mark.django_db

# Riverside is in Chicago (UTC-6 in November); quiet hours 20:00-08:00.
THURSDAY_2PM = datetime(2026, 11, 19, 20, 0, tzinfo=UTC)
WEDNESDAY_10AM = TUESDAY_10AM_CHICAGO + timedelta(days=1)
TUESDAY_9PM = datetime(2026, 11, 18, 3, 0, tzinfo=UTC)
WEDNESDAY_8AM = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)


@pytest.fixture
def plan(riverside) -> OutreachPlan:
    return OutreachPlan.objects.create(
        practice=riverside, confirm_days=2, reminder=True, forms_days=0, video_hours=0
    )


def make_visit(riverside, patient, start=THURSDAY_2PM, **kw: Any) -> Appointment:
    return Appointment.objects.create(
        practice=riverside, source="fhir", external_id=kw.pop("external_id", "o1"),
        patient=patient, match=Match.MATCHED, start=start,
        status=kw.pop("status", AppointmentStatus.BOOKED), mode=kw.pop("mode", Mode.IN_PERSON),
        kind=kw.pop("kind", "Follow-up"), fingerprint="x", imported_at=start - timedelta(days=9),
        updated_at=start - timedelta(days=9),
    )  # fmt: skip


def test_a_confirmation_goes_once_at_the_plans_local_time(
    clock, texts, riverside, patient, plan
) -> None:
    visit = make_visit(riverside, patient)
    # Two days before Thursday, at 10:00 Chicago: Tuesday 10:00 (16:00 UTC).
    clock.move_to(TUESDAY_10AM_CHICAGO - timedelta(minutes=1))
    assert outreach_due(TUESDAY_10AM_CHICAGO - timedelta(minutes=1)) == 0
    assert texts() == []
    clock.move_to(TUESDAY_10AM_CHICAGO)
    assert outreach_due(TUESDAY_10AM_CHICAGO) == 1
    # Another worker, a restart, the next minutes' ticks: nothing more.
    assert outreach_due(TUESDAY_10AM_CHICAGO) == 0
    clock.move_to(TUESDAY_10AM_CHICAGO + timedelta(minutes=1))
    sweep()
    sent = texts()
    assert len(sent) == 1
    assert sent[0]["to"] == patient.phone
    assert "Thursday" in sent[0]["body"] and "Reply C to confirm" in sent[0]["body"]
    row = OutreachSend.objects.get()
    assert (row.purpose, row.state, row.scheduled_for) == (
        MessagePurpose.VISIT_CONFIRM,
        SendState.SENT,
        TUESDAY_10AM_CHICAGO,
    )
    visit.refresh_from_db()
    assert visit.confirmation_asked_at == TUESDAY_10AM_CHICAGO
    # The reminder the day before, Wednesday 10:00 Chicago.
    clock.move_to(WEDNESDAY_10AM)
    sweep()
    assert [t["body"] for t in texts()][1].startswith("Hi Ana, this is Riverside: a reminder")
    assert OutreachSend.objects.filter(state=SendState.SENT).count() == 2


def test_the_key_is_unique_so_a_second_worker_cannot_send_it_again(
    clock, riverside, patient, plan
) -> None:
    visit = make_visit(riverside, patient)
    outreach_due(TUESDAY_10AM_CHICAGO)
    row = OutreachSend.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        OutreachSend.objects.create(
            practice=riverside, appointment=visit, purpose=row.purpose,
            scheduled_for=row.scheduled_for, visit_start=visit.start, send_after=row.send_after,
        )  # fmt: skip


def test_never_in_quiet_hours(clock, texts, riverside, patient, plan) -> None:
    plan.send_at = time(21, 0)  # 21:00 local: inside quiet hours
    plan.save()
    make_visit(riverside, patient)
    clock.move_to(TUESDAY_9PM)
    outreach_due(TUESDAY_9PM)
    row = OutreachSend.objects.get()
    assert (row.state, row.send_after) == (SendState.HELD, WEDNESDAY_8AM)
    clock.move_to(WEDNESDAY_8AM - timedelta(minutes=1))
    sweep()
    assert texts() == []
    clock.move_to(WEDNESDAY_8AM)
    sweep()
    assert len(texts()) == 1
    row.refresh_from_db()
    assert row.state == SendState.SENT and row.sent_at == WEDNESDAY_8AM


def test_a_cancelled_visit_gets_nothing(clock, texts, riverside, patient, plan) -> None:
    make_visit(riverside, patient, status=AppointmentStatus.CANCELLED)
    for moment in (TUESDAY_10AM_CHICAGO, WEDNESDAY_10AM):
        clock.move_to(moment)
        sweep()
    assert texts() == [] and not OutreachSend.objects.exists()


def test_a_visit_cancelled_while_its_message_waits_is_never_sent(
    clock, texts, riverside, patient, plan
) -> None:
    plan.send_at = time(21, 0)
    plan.save()
    visit = make_visit(riverside, patient)
    clock.move_to(TUESDAY_9PM)
    outreach_due(TUESDAY_9PM)
    visit.status = AppointmentStatus.CANCELLED
    visit.save()
    clock.move_to(WEDNESDAY_8AM)
    sweep()
    assert texts() == []
    row = OutreachSend.objects.get()
    assert (row.state, row.skip_code) == (SendState.CANCELLED, SkipReason.VISIT_CANCELLED)


def test_a_moved_visit_re_times_and_the_old_time_is_not_sent(
    clock, texts, riverside, patient, plan
) -> None:
    plan.send_at = time(21, 0)
    plan.save()
    visit = make_visit(riverside, patient)
    clock.move_to(TUESDAY_9PM)
    outreach_due(TUESDAY_9PM)  # held for quiet hours
    # The visit moves to Friday 14:00: the old confirmation is no longer due.
    visit.start = THURSDAY_2PM + timedelta(days=1)
    visit.save()
    clock.move_to(WEDNESDAY_8AM)
    sweep()
    assert texts() == []
    old = OutreachSend.objects.get()
    assert (old.state, old.skip_code) == (SendState.CANCELLED, SkipReason.VISIT_MOVED)
    keys = [(p, at) for p, at in schedule_for(plan, visit)]
    assert (MessagePurpose.VISIT_CONFIRM, TUESDAY_9PM + timedelta(days=1)) in keys
    # Wednesday 21:00 is quiet too: the new confirmation leaves Thursday 08:00, once.
    clock.move_to(TUESDAY_9PM + timedelta(days=1))
    sweep()
    clock.move_to(WEDNESDAY_8AM + timedelta(days=1))
    sweep()
    sweep()
    assert len(texts()) == 1 and "Friday" in texts()[0]["body"]


def test_spanish_patients_get_spanish_texts_and_email_when_texts_are_refused(
    clock, texts, mailoutbox, riverside, patient, plan
) -> None:
    patient.preferred_language = "es"
    patient.email = "ana@example.org"
    patient.save()
    consent_record(
        practice=riverside, channel="sms", address=patient.phone, opted_in=False, source="staff"
    )
    make_visit(riverside, patient)
    clock.move_to(TUESDAY_10AM_CHICAGO)
    outreach_due(TUESDAY_10AM_CHICAGO)
    assert texts() == []
    assert len(mailoutbox) == 1
    assert "jueves" in mailoutbox[0].body.lower()
    row = OutreachSend.objects.get()
    assert (row.channel, row.language) == ("email", "es")


def test_no_contact_we_may_use_is_recorded_not_sent(clock, texts, riverside, patient, plan) -> None:
    consent_record(
        practice=riverside, channel="sms", address=patient.phone, opted_in=False, source="staff"
    )
    make_visit(riverside, patient)
    outreach_due(TUESDAY_10AM_CHICAGO)
    row = OutreachSend.objects.get()
    assert (row.state, row.skip_code) == (SendState.CANCELLED, SkipReason.NO_CONTACT)


def test_forms_reminder_only_while_forms_are_missing(
    clock, texts, riverside, patient, plan, make_item
) -> None:
    plan.confirm_days, plan.reminder, plan.forms_days = 0, False, 2
    plan.save()
    make_visit(riverside, patient)
    outreach_due(TUESDAY_10AM_CHICAGO)
    assert texts() == []  # no open intake item: the forms are not missing
    OutreachSend.objects.all().delete()
    make_item("new_patient_intake", summary="New patient paperwork")
    outreach_due(TUESDAY_10AM_CHICAGO)
    assert len(texts()) == 1 and "intake forms" in texts()[0]["body"]


def test_video_visits_get_the_link_and_the_device_test(clock, texts, riverside, patient) -> None:
    OutreachPlan.objects.create(
        practice=riverside, mode="telehealth", confirm_days=0, reminder=False, forms_days=0,
        video_hours=24, video_link="https://video.example.org/riverside",
        device_test_link="https://video.example.org/test",
    )  # fmt: skip
    make_visit(riverside, patient, mode=Mode.TELEHEALTH)
    make_visit(riverside, patient, external_id="o2")  # in person: no setup reminder
    at = THURSDAY_2PM - timedelta(hours=24)
    clock.move_to(at)
    outreach_due(at)
    (text,) = texts()
    assert "https://video.example.org/riverside" in text["body"]
    assert "https://video.example.org/test" in text["body"]


def test_a_plan_for_the_visits_type_wins_over_the_practices_default(riverside, patient) -> None:
    default = OutreachPlan.objects.create(practice=riverside, confirm_days=2)
    own = OutreachPlan.objects.create(practice=riverside, kind="Annual physical", confirm_days=5)
    from closeloop.outreach.schedule import plan_for

    plans = [default, own]
    assert plan_for(plans, make_visit(riverside, patient, kind="annual physical")) == own
    assert plan_for(plans, make_visit(riverside, patient, external_id="o2")) == default


# --- Settings → Outreach ---------------------------------------------------------------------


@pytest.fixture
def admin(org, riverside) -> Any:
    from closeloop.practices.choices import Role
    from closeloop.practices.services import staff_create

    return staff_create(
        organization=org, username="padmin", password="pw", roles=[Role.PRACTICE_ADMIN],
        practices=[riverside],
    )  # fmt: skip


def test_an_admin_adds_a_plan_and_a_video_plan_needs_its_links(client, admin, riverside) -> None:
    client.force_login(admin)
    page = client.get("/settings/riverside/outreach/")
    assert page.status_code == 200 and b"No plan yet" in page.content
    assert b"EHR write-back:</strong> Off" in page.content
    base = {"kind": "", "mode": "any", "active": "on", "confirm_days": "2", "reminder": "on",
            "forms_days": "0", "video_hours": "0", "send_at": "10:00"}  # fmt: skip
    assert client.post("/settings/riverside/outreach/", base).status_code == 302
    plan = OutreachPlan.objects.get(practice=riverside)
    assert (plan.confirm_days, plan.reminder) == (2, True)
    # The same type and mode twice: a form error, not a 500.
    assert client.post("/settings/riverside/outreach/", base).status_code == 422
    video = {**base, "kind": "Video visit", "mode": "telehealth", "video_hours": "24"}
    refused = client.post("/settings/riverside/outreach/", video)
    assert refused.status_code == 422 and b"needs this link" in refused.content
    video |= {
        "video_link": "https://video.example.org/r",
        "device_test_link": "https://v.example.org/t",
    }
    assert client.post("/settings/riverside/outreach/", video).status_code == 302
    edit = f"/settings/riverside/outreach/{plan.pk}/"
    assert client.get(edit).status_code == 200
    assert client.post(edit, {**base, "confirm_days": "3"}).status_code == 302
    plan.refresh_from_db()
    assert plan.confirm_days == 3
    assert client.post(f"{edit}delete/").status_code == 302
    assert not OutreachPlan.objects.filter(pk=plan.pk).exists()


def test_the_visit_templates_are_edited_and_previewed_like_the_others(client, admin) -> None:
    client.force_login(admin)
    page = client.get("/settings/riverside/templates/edit/?purpose=visit_confirm&language=es")
    assert page.status_code == 200
    assert "CANCELAR" in page.content.decode()
    preview = client.post(
        "/settings/riverside/templates/preview/",
        {"language": "en", "subject": "s", "body": "Your visit is on {visit_time}."},
    )
    assert preview.status_code == 200 and b"{visit_time}" not in preview.content
