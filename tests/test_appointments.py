"""Appointments from FHIR R4 and CSV; telehealth due before the visit; missed-appointment risk."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connections
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from closeloop.appointments.client import FhirClient, FhirFetchError, import_files
from closeloop.appointments.csv_import import CsvFileError, import_csv, parse_mapping
from closeloop.appointments.importer import match_patient
from closeloop.appointments.models import Appointment, AppointmentStatus, Match, Mode
from closeloop.appointments.records import PatientRecord
from closeloop.appointments.rules import (
    at_risk_upcoming,
    reasons_for,
    risk_counts,
    telehealth_before_visit,
)
from closeloop.appointments.sync import sync_practice
from closeloop.cli import main as cli_main
from closeloop.patients.models import Patient
from closeloop.patients.services import patient_create
from closeloop.periodic.sweep import sweep
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import AlertKind, EventCode, StaffAlert, SupportItem
from tests.conftest import TUESDAY_10AM_CHICAGO, acknowledged, serving, told
from tests.fhir_server import fhir_server

pytestmark = pytest.mark.django_db

# Official HL7 R4 examples (CC0), copied unchanged from the hl7.fhir.r4.examples package.
EXAMPLES = Path(__file__).resolve().parent / "data" / "fhir-r4-examples"

TOMORROW_10AM = TUESDAY_10AM_CHICAGO + timedelta(days=1)  # Wednesday 10:00 Chicago


def fhir_patient(pid: str, first: str, last: str, **kw: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": pid,
        "name": [{"use": "official", "family": last, "given": [first]}],
    }
    if "mrn" in kw:
        resource["identifier"] = [
            {
                "type": {
                    "coding": [
                        {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}
                    ]
                },
                "value": kw["mrn"],
            }
        ]
    if "dob" in kw:
        resource["birthDate"] = kw["dob"]
    if "phone" in kw:
        resource["telecom"] = [{"system": "phone", "value": kw["phone"], "use": "mobile"}]
    return resource


def fhir_appointment(
    aid: str, patient_id: str, start: datetime, status: str = "booked", telehealth: bool = False
) -> dict[str, Any]:
    service = (
        {"coding": [{"code": "video", "display": "Telehealth video visit"}]}
        if telehealth
        else {"coding": [{"code": "52", "display": "General Discussion"}]}
    )
    return {
        "resourceType": "Appointment",
        "id": aid,
        "status": status,
        "serviceType": [service],
        "start": start.isoformat(),
        "end": (start + timedelta(minutes=30)).isoformat(),
        "participant": [{"actor": {"reference": f"Patient/{patient_id}"}, "status": "accepted"}],
    }


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": f"urn:uuid:{r['resourceType']}-{r['id']}", "resource": r} for r in resources
        ],
    }


def write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def example(name: str) -> Path:
    return EXAMPLES / f"{name}.json"


# --- the official HL7 examples ------------------------------------------------------------------


def test_official_appointment_and_patient_examples_import(riverside) -> None:
    summary = import_files(
        riverside,
        [example("Appointment-example"), example("Appointment-2docs"), example("Patient-example")],
    )
    assert (summary.created, summary.rejected, summary.patients_created) == (2, [], 1)
    peter = Patient.objects.get(practice=riverside)
    assert (peter.first_name, peter.last_name, peter.mrn, peter.ehr_id) == (
        "Peter",
        "Chalmers",
        "12345",
        "example",
    )
    assert str(peter.date_of_birth) == "1974-12-25"
    # Australian numbers do not parse as dialable here: dropped, not guessed.
    assert peter.phone == ""
    first = Appointment.objects.get(external_id="example")
    assert first.patient == peter and first.match == Match.CREATED
    assert first.start == datetime(2013, 12, 10, 9, 0, tzinfo=UTC)
    assert (first.status, first.mode, first.kind) == (
        "booked",
        Mode.IN_PERSON,
        "General Discussion",
    )
    assert Appointment.objects.get(external_id="2docs").patient == peter


@pytest.mark.django_db(transaction=True)
def test_each_record_is_stored_in_a_transaction_of_its_own(riverside) -> None:
    """Outside any test transaction (as the demo, the sync and the command run): the row lock
    an update takes needs the record's own transaction (PostgreSQL refused it without one)."""
    paths = [example("Appointment-example"), example("Patient-example")]
    assert import_files(riverside, paths).created == 1
    again = import_files(riverside, paths)
    assert (again.created, again.rejected) == (0, [])


def test_official_appointment_request_without_a_start_is_rejected(riverside) -> None:
    summary = import_files(
        riverside, [example("Appointment-examplereq"), example("Patient-example")]
    )
    assert summary.created == 0
    [(where, reason)] = summary.rejected
    assert "Appointment/examplereq" in where and "no start time" in reason
    assert not Patient.objects.exists()  # nothing partial: no patient without its appointment


@pytest.mark.parametrize(
    "name",
    [
        "AppointmentResponse-example",
        "Communication-example",
        "CommunicationRequest-example",
        "HealthcareService-example",
        "Location-1",
        "Organization-1",
        "Practitioner-example",
        "PractitionerRole-example",
        "Schedule-example",
        "Slot-example",
        "Task-example1",
    ],
)
def test_official_examples_of_other_types_are_refused_by_name(riverside, name) -> None:
    summary = import_files(riverside, [example(name)])
    [(where, reason)] = summary.rejected
    assert where == f"{name}.json"
    assert f"resource type {name.split('-')[0]} is not imported" in reason
    assert not Appointment.objects.exists()


def test_a_patient_alone_imports_nothing(riverside) -> None:
    summary = import_files(riverside, [example("Patient-pat1")])
    assert (summary.created, summary.rejected) == (0, [])
    assert not Patient.objects.exists()


# --- upsert -------------------------------------------------------------------------------------


def test_reimport_changes_nothing_and_a_cancellation_updates(clock, riverside, tmp_path) -> None:
    resources = [
        fhir_patient("p1", "Ana", "Lopez", dob="1980-02-03", phone="312-555-0142", mrn="M1"),
        fhir_appointment("a1", "p1", TOMORROW_10AM),
    ]
    path = write(tmp_path, "b.json", bundle(*resources))
    first = import_files(riverside, [path])
    assert (first.created, first.patients_created) == (1, 1)
    stamp = Appointment.objects.get().updated_at
    clock.shift(timedelta(hours=1))
    again = import_files(riverside, [path])
    assert (again.created, again.updated, again.unchanged, again.patients_created) == (0, 0, 1, 0)
    assert Appointment.objects.get().updated_at == stamp
    assert Patient.objects.count() == 1

    resources[1]["status"] = "cancelled"
    path = write(tmp_path, "b.json", bundle(*resources))
    changed = import_files(riverside, [path])
    assert (changed.updated, changed.unchanged) == (1, 0)
    appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.CANCELLED and not appointment.is_active


def test_unknown_status_and_bad_times_are_rejected(riverside, tmp_path) -> None:
    weird = fhir_appointment("a1", "p1", TOMORROW_10AM)
    weird["status"] = "postponed"
    garbage = fhir_appointment("a2", "p1", TOMORROW_10AM)
    garbage["start"] = "next tuesday"
    backwards = fhir_appointment("a3", "p1", TOMORROW_10AM)
    backwards["end"] = (TOMORROW_10AM - timedelta(hours=1)).isoformat()
    patient = fhir_patient("p1", "Ana", "Lopez", dob="1980-02-03")
    summary = import_files(
        riverside, [write(tmp_path, "b.json", bundle(patient, weird, garbage, backwards))]
    )
    reasons = dict(summary.rejected)
    assert "unknown appointment status 'postponed'" in reasons["b.json entry 1 Appointment/a1"]
    assert reasons["b.json entry 2 Appointment/a2"].startswith("invalid FHIR Appointment: start")
    assert "ends before it starts" in reasons["b.json entry 3 Appointment/a3"]
    assert not Appointment.objects.exists() and not Patient.objects.exists()


def test_malformed_json_and_non_fhir_files_are_rejected_with_the_reason(
    riverside, tmp_path
) -> None:
    broken = write(tmp_path, "broken.json", '{"resourceType": "Bundle", "entry": [')
    plain = write(tmp_path, "plain.json", {"hello": "world"})
    listing = write(tmp_path, "list.json", [1, 2])
    good = write(
        tmp_path,
        "good.json",
        bundle(
            fhir_patient("p1", "Ana", "Lopez", dob="1980-02-03"),
            fhir_appointment("a1", "p1", TOMORROW_10AM),
        ),
    )
    summary = import_files(riverside, [broken, plain, listing, good, tmp_path / "missing.json"])
    reasons = dict(summary.rejected)
    assert reasons[str(broken)].startswith("not valid JSON: Expecting value at line 1")
    assert reasons["plain.json"] == "not a FHIR resource (no resourceType)"
    assert reasons["list.json"] == "not a FHIR resource (no resourceType)"
    assert "cannot read the file" in reasons[str(tmp_path / "missing.json")]
    assert summary.created == 1  # the good file still imports


def test_an_invalid_patient_rejects_its_appointment_and_stores_nothing(riverside, tmp_path) -> None:
    patient = fhir_patient("p1", "Ana", "Lopez")
    patient["birthDate"] = "the eighties"
    summary = import_files(
        riverside,
        [write(tmp_path, "b.json", bundle(patient, fhir_appointment("a1", "p1", TOMORROW_10AM)))],
    )
    [(where, reason)] = summary.rejected
    assert reason.startswith("its Patient/p1: invalid FHIR Patient: birthDate")
    assert not Appointment.objects.exists() and not Patient.objects.exists()


def test_telehealth_is_decided_by_service_or_appointment_type(riverside, tmp_path) -> None:
    patient = fhir_patient("p1", "Ana", "Lopez", dob="1980-02-03")
    video = fhir_appointment("v", "p1", TOMORROW_10AM, telehealth=True)
    typed = fhir_appointment("t", "p1", TOMORROW_10AM)
    typed["appointmentType"] = {"coding": [{"code": "VR", "display": "Virtual"}]}
    office = fhir_appointment("o", "p1", TOMORROW_10AM)
    import_files(riverside, [write(tmp_path, "b.json", bundle(patient, video, typed, office))])
    modes = dict(Appointment.objects.values_list("external_id", "mode"))
    assert modes == {"v": Mode.TELEHEALTH, "t": Mode.TELEHEALTH, "o": Mode.IN_PERSON}


# --- patient matching ---------------------------------------------------------------------------


@pytest.fixture
def ana(riverside) -> Patient:
    return patient_create(
        practice=riverside,
        first_name="Ana",
        last_name="Lopez",
        date_of_birth=datetime(1980, 2, 3).date(),  # noqa: DTZ001
        phone="312-555-0142",
        mrn="M1",
    )


def record(**kw: Any) -> PatientRecord:
    base: dict[str, Any] = {"first_name": "Ana", "last_name": "Lopez"}
    return PatientRecord(**{**base, **kw})


def test_match_by_mrn_then_name_birth_date_and_phone(riverside, ana) -> None:
    dob = ana.date_of_birth
    assert match_patient(riverside, record(mrns=("M1",))).patient == ana
    exact = match_patient(riverside, record(birth_date=dob, phones=("+13125550142",)))
    assert (exact.patient, exact.match) == (ana, Match.MATCHED)
    # Case and an unknown MRN do not matter when name, birth date and phone agree.
    upper = record(first_name="ANA", mrns=("X9",), birth_date=dob, phones=("+13125550142",))
    assert match_patient(riverside, upper).patient == ana


@pytest.mark.parametrize(
    "kw",
    [
        {"birth_date": "dob", "phones": ("+13125550199",)},  # another phone
        {"birth_date": "dob"},  # no phone to confirm
        {"first_name": "Anna", "birth_date": "dob", "phones": ("+13125550142",)},  # spelling
        {"phones": ("+13125550142",)},  # name and phone, no birth date
    ],
)
def test_partial_agreement_is_doubtful_never_guessed(riverside, ana, kw) -> None:
    kw = {k: (ana.date_of_birth if v == "dob" else v) for k, v in kw.items()}
    found = match_patient(riverside, record(**kw))
    assert (found.patient, found.match, found.candidates) == (None, Match.DOUBTFUL, (ana.pk,))


def test_two_patients_sharing_the_evidence_is_doubtful(riverside, ana) -> None:
    twin = patient_create(
        practice=riverside,
        first_name="Ana",
        last_name="Lopez",
        date_of_birth=ana.date_of_birth,
        phone="312-555-0142",
    )
    found = match_patient(riverside, record(birth_date=ana.date_of_birth, phones=("+13125550142",)))
    assert found.match == Match.DOUBTFUL and set(found.candidates) == {ana.pk, twin.pk}


def test_no_match_creates_a_patient_only_when_identifiable(riverside, ana) -> None:
    new = record(first_name="Bo", last_name="Kim", phones=("+13125550100",))
    assert match_patient(riverside, new).match == Match.CREATED
    assert (
        match_patient(riverside, record(first_name="Bo", last_name="Kim")).match == Match.DOUBTFUL
    )


def test_other_practices_patients_are_never_candidates(riverside, lakeside, ana) -> None:
    found = match_patient(lakeside, record(mrns=("M1",), birth_date=ana.date_of_birth))
    assert found.patient is None and found.candidates == ()


def test_a_doubtful_appointment_waits_for_staff_and_later_imports_keep_the_choice(
    client, clock, riverside, ana, assistant, tmp_path
) -> None:
    other_phone = fhir_patient("ehr-9", "Ana", "Lopez", dob="1980-02-03", phone="312-555-0199")
    path = write(
        tmp_path, "b.json", bundle(other_phone, fhir_appointment("a1", "ehr-9", TOMORROW_10AM))
    )
    summary = import_files(riverside, [path])
    assert (summary.created, summary.doubtful, summary.patients_created) == (1, 1, 0)
    appointment = Appointment.objects.get()
    assert appointment.patient is None and appointment.patient_candidates == [ana.pk]

    client.force_login(assistant)
    page = client.get(reverse("appointments") + "?tab=match").content.decode()
    assert "Which patient is this?" in page
    # What the EHR says is written as the candidates are, so staff compare like with like.
    ehr_says = page[page.index("The EHR says") :].split("</p>")[0]
    assert "born 02/03/1980" in ehr_says and "(312) 555-0199" in ehr_says
    assert "1980-02-03" not in page and "+13125550199" not in page
    url = reverse("appointment_patient", args=[appointment.pk])
    refused = client.post(url, {"patient": "999999", "next": "/appointments/?tab=match"})
    assert refused.status_code == 422
    # Said on the page the form was on, not as a bare line of text.
    assert refused["Content-Type"].startswith("text/html")
    page = refused.content.decode()
    assert "Choose one of the listed patients" in page and "Which patient is this?" in page
    # A "next" that Python cannot parse (an unbalanced "[" in its host) is no 500.
    hostile = client.post(url, {"patient": "999999", "next": "//[bad?tab=match"})
    assert hostile.status_code == 422
    assert client.post(url, {"patient": str(ana.pk)}).status_code == 302
    appointment.refresh_from_db()
    assert (appointment.patient, appointment.match) == (ana, Match.STAFF)
    ana.refresh_from_db()
    assert ana.ehr_id == "ehr-9"  # the EHR's id is remembered

    other_phone["name"][0]["given"] = ["Anita"]  # the EHR corrects the name: an update
    again = import_files(
        riverside,
        [
            write(
                tmp_path,
                "b.json",
                bundle(other_phone, fhir_appointment("a1", "ehr-9", TOMORROW_10AM)),
            )
        ],
    )
    assert again.updated == 1
    assert Appointment.objects.get().patient == ana


def test_staff_can_say_none_of_these_and_create_the_patient(
    client, riverside, ana, assistant, tmp_path
) -> None:
    stranger = fhir_patient("ehr-7", "Ana", "Lopez", dob="1980-02-03", phone="312-555-0177")
    import_files(
        riverside,
        [
            write(
                tmp_path, "b.json", bundle(stranger, fhir_appointment("a1", "ehr-7", TOMORROW_10AM))
            )
        ],
    )
    appointment = Appointment.objects.get()
    client.force_login(assistant)
    response = client.post(
        reverse("appointment_patient", args=[appointment.pk]), {"patient": "new"}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    created = appointment.patient
    assert created != ana and created.ehr_id == "ehr-7" and created.phone == "+13125550177"


# --- FHIR over HTTP -----------------------------------------------------------------------------


def test_url_mode_follows_next_links_and_reads_missing_patients(riverside, clock) -> None:
    p1 = fhir_patient("p1", "Ana", "Lopez", dob="1980-02-03", mrn="M1")
    p2 = fhir_patient("p2", "Bo", "Kim", dob="1975-06-07", phone="312-555-0100")
    pages = [
        [fhir_appointment("a1", "p1", TOMORROW_10AM), p1],
        [fhir_appointment("a2", "p1", TOMORROW_10AM + timedelta(days=1))],
        [fhir_appointment("a3", "p2", TOMORROW_10AM + timedelta(days=2), telehealth=True)],
    ]
    with fhir_server(pages, {"p2": p2}) as (base, log):
        out = StringIO()
        call_command(
            "import_fhir",
            practice="riverside",
            url=base,
            token="s3cret",
            start="2026-11-17",
            end="2026-12-17",
            stdout=out,
        )
    assert "created 3, updated 0, unchanged 0, rejected 0" in out.getvalue()
    searches = [path for path, _ in log if path.startswith("/fhir/Appointment")]
    assert len(searches) == 3
    assert "date=ge2026-11-17" in searches[0] and "_include=Appointment%3Apatient" in searches[0]
    assert [path for path, _ in log if "/Patient/" in path] == ["/fhir/Patient/p2"]
    assert all(headers["Authorization"] == "Bearer s3cret" for _, headers in log)
    assert Patient.objects.filter(practice=riverside).count() == 2
    assert Appointment.objects.get(external_id="a3").mode == Mode.TELEHEALTH


def test_url_mode_refuses_a_next_link_to_another_server(riverside) -> None:
    client = FhirClient("http://127.0.0.1:9/fhir", "tok")
    with pytest.raises(FhirFetchError, match="another server"):
        client.get("http://203.0.113.5/fhir/Appointment?page=2")
    with pytest.raises(FhirFetchError, match="not an http"):
        FhirClient("file:///etc/passwd")


def test_url_mode_unreachable_server_is_a_command_error(riverside) -> None:
    with pytest.raises(CommandError, match="GET http://127.0.0.1:9/fhir/Appointment"):
        call_command("import_fhir", practice="riverside", url="http://127.0.0.1:9/fhir")


def test_the_sweep_starts_a_periodic_sync_once_per_interval(clock, riverside) -> None:
    assert sweep().handled["fhir_syncs"] == 0  # no FHIR URL configured
    with fhir_server(
        [
            [
                fhir_patient("p1", "Ana", "Lopez", dob="1980-02-03"),
                fhir_appointment("a1", "p1", TOMORROW_10AM),
            ]
        ],
        {},
    ) as (base, log):
        riverside.fhir_base_url = base
        riverside.save()
        assert sweep().handled["fhir_syncs"] == 1
        assert sweep().handled["fhir_syncs"] == 0
        [task] = DBTaskResult.objects.filter(task_path__endswith="sync_practice")
        assert task.args_kwargs["args"] == [riverside.pk]
        assert sync_practice.call(riverside.pk) == {
            "created": 1,
            "updated": 0,
            "unchanged": 0,
            "rejected": 0,
        }
        clock.shift(timedelta(minutes=15))
        assert sweep().handled["fhir_syncs"] == 1  # a crashed sync is re-driven too


def test_command_line_names_use_hyphens(riverside, tmp_path, monkeypatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", seen.append)
    cli_main(["closeloop", "import-fhir", "--practice", "riverside", "b.json"])
    cli_main(["closeloop", "--help"])
    assert seen == [
        ["closeloop", "import_fhir", "--practice", "riverside", "b.json"],
        ["closeloop", "--help"],
    ]
    path = write(
        tmp_path,
        "b.json",
        bundle(
            fhir_patient("p1", "Ana", "Lopez", dob="1980-02-03"),
            fhir_appointment("a1", "p1", TOMORROW_10AM),
        ),
    )
    with pytest.raises(CommandError, match="no practice 'nowhere'"):
        call_command("import_fhir", str(path), practice="nowhere")
    out = StringIO()
    call_command("import_fhir", str(path), practice="riverside", stdout=out)
    assert "created 1" in out.getvalue()


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_imports_good_rows_and_reports_bad_ones_by_line(riverside, ana, tmp_path) -> None:
    path = write(
        tmp_path,
        "export.csv",
        "Appt ID,When,Status,Type,MRN,First Name,Last Name,DOB,Phone\n"
        "100,12/01/2026 9:30 AM,Scheduled,Follow-up,M1,Ana,Lopez,02/03/1980,312-555-0142\n"
        "101,not a date,Scheduled,Follow-up,M1,Ana,Lopez,02/03/1980,\n"
        "102,2026-12-02 14:00,Canceled,Video visit,,Bo,Kim,1975-06-07,312-555-0100\n"
        "103,2026-12-03 08:00,postponed,Follow-up,M1,Ana,Lopez,,\n"
        ",2026-12-03 08:00,Scheduled,Follow-up,M1,Ana,Lopez,,\n"
        '104,"2026-12-04 08:00",Scheduled,Follow-up,M1,Ana,Lopez,,555,extra\n'
        "105,2026-12-05 08:00,Scheduled,Follow-up,,Cy,Ng,1990-01-01,12\n",
    )
    mapping = parse_mapping(["appointment_id=Appt ID", "start=When", "date_of_birth=DOB"])
    summary = import_csv(riverside, path, mapping)
    assert (summary.created, summary.patients_created) == (2, 1)
    assert dict(summary.rejected) == {
        "line 3": "cannot read the date and time 'not a date'",
        "line 5": "unknown status 'postponed'",
        "line 6": "appointment_id is empty",
        "line 7": "1 more value(s) than there are columns",
        "line 8": "phone: phone number has the wrong number of digits",
    }
    first = Appointment.objects.get(external_id="100")
    assert first.patient == ana and first.source == "csv"
    assert first.start == datetime(2026, 12, 1, 15, 30, tzinfo=UTC)  # 9:30 AM in Chicago
    video = Appointment.objects.get(external_id="102")
    assert (video.status, video.mode) == (AppointmentStatus.CANCELLED, Mode.TELEHEALTH)
    assert import_csv(riverside, path, mapping).unchanged == 2


def test_csv_missing_columns_and_bad_options_name_the_fix(riverside, tmp_path) -> None:
    path = write(tmp_path, "export.csv", "id,when\n1,2026-12-01 09:00\n")
    with pytest.raises(
        CsvFileError, match=r"column 'appointment_id' .* the file has: id, when\. Use --map"
    ):
        import_csv(riverside, path)
    with pytest.raises(CsvFileError, match="unknown field 'when'"):
        parse_mapping(["when=start"])
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        "appointment_id,start,first_name\n1,2026-12-01 09:00,Jos\xe9\n".encode("latin-1")
    )
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_appointments", str(latin), practice="riverside")
    assert not Appointment.objects.exists()
    summary = import_csv(riverside, path, parse_mapping(["appointment_id=id", "start=when"]))
    # No patient details at all: kept for staff to decide rather than guessed.
    assert (summary.created, summary.doubtful) == (1, 1)


# --- telehealth before the visit ----------------------------------------------------------------


@pytest.fixture
def visit(riverside, patient) -> Appointment:
    """A telehealth visit for the conftest patient, Wednesday 10:00 Chicago."""
    appointment = Appointment.objects.create(
        practice=riverside,
        source="fhir",
        external_id="v1",
        patient=patient,
        match=Match.MATCHED,
        start=TOMORROW_10AM,
        status=AppointmentStatus.BOOKED,
        mode=Mode.TELEHEALTH,
        kind="Video visit",
        fingerprint="x",
        imported_at=TUESDAY_10AM_CHICAGO,
        updated_at=TUESDAY_10AM_CHICAGO,
        check_due_at=TOMORROW_10AM - timedelta(hours=24),
        check_reminded_at=TUESDAY_10AM_CHICAGO,  # the check itself is tested separately
    )
    return appointment


def test_a_linked_telehealth_item_is_due_before_the_visit_and_escalates(
    clock, make_item, assistant, supervisor, visit
) -> None:
    item = make_item("telehealth_access")
    lifecycle.item_assign(item=item, actor=assistant, owner=assistant, team=item.team)
    item = lifecycle.item_link_appointment(item=item, actor=assistant, appointment=visit)
    assert item.appointment_due_at == TOMORROW_10AM - timedelta(minutes=30)
    assert item.events.filter(code=EventCode.APPOINTMENT_LINKED).exists()
    clock.move_to(TOMORROW_10AM - timedelta(minutes=31))
    assert sweep().handled["before_appointment"] == 0
    clock.shift(timedelta(minutes=2))
    assert sweep().handled["before_appointment"] == 1
    assert sweep().handled["before_appointment"] == 0  # once
    item.refresh_from_db()
    assert item.escalated and "before the patient's appointment" in item.escalation_reason
    assert sorted(
        StaffAlert.objects.filter(kind=AlertKind.BEFORE_APPOINTMENT).values_list(
            "user__username", flat=True
        )
    ) == ["assistant", "supervisor"]


def test_only_telehealth_items_get_the_visit_deadline(clock, make_item, assistant, visit) -> None:
    item = make_item("scheduling")
    item = lifecycle.item_link_appointment(item=item, actor=assistant, appointment=visit)
    assert item.appointment_due_at is None
    item = lifecycle.item_categorize(
        item=item,
        actor=assistant,
        category=item.practice.categories.get(code="telehealth_access"),
        urgency=item.urgency,
        language="en",
    )
    assert item.appointment_due_at == TOMORROW_10AM - timedelta(minutes=30)


def test_a_moved_or_cancelled_visit_moves_the_deadline(
    clock, make_item, assistant, visit, tmp_path
) -> None:
    visit.external_id, visit.fingerprint = "a1", "old"
    visit.save()
    item = lifecycle.item_link_appointment(
        item=make_item("telehealth_access"), actor=assistant, appointment=visit
    )
    patient = fhir_patient("p1", "Ana", "Lopez")
    item.patient.ehr_id = "p1"
    item.patient.save()
    moved = fhir_appointment("a1", "p1", TOMORROW_10AM + timedelta(hours=2), telehealth=True)
    import_files(item.practice, [write(tmp_path, "b.json", bundle(patient, moved))])
    item.refresh_from_db()
    assert item.appointment_due_at == TOMORROW_10AM + timedelta(hours=1, minutes=30)
    moved["status"] = "cancelled"
    import_files(item.practice, [write(tmp_path, "b.json", bundle(patient, moved))])
    item.refresh_from_db()
    assert item.appointment_due_at is None
    assert item.events.filter(code=EventCode.APPOINTMENT_CHANGED).count() == 2


def test_linking_another_patients_visit_is_refused(
    clock, make_item, assistant, visit, riverside
) -> None:
    other = patient_create(
        practice=riverside, first_name="Bo", last_name="Kim", phone="312-555-0100"
    )
    item = make_item("telehealth_access", patient=other)
    with pytest.raises(lifecycle.LifecycleError, match="another patient's"):
        lifecycle.item_link_appointment(item=item, actor=assistant, appointment=visit)


def test_resolved_before_the_visit_is_measured(clock, make_item, assistant, visit) -> None:
    early = lifecycle.item_link_appointment(
        item=make_item("telehealth_access"), actor=assistant, appointment=visit
    )
    late = lifecycle.item_link_appointment(
        item=make_item("telehealth_access"), actor=assistant, appointment=visit
    )
    for item in (early, late):
        lifecycle.item_assign(item=item, actor=assistant, owner=assistant, team=item.team)
        acknowledged(item, assistant)
        lifecycle.item_set_update_window(
            item=item,
            actor=assistant,
            checking="the link",
            next_step="resend it",
            update_at=TUESDAY_10AM_CHICAGO + timedelta(hours=2),
        )
        told(item, assistant)
    lifecycle.item_resolve(item=early, actor=assistant, outcome="Link works")
    clock.move_to(TOMORROW_10AM + timedelta(minutes=5))
    lifecycle.item_resolve(item=late, actor=assistant, outcome="Joined late by phone")
    assert telehealth_before_visit(SupportItem.objects.all()) == {"linked": 2, "resolved_before": 1}


def test_unfinished_pre_visit_check_becomes_one_telehealth_item(
    clock, riverside, patient, visit, assistant
) -> None:
    Appointment.objects.filter(pk=visit.pk).update(
        check_reminded_at=None, check_due_at=TOMORROW_10AM - timedelta(hours=23)
    )
    assert sweep().handled["visit_checks"] == 0
    clock.shift(timedelta(hours=1, minutes=1))
    assert sweep().handled["visit_checks"] == 1
    assert sweep().handled["visit_checks"] == 0
    item = SupportItem.objects.get(appointment=visit)
    assert item.category.code == "telehealth_access" and item.patient == patient
    assert "link sent and device and connection test offered still to do" in item.summary
    assert item.appointment_due_at == TOMORROW_10AM - timedelta(minutes=30)
    assert item.events.filter(code=EventCode.ASSIGNED).exists()  # routed like any new item


def test_a_finished_check_opens_no_item(client, clock, visit, assistant) -> None:
    Appointment.objects.filter(pk=visit.pk).update(check_reminded_at=None)
    client.force_login(assistant)
    for step in ("link_sent", "device_test_offered"):
        response = client.post(reverse("appointment_check", args=[visit.pk, step]))
        assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.check_complete and visit.link_sent_by == assistant
    assert client.post(reverse("appointment_check", args=[visit.pk, "nope"])).status_code == 404
    assert sweep().handled["visit_checks"] == 0
    assert not SupportItem.objects.exists()


# --- missed-appointment risk --------------------------------------------------------------------


def appointment_for(
    patient: Patient, start: datetime, status: str = "booked", aid: str = ""
) -> Appointment:
    return Appointment.objects.create(
        practice=patient.practice,
        source="csv",
        external_id=aid or f"x{start:%d%H}{patient.pk}",
        patient=patient,
        match=Match.MATCHED,
        start=start,
        status=status,
        mode=Mode.IN_PERSON,
        fingerprint="x",
        imported_at=start,
        updated_at=start,
    )


def test_risk_rules(clock, make_item, assistant, riverside, patient) -> None:
    soon = appointment_for(patient, TUESDAY_10AM_CHICAGO + timedelta(days=2))
    appointment_for(patient, TUESDAY_10AM_CHICAGO + timedelta(days=9))  # beyond 7 days
    appointment_for(patient, TUESDAY_10AM_CHICAGO + timedelta(days=1), status="cancelled")
    scope = Appointment.objects.all()
    now = TUESDAY_10AM_CHICAGO
    scheduling = make_item("scheduling", channel="phone")
    assert list(at_risk_upcoming(scope, now, 7)) == []  # a phone call about scheduling: no risk
    referral = make_item("referral_document_status", channel="phone")
    assert list(at_risk_upcoming(scope, now, 7)) == [soon]
    [reason] = reasons_for([soon], now)[soon.pk]
    assert (reason.item_id, reason.text) == (referral.pk, "Open referral or document status item")
    voicemail = make_item("scheduling", channel="voicemail")
    assert {r.text for r in reasons_for([soon], now)[soon.pk]} == {
        "Open referral or document status item",
        "Unanswered message",
    }
    for item in (referral, voicemail):
        lifecycle.item_assign(item=item, actor=assistant, owner=assistant, team=item.team)
        acknowledged(item, assistant)
    lifecycle.item_escalate(item=referral, actor=assistant, reason="x")  # still open: still at risk
    assert list(at_risk_upcoming(scope, now, 7)) == [soon]
    assert scheduling.pk not in {r.item_id for r in reasons_for([soon], now)[soon.pk]}


def test_risk_history_counts_at_risk_and_missed(
    clock, make_item, assistant, riverside, patient
) -> None:
    other = patient_create(
        practice=riverside, first_name="Bo", last_name="Kim", phone="312-555-0100"
    )
    make_item("new_patient_intake", channel="phone")  # open since Tuesday
    missed = appointment_for(patient, TUESDAY_10AM_CHICAGO + timedelta(days=1), status="noshow")
    appointment_for(other, TUESDAY_10AM_CHICAGO + timedelta(days=1), status="noshow")
    appointment_for(patient, TUESDAY_10AM_CHICAGO - timedelta(days=1), status="fulfilled")  # before
    clock.shift(timedelta(days=3))
    counts = risk_counts(
        Appointment.objects.all(),
        TUESDAY_10AM_CHICAGO - timedelta(days=7),
        TUESDAY_10AM_CHICAGO + timedelta(days=3),
    )
    assert counts == {"appointments": 3, "at_risk": 1, "missed": 1, "missed_total": 2}
    assert missed.is_active is False


# --- pages --------------------------------------------------------------------------------------


def test_pages_show_appointments_and_link_an_item(
    client, clock, make_item, assistant, visit
) -> None:
    item = make_item("referral_document_status", channel="phone")
    client.force_login(assistant)
    risk = client.get(reverse("appointments"))
    assert risk.status_code == 200
    assert b"Ana Lopez" in risk.content and b"Open referral or document status item" in risk.content
    telehealth = client.get(reverse("appointments") + "?tab=telehealth")
    assert b"Mark link sent" in telehealth.content
    page = client.get(reverse("item", args=[item.pk]))
    assert b"Upcoming appointments" in page.content and b"Video visit" in page.content
    response = client.post(
        reverse("item_action", args=[item.pk, "link_appointment"]),
        {"link_appointment-appointment": visit.pk},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.appointment == visit
    assert b"Video visit" in client.get(reverse("patient", args=[item.patient_id])).content


def test_another_practices_appointments_are_invisible(client, clock, visit, outsider) -> None:
    client.force_login(outsider)
    assert b"Ana Lopez" not in client.get(reverse("appointments") + "?tab=telehealth").content
    for url in (
        reverse("appointment_check", args=[visit.pk, "link_sent"]),
        reverse("appointment_patient", args=[visit.pk]),
    ):
        assert client.post(url, {"patient": "new"}).status_code == 404
    visit.refresh_from_db()
    assert visit.link_sent_at is None


def test_the_fhir_base_url_obeys_the_outbound_url_policy(riverside, settings) -> None:
    settings.OUTBOUND_ALLOW_HTTP_LOOPBACK = False
    for url in ("http://127.0.0.1:8744/internal-only", "http://fhir.example.com/r4"):
        riverside.fhir_base_url = url
        with pytest.raises(ValidationError, match="https"):
            riverside.full_clean()
        with pytest.raises(FhirFetchError, match="https"):
            FhirClient(url, "tok")
    # https to a private or loopback address: refused before the token leaves, every request.
    for url in ("https://127.0.0.1/fhir", "https://10.0.0.5/fhir", "https://169.254.169.254/x"):
        client = FhirClient(url, "tok")
        with pytest.raises(FhirFetchError, match="non-public address"):
            client.get(f"{url}/Appointment")


def test_the_fhir_client_never_follows_a_redirect(riverside) -> None:
    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:1/secret")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    with serving(Redirect) as base:
        client = FhirClient(f"{base}/fhir", "tok")
        with pytest.raises(FhirFetchError, match="redirect"):
            client.get(f"{client.base_url}/Appointment")


# --- hostile files (issue 18 #5) ----------------------------------------------------------------


def test_csv_rows_with_far_dates_or_huge_values_are_rejected_and_the_rest_imported(
    riverside, tmp_path
) -> None:
    huge = "x" * (200 * 1024)
    path = write(
        tmp_path,
        "export.csv",
        "appointment_id,start,first_name,last_name\n"
        "200,2026-12-01 09:00,Ana,Lopez\n"
        "201,9999-12-31 23:00,Bo,Kim\n"
        f'202,2026-12-01 10:00,"{huge}",Kim\n'
        "203,0001-01-01 00:00,Cy,Ng\n"
        "204,2026-12-01 11:00,Di,Ng\n",
    )
    summary = import_csv(riverside, path)
    reasons = dict(summary.rejected)
    assert set(reasons) == {"line 3", "line 4", "line 5"}
    assert "out of range" in reasons["line 3"] and "out of range" in reasons["line 5"]
    assert "longer than" in reasons["line 4"]
    assert summary.created == 2
    assert "rejected 3" in " ".join(summary.lines())


def test_a_csv_that_cannot_be_parsed_is_refused_whole_and_nothing_written(
    riverside, tmp_path
) -> None:
    path = tmp_path / "monster.csv"
    monster = "y" * (2 << 20)
    path.write_text(f"appointment_id,start\n300,2026-12-01 09:00\n301,{monster}\n")
    with pytest.raises(CsvFileError, match="line 3: field larger than field limit"):
        import_csv(riverside, path)
    assert not Appointment.objects.exists()
    nul = write(tmp_path, "nul.csv", "appointment_id,start\n300,2026-12-01 09:00\n30\x001,x\n")
    summary = import_csv(riverside, nul)
    assert dict(summary.rejected) == {"line 3": "appointment_id contains a NUL character"}
    assert summary.created == 1


def test_fhir_files_nested_too_deep_or_dated_too_far_are_rejected_alone(
    riverside, tmp_path
) -> None:
    deep = write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    far = fhir_appointment("a9", "p1", datetime(9999, 12, 31, 12, 0, tzinfo=UTC))
    far["end"] = "9999-12-31T23:59:00+00:00"
    good = write(
        tmp_path,
        "good.json",
        bundle(
            fhir_patient("p1", "Ana", "Lopez", dob="1980-02-03"),
            fhir_appointment("a1", "p1", TOMORROW_10AM),
            far,
        ),
    )
    summary = import_files(riverside, [deep, good])
    reasons = dict(summary.rejected)
    assert reasons[str(deep)] == "not valid JSON: nested too deeply"
    assert any("out of range" in reason for reason in reasons.values())
    assert summary.created == 1


# --- deeply nested resources ---------------------------------------------------------------------


def nested_extension(levels: int) -> list[dict[str, Any]]:
    """An ``extension`` whose extensions nest ``levels`` deep (valid FHIR, absurd shape)."""
    extension: dict[str, Any] = {"url": "http://example.org/leaf", "valueString": "leaf"}
    for _ in range(levels):
        extension = {"url": "http://example.org/nest", "extension": [extension]}
    return [extension]


def appointments_around_a_nested_one(levels: int) -> list[dict[str, Any]]:
    deep = fhir_appointment("a2", "p1", TOMORROW_10AM + timedelta(hours=1))
    deep["extension"] = nested_extension(levels)
    return [
        fhir_patient("p1", "Ana", "Lopez", dob="1980-02-03"),
        fhir_appointment("a1", "p1", TOMORROW_10AM),
        deep,
        fhir_appointment("a3", "p1", TOMORROW_10AM + timedelta(hours=2)),
    ]


@pytest.fixture
def command_line(monkeypatch) -> Any:
    """``closeloop ...`` in this process; the command's closing of every database connection
    at exit would end the test's transaction (PostgreSQL), so it is left open."""
    monkeypatch.setattr(connections, "close_all", lambda: None)
    return cli_main


def test_an_appointment_nested_150_deep_is_rejected_by_name_and_the_rest_imports(
    riverside, tmp_path, capsys, command_line
) -> None:
    path = write(tmp_path, "deep.json", bundle(*appointments_around_a_nested_one(150)))
    # Returning normally is exit status 0, the importer's status when some records were
    # rejected and the others imported (1: nothing imported, or the server failed).
    command_line(["closeloop", "import-fhir", "--practice", "riverside", str(path)])
    out = capsys.readouterr().out
    assert "created 2, updated 0, unchanged 0, rejected 1" in out
    assert (
        "rejected deep.json entry 2 Appointment/a2: nested more than 256 levels deep "
        "(a FHIR resource is a few levels deep)" in out
    )
    assert set(Appointment.objects.values_list("external_id", flat=True)) == {"a1", "a3"}


def test_an_appointment_nested_100_deep_imports(riverside, tmp_path) -> None:
    path = write(tmp_path, "deep.json", bundle(*appointments_around_a_nested_one(100)))
    summary = import_files(riverside, [path])
    assert (summary.created, summary.rejected) == (3, [])


def test_the_worker_pull_records_a_nested_appointment_as_rejected_every_time(
    clock, riverside
) -> None:
    with fhir_server([appointments_around_a_nested_one(150)], {}) as (base, _log):
        riverside.fhir_base_url = base
        riverside.save()
        first = sync_practice.call(riverside.pk)
        clock.shift(timedelta(minutes=15))
        second = sync_practice.call(riverside.pk)
    assert first == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert second == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 1}


def test_the_summary_is_printed_even_when_the_import_ends_early(
    riverside, monkeypatch, capsys, command_line
) -> None:
    pages = [
        [
            fhir_patient("p1", "Ana", "Lopez", dob="1980-02-03"),
            fhir_appointment("a1", "p1", TOMORROW_10AM),
        ],
        [fhir_appointment("a2", "p1", TOMORROW_10AM + timedelta(days=1))],
    ]
    read = FhirClient.get

    def second_page_fails(self: FhirClient, url: str) -> dict[str, Any]:
        if "page=1" in url:
            raise FhirFetchError(f"GET {url}: HTTP 503")
        return read(self, url)

    monkeypatch.setattr(FhirClient, "get", second_page_fails)
    with fhir_server(pages, {}) as (base, _log), pytest.raises(SystemExit) as exited:
        command_line(["closeloop", "import-fhir", "--practice", "riverside", "--url", base])
    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert "created 1, updated 0, unchanged 0, rejected 0" in captured.out
    assert "HTTP 503" in captured.err


def test_the_at_risk_lists_count_for_a_past_day_equals_the_metric_for_that_day(
    clock, riverside, patient, assistant
) -> None:
    """One definition of "at risk" (``rules.at_risk``): a visit on the list just before it
    began is a visit the historical metric counts for that day, and no other — an open
    insurance item, a confirmation asked 20 hours or more before and not answered by then
    (even if answered after the visit began), but not one asked too late to be late, one
    confirmed in time, or a cancelled visit."""
    from datetime import date
    from zoneinfo import ZoneInfo

    from django.utils.timezone import now as timezone_now

    from closeloop.appointments.rules import at_risk_upcoming
    from closeloop.metrics import definitions as m
    from tests.conftest import category

    zone = ZoneInfo(riverside.timezone)
    thursday = date(2026, 11, 19)

    def at(day: int, hour: int) -> datetime:
        return datetime(2026, 11, day, hour, tzinfo=zone)

    other = patient_create(
        practice=riverside, first_name="Al", last_name="Ruiz", phone="3125550177"
    )
    clock.move_to(at(17, 9))
    lifecycle.item_create(
        practice=riverside, category=category(riverside, "insurance_info"), channel="phone",
        actor=assistant, summary="Insurance card", patient=other,
    )  # fmt: skip

    def visit(n: int, start: datetime, **kw: Any) -> Appointment:
        return Appointment.objects.create(
            practice=riverside, source="csv", external_id=f"d{n}", patient=kw.pop("who", patient),
            match=Match.MATCHED, start=start, status=kw.pop("status", "booked"),
            mode=Mode.IN_PERSON, kind="Visit", fingerprint="x", imported_at=start,
            updated_at=start, **kw,
        )  # fmt: skip

    visits = [
        visit(1, at(19, 9), confirmation_asked_at=at(18, 10)),  # no answer: at risk
        visit(2, at(19, 10), confirmation_asked_at=at(18, 10), confirmed_at=at(18, 12)),
        visit(3, at(19, 11), confirmation_asked_at=at(19, 8)),  # asked too late to be late
        visit(4, at(19, 13), who=other),  # the open insurance item: at risk
        visit(5, at(19, 14), confirmation_asked_at=at(17, 10), confirmed_at=at(19, 15)),
        visit(6, at(19, 15), confirmation_asked_at=at(17, 10), status="cancelled"),
        visit(7, at(19, 16), confirmation_asked_at=at(17, 10), confirmed_at=at(18, 9)),
    ]
    on_list = set()
    for v in visits:
        clock.move_to(v.start - timedelta(minutes=1))
        listed = at_risk_upcoming(Appointment.objects.filter(practice=riverside), timezone_now(), 1)
        if v.pk in {a.pk for a in listed}:
            on_list.add(v.external_id)
    assert on_list == {"d1", "d4", "d5"}
    clock.move_to(at(20, 9))
    metric = m.missed_appointment_risk(m.Scope.of([riverside], thursday, thursday))
    assert metric["at_risk"] == len(on_list)
    assert metric["appointments"] == 6  # the cancelled visit is not judged
