from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "medbill.web.practice"
    label = "practice"
    verbose_name = "Practice"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from medbill.web.practice import audit, auth_audit, checks, sessions
        from medbill.web.practice.append_only import on_connection_created, on_post_migrate

        audit.connect_signals()
        auth_audit.connect_signals()
        sessions.connect_signals()
        checks.register()
        # After every app's migrations, so the tables of later apps exist too.
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="medbill_append_only")
        connection_created.connect(on_connection_created, dispatch_uid="medbill_append_only")
