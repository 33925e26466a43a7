from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "closeloop.outreach"
    label = "outreach"
    verbose_name = "Outreach before visits"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from closeloop.outreach.writeback import fhir_server_changing
        from closeloop.practices.models import Practice

        # Every door that saves a practice (Settings, the admin, a shell) passes here.
        pre_save.connect(fhir_server_changing, sender=Practice, dispatch_uid="outreach-fhir")
