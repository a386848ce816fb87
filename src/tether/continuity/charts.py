"""Small charts drawn on the server as inline SVG (no chart library; colors are SVG presentation
attributes, which the Content-Security-Policy allows). Every value goes through format_html."""

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

LABEL_WIDTH = 190
BAR_HEIGHT = 24
GAP = 8
VALUE_WIDTH = 60


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | float
    fill: str = "#0d6efd"
    url: str = ""


def bar_chart_svg(bars: list[Bar], *, title: str, width: int = 520,
                  unit: str = "") -> SafeString:
    """Horizontal bars, one per row, labelled and counted; a bar with a URL is a link."""
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    room = max(width - LABEL_WIDTH - VALUE_WIDTH, 10)
    top = max((bar.value for bar in bars), default=0) or 1
    parts = [format_html(
        '<svg class="score-chart continuity-chart" xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-label="{}"><title>{}</title>',
        width, height, width, height, title, title)]
    for index, bar in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = round(room * bar.value / top, 1) if bar.value else 0
        text = f"{bar.value:g}{unit}" if isinstance(bar.value, float) else f"{bar.value}{unit}"
        body = format_html(
            '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" font-size="12" '
            'fill="#212529">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{}"><title>{}: {}</title>'
            '</rect>'
            '<text x="{}" y="{}" dominant-baseline="middle" font-size="12" font-weight="600" '
            'fill="#212529">{}</text>',
            LABEL_WIDTH - 8, y + BAR_HEIGHT / 2, bar.label,
            LABEL_WIDTH, y, max(length, 1), BAR_HEIGHT, bar.fill, bar.label, text,
            LABEL_WIDTH + length + 6, y + BAR_HEIGHT / 2, text)
        if bar.url:
            parts.append(format_html('<a href="{}" aria-label="{}: {}">{}</a>', bar.url,
                                     bar.label, text, body))
        else:
            parts.append(body)
    parts.append(mark_safe("</svg>"))  # noqa: S308 — a constant
    # Each part was built by format_html, so escaped already.
    return mark_safe("".join(parts))  # noqa: S308
