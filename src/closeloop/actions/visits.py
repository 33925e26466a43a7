"""Every action on a visit (the appointments page's buttons), declared once for both doors.

The appointments page posts to ``/appointments/<pk>/<action>/`` and the API offers ``POST
/visits/{visit_id}/<slug>`` for each entry of ``VISIT_ACTIONS``; both fetch the visit through
``visit_for_action`` (another practice's visit, or one that does not exist, is
``VisitNotFound``: a 404 that reveals nothing) and run the same service.
``tests/test_action_parity.py`` fails if one surface lacks an action.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from closeloop.appointments.models import Appointment, ConfirmedHow
from closeloop.appointments.selectors import get_appointment_for_user
from closeloop.core.types import Viewer
from closeloop.outreach.replies import confirm_refusal, visit_confirm


class VisitNotFound(LookupError):
    """No such visit among those the person may see."""


class VisitActionRefused(ValueError):
    """The visit is not in a state the action applies to (a 409 by the API, said on the page)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class VisitAction:
    name: str
    label: str
    #: Does the work; returns what the API reports beside the visit (``result``).
    perform: Callable[[Appointment], dict[str, object]]
    help: str = ""

    @property
    def slug(self) -> str:
        return self.name.replace("_", "-")


def _confirm(visit: Appointment) -> dict[str, object]:
    now = timezone.now()
    if why := confirm_refusal(visit, now):
        raise VisitActionRefused(why)
    recorded = visit_confirm(appointment=visit, how=ConfirmedHow.STAFF, at=now)
    return {"recorded": recorded}


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
    ]
}


def visit_for_action(user: Viewer, visit_id: object, action: str) -> Appointment:
    """The visit ``user`` is about to act on: any visit of a practice they serve (the
    appointments page's rule), else ``VisitNotFound``."""
    if action not in VISIT_ACTIONS:
        raise KeyError(action)
    try:
        return get_appointment_for_user(user, visit_id)
    except Appointment.DoesNotExist:
        raise VisitNotFound from None


def run_visit_action(action: VisitAction, *, visit: Appointment) -> dict[str, object]:
    """Take ``action`` on ``visit`` (fetched with ``visit_for_action``); the visit is reloaded."""
    detail = action.perform(visit)
    visit.refresh_from_db()
    return detail
