"""Staff notifications: in-app alerts (the bell) and email, each sent exactly once.

Emails never carry patient details: the subject and body name the item number and practice
only. People who chose a daily digest get one email at closing instead of one per alert.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from closeloop.practices.choices import Role
from closeloop.practices.models import Practice
from closeloop.practices.selectors import staff_for_practice
from closeloop.queue.models import AlertKind, StaffAlert, SupportItem

logger = logging.getLogger(__name__)


def supervisors_of(practice: Practice) -> list[Any]:
    return [u for u in staff_for_practice(practice) if u.staff.has_role(Role.SUPERVISOR)]


def notify(users: Iterable[Any], item: SupportItem, kind: str) -> list[StaffAlert]:
    """Alert each person once (in the bell) and queue their email in this transaction."""
    unique = {user.pk: user for user in users if user is not None}
    alerts = StaffAlert.objects.bulk_create(
        StaffAlert(user=user, item=item, kind=kind) for user in unique.values()
    )
    immediate = [a.pk for a in alerts if not _wants_digest(unique[a.user_id])]
    if immediate:
        send_alert_emails.enqueue(immediate)
    return alerts


def _wants_digest(user: Any) -> bool:
    profile = getattr(user, "staff", None)
    return bool(profile and profile.email_digest)


def item_url(item_id: int) -> str:
    return f"{settings.CLOSELOOP_BASE_URL.rstrip('/')}/items/{item_id}/"


def _claim(alert_ids: Iterable[int]) -> list[StaffAlert]:
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


def _send(alert: StaffAlert) -> bool:
    if not alert.user.email:
        return False
    label = AlertKind(alert.kind).label
    try:
        send_mail(
            subject=f"[Closeloop] {label}: item #{alert.item_id} at {alert.item.practice.name}",
            message=f"{label}.\n\nOpen item #{alert.item_id}: {item_url(alert.item_id)}\n",
            from_email=None,
            recipient_list=[alert.user.email],
        )
    except Exception:
        # Give the claim back so the retry sends it.
        StaffAlert.objects.filter(pk=alert.pk).update(emailed_at=None)
        raise
    return True


@task()
def send_alert_emails(alert_ids: list[int]) -> int:
    sent = sum(_send(alert) for alert in _claim(alert_ids))
    logger.info("alert emails: %s sent", sent)
    return sent


def pending_alert_emails(older_than_seconds: int = 120) -> QuerySet[StaffAlert]:
    """Immediate alerts whose email task was lost (a killed worker): the sweep re-drives them."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return StaffAlert.objects.filter(
        emailed_at__isnull=True, created_at__lte=cutoff, user__staff__email_digest=False
    ).exclude(user__email="")


def send_digests(users: Iterable[Any]) -> int:
    """One email per digest user listing their alerts not yet emailed."""
    sent = 0
    for user in users:
        pending = list(
            StaffAlert.objects.filter(user=user, emailed_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        claimed = _claim(pending)
        if not claimed or not user.email:
            continue
        lines = [
            f"- {AlertKind(a.kind).label}: item #{a.item_id} at {a.item.practice.name} "
            f"{item_url(a.item_id)}"
            for a in claimed
        ]
        send_mail(
            subject=f"[Closeloop] Your daily digest: {len(claimed)} alert(s)",
            message="\n".join(lines) + "\n",
            from_email=None,
            recipient_list=[user.email],
        )
        sent += 1
    return sent
