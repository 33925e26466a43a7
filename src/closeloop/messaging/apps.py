from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "closeloop.messaging"
    label = "messaging"
