"""The subcontracting network as an in-memory graph: reachability, exposure, single points of
failure, longest chains.

The one place Tether walks a graph in Python: the edge list (one query, 200,000 rows at the
benchmark's size) becomes adjacency lists, and breadth-first searches run over them. The
graph is built once per request (`supply_graph(request)`). Cycles are refused by the register,
but every walk keeps a visited set, and the longest-chain search drops nodes on a cycle.
"""

import time
from collections import deque
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Max, Q, Sum

from tether.dependence.concentration import (
    LIVE_STATUSES,
    MAIN_CURRENCY,
    hhi_of,
    live_arrangements,
)
from tether.registry.models import Arrangement, Provider, SubcontractingLink

REQUEST_ATTRIBUTE = "_dependence_graph"
# The most important arrangements first: critical, then by spend, then by reference.
ARRANGEMENT_RANKING = ("-is_critical", F("annual_cost").desc(nulls_last=True), "reference")
SPOF_MIN_CRITICAL = 2


@dataclass
class Exposure:
    """What depends on one provider directly or through subcontracting chains."""

    provider_id: int
    spend: float = 0.0
    critical: int = 0
    arrangements: int = 0
    # Providers with live arrangements that depend on it through chains, itself left out.
    depending_providers: int = 0


class SupplyGraph:
    """Providers → subcontractors (down) and the reverse (up), with each provider's direct
    live figures (spend in the main currency, critical and all arrangements)."""

    def __init__(self, edges, direct: dict[int, tuple[float, int, int]] | None, currency: str):
        self.down: dict[int, list[int]] = {}
        self.up: dict[int, list[int]] = {}
        for provider_id, subcontractor_id in edges:
            self.down.setdefault(provider_id, []).append(subcontractor_id)
            self.up.setdefault(subcontractor_id, []).append(provider_id)
        self._direct = direct
        self.currency = currency
        self._exposures: dict[int, Exposure] | None = None
        self._other_spend: dict[int, dict[str, float]] | None = None
        self._services: dict[int, list[tuple[int, int, int]]] | None = None
        self._ranked: list[tuple] | None = None

    @classmethod
    def load(cls, currency: str = MAIN_CURRENCY) -> "SupplyGraph":
        """The edges now; the per-provider figures when first asked for (`direct`): a
        what-if touching a few providers reads only theirs."""
        edges = SubcontractingLink.objects.order_by().values_list("provider_id",
                                                                  "subcontractor_id")
        return cls(edges.iterator(chunk_size=20_000), None, currency)

    @property
    def direct(self) -> dict[int, tuple[float, int, int]]:
        """(live spend in the main currency, critical, all live arrangements) per provider."""
        if self._direct is None:
            self._load_provider_figures()
        return self._direct

    @property
    def has_portfolio_figures(self) -> bool:
        """Whether the whole portfolio's figures are loaded (a what-if then only looks up)."""
        return None not in (self._direct, self._other_spend, self._services)

    # --- per-provider figures for what-if, loaded on first use --------------------------

    def other_spend(self) -> dict[int, dict[str, float]]:
        """Live spend per provider in currencies other than the main one."""
        if self._other_spend is None:
            self._load_provider_figures()
        return self._other_spend

    def _load_provider_figures(self) -> None:
        """`direct` and `other_spend` from one GROUP BY provider and currency."""
        direct: dict[int, list] = {}
        other: dict[int, dict[str, float]] = {}
        for provider_id, currency, spend, critical, count in live_arrangements().order_by() \
                .values("provider_id", "currency").annotate(
                spend=Sum("annual_cost"), critical=Count("id", filter=Q(is_critical=True)),
                count=Count("id")).values_list(
                "provider_id", "currency", "spend", "critical", "count"):
            figures = direct.setdefault(provider_id, [0.0, 0, 0])
            figures[1] += critical
            figures[2] += count
            if currency == self.currency:
                figures[0] += float(spend or 0)
            elif spend:
                other.setdefault(provider_id, {})[currency] = float(spend)
        self._direct = {pk: tuple(figures) for pk, figures in direct.items()}
        self._other_spend = other

    def provider_services(self) -> dict[int, list[tuple[int, int, int]]]:
        """(service, live arrangements, critical ones) per provider: one GROUP BY."""
        if self._services is None:
            self._services = {}
            through = Arrangement.services.through.objects.order_by()
            for provider_id, service_id, count, critical in through.filter(
                    arrangement__status__in=LIVE_STATUSES).values(
                    "arrangement__provider_id", "service_id").annotate(
                    count=Count("id"), critical=Count("id", filter=Q(
                        arrangement__is_critical=True))).values_list(
                    "arrangement__provider_id", "service_id", "count", "critical"):
                self._services.setdefault(provider_id, []).append((service_id, count, critical))
        return self._services

    @property
    def has_ranking(self) -> bool:
        return self._ranked is not None

    def ranked_arrangements(self) -> list[tuple[int, int]]:
        """(arrangement, provider) of every live arrangement, critical first, then by spend
        (any currency, as a number), then by reference."""
        if self._ranked is None:
            self._ranked = list(live_arrangements().order_by(*ARRANGEMENT_RANKING)
                                .values_list("pk", "provider_id"))
        return self._ranked

    # --- reachability -------------------------------------------------------------------

    def reach(self, start, *, upward: bool) -> dict[int, int | None]:
        """Every node reachable from `start` (an id or ids), each mapped to the neighbour it
        was reached from (None for the starts): following `via` leads back to a start."""
        adjacency = self.up if upward else self.down
        starts = [start] if isinstance(start, int) else list(start)
        via: dict[int, int | None] = dict.fromkeys(starts)
        queue = deque(starts)
        while queue:
            node = queue.popleft()
            for neighbour in adjacency.get(node, ()):
                if neighbour not in via:
                    via[neighbour] = node
                    queue.append(neighbour)
        return via

    def depending_on(self, failed) -> dict[int, int | None]:
        """The failed providers and every provider whose chain reaches one of them."""
        return self.reach(failed, upward=True)

    def exposure_of(self, provider_id: int) -> Exposure:
        """One provider's direct and indirect exposure (a single upward search)."""
        exposure = Exposure(provider_id)
        for node in self.depending_on(provider_id):
            if node not in self.direct:
                continue
            spend, critical, count = self.direct[node]
            exposure.spend += spend
            exposure.critical += critical
            exposure.arrangements += count
            exposure.depending_providers += node != provider_id
        return exposure

    # --- every provider's exposure ----------------------------------------------------------

    def exposures(self) -> dict[int, Exposure]:
        """Every provider's exposure, contracted providers and pure subcontractors alike.

        Walks the network top-down once (topological order), carrying for each provider the
        set of contracted providers above it; a set is dropped once its last subcontractor
        has taken it over. The sums run over those sets in C (`map`), not step by step.
        """
        if self._exposures is not None:
            return self._exposures
        direct = self.direct
        spend_of = {pk: figures[0] for pk, figures in direct.items()}
        critical_of = {pk: figures[1] for pk, figures in direct.items()}
        count_of = {pk: figures[2] for pk, figures in direct.items()}
        order = self._topological_order()
        remaining = {node: len(self.down.get(node, ())) for node in order}
        above: dict[int, set] = {}
        result: dict[int, Exposure] = {}
        for node in order:
            collected: set[int] = set()
            for parent in self.up.get(node, ()):
                collected |= above.get(parent, ())
                if parent in direct:
                    collected.add(parent)
                remaining[parent] -= 1
                if remaining[parent] == 0:
                    above.pop(parent, None)
            collected.discard(node)
            if remaining[node]:
                above[node] = collected
            own_spend, own_critical, own_count = direct.get(node, (0.0, 0, 0))
            if collected or node in direct:
                result[node] = Exposure(
                    node, own_spend + sum(map(spend_of.__getitem__, collected)),
                    own_critical + sum(map(critical_of.__getitem__, collected)),
                    own_count + sum(map(count_of.__getitem__, collected)), len(collected))
        # On or below a cycle (which the register refuses): a search of its own, which keeps
        # a visited set.
        placed = set(order)
        for node in {*self.up, *self.down} - placed:
            exposure = self.exposure_of(node)
            if exposure.arrangements or exposure.depending_providers:
                result[node] = exposure
        for node, (own_spend, own_critical, own_count) in direct.items():
            if node not in result:  # no links
                result[node] = Exposure(node, own_spend, own_critical, own_count, 0)
        self._exposures = result
        return result

    def indirect_concentration(self, measure: str) -> tuple[float, float, list[tuple[int, float]]]:
        """(HHI, portfolio total, ranking) of exposure through chains.

        Exposures overlap (an arrangement counts for its provider and for every
        subcontractor below it), so the index is taken over each provider's part of the sum
        of all exposures (0–10,000, comparable with the direct one); the ranking's values
        compared with the portfolio total say how much of the portfolio hangs on a provider.
        """
        index = 0 if measure == "spend" else 1
        exposures = self.exposures()
        attribute = "spend" if measure == "spend" else "critical"
        total = float(sum(figures[index] for figures in self.direct.values()))
        ranked = sorted(((pk, float(getattr(e, attribute))) for pk, e in exposures.items()
                         if getattr(e, attribute)), key=lambda row: (-row[1], row[0]))
        hhi, _shares = hhi_of(value for _pk, value in ranked)
        return hhi, total, ranked

    # --- single points of failure and chains -------------------------------------------------

    def single_points_of_failure(self, minimum: int = SPOF_MIN_CRITICAL) -> list[Exposure]:
        """Providers whose failure reaches at least `minimum` critical arrangements, the most
        critical first."""
        found = [e for e in self.exposures().values() if e.critical >= minimum]
        return sorted(found, key=lambda e: (-e.critical, -e.spend, e.provider_id))

    def longest_chains(self, limit: int = 10) -> list[list[int]]:
        """The longest simple paths down the subcontracting network, each from a provider
        with live arrangements, longest first (nodes on a cycle are left out)."""
        order = self._topological_order()
        depth: dict[int, int] = {}
        best_child: dict[int, int] = {}
        for node in reversed(order):
            best = 0
            for child in self.down.get(node, ()):
                if child in depth and depth[child] + 1 > best:
                    best, best_child[node] = depth[child] + 1, child
            depth[node] = best
        starts = sorted((node for node in self.direct if depth.get(node, 0) > 0),
                        key=lambda node: (-depth[node], node))[:limit]
        chains = []
        for node in starts:
            chain = [node]
            while chain[-1] in best_child:
                chain.append(best_child[chain[-1]])
            chains.append(chain)
        return chains

    def _topological_order(self) -> list[int]:
        """Kahn's algorithm over the nodes with links; nodes on a cycle never reach indegree
        zero and are left out."""
        indegree: dict[int, int] = {}
        for node, children in self.down.items():
            indegree.setdefault(node, 0)
            for child in children:
                indegree[child] = indegree.get(child, 0) + 1
        queue = deque(node for node, degree in indegree.items() if degree == 0)
        order = []
        while queue:
            node = queue.popleft()
            order.append(node)
            for child in self.down.get(node, ()):
                indegree[child] -= 1
                if indegree[child] == 0:
                    queue.append(child)
        return order

    # --- neighbourhood for the drawing ------------------------------------------------------

    def neighbourhood(self, centre: int, *, depth: int = 2, limit: int = 120) -> dict:
        """The providers within `depth` links of `centre`, up and down, at most `limit`:
        node ids with their level (negative above, positive below) and the links among them."""
        levels = {centre: 0}
        for upward, sign in ((True, -1), (False, 1)):
            adjacency = self.up if upward else self.down
            frontier = [centre]
            for step in range(1, depth + 1):
                following = []
                for node in frontier:
                    for neighbour in adjacency.get(node, ()):
                        if neighbour not in levels and len(levels) < limit:
                            levels[neighbour] = sign * step
                            following.append(neighbour)
                frontier = following
        edges = [(source, target) for source in levels
                 for target in self.down.get(source, ()) if target in levels]
        return {"levels": levels, "edges": edges, "truncated": len(levels) >= limit}


# Built graphs kept in this process while the register is unchanged: {currency: (stamp,
# built at, graph)}. The stamp (counts, highest ids, last changes of links and arrangements)
# costs two aggregate queries; a graph also expires after DEPENDENCE_GRAPH_SECONDS, since a
# bulk UPDATE leaves `last_updated` alone.
_BUILT: dict[str, tuple] = {}
DEFAULT_GRAPH_SECONDS = 300


def register_stamp() -> tuple:
    links = SubcontractingLink.objects.order_by().aggregate(
        n=Count("id"), last_id=Max("id"), changed=Max("last_updated"))
    arrangements = Arrangement.objects.order_by().aggregate(
        n=Count("id"), last_id=Max("id"), changed=Max("last_updated"))
    return (*links.values(), *arrangements.values())


def supply_graph(request=None, currency: str = MAIN_CURRENCY) -> SupplyGraph:
    """The graph, built once per request, and reused across requests while the register is
    unchanged (at most DEPENDENCE_GRAPH_SECONDS; 0 turns the reuse off)."""
    cache = getattr(request, REQUEST_ATTRIBUTE, None) if request is not None else None
    if cache is not None and currency in cache:
        return cache[currency]
    seconds = getattr(settings, "DEPENDENCE_GRAPH_SECONDS", DEFAULT_GRAPH_SECONDS)
    graph = None
    if seconds:
        stamp = register_stamp()
        kept = _BUILT.get(currency)
        if kept and kept[0] == stamp and time.monotonic() - kept[1] < seconds:
            graph = kept[2]
    if graph is None:
        graph = SupplyGraph.load(currency)
        if seconds:
            _BUILT[currency] = (stamp, time.monotonic(), graph)
    if request is not None:
        if cache is None:
            cache = {}
            setattr(request, REQUEST_ATTRIBUTE, cache)
        cache[currency] = graph
    return graph


def provider_names(ids) -> dict[int, str]:
    ids = list(ids)
    names = {}
    for start in range(0, len(ids), 5000):
        names.update(Provider.objects.filter(pk__in=ids[start:start + 5000])
                     .values_list("pk", "name"))
    return names


__all__ = ["Exposure", "SupplyGraph", "hhi_of", "provider_names", "supply_graph"]
