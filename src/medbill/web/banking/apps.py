from django.apps import AppConfig


class BankingConfig(AppConfig):
    name = "medbill.web.banking"
    label = "banking"
    verbose_name = "Banking"
