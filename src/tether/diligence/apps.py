from django.apps import AppConfig


class DiligenceConfig(AppConfig):
    name = "tether.diligence"
    verbose_name = "Due diligence"

    def ready(self):
        from tether.diligence import contributions

        contributions.register()  # the provider page's panel, the portal's section
