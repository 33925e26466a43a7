"""Emergency access grants now belong to the practices app, beside the tenant filter that
reads them (state only: the table ``security_emergencyaccess`` stays)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0002_audit_append_only_triggers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="EmergencyAccess")],
            database_operations=[],
        ),
    ]
