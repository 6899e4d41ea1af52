from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "medbill.web.practice"
    label = "practice"
    verbose_name = "Practice"

    def ready(self) -> None:
        from medbill.web.practice import audit

        audit.connect_signals()
