from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "medbill.web.practice"
    label = "practice"
    verbose_name = "Practice"

    def ready(self) -> None:
        from medbill.web.practice import audit, auth_audit, checks, sessions

        audit.connect_signals()
        auth_audit.connect_signals()
        sessions.connect_signals()
        checks.register()
