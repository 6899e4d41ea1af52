from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "medbill.web.jobs"
    label = "jobs"
    verbose_name = "Recurring jobs"
    default_auto_field = "django.db.models.BigAutoField"
