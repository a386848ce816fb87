"""Checks shared by the demo and generator tests: graph shape and derived fields, from the DB."""

from tether.registry.choices import PRIMARY_AREAS, ActivityCategory
from tether.registry.models import Activity, Arrangement, Provider, SubcontractingLink


def subcontracting_graph() -> dict[int, set[int]]:
    graph: dict[int, set[int]] = {}
    for provider, subcontractor in SubcontractingLink.objects.values_list(
            "provider_id", "subcontractor_id"):
        graph.setdefault(provider, set()).add(subcontractor)
    return graph


def longest_chain(graph: dict[int, set[int]]) -> int:
    """Links on the longest path; AssertionError naming a node if the graph has a cycle."""
    visiting, depth = set(), {}

    def walk(node) -> int:
        if node in depth:
            return depth[node]
        assert node not in visiting, f"subcontracting cycle through provider {node}"
        visiting.add(node)
        depth[node] = max((1 + walk(child) for child in graph.get(node, ())), default=0)
        visiting.discard(node)
        return depth[node]

    return max((walk(node) for node in list(graph)), default=0)


def ultimate_parent_mismatches() -> list[str]:
    """Providers whose ultimate parent is not the top of their parent chain."""
    parent_of = dict(Provider.objects.values_list("pk", "parent_id"))
    stored = dict(Provider.objects.values_list("pk", "ultimate_parent_id"))
    wrong = []
    for pk, parent in parent_of.items():
        top = None
        while parent is not None:
            top, parent = parent, parent_of[parent]
        if stored[pk] != top:
            wrong.append(f"provider {pk}: stored {stored[pk]}, expected {top}")
    return wrong


def notice_deadline_mismatches() -> int:
    wrong = 0
    for end, days, deadline in Arrangement.objects.values_list(
            "end_date", "notice_period_entity_days", "notice_deadline"):
        expected = None if end is None else end.toordinal() - days
        wrong += (deadline.toordinal() if deadline else None) != expected
    return wrong


def validate_fields_and_rules(instance) -> None:
    """Field validators and the model's clean(), without the per-object queries of full_clean()."""
    instance.clean_fields(exclude=[f.name for f in instance._meta.fields if f.is_relation])
    instance.clean()


def category_mismatches() -> int:
    return sum(
        category != (ActivityCategory.PRIMARY if area in PRIMARY_AREAS
                     else ActivityCategory.SUPPORT)
        for area, category in Activity.objects.values_list("porter_area", "category")
    )
