from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "tether.documents"
    verbose_name = "Documents"
