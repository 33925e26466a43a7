"""The end-of-day and weekly emails to supervisors (counts only: no patient details)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from closeloop.core import claims
from closeloop.metrics.models import DailySnapshot, WeeklyReview
from closeloop.metrics.pdf import weekly_review_pdf
from closeloop.metrics.presentation import WEEK_BEFORE, change_arrow, change_sentence, humanize
from closeloop.metrics.weekly import weekly_review
from closeloop.practices.models import Practice
from closeloop.support_queue.alerts import supervisors_of

#: Every email carries it, the same on a retry (a sender killed after the server accepted
#: sends again): how a mailbox rule, a log search or the soak tells a copy from a new email.
DELIVERY_HEADER = "X-Closeloop-Delivery"


def _send_to_supervisors(practice: Practice, subject: str, body: str, key: str) -> int:
    recipients = [u.email for u in supervisors_of(practice) if u.email]
    if recipients:
        EmailMessage(
            subject=subject, body=body, to=recipients, headers={DELIVERY_HEADER: key}
        ).send()
    return len(recipients)


#: Reports older than this are not re-driven (after an outage, nobody wants last month's).
REDRIVE_WITHIN = timedelta(days=3)


def _unsent(now: datetime) -> Q:
    return Q(emailed_at__isnull=True) & (
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - claims.lease())
    )


def _claim(model: Any, pk: int) -> bool:
    """The sending lease; ``emailed_at`` is set only once the mail server accepted it."""
    now = timezone.now()
    return bool(model.objects.filter(_unsent(now), pk=pk).update(email_claimed_at=now))


def _sent(model: Any, pk: int) -> None:
    model.objects.filter(pk=pk).update(emailed_at=timezone.now())


def _release(model: Any, pk: int) -> None:
    model.objects.filter(pk=pk).update(email_claimed_at=None)


def redrive_reports(now: datetime) -> int:
    """Snapshots and reviews whose email task was lost or whose sender died mid-send."""
    since, settled = now - REDRIVE_WITHIN, now - claims.redrive_after()
    sent = 0
    snapshots = DailySnapshot.objects.filter(
        _unsent(now), taken_at__gte=since, taken_at__lt=settled
    )
    for pk in list(snapshots.values_list("pk", flat=True)):
        sent += bool(email_snapshot.call(pk))
    reviews = WeeklyReview.objects.filter(
        _unsent(now), created_at__gte=since, created_at__lt=settled
    )
    for pk in list(reviews.values_list("pk", flat=True)):
        sent += bool(email_weekly_review.call(pk))
    return sent


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
        sent = _send_to_supervisors(
            snapshot.practice,
            f"[Closeloop] End of day {snapshot.date:%a %b %d} at {snapshot.practice.name}",
            "\n".join(lines) + "\n",
            f"end-of-day-{snapshot_id}",
        )
    except Exception:
        _release(DailySnapshot, snapshot_id)
        raise
    _sent(DailySnapshot, snapshot_id)
    return sent


def weekly_summary(review: dict[str, Any]) -> dict[str, Any]:
    """The headline figures kept on the WeeklyReview row (the full review is rebuilt from the
    same definitions whenever it is viewed)."""
    summary: dict[str, Any] = {h["key"]: h["value"] for h in review["changes"]}
    summary["open_now"] = review["open_issues"]["count"]
    summary["suggestions"] = [s["rule"] for s in review["suggestions"]]
    return summary


def weekly_email_body(review: dict[str, Any]) -> str:
    """The review in plain text: figures, categories, staff and item numbers; no patient
    details (the PDF attached says the same)."""
    lines = [
        f"Weekly review for {review['practice']}: {review['week_start']:%a %b %d} to "
        f"{review['week_end']:%a %b %d}",
        "",
        "What to try next:",
        *([f"  - {s['text']}" for s in review["suggestions"]] or ["  Nothing stands out."]),
        "",
        "What changed since last week:",
        *(
            f"  {h['label']}: {humanize(h['value'], h['unit'])}, "
            + " ".join(filter(None, [change_arrow(h), change_sentence(h, WEEK_BEFORE)]))
            for h in review["changes"]
        ),
        "",
        f"Open at the end of the week: {review['open_issues']['count']} "
        f"({review['open_issues']['broken_now']} past their promised update time)",
        f"Broken promises this week: {review['broken_promises']['count']}",
        "",
        "Load against cap (open items held / cap):",
        *(
            f"  {r['person']}: {r['open']} / {r['cap']}"
            + (" (over cap)" if r["over"] else "")
            + (" (away)" if r["away"] else "")
            for r in review.get("load", [])
        ),
        "",
        f"Details: {settings.CLOSELOOP_BASE_URL.rstrip('/')}/metrics/weekly/",
    ]
    return "\n".join(lines) + "\n"


@task()
def email_weekly_review(review_id: int) -> int:
    """The review of the week before ``week_start``, with the PDF, to the supervisors."""
    if not _claim(WeeklyReview, review_id):
        return 0
    row = WeeklyReview.objects.select_related("practice").get(pk=review_id)
    practice = row.practice
    try:
        review = weekly_review(practice, row.week_start - timedelta(days=7), timezone.now())
        WeeklyReview.objects.filter(pk=review_id).update(summary=weekly_summary(review))
        recipients = [u.email for u in supervisors_of(practice) if u.email]
        if recipients:
            message = EmailMessage(
                subject=f"[Closeloop] Weekly review to {row.week_start:%b %d} at {practice.name}",
                body=weekly_email_body(review),
                to=recipients,
                headers={DELIVERY_HEADER: f"weekly-review-{review_id}"},
            )
            message.attach(
                f"weekly-review-{practice.slug}-{review['week_start']}.pdf",
                weekly_review_pdf(review),
                "application/pdf",
            )
            message.send()
    except Exception:
        _release(WeeklyReview, review_id)
        raise
    _sent(WeeklyReview, review_id)
    return len(recipients)
