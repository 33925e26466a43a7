from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "closeloop.metrics"
    label = "metrics"
    verbose_name = "Metrics"
