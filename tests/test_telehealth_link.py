"""A telehealth request from a patient with a video visit coming up is linked to that visit when
it comes in, through every door, so its before-the-visit deadline and the metric apply; staff
can unlink it when it is about something else (issue 32)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from closeloop.appointments.models import Appointment, AppointmentStatus, Match, Mode
from closeloop.intake.services import Contact, file_item
from closeloop.metrics import definitions as m
from closeloop.support_queue.models import Channel, EventCode, SupportItem
from tests.conftest import TUESDAY_10AM_CHICAGO, api_auth, category
from tests.test_intake import SMS, _configured, sms, twilio_post  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db


def video_visit(practice: Any, patient: Any, days: float, **kw: Any) -> Appointment:
    start = TUESDAY_10AM_CHICAGO + timedelta(days=days)
    return Appointment.objects.create(
        practice=practice, source="fhir", external_id=f"v{days}{kw.get('mode', '')}",
        patient=patient, match=Match.MATCHED, start=start,
        status=kw.pop("status", AppointmentStatus.BOOKED), mode=kw.pop("mode", Mode.TELEHEALTH),
        kind="Video visit", fingerprint="x", imported_at=TUESDAY_10AM_CHICAGO,
        updated_at=TUESDAY_10AM_CHICAGO,
    )  # fmt: skip


def test_a_text_about_a_broken_video_link_is_linked_to_the_patients_video_visit(
    client, clock, riverside, patient
) -> None:
    video_visit(riverside, patient, 6)  # further off: the sooner one is the one
    visit = video_visit(riverside, patient, 3)
    twilio_post(client, SMS, sms("SM-video", "+13125550142", "My video link doesn't work"))
    item = SupportItem.objects.get()
    assert (item.category.code, item.appointment) == ("telehealth_access", visit)
    assert item.appointment_due_at == visit.start - timedelta(minutes=30)
    linked = item.events.get(code=EventCode.APPOINTMENT_LINKED)
    assert linked.changes["automatic"] == {"old": None, "new": True}
    # The metric counts it for the week of the visit.
    week = m.Scope.of([riverside], date(2026, 11, 16), date(2026, 11, 22))
    assert m.telehealth_before_appointment(week)["linked"] == 1


def file_telehealth(practice: Any, patient: Any, actor: Any = None) -> SupportItem:
    return file_item(
        practice=practice, actor=actor,
        contact=Contact(channel=Channel.EMAIL, summary="Cannot join the visit", patient=patient),
        category=category(practice, "telehealth_access"),
    ).item  # fmt: skip


@pytest.mark.parametrize(
    ("days", "kw"),
    [
        (8, {}),  # beyond the next seven days
        (2, {"mode": Mode.IN_PERSON}),  # not a video visit
        (2, {"status": AppointmentStatus.CANCELLED}),
        (-1, {}),  # yesterday's
    ],
)
def test_only_an_upcoming_video_visit_within_seven_days_is_linked(
    clock, riverside, patient, days: float, kw: dict[str, Any]
) -> None:
    video_visit(riverside, patient, days, **kw)
    item = file_telehealth(riverside, patient)
    assert item.appointment is None and item.appointment_due_at is None


def test_other_requests_and_unidentified_senders_are_not_linked(clock, riverside, patient) -> None:
    video_visit(riverside, patient, 2)
    billing = file_item(
        practice=riverside, actor=None,
        contact=Contact(channel=Channel.EMAIL, summary="A charge", patient=patient),
        category=category(riverside, "billing"),
    ).item  # fmt: skip
    unknown = file_item(
        practice=riverside, actor=None,
        contact=Contact(
            channel=Channel.EMAIL, summary="Cannot join", contact_email="someone@example.com"
        ),
        category=category(riverside, "telehealth_access"),
    ).item  # fmt: skip
    assert billing.appointment is None and unknown.appointment is None


@pytest.mark.parametrize("door", ["page", "api"])
def test_staff_can_unlink_an_item_from_its_visit(
    client, clock, riverside, patient, assistant, door: str
) -> None:
    video_visit(riverside, patient, 2)
    item = file_telehealth(riverside, patient)
    assert item.appointment is not None
    if door == "page":
        client.force_login(assistant)
        response = client.post(reverse("item_action", args=[item.pk, "unlink_appointment"]), {})
        assert response.status_code in (200, 302), response.content.decode()[:300]
    else:
        response = client.post(
            f"/api/v1/items/{item.pk}/unlink-appointment",
            {},
            content_type="application/json",
            **api_auth(assistant),
        )
        assert response.status_code == 200, response.content
    item.refresh_from_db()
    assert item.appointment is None and item.appointment_due_at is None
    event = item.events.get(code=EventCode.APPOINTMENT_UNLINKED)
    assert event.actor == assistant


def test_unlinking_an_item_without_a_visit_is_refused(clock, riverside, patient, assistant):
    from closeloop.support_queue import lifecycle
    from closeloop.support_queue.lifecycle import LifecycleError

    item = file_telehealth(riverside, patient)
    with pytest.raises(LifecycleError, match="not linked"):
        lifecycle.item_unlink_appointment(item=item, actor=assistant)
