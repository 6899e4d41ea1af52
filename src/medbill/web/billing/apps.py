from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "medbill.web.billing"
    label = "billing"
    verbose_name = "Billing"
