"""'What if X fails': everything that depends on a provider, a group, a country or a
subcontractor, directly or through subcontracting chains.

The failed providers are found in SQL, those depending on them by an upward search of the
subcontracting graph (graph.SupplyGraph), and their live arrangements with set-based queries
in chunks of provider ids (portable: no temporary tables, no array parameters).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django_countries import countries

from tether.dependence.concentration import LIVE_STATUSES, live_arrangements
from tether.dependence.graph import ARRANGEMENT_RANKING, SupplyGraph, provider_names
from tether.registry.models import Arrangement, Provider, Service

KINDS = {"provider": "A provider", "group": "A provider group", "country": "A country",
         "subcontractor": "A subcontractor"}
CHUNK = 2000
# Up to this many depending providers, a what-if reads their arrangements only; beyond, the
# whole portfolio's per-provider figures (kept with the graph) are cheaper.
FOCUSED_LIMIT = 5000
NO_PLAN = "not_required"
UNKNOWN = "unknown"
EXIT_PLAN_LABELS = {
    "ready": "ready (tested)", "untested": "plan not tested", "stale": "test out of date",
    "failed": "test failed", "missing": "no plan (critical)", "not_required": "no plan",
    UNKNOWN: "unknown",
}


@dataclass
class Affected:
    """One live arrangement hit by the failure."""

    id: int
    reference: str
    title: str
    provider_id: int
    provider_name: str
    is_critical: bool
    annual_cost: float | None
    currency: str
    path: list[int]  # provider ids from the arrangement's provider down to a failed one
    service_ids: list[int] = field(default_factory=list)
    exit_plan: str = UNKNOWN

    @property
    def direct(self) -> bool:
        return len(self.path) == 1

    @property
    def exit_plan_label(self) -> str:
        return EXIT_PLAN_LABELS.get(self.exit_plan, self.exit_plan)


@dataclass
class WhatIf:
    """The answer: totals over every affected live arrangement, the most important of them
    one by one (critical first, then by spend), the services and activities hit."""

    kind: str
    key: str
    label: str
    failed: list[int]
    depending: dict[int, int | None]
    arrangements: list[Affected]
    names: dict[int, str]
    services: list[dict]
    activities: list[dict]
    total: int = 0
    critical: int = 0
    direct_count: int = 0
    direct_critical: int = 0
    spend: dict[str, float] = field(default_factory=dict)
    direct_spend: dict[str, float] = field(default_factory=dict)

    @property
    def providers_affected(self) -> int:
        return len(self.depending)

    @property
    def indirect_count(self) -> int:
        return self.total - self.direct_count

    @property
    def shown(self) -> int:
        return len(self.arrangements)

    def path_names(self, row: Affected) -> list[str]:
        return [self.names.get(pk, str(pk)) for pk in row.path]


def failed_providers(kind: str, key: str, *, served_from: bool = False) -> tuple[list[int], str]:
    """The providers that fail for a pick, and a label of the pick.

    A group fails with every member (its ultimate parent and those below it); a country with
    the providers established there, and with `served_from` also those performing the
    service or storing data there.
    """
    if kind in ("provider", "subcontractor"):
        provider = Provider.objects.filter(pk=_int(key)).values_list("pk", "name").first()
        if provider is None:
            return [], ""
        return [provider[0]], provider[1]
    if kind == "group":
        head = Provider.objects.filter(pk=_int(key)).values_list(
            "pk", "name", "ultimate_parent_id").first()
        if head is None:
            return [], ""
        top = head[2] or head[0]
        members = list(Provider.objects.filter(Q(pk=top) | Q(ultimate_parent_id=top))
                       .values_list("pk", flat=True))
        name = head[1] if top == head[0] else Provider.objects.get(pk=top).name
        return members, f"Group of {name} ({len(members)} providers)"
    if kind == "country":
        code = (key or "").upper()
        if code not in dict(countries):
            return [], ""
        where = Q(country=code)
        if served_from:
            where |= Q(service_countries__contains=code) | Q(data_storage_countries__contains=code)
        label = f"{countries.name(code)} ({code})" + (
            ", established, serving or storing data there" if served_from else
            ", established there")
        return list(Provider.objects.filter(where).values_list("pk", flat=True)), label
    raise ValueError(f"Unknown kind of failure: {kind}.")


def _int(key) -> int:
    try:
        return int(key)
    except (TypeError, ValueError):
        return 0


def _path(depending: dict[int, int | None], provider_id: int) -> list[int]:
    path, node = [provider_id], depending[provider_id]
    while node is not None and len(path) < 100:
        path.append(node)
        node = depending[node]
    return path


def what_if(graph: SupplyGraph, kind: str, key: str, *, served_from: bool = False,
            rows: int = 200, exit_plans: bool = True) -> WhatIf:
    """The answer for one pick: totals in SQL (GROUP BY per chunk of provider ids), the
    `rows` most important arrangements one by one with the path that makes them depend on
    the failure, and the services and value-chain activities hit."""
    failed, label = failed_providers(kind, key, served_from=served_from)
    depending = graph.depending_on(failed) if failed else {}
    answer = WhatIf(kind, str(key), label, failed, depending, [], {}, [], [])
    if graph.has_portfolio_figures or len(depending) > FOCUSED_LIMIT:
        services, candidates = _totals_from_portfolio(graph, answer, rows)
    else:
        services, candidates = _totals_of_providers(answer, rows)
    answer.spend = dict(sorted(answer.spend.items(), key=lambda item: -item[1]))
    answer.arrangements = [_affected(row, depending) for row in candidates]
    _attach_services(answer.arrangements)
    named = {pk for row in answer.arrangements for pk in row.path} | set(failed[:50])
    answer.names = provider_names(named) if named else {}
    for row in answer.arrangements:
        row.provider_name = answer.names.get(row.provider_id, "")
    if exit_plans:
        attach_exit_plans(answer.arrangements)
    answer.services, answer.activities = _services_and_activities(services)
    return answer


def _add_spend(answer: WhatIf, currency: str, amount: float, direct: bool) -> None:
    if amount:
        answer.spend[currency] = answer.spend.get(currency, 0.0) + amount
        if direct:
            answer.direct_spend[currency] = answer.direct_spend.get(currency, 0.0) + amount


def _totals_of_providers(answer: WhatIf, rows: int) -> tuple[dict, list[tuple]]:
    """Totals, services hit and the top rows read for the depending providers only, chunk
    by chunk: what a failure touching a few providers costs, without the whole portfolio's
    figures (which a cold graph would otherwise compute first)."""
    failed_set = set(answer.failed)
    services: dict[int, list[int]] = {}
    candidates: list[tuple] = []
    provider_ids = list(answer.depending)
    for start in range(0, len(provider_ids), CHUNK):
        chunk = provider_ids[start:start + CHUNK]
        live = live_arrangements().filter(provider_id__in=chunk)
        for provider_id, currency, spend, count, critical in live.order_by().values(
                "provider_id", "currency").annotate(
                spend=Sum("annual_cost"), count=Count("id"),
                critical=Count("id", filter=Q(is_critical=True))).values_list(
                "provider_id", "currency", "spend", "count", "critical"):
            direct = provider_id in failed_set
            answer.total += count
            answer.critical += critical
            if direct:
                answer.direct_count += count
                answer.direct_critical += critical
            _add_spend(answer, currency, float(spend or 0), direct)
        through = Arrangement.services.through.objects.order_by().filter(
            arrangement__status__in=LIVE_STATUSES, arrangement__provider_id__in=chunk)
        for service_id, count, critical in through.values("service_id").annotate(
                count=Count("id"), critical=Count("id", filter=Q(
                    arrangement__is_critical=True))).values_list(
                "service_id", "count", "critical"):
            entry = services.setdefault(service_id, [0, 0])
            entry[0] += count
            entry[1] += critical
        if rows:
            candidates.extend(live.order_by(*ARRANGEMENT_RANKING).values_list(*ROW_COLUMNS)[:rows])
    candidates.sort(key=_rank_key)
    return services, candidates[:rows]


def _rank_key(row: tuple):
    """ARRANGEMENT_RANKING in Python, to merge the chunks' top rows."""
    _pk, reference, _title, _provider, critical, cost, _currency = row
    return (not critical, cost is None, -(cost or 0), reference)


def _totals_from_portfolio(graph: SupplyGraph, answer: WhatIf,
                           rows: int) -> tuple[dict, list[tuple]]:
    """Totals and services hit from the whole portfolio's per-provider figures (kept with
    the graph): right when the failure reaches many providers."""
    depending = answer.depending
    failed_set = set(answer.failed)
    services: dict[int, list[int]] = {}
    other_spend = graph.other_spend()
    provider_services = graph.provider_services()
    for provider_id in depending:
        figures = graph.direct.get(provider_id)
        if figures is None:
            continue
        spend = {graph.currency: figures[0], **other_spend.get(provider_id, {})}
        direct = provider_id in failed_set
        answer.total += figures[2]
        answer.critical += figures[1]
        if direct:
            answer.direct_count += figures[2]
            answer.direct_critical += figures[1]
        for currency, amount in spend.items():
            _add_spend(answer, currency, amount, direct)
        for service_id, count, critical in provider_services.get(provider_id, ()):
            entry = services.setdefault(service_id, [0, 0])
            entry[0] += count
            entry[1] += critical
    return services, _top_rows(graph, depending, rows) if rows else []


ROW_COLUMNS = ("pk", "reference", "title", "provider_id", "is_critical", "annual_cost",
               "currency")
def _top_rows(graph: SupplyGraph, depending: dict, rows: int) -> list[tuple]:
    """The `rows` most important affected arrangements (critical first, then by spend): from
    the graph's ranking when it has one, else streamed in that order until enough are found
    (a failure this wide owns many of the first)."""
    ranked = graph.ranked_arrangements() if graph.has_ranking else live_arrangements().order_by(
        *ARRANGEMENT_RANKING).values_list("pk", "provider_id").iterator(chunk_size=2000)
    chosen = []
    for arrangement_id, provider_id in ranked:
        if provider_id in depending:
            chosen.append(arrangement_id)
            if len(chosen) == rows:
                break
    found = {row[0]: row for row in Arrangement.objects.filter(pk__in=chosen).values_list(
        *ROW_COLUMNS)}
    return [found[pk] for pk in chosen if pk in found]


def _affected(row: tuple, depending: dict) -> Affected:
    pk, reference, title, provider_id, critical, cost, currency = row
    return Affected(pk, reference, title, provider_id, "", critical,
                    float(cost) if cost is not None else None, currency,
                    _path(depending, provider_id))


def _attach_services(rows: list[Affected]) -> None:
    ids = [row.id for row in rows]
    by_arrangement: dict[int, list[int]] = {}
    for start in range(0, len(ids), CHUNK):
        for arrangement_id, service_id in Arrangement.services.through.objects.filter(
                arrangement_id__in=ids[start:start + CHUNK]).values_list(
                "arrangement_id", "service_id"):
            by_arrangement.setdefault(arrangement_id, []).append(service_id)
    for row in rows:
        row.service_ids = by_arrangement.get(row.id, [])


def affected_rows(answer: WhatIf, *, exit_plans: bool = True):
    """Every affected live arrangement, for the export: chunk by chunk of providers."""
    provider_ids = list(answer.depending)
    for start in range(0, len(provider_ids), CHUNK):
        chunk = [_affected(row, answer.depending) for row in live_arrangements().filter(
            provider_id__in=provider_ids[start:start + CHUNK]).order_by("reference")
            .values_list(*ROW_COLUMNS)]
        names = provider_names({pk for row in chunk for pk in row.path})
        _attach_services(chunk)
        if exit_plans:
            attach_exit_plans(chunk)
        for row in chunk:
            row.provider_name = names.get(row.provider_id, "")
            yield row, [names.get(pk, str(pk)) for pk in row.path]


def _services_and_activities(counts: dict[int, list[int]]) -> tuple[list[dict], list[dict]]:
    """Each service hit (its affected arrangements, critical ones), then each value-chain
    activity those services support."""
    if not counts:
        return [], []
    services = {pk: (name, kind) for pk, name, kind in Service.objects.filter(
        pk__in=counts).values_list("pk", "name", "service_type")}
    service_list = sorted(
        ({"id": pk, "name": services[pk][0], "service_type": services[pk][1],
          "arrangements": figures[0], "critical": figures[1]}
         for pk, figures in counts.items() if pk in services),
        key=lambda item: (-item["critical"], -item["arrangements"], item["name"]))
    activity_rows = Service.activities.through.objects.filter(service_id__in=counts).values_list(
        "service_id", "activity_id", "activity__name", "activity__organisation__name")
    activities: dict[int, dict] = {}
    for service_id, activity_id, name, organisation in activity_rows:
        entry = activities.setdefault(activity_id, {
            "id": activity_id, "name": name, "organisation": organisation, "services": [],
            "arrangements": 0, "critical": 0})
        entry["services"].append(services[service_id][0])
        entry["arrangements"] += counts[service_id][0]
        entry["critical"] += counts[service_id][1]
    activity_list = sorted(activities.values(),
                           key=lambda item: (-item["critical"], -item["arrangements"],
                                             item["name"]))
    return service_list, activity_list


def attach_exit_plans(rows: list[Affected]) -> None:
    """Each arrangement's exit plan status from the continuity app, when it is there
    (EXIT_PLAN_LABELS); 'unknown' without it."""
    try:
        from tether.continuity.selectors import exit_plan_status_by_arrangement
    except ImportError:
        return
    statuses = {}
    ids = [row.id for row in rows]
    for start in range(0, len(ids), CHUNK):
        statuses.update(exit_plan_status_by_arrangement(ids[start:start + CHUNK]))
    for row in rows:
        row.exit_plan = statuses.get(row.id, NO_PLAN)
