from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "closeloop.security"
    label = "security"
    verbose_name = "Security and audit"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created

        from closeloop.security import audit, credentials
        from closeloop.security.backup import private_sqlite
        from closeloop.security.middleware import start_idle_clock

        audit.connect_signals()
        user_logged_in.connect(start_idle_clock, dispatch_uid="closeloop_idle_clock")
        user_logged_in.connect(
            credentials.remember_at_sign_in, dispatch_uid="closeloop_set_own_credentials"
        )
        connection_created.connect(private_sqlite, dispatch_uid="closeloop_private_sqlite")
