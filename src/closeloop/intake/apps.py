from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "closeloop.intake"
    label = "intake"
