from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "closeloop.security"
    label = "security"
    verbose_name = "Security and audit"

    def ready(self) -> None:
        from closeloop.security import audit

        audit.connect_signals()
