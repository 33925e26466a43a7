"""Demo appointments: FHIR R4 Bundles generated from the demo's patients and imported through
the same code as a real EHR's (``closeloop.appointments.client.import_batch``).

Most patients are matched by MRN; some carry only name, birth date and phone; a few are new
to Closeloop; one shares a name and birth date with a demo patient but not the phone, so the
"patient to confirm" list has an entry. Past visits are attended, missed or cancelled; upcoming
ones are booked, about a quarter by video. Open telehealth items are linked to their patient's
next video visit, so telehealth deadlines and the risk page show real data.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from faker import Faker

from closeloop.appointments.client import import_batch
from closeloop.appointments.fhir import Batch
from closeloop.appointments.importer import ImportSummary
from closeloop.appointments.models import Appointment, Mode
from closeloop.appointments.rules import risky_items
from closeloop.appointments.selectors import upcoming_for_patient
from closeloop.demo.content import kind_of
from closeloop.patients.models import Patient
from closeloop.practices.defaults import TELEHEALTH_CATEGORY
from closeloop.practices.models import Practice
from closeloop.support_queue import lifecycle
from closeloop.support_queue.models import OPEN_STATUSES, SupportItem

MR = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}
#: Visits that fit each kind of practice.
VISIT_TYPES = {
    "medical": [
        ("FOLLOWUP", "Follow-up visit"),
        ("ROUTINE", "Annual physical"),
        ("WALKIN", "Sick visit"),
        ("ROUTINE", "New patient visit"),
    ],
    "dental": [
        ("CHECKUP", "Cleaning and exam"),
        ("ROUTINE", "Filling"),
        ("FOLLOWUP", "Crown fitting"),
        ("ROUTINE", "New patient exam"),
    ],
}


#: The numbers the EHR gives its own patients (``+1779555`` then 0150–0199): fictional, and in
#: an area code the demo's patients do not have (``seed.AREA_CODES``).
NEWCOMER_PHONES = "+17795550"


def fhir_patient(patient: Patient, *, ehr_id: str, with_mrn: bool = True) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": ehr_id,
        "name": [{"use": "official", "family": patient.last_name, "given": [patient.first_name]}],
        "communication": [
            {"language": {"coding": [{"code": patient.preferred_language}]}, "preferred": True}
        ],
    }
    if with_mrn and patient.mrn:
        resource["identifier"] = [{"type": MR, "value": patient.mrn}]
    if patient.date_of_birth:
        resource["birthDate"] = patient.date_of_birth.isoformat()
    if patient.phone:
        resource["telecom"] = [{"system": "phone", "value": patient.phone, "use": "mobile"}]
    return resource


def fhir_appointment(
    ehr_id: str,
    patient_ref: str,
    start: datetime,
    status: str,
    telehealth: bool,
    rng: random.Random,
    kind: str = "medical",
) -> dict[str, Any]:
    code, display = rng.choice(VISIT_TYPES[kind])
    service = (
        {"coding": [{"code": "telehealth", "display": "Telehealth video visit"}]}
        if telehealth
        else {"coding": [{"code": code.lower(), "display": display}]}
    )
    return {
        "resourceType": "Appointment",
        "id": ehr_id,
        "status": status,
        "serviceType": [service],
        "appointmentType": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0276", "code": code}]
        },
        "start": start.isoformat(),
        "end": (start + timedelta(minutes=30)).isoformat(),
        "participant": [{"actor": {"reference": patient_ref}, "status": "accepted"}],
    }


def _slot(rng: random.Random, practice: Practice, day_offset: int, now: datetime) -> datetime:
    calendar = practice.calendar()
    local_day = (now.astimezone(calendar.tz) + timedelta(days=day_offset)).date()
    intervals = calendar.day_intervals(local_day)
    if not intervals:
        return _slot(rng, practice, day_offset + 1, now)
    opens, closes = intervals[0][0], intervals[-1][1]
    slots = int((closes - opens).total_seconds() // 1800) - 1
    return opens + timedelta(minutes=30 * rng.randint(0, max(0, slots)))


def practice_bundle(
    practice: Practice, patients: list[Patient], rng: random.Random, now: datetime
) -> dict[str, Any]:
    """A collection Bundle for one practice: patients and ~8 weeks back, 2 weeks ahead."""
    fake = Faker("en_US")
    fake.seed_instance(rng.randint(0, 2**31))
    open_telehealth = set(
        SupportItem.objects.filter(
            practice=practice, status__in=OPEN_STATUSES, category__code=TELEHEALTH_CATEGORY
        ).values_list("patient_id", flat=True)
    )
    # Patients with something open are the ones whose visits the risk page is about.
    with_open_items = set(
        SupportItem.objects.filter(
            risky_items(now), practice=practice, status__in=OPEN_STATUSES
        ).values_list("patient_id", flat=True)
    )
    resources: list[dict[str, Any]] = []
    refs: dict[int, str] = {}
    for n, patient in enumerate(patients):
        ehr_id = f"{practice.slug}-pt-{patient.pk}"
        # One in five without an MRN: matched on name, birth date and phone instead.
        resources.append(fhir_patient(patient, ehr_id=ehr_id, with_mrn=n % 5 != 0))
        refs[patient.pk] = f"Patient/{ehr_id}"
    newcomers = []
    for n in range(4):
        rng.randint(2000, 2999)  # once the number's line: drawn still, so the demo stays the same
        newcomer = {
            "resourceType": "Patient",
            "id": f"{practice.slug}-new-{n}",
            "name": [{"family": fake.last_name(), "given": [fake.first_name()]}],
            "birthDate": fake.date_of_birth(minimum_age=18, maximum_age=80).isoformat(),
            # Fictional (555-01XX) in an area code no demo patient has: nobody's number.
            "telecom": [{"system": "phone", "value": f"{NEWCOMER_PHONES}{150 + n}"}],
        }
        resources.append(newcomer)
        newcomers.append(f"Patient/{newcomer['id']}")
    # Same name and birth date as a demo patient, another phone: staff must confirm.
    twin = next(p for p in patients if p.date_of_birth)
    lookalike = fhir_patient(twin, ehr_id=f"{practice.slug}-lookalike", with_mrn=False)
    lookalike["telecom"] = [{"system": "phone", "value": f"{NEWCOMER_PHONES}199", "use": "mobile"}]
    resources.append(lookalike)

    count = past = 0

    def add(ref: str, day: int, telehealth: bool | None = None, booked: bool = False) -> None:
        nonlocal count, past
        count += 1
        start = _slot(rng, practice, day, now)
        video = rng.random() < 0.25 if telehealth is None else telehealth
        if start < now:
            # About one past visit in eleven missed (the first among them: whatever the hour the
            # demo starts, some visit was missed), one in seventeen cancelled.
            past += 1
            status = "noshow" if past % 11 == 1 else "cancelled" if past % 17 == 0 else "fulfilled"
        else:
            status = "cancelled" if rng.random() < 0.04 and not booked else "booked"
        resources.append(
            fhir_appointment(
                f"{practice.slug}-ap-{count}", ref, start, status, video, rng, kind_of(practice)
            )
        )

    # Telehealth problems fixed in time: a video visit shortly after each resolution.
    for patient_id, resolved_at in SupportItem.objects.filter(
        practice=practice,
        category__code=TELEHEALTH_CATEGORY,
        resolved_at__isnull=False,
        patient__isnull=False,
    ).values_list("patient_id", "resolved_at"):
        if resolved_at is None or patient_id not in refs:
            continue
        start = resolved_at + timedelta(hours=rng.randint(2, 30))
        if start < now:
            count += 1
            resources.append(
                fhir_appointment(
                    f"{practice.slug}-ap-{count}", refs[patient_id],
                    start.replace(minute=0, second=0, microsecond=0), "fulfilled", True, rng,
                    kind_of(practice),
                )
            )  # fmt: skip
    for patient in patients:
        if rng.random() < 0.5:
            add(refs[patient.pk], rng.randint(-56, -1))
        if patient.pk in open_telehealth:
            add(refs[patient.pk], rng.randint(1, 5), telehealth=True, booked=True)
        elif patient.pk in with_open_items:
            add(refs[patient.pk], rng.randint(1, 7), booked=True)
        elif rng.random() < 0.2:
            add(refs[patient.pk], rng.randint(1, 14))
    for ref in newcomers:
        add(ref, rng.randint(1, 10))
    add(f"Patient/{lookalike['id']}", 3)
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": f"urn:uuid:{r['resourceType']}-{r['id']}", "resource": r} for r in resources
        ],
    }


def seed_appointments(rng: random.Random) -> ImportSummary:
    now = timezone.now()
    summary = ImportSummary()
    for practice in Practice.objects.order_by("pk"):
        patients = list(Patient.objects.filter(practice=practice).order_by("pk"))
        if not patients:
            continue
        batch = Batch()
        batch.add(practice_bundle(practice, patients, rng, now), f"demo-{practice.slug}.json")
        import_batch(practice, batch, summary)
    _link_telehealth_items(now, rng)
    link_fixed_telehealth_items()
    return summary


def link_fixed_telehealth_items() -> None:
    """The history's resolved telehealth problems, each with the video visit that followed
    (a link the item had at the time; the metrics count it fixed before the visit)."""
    items = SupportItem.objects.filter(
        category__code=TELEHEALTH_CATEGORY, resolved_at__isnull=False, patient__isnull=False,
        appointment__isnull=True,
    )  # fmt: skip
    for item in items:
        visit = (
            Appointment.objects.filter(
                patient=item.patient, mode=Mode.TELEHEALTH, start__gt=item.resolved_at
            )
            .order_by("start")
            .first()
        )
        if visit is not None:
            SupportItem.objects.filter(pk=item.pk).update(appointment=visit)


def _link_telehealth_items(now: datetime, rng: random.Random) -> None:
    items = SupportItem.objects.filter(
        status__in=OPEN_STATUSES, category__code=TELEHEALTH_CATEGORY, patient__isnull=False
    ).select_related("practice", "category")
    for item in items:
        visit = (
            upcoming_for_patient(item.patient_id, now)
            .filter(mode=Mode.TELEHEALTH, start__gt=now)
            .first()
        )
        if visit is None:
            continue
        lifecycle.item_link_appointment(item=item, actor=None, appointment=visit)
        if rng.random() < 0.5:
            Appointment.objects.filter(pk=visit.pk).update(link_sent_at=now)
