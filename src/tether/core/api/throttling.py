"""API rate limits (DRF throttles), with rates read at request time so settings can change them."""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class RateFromSettings:
    def get_rate(self):
        # DRF reads THROTTLE_RATES once, at import; this follows REST_FRAMEWORK as it is now.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserThrottle(RateFromSettings, UserRateThrottle):
    """Every API client: per user when authenticated, per address otherwise (TETHER_API_RATE)."""


class TokenThrottle(RateFromSettings, AnonRateThrottle):
    """The token endpoint, per client address whoever asks (TETHER_TOKEN_RATE)."""

    scope = "token"

    def get_cache_key(self, request, view):
        # AnonRateThrottle skips authenticated requests; password guessing can come from a
        # logged-in browser too.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
