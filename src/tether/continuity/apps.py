from django.apps import AppConfig


class ContinuityConfig(AppConfig):
    name = "tether.continuity"
    verbose_name = "Exit and continuity"

    def ready(self):
        from tether.continuity import panels  # noqa: F401  (the cards on the register's pages)
