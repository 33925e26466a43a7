"""What the API answers: items and patients as the caller may see them, and the lookups every
operation shares (another practice's object is a 404)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from closeloop.actions import access
from closeloop.actions.inputs import InputError
from closeloop.api import schemas as s
from closeloop.appointments.models import Appointment
from closeloop.core.types import User, Viewer
from closeloop.intake.models import Attachment, FileState
from closeloop.lib.ids import is_digits
from closeloop.patients.models import Patient
from closeloop.practices.models import Practice
from closeloop.security.permissions import CLINICAL_TEXT_FIELDS, sees_clinical_details, visible_text
from closeloop.support_queue.models import SupportItem


def api_user(request: HttpRequest) -> User:
    """The token's user (``TokenAuth`` put it on the request)."""
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def item_out(item: SupportItem, user: Viewer) -> dict[str, Any]:
    data = {field: getattr(item, field) for field in s.ItemOut.model_fields if hasattr(item, field)}
    if not sees_clinical_details(user, item):
        data.update({f: visible_text(user, item, f) for f in CLINICAL_TEXT_FIELDS if f in data})
    data["practice"] = item.practice.slug
    data["category"] = item.category.code
    return data


def file_out(row: Attachment) -> dict[str, Any]:
    data = {field: getattr(row, field) for field in s.FileOut.model_fields if field != "url"}
    stored = row.state == FileState.STORED
    data["url"] = f"/api/v1/items/{row.item_id}/files/{row.pk}" if stored else None
    return data


def visit_out(visit: Appointment, result: dict[str, Any]) -> dict[str, Any]:
    data = {field: getattr(visit, field) for field in s.VisitOut.model_fields if field != "result"}
    data["practice"] = visit.practice.slug
    data["result"] = result
    return data


def patient_out(patient: Patient) -> dict[str, Any]:
    data = {
        field: getattr(patient, field) for field in s.PatientOut.model_fields if field != "practice"
    }
    data["practice"] = patient.practice.slug
    return data


def practice_or_404(request: HttpRequest, slug: str) -> Practice:
    practice = Practice.objects.for_user(request.user).filter(slug=slug).first()
    if practice is None:
        raise Http404
    return practice


def item_or_404(request: HttpRequest, item_id: int) -> SupportItem:
    """An item the caller may see (in full or as its routing summary)."""
    try:
        return access.item_to_read(request.user, item_id)
    except access.ItemNotFound:
        raise Http404 from None


def etag(item: SupportItem) -> str:
    """The item's version as a strong ETag."""
    return etag_of(item.version)


def etag_of(version: int) -> str:
    return f'"{version}"'


def if_match(request: HttpRequest) -> int | None:
    """The version an API client last saw (``If-Match: "12"``), or None when it sent none (or
    ``*``): then the action applies to the item as it is now."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    text = header.removeprefix("W/").strip('"')
    if not is_digits(text) or len(text) > 9:
        raise InputError("If-Match", 'Send the item\'s ETag as it was given, e.g. "12".')
    return int(text)
