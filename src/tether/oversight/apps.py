from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "tether.oversight"
    verbose_name = "Oversight: audits, findings, corrective actions, incidents"

    def ready(self):
        # panels: cards on other pages; evidence: an input of residual risk.
        from tether.oversight import deadlines, evidence, panels  # noqa: F401

        deadlines.register()  # corrective actions and findings falling due
