from django.apps import AppConfig


class DependenceConfig(AppConfig):
    name = "tether.dependence"
    verbose_name = "Dependence and concentration"
