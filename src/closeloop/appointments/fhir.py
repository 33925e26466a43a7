"""FHIR R4 resources -> appointment records.

Resources are validated with ``fhir.resources``' R4B models (R4B shares R4's Appointment and
Patient; the package's top-level classes are R5, which rejects several R4 resources).
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from closeloop.appointments.models import ACTIVE_STATUSES, AppointmentStatus, Mode
from closeloop.appointments.records import AppointmentRecord, PatientRecord, RecordError
from closeloop.lib import jsondepth
from closeloop.lib.phones import PhoneError, normalize_phone

IMPORTED_TYPES = ("Appointment", "Patient")

#: Words in a service type, appointment type or service category that mean a video or phone
#: visit. FHIR R4 has no "virtual" flag on Appointment (R5 added ``virtualService``), so EHRs
#: say it in these codes; ``VR`` is HL7 ActCode "virtual".
TELEHEALTH_WORDS = ("telehealth", "telemedicine", "virtual", "video", "televisit", "tele-visit")
TELEHEALTH_CODES = frozenset({"VR", "TELEHEALTH", "VIDEO", "VIRTUAL"})

#: Objects and arrays nested deeper than this are refused before validation. Real resources
#: are a few levels deep; extensions may nest, and 100 levels of them still import.
MAX_DEPTH = 256
TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep (a FHIR resource is a few levels deep)"
#: ``fhir.resources`` validates each nested element through Python, about four stack frames
#: per level of JSON: MAX_DEPTH levels take ~1,100 frames above the caller's, more than
#: Python's default limit of 1,000 leaves (a 120-level extension ended the whole import with
#: RecursionError). The limit is raised once, never lowered: MAX_DEPTH bounds how much of it
#: validation can use, well within the 8 MB stack of the main and worker threads.
RECURSION_LIMIT = 4000


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"]) or "resource"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"


def validate(data: Any) -> Any:
    """The R4 model of one resource, or RecordError naming what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        raise RecordError("not a FHIR resource (no resourceType)")
    resource_type = data["resourceType"]
    try:
        model = get_fhir_model_class(resource_type)
    except ValueError:
        raise RecordError(f"unknown FHIR resource type {resource_type!r}") from None
    if jsondepth.exceeds(data, MAX_DEPTH):
        raise RecordError(TOO_DEEP)
    _room_to_validate()
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RecordError(f"invalid FHIR {resource_type}: {_first_error(exc)}") from None
    except RecursionError:
        # Not expected within MAX_DEPTH; if a shape costs more stack than measured, the
        # resource is still refused alone rather than ending the import part-way.
        raise RecordError(TOO_DEEP) from None


def _room_to_validate() -> None:
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)


def label(resource: dict[str, Any]) -> str:
    return f"{resource.get('resourceType', '?')}/{resource.get('id', '?')}"


@dataclass
class Batch:
    """Resources gathered from files or pages, before import."""

    appointments: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    patients: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: ``Bundle.entry.fullUrl`` -> ``Patient/id``, for references by full URL or urn:uuid.
    full_urls: dict[str, str] = field(default_factory=dict)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    #: Resource types found in bundles that are not imported (Practitioner, Location, ...).
    skipped: dict[str, int] = field(default_factory=dict)

    def add(self, data: Any, where: str, *, in_bundle: bool = False) -> None:
        resource_type = data.get("resourceType") if isinstance(data, dict) else None
        if resource_type == "Bundle":
            self._add_bundle(data, where)
        elif resource_type == "Appointment":
            self.appointments.append((f"{where} {label(data)}", data))
        elif resource_type == "Patient":
            if isinstance(data.get("id"), str):
                self.patients[data["id"]] = data
            else:
                self.rejected.append((where, "Patient without an id"))
        elif in_bundle and isinstance(resource_type, str):
            self.skipped[resource_type] = self.skipped.get(resource_type, 0) + 1
        elif isinstance(resource_type, str):
            self.rejected.append(
                (
                    where,
                    f"resource type {resource_type} is not imported "
                    "(Appointment, Patient, or a Bundle of them)",
                )
            )
        else:
            self.rejected.append((where, "not a FHIR resource (no resourceType)"))

    def _add_bundle(self, bundle: dict[str, Any], where: str) -> None:
        entries = bundle.get("entry", [])
        if not isinstance(entries, list):
            self.rejected.append((where, "Bundle.entry is not a list"))
            return
        for index, entry in enumerate(entries):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(resource, dict):
                self.rejected.append((f"{where} entry {index}", "entry without a resource"))
                continue
            full_url = entry.get("fullUrl")
            if isinstance(full_url, str) and resource.get("resourceType") == "Patient":
                self.full_urls[full_url] = f"Patient/{resource.get('id')}"
            self.add(resource, f"{where} entry {index}", in_bundle=True)


def _codes(concepts: Iterable[Any]) -> Iterable[tuple[str, str]]:
    for concept in concepts:
        if concept is None:
            continue
        if concept.text:
            yield "", concept.text
        for coding in concept.coding or ():
            yield coding.code or "", coding.display or ""


def appointment_mode(appointment: Any) -> str:
    concepts = [
        *(appointment.serviceType or ()),
        *(appointment.serviceCategory or ()),
        appointment.appointmentType,
    ]
    for code, display in _codes(concepts):
        words = f"{code} {display}".lower()
        if code.upper() in TELEHEALTH_CODES or any(w in words for w in TELEHEALTH_WORDS):
            return Mode.TELEHEALTH
    return Mode.IN_PERSON


def appointment_kind(appointment: Any) -> str:
    for concepts in (appointment.serviceType or (), [appointment.appointmentType]):
        for _code, display in _codes(concepts):
            if display:
                return display[:200]
    return ""


def patient_reference(appointment: Any, full_urls: dict[str, str]) -> tuple[str, str]:
    """(Patient id, display) of the appointment's patient participant."""
    for participant in appointment.participant or ():
        actor = participant.actor
        if actor is None or not actor.reference:
            continue
        reference = full_urls.get(actor.reference, actor.reference)
        # Absolute references end in .../Patient/{id} too.
        parts = reference.rstrip("/").split("/")
        if len(parts) >= 2 and parts[-2] == "Patient":
            return parts[-1], actor.display or ""
    raise RecordError("no Patient participant")


def _phones(patient: Any) -> tuple[str, ...]:
    telecoms = [
        t
        for t in patient.telecom or ()
        if t.system == "phone"
        and t.value
        and t.use != "old"
        and (t.period is None or not t.period.end)
    ]
    telecoms.sort(key=lambda t: t.rank or 99)
    phones = []
    for telecom in telecoms:
        try:
            phones.append(normalize_phone(telecom.value))
        except PhoneError:
            continue  # a number we cannot dial does not help matching
    return tuple(dict.fromkeys(phones))


def patient_record(patient: Any) -> PatientRecord:
    names = list(patient.name or ())
    name = next((n for n in names if n.use == "official"), names[0] if names else None)
    mrns = tuple(
        identifier.value
        for identifier in patient.identifier or ()
        if identifier.value
        and identifier.type is not None
        and any(c.code == "MR" for c in identifier.type.coding or ())
    )
    email = next((t.value for t in patient.telecom or () if t.system == "email" and t.value), "")
    language = ""
    for communication in patient.communication or ():
        for code, _display in _codes([communication.language]):
            if code and (communication.preferred or not language):
                language = code.split("-")[0].lower()[:3]
    return PatientRecord(
        ehr_id=patient.id or "",
        mrns=mrns,
        first_name=((name.given or [""])[0] if name else "")[:100],
        last_name=((name.family or "") if name else "")[:100],
        birth_date=patient.birthDate,
        phones=_phones(patient),
        email=email[:254],
        language=language,
    )


def _display_record(patient_id: str, display: str) -> PatientRecord:
    words = display.split()
    return PatientRecord(
        ehr_id=patient_id,
        first_name=words[0][:100] if len(words) > 1 else "",
        last_name=words[-1][:100] if len(words) > 1 else "",
    )


PatientSource = Callable[[str], dict[str, Any] | None]


def appointment_record(
    data: dict[str, Any], patients: PatientSource, full_urls: dict[str, str]
) -> AppointmentRecord:
    """One Appointment (validated here) and its patient (from ``patients``, validated too)."""
    appointment = validate(data)
    if not appointment.id:
        raise RecordError("Appointment without an id")
    if appointment.status not in AppointmentStatus.values:
        raise RecordError(f"unknown appointment status {appointment.status!r}")
    if appointment.start is None:
        raise RecordError(
            "no start time (a request with only requestedPeriod is not on the schedule yet)"
        )
    patient_id, display = patient_reference(appointment, full_urls)
    raw_patient = patients(patient_id)
    if raw_patient is None:
        patient = _display_record(patient_id, display)
    else:
        try:
            patient = patient_record(validate(raw_patient))
        except RecordError as exc:
            raise RecordError(f"its Patient/{patient_id}: {exc}") from None
    return AppointmentRecord(
        external_id=appointment.id,
        start=appointment.start,
        end=appointment.end,
        status=appointment.status,
        mode=appointment_mode(appointment),
        kind=appointment_kind(appointment),
        patient=patient,
    )


#: ``Appointment.participant.status`` (FHIR R4 ParticipationStatus) for a patient who said
#: they will come.
ACCEPTED = "accepted"


class VisitMoved(RecordError):
    """The EHR's appointment is no longer at the time the patient confirmed, or not booked."""


def with_patient_status(data: Any, *, status: str, start: datetime) -> dict[str, Any] | None:
    """``data`` (an Appointment as the server sent it) with its patient participant's status
    set to ``status``, validated; None when it already says so. ``VisitMoved`` when the
    appointment no longer starts at ``start`` or is no longer on the schedule (a confirmation
    of another time is never written); ``RecordError`` for anything else that is wrong."""
    appointment = validate(data)
    if data.get("resourceType") != "Appointment":
        raise RecordError(f"expected an Appointment, got {data.get('resourceType')}")
    if appointment.start is None or appointment.start != start:
        raise VisitMoved("the appointment's start changed in the EHR")
    if appointment.status not in ACTIVE_STATUSES:
        raise VisitMoved(f"the appointment is {appointment.status} in the EHR")
    patient_id, _display = patient_reference(appointment, {})
    changed = copy.deepcopy(data)
    needed = False
    for participant in changed.get("participant", []):
        reference = str((participant.get("actor") or {}).get("reference", ""))
        if reference.rstrip("/").split("/")[-2:] == ["Patient", patient_id]:
            needed = needed or participant.get("status") != status
            participant["status"] = status
    if not needed:
        return None
    validate(changed)
    return changed
