"""Each message keeps the language it is written in and the words staff wrote into it (both
checked again when it leaves); messages queued before take their item's language."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def item_language(apps, schema_editor):
    message_model = apps.get_model("messaging", "OutboundMessage")
    item_model = apps.get_model("support_queue", "SupportItem")
    message_model.objects.update(
        language=Subquery(item_model.objects.filter(pk=OuterRef("item_id")).values("language")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0008_birth_date_checks_per_patient"),
        ("support_queue", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundmessage",
            name="language",
            field=models.CharField(default="en", max_length=3),
        ),
        migrations.AddField(
            model_name="outboundmessage",
            name="staff_words",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="outboundmessage",
            name="state",
            field=models.CharField(
                choices=[
                    ("held", "Held for quiet hours"),
                    ("needs_owner", "Held for the owner to fix"),
                    ("queued", "Queued"),
                    ("sending", "Sending"),
                    ("sent", "Sent"),
                    ("delivered", "Delivered"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=12,
            ),
        ),
        migrations.RunPython(item_language, migrations.RunPython.noop),
    ]
