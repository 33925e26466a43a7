from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "closeloop.triage"
    label = "triage"
