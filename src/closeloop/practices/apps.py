from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "closeloop.practices"
    label = "practices"
    verbose_name = "Practices and staff"

    def ready(self) -> None:
        from closeloop.practices import config
        from closeloop.practices.models import ChannelRoute, Holiday

        config.watch(Holiday, ChannelRoute)
