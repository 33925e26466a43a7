"""Red flags at intake: the clinical team hears at once, in the app and by email."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from closeloop.practices.choices import Role
from closeloop.practices.selectors import staff_for_practice
from closeloop.queue.models import AlertKind, StaffAlert, SupportItem

logger = logging.getLogger(__name__)


def alert_clinical_team(item: SupportItem) -> int:
    """In-app alerts for on-duty clinical staff of the practice, and their emails queued."""
    recipients = [
        user
        for user in staff_for_practice(item.practice)
        if user.staff.has_role(Role.CLINICAL) and user.staff.available
    ]
    StaffAlert.objects.bulk_create(
        StaffAlert(user=user, item=item, kind=AlertKind.RED_FLAG) for user in recipients
    )
    if recipients:
        # Enqueued in this transaction: no alert without its email, no email without the alert.
        send_red_flag_emails.enqueue(item.pk)
    return len(recipients)


def _claim(alert_ids: Sequence[int]) -> list[StaffAlert]:
    claimed = []
    for alert_id in alert_ids:
        # Conditional update: a retried task or a second worker never emails twice.
        if StaffAlert.objects.filter(pk=alert_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        ):
            claimed.append(
                StaffAlert.objects.select_related("user", "item__practice").get(pk=alert_id)
            )
    return claimed


@task()
def send_red_flag_emails(item_id: int) -> int:
    """Email each alerted clinician once. Minimum necessary: no name, symptom or message text."""
    pending = StaffAlert.objects.filter(
        item_id=item_id, kind=AlertKind.RED_FLAG, emailed_at__isnull=True
    ).values_list("pk", flat=True)
    sent = 0
    for alert in _claim(list(pending)):
        if not alert.user.email:
            continue
        try:
            send_mail(
                subject=f"[Closeloop] Urgent: item #{alert.item_id} at {alert.item.practice.name}",
                message=(
                    f"A contact at {alert.item.practice.name} was flagged for urgent symptoms at "
                    f"intake and routed to the clinical team.\n\n"
                    f"Open item #{alert.item_id} in Closeloop: "
                    f"{settings.CLOSELOOP_BASE_URL.rstrip('/')}/items/{alert.item_id}/\n"
                ),
                from_email=None,
                recipient_list=[alert.user.email],
            )
        except Exception:
            # Give the claim back so a retry sends it; the task run is marked failed.
            StaffAlert.objects.filter(pk=alert.pk).update(emailed_at=None)
            raise
        sent += 1
    logger.info("red-flag emails for item %s: %s sent", item_id, sent)
    return sent
