from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "closeloop.practices"
    label = "practices"
    verbose_name = "Practices and staff"
