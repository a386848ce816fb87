from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "tether.risk"
    verbose_name = "Risk"

    def ready(self):
        from tether.risk import tasks  # noqa: F401  (declares the risk jobs)
