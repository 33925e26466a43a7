"""Parity: every action of the registry is on the item page and in the API, and nothing else
is on either."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from closeloop.actions.registry import ACTIONS
from closeloop.actions.visits import VISIT_ACTIONS
from closeloop.api.models import ApiToken
from closeloop.appointments.models import Appointment, ConfirmedHow, Match, Mode
from closeloop.patients.services import patient_create
from closeloop.practices.choices import Role, Skill
from closeloop.practices.services import staff_create
from closeloop.support_queue import colleague_requests, lifecycle
from tests.conftest import planned, resolved

pytestmark = pytest.mark.django_db

API_ACTION = re.compile(r"^/api/v1/items/\{item_id\}/([a-z-]+)$")
PAGE_FORM = re.compile(r'id="form-([a-z_]+)"')
JSON = "application/json"
API_VISIT_ACTION = re.compile(r"^/api/v1/visits/\{visit_id\}/([a-z-]+)$")
PAGE_VISIT_FORM = re.compile(r'data-visit-action="([a-z_]+)"')
PAGE_VISIT_POST = re.compile(r'<form method="post" action="/appointments/\d+/')


def test_the_api_has_exactly_the_registrys_actions(client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    offered = {
        match.group(1).replace("-", "_")
        for path, methods in schema["paths"].items()
        if (match := API_ACTION.match(path)) and "post" in methods
    }
    assert offered == set(ACTIONS)


def test_the_item_page_offers_exactly_the_registrys_actions(
    client, clock, org, riverside, make_item, patient, assistant
) -> None:
    """Across the states an item goes through, the page shows a form for every action."""
    supervisor = staff_create(
        organization=org, username="lead", password="pw", practices=[riverside],
        roles=[Role.SUPPORT, Role.SUPERVISOR], skills=[Skill.SCHEDULING],
    )  # fmt: skip
    visit = Appointment.objects.create(
        practice=riverside, source="csv", external_id="v1", patient=patient, match=Match.MATCHED,
        start=timezone.now() + timedelta(days=1), status="booked", mode=Mode.TELEHEALTH,
        kind="Follow-up", fingerprint="x", imported_at=timezone.now(), updated_at=timezone.now(),
    )  # fmt: skip
    riverside.review_link = "https://example.com/review"
    riverside.status_links = True
    riverside.save()
    fresh = make_item(actor=supervisor)
    make_item(actor=supervisor, summary="The same need, filed again")
    other = patient_create(
        practice=riverside, first_name="Al", last_name="Lopez", phone="3125550142"
    )
    shared = make_item(actor=supervisor, patient=None, callback_number="3125550142")
    shared.patient_candidates = [patient.pk, other.pk]
    shared.save()
    handed = lifecycle.item_assign(
        item=make_item(actor=assistant), actor=assistant, owner=supervisor, team="support"
    )
    asked = colleague_requests.request_ask(
        item=make_item(actor=assistant, summary="Asked"), actor=assistant, colleague=supervisor,
        text="Can you check?", due_at=timezone.now() + timedelta(hours=2),
    )  # fmt: skip
    items = [
        fresh,
        asked,
        make_item(actor=supervisor, channel="phone", summary="What is your fax number?"),
        handed,
        planned(make_item(actor=supervisor), supervisor, acknowledge=True),
        resolved(make_item(actor=supervisor), supervisor, confirmed=True),
        shared,
        lifecycle.item_link_appointment(
            item=make_item("telehealth_access", actor=supervisor), actor=supervisor,
            appointment=visit,
        ),
    ]  # fmt: skip
    client.force_login(supervisor)
    shown: set[str] = set()
    for item in items:
        page = client.get(reverse("item", args=[item.pk])).content.decode()
        shown |= set(PAGE_FORM.findall(page))
    assert shown == set(ACTIONS)


# --- visits: the appointments page's buttons -----------------------------------------------------


def _unanswered_visit(practice, patient, external_id: str = "v1") -> Appointment:
    """A visit tomorrow whose patient was asked to confirm a day ago and did not answer: on
    the confirmation call list."""
    now = timezone.now()
    return Appointment.objects.create(
        practice=practice, source="csv", external_id=external_id, patient=patient,
        match=Match.MATCHED, start=now + timedelta(days=1), status="booked",
        mode=Mode.IN_PERSON, kind="Follow-up", fingerprint="x", imported_at=now,
        updated_at=now, confirmation_asked_at=now - timedelta(days=1),
    )  # fmt: skip


def test_the_api_has_exactly_the_visit_actions(client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    offered = {
        match.group(1).replace("-", "_")
        for path, methods in schema["paths"].items()
        if (match := API_VISIT_ACTION.match(path)) and "post" in methods
    }
    assert offered == set(VISIT_ACTIONS)


def _visit_needing_everything(practice, patient, external_id: str = "v9") -> Appointment:
    """A video visit tomorrow: its check not done, its patient doubtful (``patient`` the one
    candidate; the EHR's details name someone else), so not asked to confirm yet."""
    visit = _unanswered_visit(practice, None, external_id)
    Appointment.objects.filter(pk=visit.pk).update(
        mode=Mode.TELEHEALTH, match=Match.DOUBTFUL, patient_candidates=[patient.pk],
        confirmation_asked_at=None,
        patient_details={"ehr_id": "e9", "first_name": "Ann", "last_name": "Lopes"},
    )  # fmt: skip
    visit.refresh_from_db()
    return visit


def test_the_appointments_page_offers_exactly_the_visit_actions(
    client, clock, riverside, patient, assistant
) -> None:
    """Every button of the appointments page (every tab) is a visit action, and every visit
    action is a button there."""
    _unanswered_visit(riverside, patient)
    _visit_needing_everything(riverside, patient)
    client.force_login(assistant)
    shown: set[str] = set()
    for tab in ("risk", "telehealth", "calls", "match"):
        page = client.get(f"/appointments/?tab={tab}").content.decode()
        posts = len(PAGE_VISIT_POST.findall(page))
        actions = PAGE_VISIT_FORM.findall(page)
        assert len(actions) == posts, f"tab {tab}: a form on a visit that is not a visit action"
        shown |= set(actions)
    assert shown == set(VISIT_ACTIONS)
    assert {"confirm", "link_sent", "device_test_offered", "choose_patient"} <= shown


def _api(client, user, visit: Appointment, slug: str, body: dict | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=user)[1]}"}
    return client.post(
        f"/api/v1/visits/{visit.pk}/{slug}", json.dumps(body or {}), content_type=JSON, **headers
    )


@pytest.mark.parametrize("step", ["link_sent", "device_test_offered"])
def test_a_telehealth_check_step_by_the_api_is_what_the_page_does(
    client, clock, riverside, patient, assistant, step
) -> None:
    by_api = _visit_needing_everything(riverside, patient, "v1")
    by_page = _visit_needing_everything(riverside, patient, "v2")
    response = _api(client, assistant, by_api, step.replace("_", "-"))
    assert response.status_code == 200, response.content
    assert response.json()["result"] == {"recorded": True}
    assert response.json()[f"{step}_at"] is not None
    client.force_login(assistant)
    assert client.post(reverse("appointment_check", args=[by_page.pk, step])).status_code == 302
    for visit in (by_api, by_page):
        visit.refresh_from_db()
        assert getattr(visit, f"{step}_at") is not None
        assert getattr(visit, _by(step)) == assistant
    # Once: the first tick is kept.
    first = getattr(by_api, f"{step}_at")
    clock.shift(timedelta(minutes=5))
    again = _api(client, assistant, by_api, step.replace("_", "-"))
    assert again.json()["result"] == {"recorded": False}
    by_api.refresh_from_db()
    assert getattr(by_api, f"{step}_at") == first


def _by(step: str) -> str:
    return {"link_sent": "link_sent_by", "device_test_offered": "device_test_offered_by"}[step]


def test_an_in_person_visit_has_no_check_by_either_door(
    client, clock, riverside, patient, assistant
) -> None:
    visit = _unanswered_visit(riverside, patient)
    response = _api(client, assistant, visit, "link-sent")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_telehealth"
    client.force_login(assistant)
    page = client.post(reverse("appointment_check", args=[visit.pk, "link_sent"]))
    assert page.status_code == 409
    visit.refresh_from_db()
    assert visit.link_sent_at is None


def test_choosing_the_patient_by_the_api_is_what_the_page_does(
    client, clock, riverside, patient, assistant
) -> None:
    by_api = _visit_needing_everything(riverside, patient, "v1")
    by_page = _visit_needing_everything(riverside, patient, "v2")
    response = _api(client, assistant, by_api, "choose-patient", {"patient_id": patient.pk})
    assert response.status_code == 200, response.content
    assert response.json()["patient_id"] == patient.pk
    assert response.json()["result"] == {"patient_id": patient.pk}
    client.force_login(assistant)
    page = client.post(reverse("appointment_patient", args=[by_page.pk]), {"patient": patient.pk})
    assert page.status_code == 302
    for visit in (by_api, by_page):
        visit.refresh_from_db()
        assert (visit.patient, visit.match, visit.patient_candidates) == (patient, Match.STAFF, [])


def test_a_new_patient_by_the_api_is_what_the_page_does(
    client, clock, riverside, patient, assistant
) -> None:
    by_api = _visit_needing_everything(riverside, patient, "v1")
    by_page = _visit_needing_everything(riverside, patient, "v2")
    response = _api(client, assistant, by_api, "choose-patient", {"new_patient": True})
    assert response.status_code == 200, response.content
    assert response.json()["result"]["patient_id"] not in (None, patient.pk)
    client.force_login(assistant)
    page = client.post(reverse("appointment_patient", args=[by_page.pk]), {"patient": "new"})
    assert page.status_code == 302
    for visit in (by_api, by_page):
        visit.refresh_from_db()
        assert visit.patient.last_name == "Lopes" and visit.patient != patient
    # Both visits name the same EHR patient ("e9"): the second "new patient" is the one the
    # first created (the EHR's id is theirs now), never a second patient (it was a 500).
    assert by_page.patient == by_api.patient
    assert by_api.patient.ehr_id == "e9"


@pytest.mark.parametrize(
    "body",
    [{}, {"patient_id": 999999}, {"new_patient": True, "patient_id": 1}, {"new_patient": False}],
)
def test_choosing_no_patient_or_a_stranger_is_refused_by_both_doors(
    client, clock, riverside, lakeside, patient, assistant, body
) -> None:
    from closeloop.patients.services import patient_create as create

    stranger = create(practice=lakeside, first_name="Bo", last_name="Kim", phone="2125550111")
    visit = _visit_needing_everything(riverside, patient)
    if body.get("patient_id") == 1:
        body = {**body, "patient_id": patient.pk}
    for sent in (body, {"patient_id": stranger.pk}):
        response = _api(client, assistant, visit, "choose-patient", sent)
        assert response.status_code == 422, (sent, response.content)
    client.force_login(assistant)
    url = reverse("appointment_patient", args=[visit.pk])
    for choice in ("", "999999", str(stranger.pk)):
        assert client.post(url, {"patient": choice}).status_code == 422
    visit.refresh_from_db()
    assert visit.patient is None and visit.match == Match.DOUBTFUL


def test_confirming_a_visit_by_the_api_is_what_the_page_does(
    client, clock, riverside, patient, assistant
) -> None:
    by_api = _unanswered_visit(riverside, patient, "v1")
    by_page = _unanswered_visit(riverside, patient, "v2")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=assistant)[1]}"}
    response = client.post(
        f"/api/v1/visits/{by_api.pk}/confirm", "{}", content_type=JSON, **headers
    )
    assert response.status_code == 200
    assert response.json()["confirmed_how"] == ConfirmedHow.STAFF
    assert response.json()["result"] == {"recorded": True}
    client.force_login(assistant)
    assert client.post(f"/appointments/{by_page.pk}/confirm/").status_code == 302
    for visit in (by_api, by_page):
        visit.refresh_from_db()
        assert visit.confirmed_how == ConfirmedHow.STAFF and visit.confirmed_at is not None
    # Once: a second confirmation keeps the first.
    first = by_api.confirmed_at
    clock.shift(timedelta(minutes=5))
    again = client.post(f"/api/v1/visits/{by_api.pk}/confirm", "{}", content_type=JSON, **headers)
    assert again.json()["result"] == {"recorded": False}
    by_api.refresh_from_db()
    assert by_api.confirmed_at == first


def test_another_practices_visit_is_a_404_by_the_api_and_unchanged(
    client, clock, lakeside, outsider, assistant
) -> None:
    from closeloop.patients.services import patient_create as create

    theirs = _unanswered_visit(
        lakeside, create(practice=lakeside, first_name="Bo", last_name="Kim", phone="2125550111")
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=assistant)[1]}"}
    for visit_id in (theirs.pk, 999999, 2**63):
        response = client.post(
            f"/api/v1/visits/{visit_id}/confirm", "{}", content_type=JSON, **headers
        )
        assert response.status_code in (404, 422), visit_id
    theirs.refresh_from_db()
    assert theirs.confirmed_at is None
