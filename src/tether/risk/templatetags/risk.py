"""Template helpers of the risk pages."""

from django import template

from tether.risk.tables import rating_badge as badge

register = template.Library()


@register.simple_tag
def rating_badge(config, code):
    """A rating code as a badge in the methodology's color."""
    return badge(config, code)


@register.filter
def percent_of(value, total):
    """`value` as a share of `total`, 0–100, for bar widths."""
    try:
        return round(float(value) * 100 / float(total)) if float(total) else 0
    except (TypeError, ValueError):
        return 0
