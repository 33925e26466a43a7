from django.apps import AppConfig


class SupportQueueConfig(AppConfig):
    # The label was always ``support_queue`` (its tables and migrations are named for it); the
    # package now carries the same name.
    name = "closeloop.support_queue"
    label = "support_queue"
    verbose_name = "Support queue"
