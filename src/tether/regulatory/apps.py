from django.apps import AppConfig


class RegulatoryConfig(AppConfig):
    name = "tether.regulatory"
    verbose_name = "Regulatory reporting"

    def ready(self):
        # Puts the register of information's cards on organisation and arrangement pages.
        from tether.regulatory import panels  # noqa: F401
