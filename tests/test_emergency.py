"""Urgent symptoms handled as an emergency (issue 17): first in every list, answered within the
practice's minutes at any hour, owned by a clinician who can answer now (whatever language they
speak), the on-call clinician paged after hours, and the patient told what to do now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from closeloop.messaging.models import MessagePurpose, MessageState, OutboundMessage
from closeloop.periodic.sweep import sweep
from closeloop.practices.choices import Role, Skill
from closeloop.practices.models import OnCallShift, StaffProfile
from closeloop.practices.services import staff_create
from closeloop.support_queue import alerts as alerts_module
from closeloop.support_queue import lifecycle
from closeloop.support_queue.alerts import deliver
from closeloop.support_queue.models import (
    AlertDelivery,
    AlertKind,
    DeliveryChannel,
    EventCode,
    StaffAlert,
    SupportItem,
)
from closeloop.support_queue.selectors import queue_for_user
from tests.conftest import acknowledged, planned
from tests.test_intake import SMS, TWILIO_TOKEN, contact_form, sms, twilio_post

TUESDAY_10AM = datetime(2026, 11, 17, 16, 0, tzinfo=UTC)
TUESDAY_10PM = datetime(2026, 11, 18, 4, 0, tzinfo=UTC)  # 22:00 Chicago, closed
FIFTEEN = timedelta(minutes=15)


@pytest.fixture
def texts(riverside: Any) -> Any:
    riverside.twilio_auth_token = TWILIO_TOKEN
    riverside.save()
    return riverside


@pytest.fixture
def on_call(org: Any, riverside: Any) -> Any:
    return staff_create(
        organization=org, username="oncall", password="pw", roles=[Role.CLINICAL],
        practices=[riverside], skills=[Skill.TRIAGE], first_name="Olu", last_name="Ade",
        email="oncall@example.com",
    )  # fmt: skip


@pytest.fixture
def sent_texts(monkeypatch: Any) -> list[dict[str, str]]:
    """Texts to staff, as the SMS provider would receive them."""
    sent: list[dict[str, str]] = []

    def fake_send(account: Any, *, to: str, body: str, what: str) -> str:
        sent.append({"to": to, "body": body})
        return f"SM{len(sent)}"

    monkeypatch.setattr(alerts_module, "send_sms", fake_send)
    return sent


def _deliver_all() -> None:
    deliver(AlertDelivery.objects.values_list("pk", flat=True))


def test_a_spanish_red_flag_goes_to_an_english_speaking_on_duty_nurse_and_comes_first(
    client, clock, texts, nurse, make_item, assistant
) -> None:
    clock.move_to(TUESDAY_10AM)
    nurse.email = "nurse@example.com"
    nurse.save()
    # The nurse already has clinical work due sooner than anything new.
    earlier = planned(
        make_item("clinical_message", summary="Refill question"), nurse, after=timedelta(minutes=5)
    )
    assert not StaffProfile.objects.get(user=nurse).speaks("es")
    page = client.post(
        "/p/riverside/contact/?lang=es",
        contact_form(
            name="Rosa Díaz",
            lang="es",
            phone="312-555-0177",
            message="me aprieta el pecho y casi no me entra el aire",
        ),  # fmt: skip
    )
    item = SupportItem.objects.get(caller_name="Rosa Díaz")
    assert (item.red_flag, item.urgency, item.language) == (True, "emergency", "es")
    assert item.owner == nurse  # nobody on duty speaks Spanish: assigned all the same
    routed = item.events.get(code=EventCode.ASSIGNED)
    assert "interpreter needed: Spanish" in routed.text
    assert f"assigned to {nurse.get_full_name() or nurse.username}" in routed.text
    assert item.first_response_due_at == TUESDAY_10AM + FIFTEEN
    # First on the nurse's queue, though the other item is due sooner.
    assert earlier.promised_update_at < item.first_response_due_at
    mine = queue_for_user(nurse).filter(owner=nurse).values_list("pk", flat=True)
    assert list(mine) == [item.pk, earlier.pk]
    client.force_login(nurse)
    assert "Interpreter needed: Spanish" in client.get(f"/items/{item.pk}/").content.decode()
    clinical_tab = client.get("/?tab=clinical").content.decode()
    assert clinical_tab.index(f"/items/{item.pk}/") < clinical_tab.index(f"/items/{earlier.pk}/")
    # The thank-you page tells the patient what to do now, not when we will write back.
    body = page.content.decode()
    assert "911" in body and "atención urgente" in body
    assert "a más tardar" not in body
    # And the same notice went out by text at once.
    notice = OutboundMessage.objects.get(item=item, purpose=MessagePurpose.EMERGENCY)
    assert notice.channel == "sms" and notice.state == MessageState.QUEUED
    assert "911" in notice.body and "pecho" not in notice.body
    # The nurse is alerted in the app and by email, with no patient details.
    (alert,) = StaffAlert.objects.filter(item=item)
    assert (alert.user, alert.kind) == (nurse, AlertKind.RED_FLAG)
    _deliver_all()
    (email,) = [m for m in mail.outbox if m.to == [nurse.email]]
    assert f"#{item.pk}" in email.subject and "Rosa" not in email.subject + email.body


def test_after_hours_a_red_flag_pages_the_on_call_clinician(
    client, clock, texts, nurse, on_call, sent_texts
) -> None:
    clock.move_to(TUESDAY_10PM)
    StaffProfile.objects.filter(user=on_call).update(mobile="+13125550199")
    OnCallShift.objects.create(
        practice=texts, clinician=on_call,
        starts_at=TUESDAY_10PM - timedelta(hours=5), ends_at=TUESDAY_10PM + timedelta(hours=10),
    )  # fmt: skip
    twilio_post(client, SMS, sms("SMOD", "+13125550144", "i took too many pills"))
    item = SupportItem.objects.get()
    assert item.red_flag and item.owner == on_call
    # Due in minutes on the clock, not at tomorrow's opening.
    assert item.first_response_due_at == TUESDAY_10PM + FIFTEEN
    (alert,) = StaffAlert.objects.filter(item=item)
    assert (alert.user, alert.kind) == (on_call, AlertKind.ON_CALL)  # the day nurse sleeps
    channels = set(AlertDelivery.objects.values_list("channel", flat=True))
    assert channels == {DeliveryChannel.EMAIL, DeliveryChannel.SMS}
    _deliver_all()
    (page,) = sent_texts
    assert page["to"] == "+13125550199" and f"#{item.pk}" in page["body"]
    assert "pills" not in page["body"] and "5550144" not in page["body"]
    assert [m.to for m in mail.outbox] == [["oncall@example.com"]]
    # The item says who was paged, how and when.
    paged = item.events.get(code=EventCode.STAFF_ALERTED)
    assert paged.at == TUESDAY_10PM and paged.changes["alerted"]["new"] == [on_call.pk]
    assert "On-call clinician paged" in paged.text and "Olu Ade" in paged.text
    assert "text" in paged.text
    # The patient was texted the emergency notice at once, despite the quiet hours.
    notice = OutboundMessage.objects.get(item=item)
    assert notice.purpose == MessagePurpose.EMERGENCY and notice.state == MessageState.QUEUED
    # No "we will answer tomorrow morning" acknowledgement.
    assert not OutboundMessage.objects.filter(purpose=MessagePurpose.RECEIVED).exists()


def test_with_nobody_on_call_every_clinician_is_paged_and_one_owns_it(
    client, clock, texts, nurse, on_call
) -> None:
    clock.move_to(TUESDAY_10PM)
    twilio_post(client, SMS, sms("SMNC", "+13125550144", "my dad's face is drooping on one side"))
    item = SupportItem.objects.get()
    assert item.red_flag and item.owner in (nurse, on_call)
    paged = {a.user for a in StaffAlert.objects.filter(item=item, kind=AlertKind.ON_CALL)}
    assert paged == {nurse, on_call}
    assert "every clinician paged" in item.events.get(code=EventCode.STAFF_ALERTED).text


def test_an_unanswered_red_flag_escalates_after_its_minutes_at_night(
    client, clock, texts, on_call, supervisor
) -> None:
    clock.move_to(TUESDAY_10PM)
    twilio_post(client, SMS, sms("SMLATE", "+13125550144", "I can't breathe"))
    item = SupportItem.objects.get()
    clock.move_to(TUESDAY_10PM + FIFTEEN - timedelta(minutes=1))
    assert "first_response" not in sweep().handled
    clock.move_to(TUESDAY_10PM + FIFTEEN + timedelta(minutes=1))
    assert sweep().handled["first_response"] == 1
    item.refresh_from_db()
    assert item.escalated and "Urgent symptoms" in item.escalation_reason
    late = {a.user for a in StaffAlert.objects.filter(kind=AlertKind.FIRST_RESPONSE_LATE)}
    assert late == {supervisor, on_call}


def test_urgent_symptoms_on_an_acknowledged_item_bring_its_next_update_within_minutes(
    client, clock, texts, patient, make_item, assistant, nurse
) -> None:
    clock.move_to(TUESDAY_10AM)
    item = acknowledged(make_item(), assistant, after=timedelta(days=2))
    clock.shift(timedelta(hours=1))
    twilio_post(client, SMS, sms("SMREP", patient.phone, "now I have crushing chest pain"))
    item.refresh_from_db()
    assert item.red_flag and item.owner == nurse
    assert item.promised_update_at == TUESDAY_10AM + timedelta(hours=1) + FIFTEEN
    assert item.promise_escalate_at == item.promised_update_at + timedelta(minutes=60)


def test_red_flags_come_first_on_the_patient_page_and_in_the_alerts(
    client, clock, texts, patient, make_item, assistant, nurse
) -> None:
    clock.move_to(TUESDAY_10AM)
    older = make_item(summary="Refill")
    lifecycle_alert = StaffAlert.objects.create(user=nurse, item=older, kind=AlertKind.HANDOFF)
    clock.shift(timedelta(minutes=1))
    urgent = make_item(summary="Chest pain")
    lifecycle.item_flag_red(item=urgent, actor=None, groups=["chest_pain"])
    StaffAlert.objects.create(user=nurse, item=urgent, kind=AlertKind.RED_FLAG)
    clock.shift(timedelta(minutes=1))
    newest = make_item(summary="Bill")
    StaffAlert.objects.create(user=nurse, item=newest, kind=AlertKind.HANDOFF)
    client.force_login(nurse)
    patient_page = client.get(f"/patients/{patient.pk}/").content.decode()
    assert patient_page.index(f"/items/{urgent.pk}/") < patient_page.index(f"/items/{newest.pk}/")
    bell = client.get("/alerts/").content.decode()
    assert bell.index(f"#{urgent.pk}") < bell.index(f"#{newest.pk}") < bell.index(f"#{older.pk}")
    assert lifecycle_alert.pk


def test_the_on_call_rota_takes_only_clinicians_who_serve_the_practice(
    riverside, lakeside, assistant, outsider, nurse
) -> None:
    start = TUESDAY_10PM
    for who, message in ((assistant, "clinical team"), (outsider, "serves this practice")):
        shift = OnCallShift(
            practice=riverside, clinician=who, starts_at=start, ends_at=start + FIFTEEN
        )
        with pytest.raises(ValidationError, match=message):
            shift.full_clean()
    backwards = OnCallShift(practice=riverside, clinician=nurse, starts_at=start, ends_at=start)
    with pytest.raises(ValidationError, match="end after it starts"):
        backwards.full_clean()
    OnCallShift(
        practice=riverside, clinician=nurse, starts_at=start, ends_at=start + FIFTEEN
    ).full_clean()


def test_practice_admins_keep_the_on_call_rota_in_configuration(
    client, org, riverside, nurse, assistant
) -> None:
    admin = staff_create(
        organization=org, username="padmin", password="pw", roles=[Role.PRACTICE_ADMIN],
        practices=[riverside],
    )  # fmt: skip
    client.force_login(admin)
    page = client.get(f"/settings/{riverside.slug}/section/emergencies/").content.decode()
    assert "on-call rota" in page.lower()
    # Only clinicians are offered.
    assert ">nurse</option>" in page and ">assistant</option>" not in page


def test_urgent_symptoms_at_a_practice_without_clinicians_wait_in_the_clinical_queue(
    clock, riverside, make_item, assistant, supervisor
) -> None:
    """The supervisors are paged, but a supervisor is not clinical staff: the item is not
    handed to them (that was refused and lost the patient's contact), it waits for a clinician."""
    from closeloop.practices.choices import Team
    from closeloop.triage.services import after_intake

    item = after_intake(make_item(summary="Chest pain", red_flag=True), actor=assistant)
    assert item.team == Team.CLINICAL and item.owner is None
    assert StaffAlert.objects.filter(user=supervisor, item=item).exists()


def test_the_item_page_shows_the_words_that_raised_the_red_flag(
    client, clock, texts, nurse, assistant
) -> None:
    """The clinician sees why triage flagged the message (the words, in the patient's language),
    kept on the creation entry of the timeline beside what was chosen; the front desk, who
    sees only the routing summary, does not."""
    clock.move_to(TUESDAY_10AM)
    client.post(
        "/p/riverside/contact/?lang=es",
        contact_form(
            name="Rosa Díaz",
            lang="es",
            phone="312-555-0177",
            message="Mi padre tiene dolor de pecho muy fuerte y no puede respirar bien",
        ),  # fmt: skip
    )
    item = SupportItem.objects.get(caller_name="Rosa Díaz")
    assert item.red_flag
    client.force_login(nurse)
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert "Triage read: urgent symptoms, chest pain: &#x27;dolor de pecho&#x27;" in page
    assert "urgent symptoms, breathing: &#x27;no puede respirar&#x27;" in page
    assert "red flag chest_pain" not in page  # no internal codes
    client.force_login(assistant)
    restricted = client.get(f"/items/{item.pk}/").content.decode()
    # (the emergency script names chest pain to everyone; the patient's own words are not)
    assert "no puede respirar" not in restricted and "Triage read" not in restricted
