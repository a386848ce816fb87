"""The reviews app's charts as inline SVG (no chart library; colours as SVG attributes, which
the Content-Security-Policy allows). Every value goes through format_html."""

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from tether.core.svg import join_safe
from tether.reviews.scorecard import Scorecard, score_band

FILLS = {"success": "#198754", "warning": "#ffc107", "danger": "#dc3545",
         "secondary": "#adb5bd"}
LABEL_WIDTH, BAR_HEIGHT, GAP = 170, 22, 8
SVG_END = mark_safe("</svg>")  # noqa: S308 — a constant


def components_svg(card: Scorecard, *, width: int = 520) -> SafeString:
    """One bar per scorecard component (0–100), coloured by band; no data is a grey stub."""
    height = len(card.components) * (BAR_HEIGHT + GAP) + GAP
    room = width - LABEL_WIDTH - 70
    title = "Scorecard components (0–100)"
    parts = [format_html(
        '<svg class="score-chart reviews-chart" xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}"><title>{}</title>',
        width, height, title, title)]
    for index, component in enumerate(card.components):
        y = GAP + index * (BAR_HEIGHT + GAP)
        value = component.value
        fill = FILLS[score_band(value)[1]]
        length = round(room * (value or 0) / 100, 1)
        text = "no data" if value is None else f"{value:.0f}"
        parts.append(format_html(
            '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" font-size="12" '
            'fill="#212529">{}</text><rect x="{}" y="{}" width="{}" height="{}" rx="3" '
            'fill="{}"><title>{}: {}</title></rect><text x="{}" y="{}" '
            'dominant-baseline="middle" font-size="12" font-weight="600" fill="#212529">{}'
            '</text>',
            LABEL_WIDTH - 8, y + BAR_HEIGHT / 2, f"{component.label} ×{component.weight}",
            LABEL_WIDTH, y, max(length, 2), BAR_HEIGHT, fill, component.label,
            component.explanation, LABEL_WIDTH + length + 6, y + BAR_HEIGHT / 2, text))
    parts.append(SVG_END)
    return join_safe(parts)


def ratings_sparkline_svg(points: list[tuple[str, float]], *, width: int = 220,
                          height: int = 48) -> SafeString:
    """Overall ratings (1–5) of successive reviews, oldest first: a small line with dots."""
    title = "Overall rating of the reviews, oldest first"
    parts = [format_html(
        '<svg class="reviews-sparkline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'width="{}" height="{}" role="img" aria-label="{}"><title>{}</title>',
        width, height, width, height, title, title)]
    pad = 6
    if points:
        step = (width - 2 * pad) / max(len(points) - 1, 1)

        def y_of(value: float) -> float:
            return round(height - pad - (value - 1) / 4 * (height - 2 * pad), 1)

        coords = [(round(pad + i * step, 1), y_of(value)) for i, (_, value) in
                  enumerate(points)]
        path = " ".join(f"{x},{y}" for x, y in coords)
        parts.append(format_html('<polyline points="{}" fill="none" stroke="#0d6efd" '
                                 'stroke-width="2"/>', path))
        for (x, y), (label, value) in zip(coords, points, strict=True):
            parts.append(format_html('<circle cx="{}" cy="{}" r="3" fill="#0d6efd"><title>{}: '
                                     '{}</title></circle>', x, y, label, f"{value:.2f}"))
    parts.append(SVG_END)
    return join_safe(parts)
