"""The pre-visit telehealth check, as periodic work: a telehealth visit whose check came due
unfinished becomes a telehealth-access item linked to the visit."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from closeloop.appointments.models import ACTIVE_STATUSES, Appointment, Mode
from closeloop.appointments.services import CHECK_LABELS, CHECK_STEPS
from closeloop.intake.services import Contact, file_item
from closeloop.practices.defaults import TELEHEALTH_CATEGORY
from closeloop.practices.models import Category
from closeloop.support_queue.models import OPEN_STATUSES, Channel, SupportItem


def _check_summary(appointment: Appointment) -> str:
    missing = [
        CHECK_LABELS[step].lower()
        for step, (at_field, _) in CHECK_STEPS.items()
        if getattr(appointment, at_field) is None
    ]
    return f"Pre-visit telehealth check: {' and '.join(missing)} still to do"


def visit_checks_due(now: datetime) -> int:
    """Telehealth visits whose pre-visit check came due unfinished become telehealth items,
    linked to the visit (so they are due before it and escalate if still open). Claimed with
    a conditional update: one item per visit, however many workers run this."""
    due = Appointment.objects.filter(
        check_reminded_at__isnull=True,
        mode=Mode.TELEHEALTH,
        check_due_at__lte=now,
        start__gt=now,
        status__in=ACTIVE_STATUSES,
    ).values_list("pk", flat=True)
    created = 0
    for appointment_id in list(due):
        with transaction.atomic():
            won = Appointment.objects.filter(
                pk=appointment_id, check_reminded_at__isnull=True
            ).update(check_reminded_at=now)
            if not won:
                continue
            appointment = Appointment.objects.select_related("practice", "patient").get(
                pk=appointment_id
            )
            if appointment.check_complete or appointment.patient is None:
                continue
            already = SupportItem.objects.filter(
                appointment=appointment,
                status__in=OPEN_STATUSES,
                category__code=TELEHEALTH_CATEGORY,
            ).exists()
            if already:
                continue
            _open_check_item(appointment)
            created += 1
    return created


def _open_check_item(appointment: Appointment) -> SupportItem:
    category = Category.objects.get(practice=appointment.practice, code=TELEHEALTH_CATEGORY)
    filed = file_item(
        practice=appointment.practice,
        actor=None,
        contact=Contact(
            channel=Channel.INTERNAL,
            summary=_check_summary(appointment),
            patient=appointment.patient,
        ),
        category=category,
        appointment=appointment,
    )
    return filed.item
