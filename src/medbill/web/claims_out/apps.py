from django.apps import AppConfig


class ClaimsOutConfig(AppConfig):
    name = "medbill.web.claims_out"
    label = "claims_out"
    verbose_name = "Claims out"
