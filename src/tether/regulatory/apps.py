from django.apps import AppConfig


class RegulatoryConfig(AppConfig):
    name = "tether.regulatory"
    verbose_name = "Regulatory reporting"
