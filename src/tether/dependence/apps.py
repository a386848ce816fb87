from django.apps import AppConfig


class DependenceConfig(AppConfig):
    name = "tether.dependence"
    verbose_name = "Dependence and concentration"

    def ready(self):
        from tether.dependence import panels  # noqa: F401  (the card on a provider's page)
