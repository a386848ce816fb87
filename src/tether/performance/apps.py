from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "tether.performance"
    verbose_name = "Performance: SLAs and KPIs"
