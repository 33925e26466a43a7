from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "closeloop.appointments"
    label = "appointments"
    verbose_name = "Appointments"
