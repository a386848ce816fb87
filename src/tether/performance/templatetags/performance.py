"""Template helpers of the performance pages."""

from django import template

from tether.performance.tables import figure_unit

register = template.Library()


@register.filter
def figure(value) -> str:
    """A measured figure in up to six significant digits, no padding: 99.5, 97.32, 1,250."""
    if value is None or value == "":
        return "—"
    return f"{float(value):,.6g}"


@register.filter
def unit_of(level) -> str:
    """The unit of a level's period figure (a share within target is in %)."""
    return figure_unit(level)
