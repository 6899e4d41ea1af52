from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "medbill.web.coding"
    label = "coding"
    verbose_name = "Coding"
