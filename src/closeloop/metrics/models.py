"""End-of-day snapshots and weekly reviews: one row per practice and day (or week), ever.

Taken by the periodic work, read by the metrics. The tables keep the names of the app that
first held them (``followup_…``).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from closeloop.practices.models import Practice


class DailySnapshot(models.Model):
    """The practice's open work at closing time, kept for metrics (open items per day)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="snapshots")
    date = models.DateField()
    taken_at = models.DateTimeField(default=timezone.now)
    open_items = models.PositiveIntegerField()
    broken_promises = models.PositiveIntegerField()
    by_category = models.JSONField(default=dict)
    by_owner = models.JSONField(default=dict)
    by_age = models.JSONField(default=dict)
    #: Set once the mail server accepted the email (``periodic.reports``).
    emailed_at = models.DateTimeField(null=True, blank=True)
    #: The sending worker's lease; a stale one (the worker died) is taken over by the sweep.
    email_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "followup_dailysnapshot"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["practice", "date"], name="one_snapshot_per_day")
        ]
        ordering: ClassVar = ["-date"]

    def __str__(self) -> str:
        return f"{self.practice} {self.date}"


class WeeklyReview(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="weekly_reviews")
    week_start = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    summary = models.JSONField(default=dict)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "followup_weeklyreview"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["practice", "week_start"], name="one_review_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.practice} week of {self.week_start}"
