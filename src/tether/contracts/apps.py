from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "tether.contracts"
    verbose_name = "Contract clauses"
