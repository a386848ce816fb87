"""Time list, detail and API pages server-side on an existing portfolio (used by run.py).

Runs in its own process with the portfolio's TETHER_DATA_DIR / DATABASE_URL set; prints JSON.
"""

import json
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from tether.core.models import User  # noqa: E402
from tether.core.roles import Role  # noqa: E402
from tether.registry.models import Arrangement, Provider, SubcontractingLink  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "30"))


def timed(client, url, **headers) -> tuple[list[float], list[float], int, int]:
    """Server-side wall and CPU times (ms) of REPEATS requests, after one warm-up.

    The CPU time is this process's: on SQLite it includes the database's work, on PostgreSQL
    not. It holds still when other work shares the machine; the wall time does not.
    """
    client.get(url, **headers)  # templates, URL resolver
    durations, cpu_times, queries, status = [], [], 0, 0
    for _ in range(REPEATS):
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url, **headers)
            durations.append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.process_time() - cpu_started) * 1000)
        queries, status = len(captured), response.status_code
    return durations, cpu_times, queries, status


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def main() -> None:
    settings.ALLOWED_HOSTS = ["*"]
    user, _ = User.objects.get_or_create(
        username="bench", defaults={"role": Role.VENDOR_MANAGER}
    )
    token, _ = Token.objects.get_or_create(user=user)
    browser = Client()
    browser.force_login(user)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")

    busiest = (Provider.objects.annotate(n=Count("arrangements")).order_by("-n").first())
    arrangement = Arrangement.objects.order_by("-pk").first()
    link = SubcontractingLink.objects.order_by("pk").first()
    pages = [
        ("list", "Providers list", browser, "/registry/providers/"),
        ("list", "Providers search", browser, "/registry/providers/?q=servic"),
        ("list", "Providers sorted by spend, page 50", browser,
         "/registry/providers/?sort=-annual_spend&page=50"),
        ("list", "Arrangements list", browser, "/registry/arrangements/"),
        ("list", "Arrangements filtered (active, critical)", browser,
         "/registry/arrangements/?status=active&is_critical=true"),
        ("list", "Arrangements sorted by notice deadline", browser,
         "/registry/arrangements/?sort=notice_deadline"),
        ("list", "Subcontracting list", browser, "/registry/subcontracting/"),
        ("list", "Activities list", browser, "/registry/activities/"),
        ("list", "Dashboard", browser, "/"),
        ("list", "API providers", api, "/api/registry/providers/"),
        ("list", "API arrangements", api, "/api/registry/arrangements/"),
        ("list", "API arrangements, 500 per page", api, "/api/registry/arrangements/?limit=500"),
        ("detail", f"Provider detail (busiest: {busiest.n} arrangements)", browser,
         f"/registry/providers/{busiest.pk}/"),
        ("detail", "Arrangement detail", browser, f"/registry/arrangements/{arrangement.pk}/"),
        ("detail", "Subcontracting link detail", browser,
         f"/registry/subcontracting/{link.pk}/"),
        ("detail", "API arrangement detail", api, f"/api/registry/arrangements/{arrangement.pk}/"),
    ]
    results = []
    for kind, label, client, url in pages:
        durations, cpu_times, queries, status = timed(client, url)
        results.append({
            "kind": kind, "page": label, "url": url, "status": status, "queries": queries,
            "p50_ms": round(statistics.median(durations), 1), "p95_ms": round(p95(durations), 1),
            "cpu_p50_ms": round(statistics.median(cpu_times), 1),
        })
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
