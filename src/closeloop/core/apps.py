from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "closeloop.core"
    label = "core"

    def ready(self) -> None:
        from closeloop.core import checks, languages  # noqa: F401  (registers the checks)
