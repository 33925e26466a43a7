"""Staff notifications: in-app alerts (the bell), and their emails and texts.

Each email or text is an ``AlertDelivery`` row written in the transaction that raised the
alert; a task sends it, and the sweep re-drives any whose task was lost or whose sender died
mid-send (see ``AlertDelivery``). Nothing carries patient details: emails and texts name the
practice and the item number only. People who chose a daily digest get one email at closing
instead of one per alert — except for urgent symptoms, which never wait.

An admin's change to an account (a temporary password, a two-factor reset, an unlock, a new
email address) alerts the person and the organization admins the same way
(``notify_account``), at once, naming who did what to whose account — never a password; a new
address is told to the old one.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django_tasks import task

from closeloop.core import claims
from closeloop.core.history import is_history
from closeloop.core.sms import send_sms
from closeloop.core.types import Actor, User
from closeloop.practices.choices import Role
from closeloop.practices.local_time import for_staff
from closeloop.practices.models import Practice, sms_account
from closeloop.practices.selectors import home_practice, staff_for_practice
from closeloop.security.credentials import mfa_required
from closeloop.support_queue.models import (
    ACCOUNT_ALERTS,
    URGENT_ALERTS,
    AlertDelivery,
    AlertKind,
    DeliveryChannel,
    StaffAlert,
    SupportItem,
)

logger = logging.getLogger(__name__)

#: Failed sends are retried (one a minute, by the sweep) this many times, then given up on.
MAX_ATTEMPTS = 5


def supervisors_of(practice: Practice) -> list[User]:
    return [u for u in staff_for_practice(practice) if u.staff.has_role(Role.SUPERVISOR)]


def notify_group(user: User, items: list[SupportItem], kind: str, *, sender: Actor) -> int:
    """One alert for several items (a shift handoff, an absence's cover): one row in the bell
    listing them, one email; in this transaction. Returns how many items it names."""
    if user is None or not items:
        return 0
    batch = secrets.token_hex(16)
    alerts = StaffAlert.objects.bulk_create(
        StaffAlert(user=user, item=item, kind=kind, batch=batch, sender=sender) for item in items
    )
    if user.email and not is_history():
        held = _wants_digest(user)
        (delivery,) = AlertDelivery.objects.bulk_create(
            [
                AlertDelivery(
                    alert=alerts[0], channel=DeliveryChannel.EMAIL, to=user.email, held=held
                )
            ]
        )
        if not held:
            send_alert_deliveries.enqueue([delivery.pk])
    return len(alerts)


def notify(
    users: Iterable[Actor],
    item: SupportItem,
    kind: str,
    *,
    text: bool = False,
    sender: Actor = None,
) -> list[StaffAlert]:
    """Alert each person once (in the bell) and queue their email — and with ``text`` a text
    to their mobile — in this transaction."""
    return notify_each([(users, item)], kind, text=text, sender=sender)


def notify_each(
    alerts_for: Iterable[tuple[Iterable[Actor], SupportItem]],
    kind: str,
    *,
    text: bool = False,
    sender: Actor = None,
) -> list[StaffAlert]:
    """``notify`` for several items at once (the sweep's batches): each item's people alerted
    once; one insert of the alerts, one of their deliveries, one task for the emails."""
    wanted = []
    for users, item in alerts_for:
        unique = {user.pk: user for user in users if user is not None}
        wanted += [(user, item) for user in unique.values()]
    alerts = StaffAlert.objects.bulk_create(
        StaffAlert(user=user, item=item, kind=kind, sender=sender) for user, item in wanted
    )
    if is_history():
        return alerts  # history (a backfill, the demo's past weeks): in the bell, never sent
    deliveries = []
    for alert, (user, _) in zip(alerts, wanted, strict=True):
        if user.email:
            held = kind not in URGENT_ALERTS and _wants_digest(user)
            deliveries.append(
                AlertDelivery(alert=alert, channel=DeliveryChannel.EMAIL, to=user.email, held=held)
            )
        mobile = getattr(getattr(user, "staff", None), "mobile", "")
        if text and mobile:
            deliveries.append(AlertDelivery(alert=alert, channel=DeliveryChannel.SMS, to=mobile))
    created = AlertDelivery.objects.bulk_create(deliveries)
    immediate = [d.pk for d in created if not d.held]
    if immediate:
        send_alert_deliveries.enqueue(immediate)
    return alerts


def notify_account(users: Iterable[User], *, about: User, kind: str, sender: Actor) -> int:
    """Alert each person once (in the bell) and queue their email at once (never held for a
    digest), in this transaction: ``sender`` changed ``about``'s account. Returns how many
    emails are queued."""
    if kind not in ACCOUNT_ALERTS:
        raise ValueError(f"{kind} is not an account alert")
    unique = list({user.pk: user for user in users if user is not None}.values())
    alerts = StaffAlert.objects.bulk_create(
        StaffAlert(user=user, item=None, about=about, kind=kind, sender=sender) for user in unique
    )
    created = AlertDelivery.objects.bulk_create(
        AlertDelivery(alert=alert, channel=DeliveryChannel.EMAIL, to=user.email)
        for alert, user in zip(alerts, unique, strict=True)
        if user.email
    )
    if created:
        send_alert_deliveries.enqueue([d.pk for d in created])
    return len(created)


def _wants_digest(user: User) -> bool:
    profile = getattr(user, "staff", None)
    return bool(profile and profile.email_digest)


def item_url(item_id: int) -> str:
    return f"{settings.CLOSELOOP_BASE_URL.rstrip('/')}/items/{item_id}/"


PENDING = Q(sent_at__isnull=True, failed_at__isnull=True)


def _claimable(now: datetime) -> Q:
    return PENDING & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claims.lease()))


def _claim(ids: Iterable[int], now: datetime) -> list[AlertDelivery]:
    """Take the lease on the deliveries not sent, not given up on and not leased by a live
    sender; returns the ones taken (with their alert, person and practice)."""
    lease = secrets.token_hex(16)
    AlertDelivery.objects.filter(_claimable(now), pk__in=list(ids)).update(
        claimed_at=now, lease=lease, attempts=F("attempts") + 1
    )
    return list(
        AlertDelivery.objects.filter(lease=lease, sent_at__isnull=True)
        .select_related("alert__user", "alert__item__practice", "alert__about", "alert__sender")
        .order_by("pk")
    )


def _sent(deliveries: Iterable[AlertDelivery]) -> None:
    AlertDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        sent_at=timezone.now(), error=""
    )


def _failed(deliveries: Iterable[AlertDelivery], exc: Exception) -> None:
    """Give the lease back for the sweep's retry, or give up after ``MAX_ATTEMPTS``."""
    now = timezone.now()
    for delivery in deliveries:
        gave_up = delivery.attempts >= MAX_ATTEMPTS
        AlertDelivery.objects.filter(pk=delivery.pk).update(
            claimed_at=None,
            lease="",
            error=type(exc).__name__[:200],
            failed_at=now if gave_up else None,
        )
        logger.warning(
            "alert %s %s to user %s failed (attempt %s%s): %s",
            delivery.alert_id,
            delivery.channel,
            delivery.alert.user_id,
            delivery.attempts,
            ", given up" if gave_up else "",
            type(exc).__name__,
        )


def _label(alert: StaffAlert) -> str:
    return str(AlertKind(alert.kind).label)


def _name(user: Actor) -> str:
    if user is None:
        return "an admin"
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else str(user.get_username())


def _when(alert: StaffAlert) -> str:
    """When, on the clock of the reader's first practice (UTC if they serve none)."""
    practice = home_practice(alert.user)
    clock = practice or SimpleNamespace(timezone="UTC")
    return for_staff(clock, alert.created_at)


def _send_account(delivery: AlertDelivery) -> None:
    """Who changed whose account, and when; what to do if it was not expected."""
    alert = delivery.alert
    yours = alert.about_id == alert.user_id
    whose = "your account" if yours else f"the account of {_name(alert.about)}"
    who, their = ("you", "your") if yours else ("they", "their")
    next_steps: dict[str, str] = {
        AlertKind.PASSWORD_RESET: (
            f"At {their} next sign-in {who} choose a password of {their} own."
        ),
        AlertKind.MFA_RESET: (
            f"At {their} next sign-in {who} set up an authenticator again."
            if mfa_required(alert.about)
            else f"Two-factor sign-in is not required: {who} may set it up again on {their} "
            "account page."
        ),
        AlertKind.UNLOCKED: "The sign-in had been locked after repeated failed attempts.",
        AlertKind.EMAIL_CHANGED: (
            f"Closeloop's notices for {whose} (password and sign-in changes among them) now go "
            "to another address; this is the last one sent to the address it had."
            if yours
            else f"Closeloop's notices for {whose} now go to another address."
        ),
        AlertKind.REACTIVATED: (
            f"{who.capitalize()} may sign in again; emergency access {who} held or granted "
            "before the deactivation stays ended."
        ),
    }
    then = next_steps.get(alert.kind, "")
    EmailMessage(
        subject=f"[Closeloop] {_label(alert)}: {whose}",
        body=(
            f"{_label(alert)}: {whose}, by {_name(alert.sender)}, on {_when(alert)}.\n\n"
            f"{then}\n\n"
            "If this was not expected, tell an organization admin at once.\n"
        ),
        to=[delivery.to],
        headers={"X-Closeloop-Delivery": f"alert-{delivery.pk}"},
    ).send()


def _send_one(delivery: AlertDelivery) -> None:
    alert = delivery.alert
    item = alert.item
    if item is None:
        _send_account(delivery)
        return
    practice = item.practice
    if delivery.channel == DeliveryChannel.SMS:
        send_sms(
            sms_account(practice),
            to=delivery.to,
            body=f"Closeloop, {practice.name}: {_label(alert)}. Item #{item.pk}: "
            f"{item_url(item.pk)}",
            what=f"alert {alert.pk}",
        )
        return
    if alert.batch:
        ids = list(
            StaffAlert.objects.filter(batch=alert.batch)
            .order_by("pk")
            .values_list("item_id", flat=True)
        )
        lines = "".join(f"  #{pk}: {item_url(pk)}\n" for pk in ids if pk is not None)
        subject = f"[Closeloop] {_label(alert)}: {len(ids)} item(s)"
        body = f"{_label(alert)}.\n\n{lines}"
    else:
        subject = f"[Closeloop] {_label(alert)}: item #{item.pk} at {practice.name}"
        body = f"{_label(alert)}.\n\nOpen item #{item.pk}: {item_url(item.pk)}\n"
    EmailMessage(
        subject=subject,
        body=body,
        to=[delivery.to],
        # Stable across retries: delivery is at least once, and this says which one it is.
        headers={"X-Closeloop-Delivery": f"alert-{delivery.pk}"},
    ).send()


def deliver(ids: Iterable[int]) -> int:
    """Send each delivery not already sent or leased; each is marked sent as soon as it was
    accepted, so a sender killed part-way loses none of the rest. Each is leased just before
    it is sent: a task carrying many deliveries (a sweep's batch) never outlives the lease on
    the ones it has not reached yet, which another sender would then take over and send too."""
    sent = 0
    for delivery_id in sorted(set(ids)):
        for delivery in _claim([delivery_id], timezone.now()):
            if delivery.held:
                continue  # a digest's: sent with the digest
            try:
                _send_one(delivery)
            except Exception as exc:
                _failed([delivery], exc)
                continue
            _sent([delivery])
            sent += 1
    return sent


@task()
def send_alert_deliveries(delivery_ids: list[int]) -> int:
    sent = deliver(delivery_ids)
    logger.info("alert deliveries: %s sent", sent)
    return sent


def lost_deliveries(now: datetime | None = None) -> QuerySet[AlertDelivery]:
    """Deliveries to send now that no live sender holds: never tried (their task was lost),
    retried after a failure, or leased by a sender that died; and a digest's, when the person
    stopped taking digests."""
    now = now or timezone.now()
    immediate = Q(held=False) | Q(alert__user__staff__email_digest=False)
    return AlertDelivery.objects.filter(
        _claimable(now), immediate, created_at__lte=now - claims.redrive_after()
    ).order_by("pk")


def stale_digests(now: datetime | None = None) -> QuerySet[AlertDelivery]:
    """Digest rows whose digest's sender died mid-send: their people get it again."""
    now = now or timezone.now()
    return AlertDelivery.objects.filter(PENDING, held=True, claimed_at__lt=now - claims.lease())


def send_digest(user: User) -> bool:
    """One email listing ``user``'s held alerts; True when it went out."""
    pending = AlertDelivery.objects.filter(
        PENDING, held=True, alert__user=user, channel=DeliveryChannel.EMAIL
    ).values_list("pk", flat=True)
    claimed = _claim(pending, timezone.now())
    if not claimed:
        return False
    lines = [
        f"- {_label(d.alert)}: item #{item.pk} at {item.practice.name} {item_url(item.pk)}"
        for d in claimed
        if (item := d.alert.item) is not None  # account alerts are never held for a digest
    ]
    try:
        EmailMessage(
            subject=f"[Closeloop] Your daily digest: {len(claimed)} alert(s)",
            body="\n".join(lines) + "\n",
            to=[claimed[-1].to],
            # Stable across retries, like each alert's: the digest of these deliveries.
            headers={"X-Closeloop-Delivery": f"alert-digest-{min(d.pk for d in claimed)}"},
        ).send()
    except Exception as exc:
        _failed(claimed, exc)
        return False
    _sent(claimed)
    return True


def send_digests(users: Iterable[Any]) -> int:
    return sum(send_digest(user) for user in users)
