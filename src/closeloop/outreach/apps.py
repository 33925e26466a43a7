from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "closeloop.outreach"
    label = "outreach"
    verbose_name = "Outreach before visits"
