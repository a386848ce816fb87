from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "tether.deadlines"
    verbose_name = "Deadlines and reminders"
