"""Writing a visit's confirmation back to the practice's EHR (FHIR R4), when the practice turns
it on (Settings → Integrations; only with a FHIR server).

The truth stays in Closeloop: the confirmation is recorded on the visit first, whatever the EHR
says. In the same transaction a ``WriteBack`` row (unique per visit, the visit's start and the
status written) and its task are written; the task claims the row (a lease, ``core.claims``),
judges it again (write-back still on, the visit read from the practice's current server, still
booked, at the time confirmed, still confirmed), reads the EHR's Appointment and, when it still
starts at that time, sets the patient participant's status to ``accepted`` with an
``If-Match`` on the version it read (``appointments.fhir.with_patient_status``;
``FhirClient.put``, through the outbound URL policy). Already ``accepted``: nothing is
written. The minute tick re-drives a row whose task was lost or whose worker died; two
workers, a retry or a second confirmation never write twice.

A cancel or reschedule reply is not written: it is a request staff answer by phone (a scheduling
item), and in FHIR a declined participant "will not participate" — what the practice decides in
the EHR after the call, not what a text says.

Errors are kept on the row and said in Settings: 401/403/404/400/422 are not retried (they need
a person: write access, the appointment); 409/412/429, 5xx, timeouts and refused addresses are
retried with backoff, then left failed."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import quote

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from closeloop.appointments.client import (
    FhirAnswerRefused,
    FhirClient,
    FhirFetchError,
    FhirHttpError,
    server_fingerprint,
)
from closeloop.appointments.fhir import ACCEPTED, VisitMoved, with_patient_status
from closeloop.appointments.models import ACTIVE_STATUSES, Appointment, Source
from closeloop.appointments.records import RecordError
from closeloop.core import claims
from closeloop.outreach.models import WriteBack, WriteBackState
from closeloop.practices.local_time import for_staff
from closeloop.practices.models import Practice

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
#: What an HTTP status means to the admin reading Settings.
REASONS = {
    400: "the EHR refused the change",
    401: "the FHIR token was not accepted",
    403: "no write access",
    404: "the EHR has no such appointment",
    409: "the EHR reported a conflict",
    412: "the appointment changed in the EHR since it was read",
    422: "the EHR refused the change",
    429: "the EHR asked us to slow down",
}
#: Answers a later attempt may change (the others need a person).
RETRIED = {409, 412, 429}


def write_back_on(practice: Practice) -> bool:
    return practice.fhir_write_back and bool(practice.fhir_base_url)


def confirmation_recorded(appointment: Appointment, now: datetime) -> WriteBack | None:
    """Called in the transaction that recorded the confirmation: the row and its task, once
    per visit and start (a visit imported from a CSV has no FHIR Appointment to write)."""
    if appointment.source != Source.FHIR or not write_back_on(appointment.practice):
        return None
    row, created = WriteBack.objects.get_or_create(
        appointment=appointment, visit_start=appointment.start, participant_status=ACCEPTED,
        defaults={"practice_id": appointment.practice_id, "send_after": now},
    )  # fmt: skip
    if created:
        write_confirmation.enqueue(row.pk)
    return row


#: Said on a waiting row when the practice pointed at another EHR.
SERVER_CHANGED = "not written: the practice's FHIR server changed since the confirmation"
#: Said on a row whose visit was read from another server than the practice's (or a file).
OTHER_SERVER = (
    "not written: the visit was imported from another FHIR server than the practice's "
    "(or from a file)"
)


def fhir_server_changing(sender: type[Practice], instance: Practice, **kwargs: object) -> None:
    """Before a practice is saved with another FHIR base URL: its write-backs still waiting
    were meant for the server their visits came from — an appointment of the same id on the
    new one may be someone else's, so they are never written (``pre_save`` on ``Practice``)."""
    if instance.pk is None or kwargs.get("raw"):
        return
    before = Practice.objects.filter(pk=instance.pk).values_list("fhir_base_url", flat=True)
    if before.first() in (None, instance.fhir_base_url):
        return
    WriteBack.objects.filter(practice_id=instance.pk, state=WriteBackState.QUEUED).update(
        state=WriteBackState.SKIPPED, last_error=SERVER_CHANGED, claimed_at=None
    )


def judge(row: WriteBack) -> str:
    """Why the row must not be written any more ("" when it may)."""
    visit = row.appointment
    if not write_back_on(row.practice):
        return "write-back was turned off"
    if visit.fhir_server != server_fingerprint(row.practice.fhir_base_url):
        # An appointment of the same id and start on this server may be someone else's.
        return OTHER_SERVER
    if visit.status not in ACTIVE_STATUSES:
        return "the visit is no longer booked"
    if visit.start != row.visit_start:
        return "the visit moved (a confirmation of the new time is written anew)"
    if visit.confirmed_at is None:
        return "the visit is no longer confirmed"
    return ""


def _attempt(row: WriteBack) -> tuple[int | None, str]:
    """(HTTP status, error) of reading the Appointment and writing it; VisitMoved propagates."""
    practice, visit = row.practice, row.appointment
    try:
        client = FhirClient(practice.fhir_base_url, practice.fhir_token)
        url = f"{client.base_url}/Appointment/{quote(visit.external_id, safe='')}"
        data = client.get(url)
        changed = with_patient_status(data, status=row.participant_status, start=row.visit_start)
        if changed is None:
            return 200, ""  # the EHR already says so
        meta = data.get("meta")
        version = str(meta.get("versionId", "")) if isinstance(meta, dict) else ""
        return client.put(url, changed, version=version), ""
    except FhirHttpError as exc:
        return exc.status, REASONS.get(exc.status, "the EHR could not take it now")
    except FhirAnswerRefused as exc:
        return None, exc.reason
    except FhirFetchError:
        return None, "the EHR could not be reached"
    except VisitMoved:
        raise
    except RecordError as exc:
        return 422, f"the EHR's appointment cannot be written: {exc}"[:300]


def _retried(status: int | None) -> bool:
    return status is None or status in RETRIED or status >= 500


def write(row_id: int, now: datetime | None = None) -> str:
    """Claim one due row, judge it, write it (or skip it); returns its resulting state."""
    now = now or timezone.now()
    if not claims.claim(
        WriteBack, row_id, pending=WriteBackState.QUEUED, time_field="send_after", now=now
    ):
        return "not-due"
    row = WriteBack.objects.select_related("practice", "appointment").get(pk=row_id)
    reason = judge(row)
    try:
        status, error = (None, "") if reason else _attempt(row)
    except VisitMoved as moved:
        status, error, reason = None, "", f"not written: {moved}"
    row.claimed_at = None
    if reason:
        row.state, row.last_error = WriteBackState.SKIPPED, reason[:300]
        row.save(update_fields=["state", "last_error", "claimed_at"])
        return str(row.state)
    row.attempts += 1
    row.last_status, row.last_error, row.last_attempt_at = status, error, now
    if status is not None and 200 <= status < 300:
        row.state, row.written_at = WriteBackState.WRITTEN, now
    elif _retried(status) and row.attempts < MAX_ATTEMPTS:
        row.state = WriteBackState.QUEUED
        row.send_after = now + timedelta(minutes=2**row.attempts)
    else:
        row.state = WriteBackState.FAILED
    with transaction.atomic():
        row.save()
        if row.state == WriteBackState.WRITTEN:
            Appointment.objects.filter(pk=row.appointment_id, start=row.visit_start).update(
                confirmation_written_back_at=now
            )
    # The practice and the status only: the appointment and the patient stay out of the logs.
    logger.info("fhir write-back for practice %s: %s %s", row.practice_id, row.state, status)
    return str(row.state)


def write_backs_due(now: datetime) -> int:
    """Rows whose time came (a retry) or whose task was lost, and stale claims: the minute
    tick calls this."""
    due = WriteBack.objects.filter(
        claims.due(pending=WriteBackState.QUEUED, time_field="send_after", now=now)
    ).values_list("pk", flat=True)
    return sum(write(pk, now) != "not-due" for pk in list(due))


@task()
def write_confirmation(row_id: int) -> str:
    return write(row_id)


def _last_attempt(practice: Practice) -> str:
    row = (
        WriteBack.objects.filter(practice=practice, last_attempt_at__isnull=False)
        .order_by("-last_attempt_at", "-pk")
        .first()
    )
    if row is None:
        return " Nothing written yet."
    when = for_staff(practice, row.last_attempt_at)
    if row.state == WriteBackState.WRITTEN:
        return f" Last write succeeded ({when})."
    code = f"HTTP {row.last_status}" if row.last_status else "no answer"
    retry = " — will retry" if row.state == WriteBackState.QUEUED else ""
    return f" Last write failed: {code} — {row.last_error}{retry} ({when})."


def write_back_status(practice: Practice) -> str:
    """What Settings says: whether write-back is on, and how the last write went."""
    kept = "Confirmations are kept in Closeloop and exported in the day's confirmations CSV."
    if not practice.fhir_base_url:
        return f"Off: this practice has no FHIR server. {kept}"
    if not practice.fhir_write_back:
        return (
            "Off: Closeloop reads this practice's FHIR server and does not write to it "
            f"(turn it on under Settings → Integrations if the EHR grants write access). {kept}"
        )
    return (
        "On: a patient's confirmation is also written to the EHR's appointment (the patient "
        f"participant's status becomes “accepted”). {kept}"
        + _last_attempt(practice)
        + _other_server(practice)
    )


#: How far back Settings counts the confirmations left unwritten for their server.
OTHER_SERVER_DAYS = 30


def _other_server(practice: Practice) -> str:
    """The confirmations left unwritten because of their server (``OTHER_SERVER``,
    ``SERVER_CHANGED``): an admin who changed servers learns why they are not in the EHR."""
    since = timezone.now() - timedelta(days=OTHER_SERVER_DAYS)
    n = WriteBack.objects.filter(
        practice=practice,
        state=WriteBackState.SKIPPED,
        last_error__in=(OTHER_SERVER, SERVER_CHANGED),
        created_at__gte=since,
    ).count()
    if not n:
        return ""
    many = "s" if n > 1 else ""
    was = "were" if n > 1 else "was"
    return (
        f" {n} confirmation{many} in the last {OTHER_SERVER_DAYS} days {was} not written: "
        f"{'their visits' if n > 1 else 'its visit'} came from another FHIR server than the "
        "practice's (or from a file), or the server changed."
    )
