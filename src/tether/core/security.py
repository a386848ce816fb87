"""Who is asking, and how often: client addresses, rate limits and the security headers."""

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache

RATE_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or what the trusted proxies put in X-Forwarded-For.

    Only the last TETHER_PROXIES entries of X-Forwarded-For were written by our own proxies;
    anything further left came from the client and could be anything, so it is ignored.
    """
    request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    proxies = settings.TETHER_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies and _is_ip(hops[-proxies]):
            return hops[-proxies]
    # None when there is no address at all (a request built in code): django-axes stores the
    # address in an IP column, which takes NULL but no placeholder text.
    return request.META.get("REMOTE_ADDR") or None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def parse_rate(rate: str) -> tuple[int, int]:
    """ "30/min" → (30, 60): requests allowed and the window in seconds (DRF's notation)."""
    count, period = rate.split("/")
    return int(count), RATE_PERIODS[period.strip()[0]]


def rate_limit_exceeded(request, scope: str, rate: str | None = None) -> bool:
    """Count one request of the client in `scope`; True once it is over the rate.

    A fixed window in the default cache: per process with LocMemCache, shared by every
    worker and machine with CACHE_URL pointing at Redis.
    """
    allowed, period = parse_rate(rate or settings.TETHER_LOGIN_RATE)
    window = int(time.time() // period)
    key = f"tether:rate:{scope}:{client_ip(request) or 'unknown'}:{window}"
    if cache.add(key, 1, timeout=period + 1):
        return allowed < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    return count > allowed


def content_security_policy(extra: dict[str, list[str]] | None = None) -> str:
    """The CSP header value: TETHER_CSP, with `extra` sources added for one response."""
    policy = {directive: list(sources) for directive, sources in settings.TETHER_CSP.items()}
    for directive, sources in (extra or {}).items():
        policy.setdefault(directive, list(policy.get("default-src", [])))
        policy[directive] += [source for source in sources if source not in policy[directive]]
    return "; ".join(f"{directive} {' '.join(sources)}" for directive, sources in policy.items())


def secret_digest(token: str) -> str:
    """What is stored of a secret link's token (invitations, calendar addresses): its SHA-256,
    so a copy of the database opens nothing."""
    return hashlib.sha256(token.encode()).hexdigest()
