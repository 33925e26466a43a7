"""Attack review, session 4: hostile input to triage's red flags and clinical guard."""

from __future__ import annotations

import pytest

from closeloop.lib.classify import classify
from closeloop.lib.redflags import find_red_flags
from tests.conftest import assert_read_in_linear_time

#: A machine shared by the test workers: generous, yet far below the minutes these took.

HOSTILE = {
    "one finding repeated": "chest pain " * 9000,
    "findings in one long clause": "i have chest pain and cant breathe and " * 2600,
    "negated findings": "no chest pain " * 7000,
    "one 100,000-letter word": "a" * 100_000,
    "words run together": "chestpain" * 11_000,
    "zero-width joiners": "c\u200dhest p\u200bain " * 8000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_100_kb_of_hostile_text_is_read_in_linear_time(text: str) -> None:
    # Each finding's context was read from the clause's start (and a giant word letter by
    # letter): minutes for 100 KB, a worker held while an SMS or email waited.
    assert_read_in_linear_time(text)


@pytest.mark.parametrize(
    "text",
    [
        "I have c\u200dhest p\u200bain",
        "chest\u200b \u200bpain right now",
        "I have \u202echest pain\u202c",
        "c\ufeffhest pain",
        "me du\u200cele el pe\u200dcho",
    ],
)
def test_a_finding_split_by_invisible_characters_is_still_flagged(text: str) -> None:
    # What a reader sees is "chest pain": the normalisation turned a zero-width joiner into a
    # space ("c hest pain") and the emergency went unflagged.
    assert find_red_flags(text)
    assert classify(text).red_flag


def test_a_real_finding_deep_in_a_long_message_is_still_flagged() -> None:
    text = "hello, " * 5000 + "I have crushing chest pain right now"
    assert [flag.group for flag in find_red_flags(text)] == ["chest_pain"]


# --- visit actions: hostile bodies, narrowed tokens, the page's CSRF ------------------------

GARBAGE = [
    '{"patient_id": "1"}',
    '{"patient_id": -1}',
    '{"patient_id": 0}',
    '{"patient_id": 99999999999999999999999}',
    '{"patient_id": 1e3}',
    '{"patient_id": null, "new_patient": null}',
    '{"patient_id": true}',
    '{"patient_id": [1]}',
    '{"patient_id": {"id": 1}}',
    '{"new_patient": "yes please"}',
    "[1, 2]",
    '"new"',
    "null",
    '{"patient_id": 1',
    "\x00",
    "",
]


@pytest.mark.django_db
@pytest.mark.parametrize("body", GARBAGE)
def test_choose_patient_garbage_is_a_4xx_and_changes_nothing(
    client, clock, riverside, patient, assistant, body
) -> None:
    from closeloop.api.models import ApiToken
    from closeloop.appointments.models import Match
    from closeloop.security.models import AuditEvent
    from tests.test_action_parity import _visit_needing_everything

    visit = _visit_needing_everything(riverside, patient)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=assistant)[1]}"}
    audit_before = AuditEvent.objects.count()
    response = client.post(
        f"/api/v1/visits/{visit.pk}/choose-patient", body, content_type="application/json",
        **headers,
    )  # fmt: skip
    assert 400 <= response.status_code < 500, (body, response.status_code)
    visit.refresh_from_db()
    assert visit.patient is None and visit.match == Match.DOUBTFUL
    assert AuditEvent.objects.count() == audit_before


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["link-sent", "device-test-offered", "choose-patient"])
def test_a_token_narrowed_to_one_practice_cannot_act_on_the_others_visit(
    client, clock, org, riverside, lakeside, patient, slug
) -> None:
    import json

    from closeloop.api.models import ApiToken
    from tests.conftest import person
    from tests.test_action_parity import _visit_needing_everything

    va = person(org, "va", ["support"], [riverside, lakeside])
    visit = _visit_needing_everything(riverside, patient)
    narrowed = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=va, practices=[lakeside])[1]}"}
    body = json.dumps({"patient_id": patient.pk} if slug == "choose-patient" else {})
    url = f"/api/v1/visits/{visit.pk}/{slug}"
    response = client.post(url, body, content_type="application/json", **narrowed)
    assert response.status_code == 404
    before = visit.link_sent_at, visit.device_test_offered_at, visit.patient_id
    visit.refresh_from_db()
    assert (visit.link_sent_at, visit.device_test_offered_at, visit.patient_id) == before


@pytest.mark.django_db
def test_the_appointments_forms_need_the_csrf_token(riverside, patient, assistant) -> None:
    from django.test import Client
    from django.urls import reverse

    from tests.test_action_parity import _visit_needing_everything

    visit = _visit_needing_everything(riverside, patient)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(assistant)
    for url, data in [
        (reverse("appointment_patient", args=[visit.pk]), {"patient": patient.pk}),
        (reverse("appointment_check", args=[visit.pk, "link_sent"]), {}),
    ]:
        assert strict.post(url, data).status_code == 403
    visit.refresh_from_db()
    assert visit.patient is None and visit.link_sent_at is None


# --- a reply's address: the rule of address_key in the database too --------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lookalike", ["jane@\u017fick.example", "JANE@\u017fICK.EXAMPLE"])
def test_a_lookalike_address_is_not_the_patients(riverside, lookalike) -> None:
    # PostgreSQL's UPPER folds the long s ('ſ') to 'S': "jane@ſick.example" answered the
    # closing question or visit confirmation sent to "jane@sick.example" (Python's lower(),
    # consent's address_key, keeps them apart).
    from closeloop.messaging.consent import address_key, at_address
    from closeloop.messaging.models import ConsentChannel
    from closeloop.patients.models import Patient
    from closeloop.patients.services import patient_create

    jane = patient_create(
        practice=riverside, first_name="Jane", last_name="Roe", phone="2125550112",
        email="Jane@Sick.example",
    )  # fmt: skip
    assert address_key(ConsentChannel.EMAIL, lookalike) != address_key(
        ConsentChannel.EMAIL, jane.email
    )
    found = Patient.objects.filter(at_address(ConsentChannel.EMAIL, lookalike, "email"))
    assert not found.exists()
    assert Patient.objects.filter(at_address(ConsentChannel.EMAIL, "JANE@sick.EXAMPLE", "email"))


# --- a visit re-read from another FHIR server ------------------------------------------------


@pytest.mark.django_db
def test_a_visit_read_from_another_server_is_matched_and_confirmed_anew(
    clock, riverside, patient
) -> None:
    # The practice moved to another EHR server whose appointment "a1" is someone else's: the
    # staff's choice of patient and the confirmation were about the first server's "a1" (kept,
    # the new server's visit went on under the first patient's name, confirmed).
    from datetime import timedelta

    from django.utils import timezone

    from closeloop.appointments.importer import ImportSummary, upsert_appointment
    from closeloop.appointments.models import ConfirmedHow, Match
    from closeloop.appointments.records import AppointmentRecord, PatientRecord
    from closeloop.appointments.services import appointment_confirm_patient

    start = timezone.now() + timedelta(days=2)
    first = AppointmentRecord(
        "a1", start, "booked", "in_person",
        patient=PatientRecord(ehr_id="p1", first_name="Ann", last_name="Lopes"),
    )  # fmt: skip
    visit = upsert_appointment(riverside, first, "fhir", ImportSummary(), fhir_server="A")
    assert visit is not None
    visit = appointment_confirm_patient(appointment=visit, actor=None, patient=patient)
    type(visit).objects.filter(pk=visit.pk).update(
        confirmed_at=timezone.now(), confirmed_how=ConfirmedHow.STAFF
    )
    other = AppointmentRecord(
        "a1", start, "booked", "in_person",
        patient=PatientRecord(ehr_id="q7", first_name="Zed", last_name="Okafor"),
    )  # fmt: skip
    upsert_appointment(riverside, other, "fhir", ImportSummary(), fhir_server="B")
    visit.refresh_from_db()
    assert visit.fhir_server == "B"
    assert visit.patient != patient and visit.match != Match.STAFF
    assert visit.confirmed_at is None and visit.confirmed_how == ""


# --- who is signed in: the typed middleware and look-ups fail closed ---------------------------


@pytest.mark.django_db
def test_an_unverified_or_inactive_person_reaches_nothing_by_either_door(
    client, clock, org, riverside, patient
) -> None:
    from django.urls import reverse

    from closeloop.api.models import ApiToken
    from tests.conftest import person
    from tests.test_action_parity import _visit_needing_everything

    org.require_mfa = True
    org.save()
    va = person(org, "va", ["support"], [riverside])
    visit = _visit_needing_everything(riverside, patient)
    client.force_login(va)  # signed in, no second factor yet
    for url in (reverse("queue"), "/appointments/"):
        assert client.get(url)["Location"] == reverse("mfa_setup")
    page = client.post(reverse("appointment_check", args=[visit.pk, "link_sent"]))
    assert page.status_code == 302 and page["Location"] == reverse("mfa_setup")
    # A session is no token: the API does not take it.
    url = f"/api/v1/visits/{visit.pk}/link-sent"
    assert client.post(url, "{}", content_type="application/json").status_code == 401
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=va)[1]}"}
    va.is_active = False
    va.save()
    client.logout()
    assert client.post(url, "{}", content_type="application/json", **bearer).status_code == 401
    # A token is no session: the pages do not take it.
    assert client.get("/appointments/", **bearer).status_code == 302
    visit.refresh_from_db()
    assert visit.link_sent_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "choice", ["", "-1", "0", "1e3", "\u00b2", "9" * 30, "new ", "NEW", "1 ", "0x1", "1.0"]
)
def test_the_pages_patient_choice_refuses_garbage_and_changes_nothing(
    client, clock, riverside, patient, assistant, choice
) -> None:
    from django.urls import reverse

    from closeloop.appointments.models import Match
    from tests.test_action_parity import _visit_needing_everything

    visit = _visit_needing_everything(riverside, patient)
    client.force_login(assistant)
    url = reverse("appointment_patient", args=[visit.pk])
    assert client.post(url, {"patient": choice}).status_code == 422
    visit.refresh_from_db()
    assert visit.patient is None and visit.match == Match.DOUBTFUL


def test_long_hostile_text_is_not_kept_in_the_triage_caches() -> None:
    """Each distinct long message or word once held its memory in an lru_cache (1,024 messages
    of 1 MB, 50,000 words of 100,000 letters): only short ones are cached now, same answers."""
    from closeloop.lib import clinicalterms, textnorm

    long_text = "Chest PAIN " * 1000 + "zq"
    before = textnorm._normalize_cached.cache_info().currsize
    assert textnorm.normalize(long_text) == textnorm._normalize(long_text)
    assert textnorm._normalize_cached.cache_info().currsize == before
    word = "x" * 100_000
    before_words = (
        clinicalterms._read_word.cache_info().currsize,
        clinicalterms._word_term.cache_info().currsize,
    )
    clinicalterms.read_word(word)
    clinicalterms.word_term(word)
    assert (
        clinicalterms._read_word.cache_info().currsize,
        clinicalterms._word_term.cache_info().currsize,
    ) == before_words
    # short ones are still cached, with the same answers
    assert clinicalterms.read_word("hingles") == "shingles"
    assert clinicalterms._read_word.cache_info().currsize >= 1


@pytest.mark.django_db
def test_an_overlong_username_at_sign_in_is_refused_not_a_500(client) -> None:
    """Found by the form fuzz on PostgreSQL: Django's login form sets the username's
    max_length after the field is built, so nothing checks it; a 400-character username reached
    django-axes, whose failed-attempt row holds 255 (a 500 there). The form refuses it first."""
    from axes.models import AccessAttempt

    page = client.post("/login/", {"username": "9" * 400, "password": "wrong"})
    assert page.status_code == 200
    assert "at most 150 characters" in str(page.context["form"].errors["username"])
    assert not AccessAttempt.objects.exists()
