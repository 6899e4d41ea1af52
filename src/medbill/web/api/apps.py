from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "medbill.web.api"
    label = "api"
    verbose_name = "API"
