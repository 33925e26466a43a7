"""Every action on a visit (the appointments page's buttons), declared once for both doors.

The appointments page posts its forms (``/appointments/<pk>/confirm/``, ``…/check/<step>/``,
``…/patient/``) and the API offers ``POST /visits/{visit_id}/<slug>`` for each entry of
``VISIT_ACTIONS``; both fetch the visit through ``visit_for_action`` (another practice's visit,
or one that does not exist, is ``VisitNotFound``: a 404 that reveals nothing), pass what was
asked as the action's ``inputs`` and run the same ``perform``, where the action's rules live.
``tests/test_action_parity.py`` fails if one surface lacks an action.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils import timezone

from closeloop.actions.inputs import Input, InputError, Kind
from closeloop.appointments.models import Appointment, ConfirmedHow
from closeloop.appointments.selectors import get_appointment_for_user
from closeloop.appointments.services import (
    CHECK_LABELS,
    CHECK_STEPS,
    AppointmentError,
    appointment_check_step,
    appointment_confirm_patient,
)
from closeloop.core.types import User, Viewer
from closeloop.lib.ids import parse_id
from closeloop.outreach.replies import confirm_refusal, visit_confirm
from closeloop.patients.models import Patient


class VisitNotFound(LookupError):
    """No such visit among those the person may see."""


class VisitActionRefused(ValueError):
    """The visit is not in a state the action applies to (a 409 by the API, said on the page);
    ``code`` is the API's error code."""

    def __init__(self, message: str, code: str = "visit_closed") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class VisitAction:
    name: str
    label: str
    #: Does the work for the person acting, with the inputs' values by name; returns what the
    #: API reports beside the visit (``result``).
    perform: Callable[[Appointment, User, Mapping[str, object]], dict[str, object]]
    help: str = ""
    #: What it asks for (the API's request body; the page's form fields).
    inputs: tuple[Input, ...] = ()

    @property
    def slug(self) -> str:
        return self.name.replace("_", "-")


def _confirm(visit: Appointment, actor: User, data: Mapping[str, object]) -> dict[str, object]:
    now = timezone.now()
    if why := confirm_refusal(visit, now):
        raise VisitActionRefused(why)
    recorded = visit_confirm(appointment=visit, how=ConfirmedHow.STAFF, at=now)
    return {"recorded": recorded}


def _check(step: str) -> Callable[[Appointment, User, Mapping[str, object]], dict[str, object]]:
    def tick(visit: Appointment, actor: User, data: Mapping[str, object]) -> dict[str, object]:
        at_field, by_field = CHECK_STEPS[step]
        done_before = getattr(visit, at_field) is not None
        try:
            appointment_check_step(appointment=visit, actor=actor, step=step)
        except AppointmentError as exc:  # the service's rule (a video visit only): a state
            raise VisitActionRefused(exc.message, code=exc.code) from None
        return {"recorded": not done_before and getattr(visit, f"{by_field}_id") == actor.pk}

    return tick


def _choose_patient(
    visit: Appointment, actor: User, data: Mapping[str, object]
) -> dict[str, object]:
    """One of the visit's candidates (of its practice), or a new patient: exactly one."""
    chosen, new = parse_id(data.get("patient")), bool(data.get("new_patient"))
    if new == (chosen is not None):
        raise InputError("patient_id", "Choose one of the listed patients or “new patient”.")
    patient = None
    if chosen is not None:
        patient = (
            Patient.objects.for_practice(visit.practice)
            .filter(pk__in=visit.patient_candidates)
            .filter(pk=chosen)
            .first()
        )
        if patient is None:
            raise InputError("patient_id", "Choose one of the listed patients or “new patient”.")
    try:
        visit = appointment_confirm_patient(appointment=visit, actor=actor, patient=patient)
    except AppointmentError as exc:
        raise InputError("patient_id", exc.message) from None
    return {"patient_id": visit.patient_id}


VISIT_ACTIONS: dict[str, VisitAction] = {
    action.name: action
    for action in [
        VisitAction(
            "confirm",
            "Confirmed by phone",
            _confirm,
            help="The patient confirmed the visit on the phone (the confirmation call list): "
            "recorded on the visit once; a visit already confirmed keeps its first "
            "confirmation (`result.recorded` is then false). A visit no longer booked, or "
            "already begun, is a 409 (`visit_closed`).",
        ),
        *(
            VisitAction(step, label, _check(step), help=f"The pre-visit telehealth check: "
                        f"“{label}”, by the person acting, once (the first tick is kept; "
                        "`result.recorded` is then false). A visit that is not a video visit "
                        "is a 409 (`not_telehealth`).")
            for step, label in CHECK_LABELS.items()
        ),
        VisitAction(
            "choose_patient",
            "Which patient is this?",
            _choose_patient,
            inputs=(
                Input("patient", Kind.PATIENT, "One of the visit's candidate patients",
                      required=False),
                Input("new_patient", Kind.FLAG, "None of these: a new patient from the EHR's "
                      "details"),
            ),
            help="The EHR's details matched more than one patient, or only partly (the "
            "appointments page's *Patient to confirm*): say who it is — one of the visit's "
            "candidates (`patient_id`) or a new patient made from the EHR's details "
            "(`new_patient: true`), one of the two. Later imports keep the choice. Another "
            "patient, or neither or both, is a 422.",
        ),
    ]
}  # fmt: skip


def visit_for_action(user: Viewer, visit_id: object, action: str) -> Appointment:
    """The visit ``user`` is about to act on: any visit of a practice they serve (the
    appointments page's rule), else ``VisitNotFound``."""
    if action not in VISIT_ACTIONS:
        raise KeyError(action)
    try:
        return get_appointment_for_user(user, visit_id)
    except Appointment.DoesNotExist:
        raise VisitNotFound from None


def run_visit_action(
    action: VisitAction,
    *,
    visit: Appointment,
    actor: User,
    data: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """Take ``action`` on ``visit`` (fetched with ``visit_for_action``) as ``actor``, with its
    inputs' values by name (a reference as its id, checked by the action); the visit is
    reloaded."""
    detail = action.perform(visit, actor, data or {})
    visit.refresh_from_db()
    return detail
