"""With CACHE_URL at Redis, rate limits count across workers: the cache really is shared."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

pytestmark = pytest.mark.skipif(
    not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"),
    reason="only when CACHE_URL points at Redis (the PostgreSQL run of `make test`)",
)


def test_a_second_connection_sees_the_same_counts():
    first = caches["default"]
    second = RedisCache(settings.CACHES["default"]["LOCATION"], {})
    first.set("tether-test-counter", 0, 30)
    first.incr("tether-test-counter")
    assert second.incr("tether-test-counter") == 2
    second.delete("tether-test-counter")
