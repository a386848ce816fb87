from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "tether.board"
    verbose_name = "Board reporting"

    def ready(self):
        # Declares the generation job and the monthly schedule.
        from tether.board import tasks  # noqa: F401
