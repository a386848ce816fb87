from django.apps import AppConfig


class ContinuityConfig(AppConfig):
    name = "tether.continuity"
    verbose_name = "Exit and continuity"
