from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "tether.reviews"
    verbose_name = "Periodic reviews and scorecards"
