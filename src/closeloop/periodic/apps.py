from django.apps import AppConfig


class PeriodicConfig(AppConfig):
    """Periodic and deadline work: the sweep, the worker, reports, retention.

    The label stays ``followup`` (the app's name before it took in retention and reports) so
    existing databases keep their tables and migration history.
    """

    name = "closeloop.periodic"
    label = "followup"
    verbose_name = "Periodic work"
