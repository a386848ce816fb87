from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "tether.decisions"
    verbose_name = "Outsourcing decisions"
