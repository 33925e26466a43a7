"""Alert emails and texts: claimed with a lease, marked sent one by one after the server
accepted them, re-driven when a sender died, retried after a failure, given up after five."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from closeloop.core.claims import lease
from closeloop.periodic.sweep import sweep
from closeloop.practices.models import StaffProfile
from closeloop.practices.services import staff_create
from closeloop.support_queue import alerts
from closeloop.support_queue.alerts import MAX_ATTEMPTS, deliver, notify
from closeloop.support_queue.models import AlertDelivery, AlertKind

MINUTE = timedelta(minutes=1)


@pytest.fixture
def people(org: Any, riverside: Any) -> list[Any]:
    return [
        staff_create(
            organization=org,
            username=f"staff{n}",
            password="pw",
            roles=["support"],
            practices=[riverside],
            email=f"staff{n}@example.com",
        )  # fmt: skip
        for n in range(3)
    ]


class FlakySmtp:
    """The mail server, refusing the addresses in ``down`` (all of them when it is True)."""

    def __init__(self, monkeypatch: Any, down: Any) -> None:
        self.down = down
        real_send = EmailMessage.send

        def send(message: EmailMessage, fail_silently: bool = False) -> int:
            if self.down is True or set(message.to) & set(self.down or ()):
                raise ConnectionError("SMTP went away")
            return real_send(message, fail_silently)

        monkeypatch.setattr(EmailMessage, "send", send)


def test_each_email_is_marked_sent_as_it_goes_so_a_failure_loses_none(
    clock, make_item, people, monkeypatch
) -> None:
    item = make_item()
    notify(people, item, AlertKind.HANDOFF)
    smtp = FlakySmtp(monkeypatch, down={"staff1@example.com"})
    assert deliver(AlertDelivery.objects.values_list("pk", flat=True)) == 2
    failed = AlertDelivery.objects.get(to="staff1@example.com")
    assert (failed.sent_at, failed.claimed_at, failed.error) == (None, None, "ConnectionError")
    assert AlertDelivery.objects.filter(sent_at__isnull=False).count() == 2
    # The sweep retries it once the server is back; nothing is sent twice.
    smtp.down = None
    clock.shift(3 * MINUTE)
    assert sweep().handled["alert_deliveries"] == 1
    assert sorted(m.to[0] for m in mail.outbox) == [p.email for p in people]
    # Each carries its stable delivery id (for receivers of an at-least-once stream).
    ids = {m.extra_headers["X-Closeloop-Delivery"] for m in mail.outbox}
    assert ids == {f"alert-{pk}" for pk in AlertDelivery.objects.values_list("pk", flat=True)}


def test_a_sender_killed_mid_send_leaves_a_lease_the_sweep_takes_over(
    clock, make_item, people
) -> None:
    item = make_item()
    notify(people[:1], item, AlertKind.HANDOFF)
    # A worker claimed it and died before the SMTP server answered.
    delivery = AlertDelivery.objects.get()
    alerts._claim([delivery.pk], delivery.created_at)
    clock.shift(lease() - MINUTE / 2)
    assert "alert_deliveries" not in sweep().handled  # the lease is still live
    assert mail.outbox == []
    clock.shift(lease())
    assert sweep().handled["alert_deliveries"] == 1
    assert [m.to for m in mail.outbox] == [["staff0@example.com"]]
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.sent_at is not None
    assert "alert_deliveries" not in sweep().handled


def test_a_delivery_that_keeps_failing_is_given_up_after_five_attempts(
    clock, make_item, people, monkeypatch
) -> None:
    FlakySmtp(monkeypatch, down=True)
    notify(people[:1], make_item(), AlertKind.HANDOFF)
    deliver(AlertDelivery.objects.values_list("pk", flat=True))
    for _ in range(MAX_ATTEMPTS):
        clock.shift(3 * MINUTE)
        sweep()
    delivery = AlertDelivery.objects.get()
    assert delivery.attempts == MAX_ATTEMPTS and delivery.failed_at is not None
    assert delivery.sent_at is None and delivery.error == "ConnectionError"


def test_urgent_symptoms_never_wait_for_a_digest(clock, make_item, people) -> None:
    StaffProfile.objects.filter(user=people[0]).update(email_digest=True)
    people[0].staff.refresh_from_db()
    item = make_item()
    notify(people[:1], item, AlertKind.HANDOFF)
    notify(people[:1], item, AlertKind.RED_FLAG)
    held = dict(AlertDelivery.objects.values_list("alert__kind", "held"))
    assert held == {AlertKind.HANDOFF: True, AlertKind.RED_FLAG: False}


def test_one_alert_for_several_items_is_one_email_listing_each(
    clock, make_item, people, riverside
) -> None:
    first, second = make_item(), make_item()
    assert alerts.notify_group(people[0], [first, second], AlertKind.HANDOFF, sender=None) == 2
    deliver(AlertDelivery.objects.values_list("pk", flat=True))
    (email,) = mail.outbox
    assert email.subject.endswith(": 2 item(s)") and email.to == ["staff0@example.com"]
    assert f"#{first.pk}: " in email.body and f"#{second.pk}: " in email.body
    delivery = AlertDelivery.objects.get()
    assert email.extra_headers["X-Closeloop-Delivery"] == f"alert-{delivery.pk}"
