"""The end-of-day and weekly emails to supervisors (counts only: no patient details)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.mail import send_mail
from django.db.models import Count, Q
from django.utils import timezone
from django_tasks import task

from closeloop.followup.models import DailySnapshot, WeeklyReview
from closeloop.followup.notify import supervisors_of
from closeloop.practices.models import Practice
from closeloop.queue.models import OPEN_STATUSES, EventCode, SupportItem, TimelineEvent


def _send_to_supervisors(practice: Practice, subject: str, body: str) -> int:
    recipients = [u.email for u in supervisors_of(practice) if u.email]
    if recipients:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)
    return len(recipients)


def _claim(model: Any, pk: int) -> bool:
    return bool(
        model.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    )


@task()
def email_snapshot(snapshot_id: int) -> int:
    if not _claim(DailySnapshot, snapshot_id):
        return 0
    snapshot = DailySnapshot.objects.select_related("practice").get(pk=snapshot_id)
    lines = [
        f"Open items at closing: {snapshot.open_items}",
        f"Broken promises (update time passed): {snapshot.broken_promises}",
        "",
        "By category:",
        *(f"  {code}: {n}" for code, n in sorted(snapshot.by_category.items())),
        "By owner:",
        *(f"  {who}: {n}" for who, n in sorted(snapshot.by_owner.items())),
        "By age:",
        *(f"  {age}: {n}" for age, n in sorted(snapshot.by_age.items())),
    ]
    try:
        return _send_to_supervisors(
            snapshot.practice,
            f"[Closeloop] End of day {snapshot.date:%a %b %d} at {snapshot.practice.name}",
            "\n".join(lines) + "\n",
        )
    except Exception:
        DailySnapshot.objects.filter(pk=snapshot_id).update(emailed_at=None)
        raise


def weekly_summary(practice: Practice, week_start: date) -> dict[str, int]:
    """Last week's recovery in numbers (the metrics dashboard goes deeper)."""
    zone = practice.calendar().tz
    end = datetime.combine(week_start, datetime.min.time(), tzinfo=zone)
    start = end - timedelta(days=7)
    items = SupportItem.objects.for_practice(practice)
    created = items.filter(created_at__gte=start, created_at__lt=end)
    events = TimelineEvent.objects.for_practice(practice).filter(at__gte=start, at__lt=end)
    counts = events.aggregate(
        broken=Count("id", filter=Q(code=EventCode.PROMISE_BROKEN)),
        escalated=Count(
            "id", filter=Q(code__in=[EventCode.ESCALATED, EventCode.PROMISE_ESCALATED])
        ),
        repeats=Count("id", filter=Q(code=EventCode.REPEAT_CONTACT)),
        resolved=Count("id", filter=Q(code=EventCode.RESOLVED)),
    )
    return {
        "new_items": created.count(),
        "resolved": counts["resolved"],
        "open_now": items.filter(status__in=OPEN_STATUSES).count(),
        "broken_promises": counts["broken"],
        "escalations": counts["escalated"],
        "repeat_contacts": counts["repeats"],
    }


@task()
def email_weekly_review(review_id: int) -> int:
    if not _claim(WeeklyReview, review_id):
        return 0
    review = WeeklyReview.objects.select_related("practice").get(pk=review_id)
    labels = {
        "new_items": "New items",
        "resolved": "Resolved",
        "open_now": "Open now",
        "broken_promises": "Broken promises",
        "escalations": "Escalations",
        "repeat_contacts": "Repeat contacts",
    }
    body = "\n".join(f"{labels[k]}: {v}" for k, v in review.summary.items() if k in labels)
    try:
        return _send_to_supervisors(
            review.practice,
            f"[Closeloop] Weekly review to {review.week_start:%b %d} at {review.practice.name}",
            body + "\n",
        )
    except Exception:
        WeeklyReview.objects.filter(pk=review_id).update(emailed_at=None)
        raise
