"""A visit's confirmation written back to the practice's FHIR server (issue 33 #2): the patient
participant's status becomes "accepted" — once, however many workers and ticks; never when the
practice has it off, never for a visit that moved; a refusal (403: no write access) is kept and
said in Settings, and the confirmation stays in Closeloop whatever the EHR answers."""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from closeloop.appointments.client import server_fingerprint
from closeloop.appointments.models import Appointment, ConfirmedHow
from closeloop.outreach.models import WriteBack, WriteBackState
from closeloop.outreach.replies import visit_confirm
from closeloop.outreach.writeback import write, write_back_status, write_backs_due
from closeloop.periodic.sweep import sweep
from closeloop.practices.choices import Role
from closeloop.practices.services import staff_create
from tests.conftest import TUESDAY_10AM_CHICAGO
from tests.fhir_server import Store, fhir_server
from tests.test_outreach import THURSDAY_2PM, make_visit
from tests.test_settings_pages import section_data, section_url

pytestmark = pytest.mark.django_db

NOW = TUESDAY_10AM_CHICAGO


def ehr_appointment(start: Any = THURSDAY_2PM, status: str = "booked") -> dict[str, Any]:
    return {
        "resourceType": "Appointment",
        "id": "o1",
        "meta": {"versionId": "3"},
        "status": status,
        "start": start.isoformat(),
        "end": (start + timedelta(minutes=30)).isoformat(),
        "participant": [
            {"actor": {"reference": "Patient/p1"}, "status": "needs-action"},
            {"actor": {"reference": "Practitioner/d1"}, "status": "accepted"},
        ],
    }


@pytest.fixture
def ehr(clock, riverside) -> Iterator[Store]:
    """Riverside's FHIR server holding the visit "o1", with write-back on."""
    store = Store(appointments={"o1": ehr_appointment()})
    with fhir_server([], {}, store) as (base, _log):
        riverside.fhir_base_url = base
        riverside.fhir_write_back = True
        riverside.save()
        cache.clear()
        yield store


def from_server(visit: Appointment, base_url: str) -> Appointment:
    """The visit as an import from ``base_url`` records it."""
    visit.fhir_server = server_fingerprint(base_url)
    visit.save(update_fields=["fhir_server"])
    return visit


@pytest.fixture
def visit(riverside, patient) -> Appointment:
    """Visit "o1", read from the practice's FHIR server (when it has one yet)."""
    return from_server(make_visit(riverside, patient), riverside.fhir_base_url)


def patient_status(store: Store) -> str:
    return str(store.appointments["o1"]["participant"][0]["status"])


def confirm(visit: Appointment, how: str = ConfirmedHow.TEXT) -> None:
    visit_confirm(appointment=Appointment.objects.get(pk=visit.pk), how=how, at=NOW)


def test_a_confirmation_is_written_back_once_with_its_task_enqueued(ehr, visit) -> None:
    confirm(visit)
    row = WriteBack.objects.get()
    [task] = DBTaskResult.objects.filter(task_path__endswith="write_confirmation")
    assert task.args_kwargs["args"] == [row.pk]
    assert write(row.pk, NOW) == WriteBackState.WRITTEN
    assert patient_status(ehr) == "accepted"
    # The practitioner's status and the rest of the resource are left as they were.
    assert ehr.appointments["o1"]["participant"][1]["status"] == "accepted"
    assert ehr.appointments["o1"]["meta"]["versionId"] == "4"
    visit.refresh_from_db()
    assert visit.confirmation_written_back_at == NOW
    # Another worker with the same task, the next ticks, a second confirmation: nothing more.
    assert write(row.pk, NOW) == "not-due"
    assert write_backs_due(NOW + timedelta(minutes=5)) == 0
    sweep(NOW + timedelta(minutes=10))
    confirm(visit, ConfirmedHow.STAFF)
    assert WriteBack.objects.count() == 1
    assert ehr.writes_tried == 1 and len(ehr.written) == 1


def test_two_workers_at_once_write_once(ehr, visit) -> None:
    confirm(visit)
    row = WriteBack.objects.get()
    # The task and the minute tick reach the row at the same moment: one claim wins.
    assert [write(row.pk, NOW), write_backs_due(NOW)] == [WriteBackState.WRITTEN, 0]
    assert ehr.writes_tried == 1


def test_a_lost_task_is_re_driven_by_the_minute_tick(ehr, visit) -> None:
    confirm(visit)
    DBTaskResult.objects.all().delete()
    assert sweep(NOW + timedelta(minutes=1)).handled["fhir_write_backs"] == 1
    assert patient_status(ehr) == "accepted"


def test_already_accepted_in_the_ehr_is_not_written_again(ehr, visit) -> None:
    ehr.appointments["o1"]["participant"][0]["status"] = "accepted"
    confirm(visit)
    assert write(WriteBack.objects.get().pk, NOW) == WriteBackState.WRITTEN
    assert ehr.writes_tried == 0


def test_write_back_off_writes_nothing(ehr, riverside, visit) -> None:
    riverside.fhir_write_back = False
    riverside.save()
    confirm(visit)
    assert not WriteBack.objects.exists()
    assert sweep(NOW + timedelta(minutes=1)).handled["fhir_write_backs"] == 0
    assert ehr.writes_tried == 0 and patient_status(ehr) == "needs-action"
    visit.refresh_from_db()
    assert visit.confirmed_at == NOW  # kept in Closeloop all the same


def test_turned_off_after_the_confirmation_writes_nothing(ehr, riverside, visit) -> None:
    confirm(visit)
    riverside.fhir_write_back = False
    riverside.save()
    assert write(WriteBack.objects.get().pk, NOW) == WriteBackState.SKIPPED
    assert ehr.writes_tried == 0


def test_a_csv_visit_has_nothing_to_write(ehr, riverside, patient) -> None:
    visit = make_visit(riverside, patient, external_id="c1")
    Appointment.objects.filter(pk=visit.pk).update(source="csv")
    confirm(visit)
    assert not WriteBack.objects.exists()


def test_a_403_is_recorded_and_said_in_settings_and_the_confirmation_kept(
    ehr, riverside, visit
) -> None:
    ehr.mode = "forbid"
    confirm(visit)
    row = WriteBack.objects.get()
    assert write(row.pk, NOW) == WriteBackState.FAILED
    row.refresh_from_db()
    assert (row.last_status, row.last_error) == (403, "no write access")
    # Not retried: it needs someone to grant write access.
    assert write_backs_due(NOW + timedelta(hours=1)) == 0
    assert ehr.writes_tried == 1
    said = write_back_status(riverside)
    assert said.startswith("On:") and "Last write failed: HTTP 403 — no write access" in said
    visit.refresh_from_db()
    assert visit.confirmed_at == NOW and visit.confirmation_written_back_at is None


def test_a_server_error_is_retried_later_then_written(ehr, riverside, visit) -> None:
    ehr.mode = "fail"
    confirm(visit)
    row = WriteBack.objects.get()
    assert write(row.pk, NOW) == WriteBackState.QUEUED
    assert "will retry" in write_back_status(riverside)
    assert write_backs_due(NOW + timedelta(seconds=30)) == 0  # not before the backoff
    ehr.mode = "accept"
    assert write_backs_due(NOW + timedelta(minutes=3)) == 1
    assert patient_status(ehr) == "accepted"
    assert "Last write succeeded" in write_back_status(riverside)


def test_an_unreachable_server_is_recorded_never_raised(clock, riverside, visit) -> None:
    riverside.fhir_base_url = "http://127.0.0.1:9/fhir"
    riverside.fhir_write_back = True
    riverside.save()
    confirm(from_server(visit, riverside.fhir_base_url))
    assert write(WriteBack.objects.get().pk, NOW) == WriteBackState.QUEUED
    assert WriteBack.objects.get().last_error == "the EHR could not be reached"


def test_a_visit_moved_in_closeloop_is_not_written(ehr, visit) -> None:
    confirm(visit)
    # The next import moved the visit (and cleared its confirmation) before the worker ran.
    Appointment.objects.filter(pk=visit.pk).update(
        start=THURSDAY_2PM + timedelta(days=1), confirmed_at=None
    )
    assert write(WriteBack.objects.get().pk, NOW) == WriteBackState.SKIPPED
    assert ehr.writes_tried == 0 and patient_status(ehr) == "needs-action"


def test_a_visit_moved_in_the_ehr_since_the_last_import_is_not_written(ehr, visit) -> None:
    ehr.appointments["o1"] = ehr_appointment(start=THURSDAY_2PM + timedelta(hours=2))
    confirm(visit)
    row = WriteBack.objects.get()
    assert write(row.pk, NOW) == WriteBackState.SKIPPED
    row.refresh_from_db()
    assert "start changed" in row.last_error
    assert ehr.writes_tried == 0


def test_a_visit_cancelled_in_the_ehr_is_not_written(ehr, visit) -> None:
    ehr.appointments["o1"] = ehr_appointment(status="cancelled")
    confirm(visit)
    assert write(WriteBack.objects.get().pk, NOW) == WriteBackState.SKIPPED
    assert ehr.writes_tried == 0


def test_a_change_in_the_ehr_between_read_and_write_is_never_overwritten(ehr, visit) -> None:
    confirm(visit)
    row = WriteBack.objects.get()
    real = Store.version

    def moved_on(store: Store, appointment_id: str) -> str:
        # Someone saved the appointment in the EHR after we read it: the server's version
        # is no longer the one our If-Match names.
        return "9" if store.writes_tried else real(store, appointment_id)

    Store.version = moved_on  # type: ignore[method-assign]
    try:
        assert write(row.pk, NOW) == WriteBackState.QUEUED
    finally:
        Store.version = real  # type: ignore[method-assign]
    row.refresh_from_db()
    assert row.last_status == 412 and ehr.written == []


# --- Settings ----------------------------------------------------------------------------------


@pytest.fixture
def practice_admin(org: Any, riverside: Any) -> Any:
    return staff_create(
        organization=org, username="padmin", password="pw", first_name="Pat", last_name="Admin",
        roles=[Role.PRACTICE_ADMIN], practices=[riverside],
    )  # fmt: skip


def shown(client: Any, url: str) -> str:
    return html.unescape(client.get(url).content.decode())


def test_settings_say_plainly_whether_write_back_is_on(client, riverside, practice_admin) -> None:
    client.force_login(practice_admin)
    page = shown(client, section_url(riverside, "integrations"))
    assert "EHR write-back:</strong> Off: this practice has no FHIR server." in page
    riverside.fhir_base_url = "https://ehr.example.org/fhir"
    riverside.save()
    page = shown(client, section_url(riverside, "integrations"))
    assert "Off: Closeloop reads this practice's FHIR server and does not write to it" in page
    data = section_data(riverside, "integrations", fhir_write_back=True)
    assert client.post(section_url(riverside, "integrations"), data).status_code == 302
    riverside.refresh_from_db()
    assert riverside.fhir_write_back
    page = shown(client, section_url(riverside, "integrations"))
    assert "EHR write-back:</strong> On:" in page and "Nothing written yet." in page
    outreach = shown(client, f"/settings/{riverside.slug}/outreach/")
    assert "EHR write-back:</strong> On:" in outreach


def test_write_back_cannot_be_turned_on_without_a_fhir_server(
    client, riverside, practice_admin
) -> None:
    client.force_login(practice_admin)
    data = section_data(riverside, "integrations", fhir_write_back=True)
    response = client.post(section_url(riverside, "integrations"), data)
    assert response.status_code == 422
    assert "Write-back needs the EHR's FHIR base URL" in html.unescape(response.content.decode())
    riverside.refresh_from_db()
    assert not riverside.fhir_write_back


@pytest.mark.django_db(transaction=True)
def test_many_workers_at_once_write_once(riverside, patient) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL's row-level concurrency")
    store = Store(appointments={"o1": ehr_appointment()})
    with fhir_server([], {}, store) as (base, _log):
        riverside.fhir_base_url, riverside.fhir_write_back = base, True
        riverside.save()
        visit = from_server(make_visit(riverside, patient), base)
        confirm(visit)
        row = WriteBack.objects.get()
        barrier = threading.Barrier(8)
        outcomes: list[str] = []

        def worker(n: int) -> None:
            try:
                barrier.wait()
                # Half run the task, half the minute tick: the same row, the same moment.
                outcomes.append(write(row.pk) if n % 2 else str(write_backs_due(timezone.now())))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert len(outcomes) == 8
    assert store.writes_tried == 1 and len(store.written) == 1
    assert WriteBack.objects.get().state == WriteBackState.WRITTEN


def test_a_change_of_fhir_server_leaves_waiting_write_backs_unwritten(
    ehr, riverside, visit
) -> None:
    """A row waiting for its write (its task not run yet, or a retry) was meant for the server
    the visit came from: after the practice points at another EHR, whose appointment of the
    same id may be someone else's, it is never written there (attack review, session 3)."""
    confirm(visit)
    other = Store(appointments={"o1": ehr_appointment()})
    with fhir_server([], {}, other) as (base, _log):
        riverside.fhir_base_url = base
        riverside.save()
        cache.clear()
        row = WriteBack.objects.get()
        assert write(row.pk) == "not-due"
        assert patient_status(other) == "needs-action"
        assert patient_status(ehr) == "needs-action"
        row.refresh_from_db()
        assert row.state == WriteBackState.SKIPPED
        assert "FHIR server changed" in row.last_error
        assert "1 confirmation in the last 30 days was not written" in write_back_status(riverside)


# --- the visit's own FHIR server ------------------------------------------------------------------

EHR_PATIENT = {
    "resourceType": "Patient",
    "id": "p1",
    "name": [{"use": "official", "family": "Lopez", "given": ["Ana"]}],
    "birthDate": "1980-02-03",
}


def pulled(practice: Any) -> Appointment:
    """The worker's pull from the practice's FHIR server, as every 15 minutes; the visit "o1"."""
    from closeloop.appointments.sync import sync_practice

    assert sync_practice.call(practice.pk)["rejected"] == 0
    return Appointment.objects.get(practice=practice, external_id="o1")


def test_a_new_confirmation_of_a_visit_from_the_old_server_is_not_written_to_the_new_one(
    clock, riverside
) -> None:
    """The visit came from server A; the practice now points at server B, where an appointment
    has the same id and start (someone else's, perhaps). Confirmed after the change, the visit
    is never written to B: it records where it came from, and the write is refused with the
    reason, as a change of server leaves a waiting write-back (Settings shows it)."""
    old = Store(appointments={"o1": ehr_appointment()})
    new = Store(appointments={"o1": ehr_appointment()})
    with (
        fhir_server([[EHR_PATIENT, ehr_appointment()]], {}, old) as (old_base, _),
        fhir_server([], {}, new) as (new_base, _),
    ):
        riverside.fhir_base_url, riverside.fhir_write_back = old_base, True
        riverside.save()
        visit = pulled(riverside)
        riverside.fhir_base_url = new_base
        riverside.save()
        cache.clear()
        confirm(visit)
        row = WriteBack.objects.get()
        assert write(row.pk, NOW) == WriteBackState.SKIPPED
        # The minute tick, later, does not write it either.
        assert write_backs_due(NOW + timedelta(hours=1)) == 0
    assert new.writes_tried == 0 and patient_status(new) == "needs-action"
    assert old.writes_tried == 0
    row.refresh_from_db()
    assert "another FHIR server" in row.last_error
    visit.refresh_from_db()
    assert visit.confirmed_at == NOW  # kept in Closeloop
    # Settings says so, beside how the last write went.
    said = write_back_status(riverside)
    assert said.startswith("On:")
    assert (
        "1 confirmation in the last 30 days was not written: its visit came from another "
        "FHIR server than the practice's (or from a file), or the server changed" in said
    )


def test_the_import_records_the_server_each_visit_came_from(clock, riverside) -> None:
    a = [[EHR_PATIENT, ehr_appointment()]]
    with fhir_server(a, {}) as (base_a, _), fhir_server(a, {}) as (base_b, _):
        riverside.fhir_base_url = base_a
        riverside.save()
        assert pulled(riverside).fhir_server == server_fingerprint(base_a)
        assert server_fingerprint(base_a + "/") == server_fingerprint(base_a)
        assert server_fingerprint(base_a) != server_fingerprint(base_b)
        # The same appointment pulled from B is now B's (its data came from there).
        riverside.fhir_base_url = base_b
        riverside.save()
        assert pulled(riverside).fhir_server == server_fingerprint(base_b)
    # Not the URL itself (it may carry credentials, and it is copied onto every visit).
    assert Appointment.objects.get().fhir_server not in (base_a, base_b)


def test_a_visit_pulled_from_the_practices_server_is_written(clock, riverside) -> None:
    store = Store(appointments={"o1": ehr_appointment()})
    with fhir_server([[EHR_PATIENT, ehr_appointment()]], {}, store) as (base, _):
        riverside.fhir_base_url, riverside.fhir_write_back = base, True
        riverside.save()
        cache.clear()
        confirm(pulled(riverside))
        assert write(WriteBack.objects.get().pk, NOW) == WriteBackState.WRITTEN
    assert patient_status(store) == "accepted"


def test_a_visit_from_a_fhir_file_is_not_written(ehr, riverside, visit) -> None:
    """Files (``import-fhir FILE``, the demo) say nothing of the server they came from."""
    Appointment.objects.filter(pk=visit.pk).update(fhir_server="")
    confirm(visit)
    assert write(WriteBack.objects.get().pk, NOW) == WriteBackState.SKIPPED
    assert ehr.writes_tried == 0


def test_the_migration_back_fills_fhir_visits_with_the_practices_current_server(
    riverside, lakeside, patient
) -> None:
    """Existing FHIR visits get their practice's current server (the honest best guess, said
    in the migration); CSV visits and practices without a server keep "" (never written)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("closeloop.appointments.migrations.0003_visit_fhir_server")
    for url in ("https://ehr.example.org/fhir/", "https://u:p@EHR.example.org:8443/R4?x=1"):
        assert migration.fingerprint(url) == server_fingerprint(url)
    riverside.fhir_base_url = "https://ehr.example.org/fhir"
    riverside.save()
    fhir = make_visit(riverside, patient)
    csv = make_visit(riverside, patient, external_id="c1")
    Appointment.objects.filter(pk=csv.pk).update(source="csv")
    other = make_visit(lakeside, None, external_id="l1")
    migration.back_fill(apps, None)
    got = dict(Appointment.objects.values_list("pk", "fhir_server"))
    assert got == {
        fhir.pk: server_fingerprint("https://ehr.example.org/fhir"),
        csv.pk: "",
        other.pk: "",
    }
