"""Snapshots and weekly reviews, taken over from the follow-up app (state only: the tables
``followup_dailysnapshot`` and ``followup_weeklyreview`` were created by its first migration)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("practices", "0001_initial"),
        ("followup", "0003_snapshots_move_to_metrics"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DailySnapshot",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("date", models.DateField()),
                        ("taken_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("open_items", models.PositiveIntegerField()),
                        ("broken_promises", models.PositiveIntegerField()),
                        ("by_category", models.JSONField(default=dict)),
                        ("by_owner", models.JSONField(default=dict)),
                        ("by_age", models.JSONField(default=dict)),
                        ("emailed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "practice",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="snapshots",
                                to="practices.practice",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "followup_dailysnapshot",
                        "ordering": ["-date"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("practice", "date"), name="one_snapshot_per_day"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="WeeklyReview",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("week_start", models.DateField()),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("summary", models.JSONField(default=dict)),
                        ("emailed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "practice",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="weekly_reviews",
                                to="practices.practice",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "followup_weeklyreview",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("practice", "week_start"), name="one_review_per_week"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
