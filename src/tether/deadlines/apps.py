from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "tether.deadlines"
    verbose_name = "Deadlines and reminders"

    def ready(self):
        # Registers this app's deadline sources and Tether's periodic jobs.
        from tether.deadlines import schedules, sources  # noqa: F401
