"""A patient's data as JSON, for an access request (HIPAA right of access)."""

from __future__ import annotations

from typing import Any

from closeloop.appointments.models import Appointment
from closeloop.messaging.models import ConsentChange, OutboundMessage
from closeloop.patients.models import Patient
from closeloop.support_queue.models import SupportItem, TimelineEvent


def _fields(obj: Any, names: list[str]) -> dict[str, Any]:
    values = {}
    for name in names:
        value = getattr(obj, name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


def patient_export(patient: Patient) -> dict[str, Any]:
    items = SupportItem.objects.filter(patient=patient).select_related("category", "owner")
    events = TimelineEvent.objects.filter(item__patient=patient).select_related("actor")
    by_item: dict[int, list[dict[str, Any]]] = {}
    for event in events.order_by("at", "id"):
        by_item.setdefault(event.item_id, []).append(
            {
                "at": event.at.isoformat(),
                "what": event.get_code_display(),
                "by": event.actor.get_full_name() if event.actor else "Closeloop",
                "changes": event.changes,
                "text": event.text,
            }
        )
    return {
        "patient": _fields(
            patient,
            ["first_name", "last_name", "date_of_birth", "phone", "alt_phone", "email",
             "preferred_language", "mrn", "created_at"],
        ),
        "practice": patient.practice.name,
        "items": [
            {
                **_fields(
                    item,
                    ["id", "channel", "status", "summary", "details", "checking", "next_step",
                     "outcome", "first_contact_at", "resolved_at", "closed_at"],
                ),
                "category": item.category.name,
                "timeline": by_item.get(item.pk, []),
            }
            for item in items.order_by("first_contact_at")
        ],
        "messages": [
            _fields(m, ["id", "channel", "to", "purpose", "subject", "body", "state", "created_at",
                        "sent_at", "cancel_code", "cancelled_at"])
            for m in OutboundMessage.objects.filter(item__patient=patient).order_by("created_at")
        ],
        "consent": [
            _fields(c, ["channel", "address", "opted_in", "source", "at"])
            for c in ConsentChange.objects.filter(
                practice_id=patient.practice_id,
                address__in=[
                    a for a in (patient.phone, patient.alt_phone, patient.email.lower()) if a
                ],
            ).order_by("at")
        ],
        "appointments": [
            _fields(a, ["start", "end", "status", "mode", "kind"])
            for a in Appointment.objects.filter(patient=patient).order_by("start")
        ],
    }  # fmt: skip
