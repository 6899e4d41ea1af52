from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "medbill.web.risk"
    label = "risk"
    verbose_name = "Denial risk"
