from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "tether.oversight"
    verbose_name = "Oversight: audits, findings, corrective actions, incidents"
