"""Red flags at intake: the clinical team hears at once, in the app and by email."""

from __future__ import annotations

from closeloop.practices.choices import Role
from closeloop.practices.selectors import staff_for_practice
from closeloop.queue.alerts import notify
from closeloop.queue.models import AlertKind, SupportItem


def alert_clinical_team(item: SupportItem) -> int:
    """Alerts (and emails) for the practice's on-duty clinical staff."""
    recipients = [
        user
        for user in staff_for_practice(item.practice)
        if user.staff.has_role(Role.CLINICAL) and user.staff.available
    ]
    return len(notify(recipients, item, AlertKind.RED_FLAG))
