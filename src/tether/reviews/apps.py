from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "tether.reviews"
    verbose_name = "Periodic reviews and scorecards"

    def ready(self):
        # The cards on the register's pages and the dashboard, and the "review due" deadlines.
        from tether.reviews import contributions

        contributions.register_portal_section()
