from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "closeloop.patients"
    label = "patients"
