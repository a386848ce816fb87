from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "tether.contracts"
    verbose_name = "Contract clauses"

    def ready(self):
        from tether.contracts import panels  # noqa: F401  (the cards on the register's pages)
