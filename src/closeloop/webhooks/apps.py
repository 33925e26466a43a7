from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "closeloop.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from closeloop.practices import config
        from closeloop.webhooks.models import WebhookEndpoint

        config.watch(WebhookEndpoint)
