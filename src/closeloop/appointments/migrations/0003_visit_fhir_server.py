"""Each visit records the FHIR server it came from (``Appointment.fhir_server``, a fingerprint
of the base URL), so a confirmation is written back only to that server.

Back-fill: the visits already imported from FHIR are given their practice's *current* FHIR
server. That is a guess — the best one available, not a fact: nothing recorded which server (or
file) each visit was read from, and a practice that changed servers before this migration has
visits from the old one marked as the new one's. The periodic pull (every 15 minutes, yesterday
to 30 days ahead) records the true server of every visit still on the practice's schedule; a
visit imported from a FHIR file, or by ``import-fhir --url`` from another server, is marked too
when the practice has a server (its confirmations would be written there, as before this
migration). Practices without a FHIR server, and CSV visits, keep "" (never written back).
"""

import hashlib
from urllib.parse import urlsplit, urlunsplit

from django.db import migrations, models


def fingerprint(base_url):
    # A copy of ``appointments.client.server_fingerprint`` as it is today (a migration runs the
    # code of its time): SHA-256 of the URL without a trailing slash, scheme and host lowered.
    parts = urlsplit(base_url.strip())
    user, at, host = parts.netloc.rpartition("@")
    text = urlunsplit(
        (parts.scheme.lower(), user + at + host.lower(), parts.path.rstrip("/"), parts.query, "")
    )
    return hashlib.sha256(text.encode()).hexdigest()


def back_fill(apps, schema_editor):
    Practice = apps.get_model("practices", "Practice")
    Appointment = apps.get_model("appointments", "Appointment")
    for practice_id, base_url in Practice.objects.exclude(fhir_base_url="").values_list(
        "pk", "fhir_base_url"
    ):
        Appointment.objects.filter(practice_id=practice_id, source="fhir", fhir_server="").update(
            fhir_server=fingerprint(base_url)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0002_visit_confirmation"),
        ("practices", "0009_fhir_url_policy"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="fhir_server",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(back_fill, migrations.RunPython.noop),
    ]
