from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "tether.board"
    verbose_name = "Board reporting"
