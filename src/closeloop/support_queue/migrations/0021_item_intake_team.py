from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    """Older items: the team item_create filed them to (urgent symptoms: clinical, else the
    category's default team); routing at intake rarely chose another."""
    SupportItem = apps.get_model("support_queue", "SupportItem")
    Category = apps.get_model("practices", "Category")
    SupportItem.objects.filter(red_flag=True).update(intake_team="clinical")
    SupportItem.objects.filter(red_flag=False).update(
        intake_team=Subquery(
            Category.objects.filter(pk=OuterRef("category_id")).values("default_team")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0001_initial"),
        ("support_queue", "0020_item_auto_replied_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="supportitem",
            name="intake_team",
            field=models.CharField(
                blank=True,
                choices=[
                    ("support", "Support"),
                    ("front_desk", "Front desk"),
                    ("clinical", "Clinical"),
                    ("supervisor", "Supervisors"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
