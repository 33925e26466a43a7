from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "closeloop.webhooks"
    label = "webhooks"
