from django.db import migrations

OTHER = {
    "code": "other",
    "name": "Other (needs sorting)",
    "default_team": "support",
    "default_skill": "",
    "default_urgency": "routine",
    "first_response_minutes": 120,
    "update_interval_minutes": 480,
    "resolution_minutes": 1440,
    "checklist": [
        "Read or listen to the message and choose the right category",
        "Route it to the team that owns that category",
    ],
    "position": 9,
}


def add_other(apps, schema_editor):
    Practice = apps.get_model("practices", "Practice")
    Category = apps.get_model("practices", "Category")
    for practice in Practice.objects.all():
        Category.objects.get_or_create(practice=practice, code="other", defaults=OTHER)


class Migration(migrations.Migration):
    dependencies = [("practices", "0004_practice_inbound_email_secret_and_more")]
    operations = [migrations.RunPython(add_other, migrations.RunPython.noop)]
