"""Categories get their names for patients (the status page's "kind of request") from the
catalogs, in English and Spanish; practices edit them in Settings. Spanish "own" scripts still
as shipped stop promising a call ("le llamaremos") where the English promises to be heard from
("you'll hear from us")."""

from django.db import migrations, models

import closeloop.practices.models
from closeloop.practices.default_scripts import patient_name

OLD_ES_OWN = (
    "{owner} le dará seguimiento hasta resolverlo: le llamaremos a más tardar {update_time}, "
    "aunque todavía no tengamos la respuesta final."
)
NEW_ES_OWN = (
    "{owner} le dará seguimiento hasta resolverlo: tendrá noticias nuestras a más tardar "
    "{update_time}, aunque todavía no tengamos la respuesta final."
)


def patient_words(apps, schema_editor):
    category_model = apps.get_model("practices", "Category")
    for category in category_model.objects.all():
        names = {
            language: name
            for language in ("en", "es")
            if (name := patient_name(category.code, language)) is not None
        }
        if names:
            category.patient_names = {**names, **category.patient_names}
            category.save(update_fields=["patient_names"])
    script_model = apps.get_model("practices", "CategoryScript")
    script_model.objects.filter(language="es", own=OLD_ES_OWN).update(own=NEW_ES_OWN)


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0014_practice_config_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="patient_names",
            field=models.JSONField(
                blank=True,
                default=dict,
                validators=[closeloop.practices.models.validate_patient_names],
            ),
        ),
        migrations.RunPython(patient_words, migrations.RunPython.noop),
    ]
