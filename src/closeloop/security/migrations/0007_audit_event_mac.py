"""Each audit event's own MAC (``chain.event_mac``), made when it is written.

The column is added with a plain ``ALTER TABLE … ADD COLUMN`` on both databases: Django's
``AddField`` rebuilds a SQLite table, which would drop the append-only triggers
(0002_audit_append_only_triggers). Existing rows get an empty MAC: "sealed before keyed
events" when linked, otherwise sealed by ``closeloop audit seal --unkeyed`` (SECURITY.md).
"""

from django.db import migrations, models


def add_column(apps, schema_editor):
    schema_editor.execute(
        "ALTER TABLE security_auditevent ADD COLUMN mac varchar(64) NOT NULL DEFAULT ''"
    )


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE security_auditevent DROP COLUMN mac")


class Migration(migrations.Migration):
    dependencies = [("security", "0006_audit_link_sealed_at")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="auditevent",
                    name="mac",
                    field=models.CharField(blank=True, default="", max_length=64),
                )
            ],
            database_operations=[migrations.RunPython(add_column, drop_column)],
        )
    ]
