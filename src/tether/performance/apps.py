from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "tether.performance"
    verbose_name = "Performance: SLAs and KPIs"

    def ready(self):
        # The cards on the register's pages, SLA breaches as an input of residual risk, and
        # the job kind "performance.ingest", which workers must know before they claim one.
        from tether.performance import evidence, panels, tasks  # noqa: F401
        from tether.performance.portal_views import register_portal_section

        register_portal_section()
