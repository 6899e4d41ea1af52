from django.apps import AppConfig


class InterfacesConfig(AppConfig):
    name = "medbill.web.interfaces"
    label = "interfaces"
    verbose_name = "EHR interfaces"
    default_auto_field = "django.db.models.BigAutoField"
