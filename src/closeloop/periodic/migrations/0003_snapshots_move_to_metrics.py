"""The snapshot and weekly-review models now belong to the metrics app (state only: the
tables stay where they are and keep their names)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0002_worker_heartbeat"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DailySnapshot"),
                migrations.DeleteModel(name="WeeklyReview"),
            ],
            database_operations=[],
        ),
    ]
