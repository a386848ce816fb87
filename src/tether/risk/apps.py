from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "tether.risk"
    verbose_name = "Risk"

    def ready(self):
        from tether.risk import panels, tasks  # noqa: F401  (declare the risk jobs and panels)
