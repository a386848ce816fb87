from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "tether.registry"
    label = "registry"
    verbose_name = "Register"
