from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tether.portal"
    verbose_name = "Provider portal"
