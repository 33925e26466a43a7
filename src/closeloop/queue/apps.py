from django.apps import AppConfig


class QueueConfig(AppConfig):
    name = "closeloop.queue"
    label = "support_queue"
    verbose_name = "Support queue"
