from django.apps import AppConfig


class FrontdeskConfig(AppConfig):
    name = "medbill.web.frontdesk"
    label = "frontdesk"
    verbose_name = "Front desk"
