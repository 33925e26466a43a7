from django.db import migrations

from closeloop.practices.scripts import DEFAULT_SCRIPTS


def seed_scripts(apps, schema_editor):
    Category = apps.get_model("practices", "Category")
    CategoryScript = apps.get_model("practices", "CategoryScript")
    for category in Category.objects.filter(code__in=DEFAULT_SCRIPTS):
        for language, script in DEFAULT_SCRIPTS[category.code].items():
            CategoryScript.objects.get_or_create(
                category=category, language=language, defaults=script._asdict()
            )


class Migration(migrations.Migration):
    dependencies = [("practices", "0002_scripts_and_red_flag")]
    operations = [migrations.RunPython(seed_scripts, migrations.RunPython.noop)]
