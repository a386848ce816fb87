from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "tether.decisions"
    verbose_name = "Outsourcing decisions"

    def ready(self):
        from tether.decisions import panels  # noqa: F401  (the activity page's card)
