"""What an action asks for, declared once for both doors.

The item page turns each ``Input`` into a form field (``closeloop.web.action_forms``) and the
API into a field of the request body (``closeloop.api.actions``). Inputs that name an object
(a colleague, a candidate patient, a visit, a category, another item) are looked up here, in
one place, among the objects the item allows: a colleague serving its practice, a visit of its
patient, and so on — whichever door the id came through.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import models
from django.db.models import Model, QuerySet
from django.utils import timezone

from closeloop.appointments.selectors import upcoming_for_patient
from closeloop.lib.ids import parse_id
from closeloop.patients.models import Patient
from closeloop.practices.models import Category
from closeloop.practices.selectors import staff_for_practice
from closeloop.support_queue import eligibility
from closeloop.support_queue.models import SupportItem


class Kind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    FLAG = "flag"
    INSTANT = "instant"  # an aware datetime (the page: local time in the practice's zone)
    LANGUAGE = "language"  # an ISO 639 code
    # References: an id (the API) or a choice among the allowed objects (the page).
    STAFF = "staff"
    PATIENT = "patient"
    APPOINTMENT = "appointment"
    CATEGORY = "category"  # by its code
    ITEM = "item"


REFERENCES = frozenset({Kind.STAFF, Kind.PATIENT, Kind.APPOINTMENT, Kind.CATEGORY, Kind.ITEM})

#: An action's input values by name, as its door cleaned them against the ``Input``
#: declarations (texts, flags, choices' values, aware datetimes, and the objects references
#: name, from ``resolve``). They are the keyword arguments of the action's service: its
#: signature, checked when it is called, is their type.
Values = Mapping[str, object]


@dataclass(frozen=True)
class Input:
    name: str
    kind: Kind
    label: str
    required: bool = True
    #: For ``CHOICE``: the vocabulary (a ``TextChoices`` class).
    choices: type[models.TextChoices] | None = None
    #: For ``CHOICE``: the value the page preselects.
    initial: str | None = None
    help: str = ""
    max_length: int = 20000
    #: Text areas' height on the page; 0 for a one-line field.
    rows: int = 2
    #: What "nothing chosen" means for an optional reference (e.g. "Unassigned").
    empty_label: str = ""
    #: A choice's values the page does not offer (the API still accepts them).
    hidden_values: frozenset[str] = field(default_factory=frozenset)
    #: Asked only about complaints (the page leaves it out elsewhere).
    complaints_only: bool = False
    #: The patient will read it (a next step, an outcome): it must be in their language and
    #: speak to them (``messaging.language``, checked by ``registry.run`` for every door).
    patient_reads: bool = False

    @property
    def api_name(self) -> str:
        """The request body's key: references by id are ``<name>_id``; categories by code."""
        return f"{self.name}_id" if self.kind in REFERENCES - {Kind.CATEGORY} else self.name


class InputError(ValueError):
    """A value the item does not allow (a stranger as owner, another patient's visit)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def options(spec: Input, item: SupportItem) -> QuerySet[Model]:
    """The objects a reference input may name for this item."""
    if spec.kind == Kind.STAFF:
        return staff_for_practice(item.practice)
    if spec.kind == Kind.PATIENT:
        return Patient.objects.for_practice(item.practice).filter(pk__in=item.patient_candidates)
    if spec.kind == Kind.APPOINTMENT:
        return upcoming_for_patient(item.patient_id, timezone.now()).filter(
            practice_id=item.practice_id
        )
    if spec.kind == Kind.CATEGORY:
        return Category.objects.for_practice(item.practice).active().order_by("position", "name")
    if spec.kind == Kind.ITEM:
        return mergeable_with(item)
    raise ValueError(f"{spec.name} is not a reference")


def mergeable_with(item: SupportItem) -> QuerySet[SupportItem]:
    """Open items of the same patient (and practice) that ``item`` could be merged into."""
    if item.patient_id is None:
        return SupportItem.objects.none()
    return (
        SupportItem.objects.for_practice(item.practice)
        .open()
        .filter(patient_id=item.patient_id)
        .exclude(pk=item.pk)
        .select_related("category")
        .order_by("-updated_at", "-id")
    )


WHAT = {
    Kind.STAFF: "a staff member of this practice",
    Kind.PATIENT: "one of the patients this contact matched",
    Kind.APPOINTMENT: "an upcoming visit of this patient",
    Kind.CATEGORY: "an active category of this practice",
    Kind.ITEM: "another open item of this patient",
}


def resolve(spec: Input, item: SupportItem, raw: object) -> Model | None:
    """The object a reference names (by id, or a category by code), or ``InputError``."""
    if raw is None:
        if spec.required:
            raise InputError(spec.api_name, f"Choose {WHAT[spec.kind]}.")
        return None
    lookup = {"code": raw} if spec.kind == Kind.CATEGORY else {"pk": raw}
    found = options(spec, item).filter(**lookup).first()
    if found is None and spec.kind == Kind.STAFF and parse_id(raw) is not None:
        refused = eligibility.stranger(item, parse_id(raw))
        if refused is not None:
            raise InputError(spec.api_name, refused.message)
    if found is None:
        raise InputError(spec.api_name, f"{raw} is not {WHAT[spec.kind]}.")
    return found
