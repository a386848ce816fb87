from django.apps import AppConfig


class DiligenceConfig(AppConfig):
    name = "tether.diligence"
    verbose_name = "Due diligence"
