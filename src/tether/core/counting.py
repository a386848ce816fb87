"""Several numbers in one query: a page that shows many counts pays one round trip, not one
per count (the portal's home page has a query budget)."""

from django.db.models import F, Func, IntegerField, Subquery


def count_expression(queryset) -> Subquery:
    """The number of rows of `queryset`, as a scalar subquery to select beside others.

    COUNT as a plain function, not an aggregate, so the subquery has no GROUP BY and always
    yields exactly one row (0 when nothing matches).
    """
    counted = queryset.order_by().annotate(counted=Func(F("pk"), function="COUNT"))
    return Subquery(counted.values("counted"), output_field=IntegerField())
