"""Every email Closeloop sends carries ``X-Closeloop-Delivery``, the same on every retry
(issue 29 #8: the soak received a weekly review without one). Email is at least once: a sender
killed between the server's acceptance and the mark sends again, and the label is how a
mailbox rule, a log search or the soak tells the copy from a new email."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from closeloop.messaging.services import deliver, message_send
from closeloop.metrics.models import DailySnapshot, WeeklyReview
from closeloop.periodic.reports import email_snapshot, email_weekly_review
from closeloop.periodic.sweep import sweep
from closeloop.practices.models import StaffProfile
from closeloop.support_queue.models import AlertDelivery
from tests.conftest import planned

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def _emails(assistant: Any, supervisor: Any) -> None:
    for user in (assistant, supervisor):
        user.email = f"{user.username}@example.com"
        user.save()


def label(message: Any) -> str:
    return str(message.extra_headers.get("X-Closeloop-Delivery", ""))


def test_the_end_of_day_and_weekly_review_emails_carry_a_delivery_label(
    clock, make_item, assistant, supervisor
) -> None:
    planned(make_item(), assistant, acknowledge=True, after=HOUR)
    clock.move_to(datetime(2026, 11, 17, 23, 0, tzinfo=UTC))  # 17:00 Chicago, closing
    sweep()
    snapshot = DailySnapshot.objects.get()
    email_snapshot.call(snapshot.pk)
    clock.move_to(datetime(2026, 11, 23, 14, 1, tzinfo=UTC))  # Monday 08:01 Chicago
    sweep()
    reviews = list(WeeklyReview.objects.order_by("pk"))
    for review in reviews:
        email_weekly_review.call(review.pk)
    reports = [m for m in mail.outbox if "End of day" in m.subject or "Weekly" in m.subject]
    assert sorted(label(m) for m in reports) == sorted(
        [f"end-of-day-{snapshot.pk}", *(f"weekly-review-{review.pk}" for review in reviews)]
    )
    assert all(label(m) for m in mail.outbox), [m.subject for m in mail.outbox if not label(m)]


def test_a_digest_carries_the_label_of_the_alerts_it_holds(clock, make_item, assistant) -> None:
    StaffProfile.objects.filter(user=assistant).update(email_digest=True)
    planned(make_item(), assistant, acknowledge=True, after=HOUR)
    planned(make_item(summary="second"), assistant, acknowledge=True, after=HOUR)
    clock.shift(HOUR + timedelta(minutes=1))
    sweep()
    clock.move_to(datetime(2026, 11, 17, 23, 1, tzinfo=UTC))  # after closing: the digest
    sweep()
    digests = [m for m in mail.outbox if "digest" in m.subject]
    assert len(digests) == 1, [m.subject for m in mail.outbox]
    digest = digests[0]
    first = AlertDelivery.objects.filter(held=True).order_by("pk").first()
    assert first is not None and label(digest) == f"alert-digest-{first.pk}"


def test_an_email_to_a_patient_carries_its_message_label(
    clock, make_item, assistant, patient
) -> None:
    patient.email = "ana@example.com"
    patient.save()
    item = planned(make_item(), assistant, next_step="Booked Thursday 9:30")
    message = message_send(
        item=item, actor=assistant, channel="email", purpose="pending_update",
        next_update_at=timezone.now() + timedelta(hours=3),
    )  # fmt: skip
    deliver(message.pk)
    [sent] = mail.outbox
    assert label(sent) == f"message-{message.pk}"
