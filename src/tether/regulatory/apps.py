from django.apps import AppConfig


class RegulatoryConfig(AppConfig):
    name = "tether.regulatory"
    verbose_name = "Regulatory reporting"

    def ready(self):
        # The register of information's cards on organisation and arrangement pages, and the
        # export job.
        from tether.regulatory import filing, panels  # noqa: F401
