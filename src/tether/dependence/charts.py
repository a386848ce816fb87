"""Inline-SVG charts of the dependence pages: horizontal share bars and an HHI trend line.

Colors are SVG attributes (allowed by the Content-Security-Policy); every value goes through
format_html.
"""

from django.utils.html import format_html
from django.utils.safestring import SafeString

from tether.core.svg import join_safe

BAR = "#0d6efd"
FLAGGED = "#dc3545"
BANDS = (("#d1e7dd", 0, 1500), ("#fff3cd", 1500, 2500), ("#f8d7da", 2500, 10000))


def _n(value: float) -> str:
    return f"{value:.1f}"




def bars_svg(items: list[tuple[str, float, str, bool]], *, title: str,
             width: int = 560) -> SafeString:
    """Horizontal bars: (label, percent 0–100, value text, flagged) per item."""
    row, left = 22, 200
    height = max(1, len(items)) * row + 10
    scale = (width - left - 70) / max([100.0 if not items else max(p for _l, p, _v, _f in items),
                                       1.0])
    parts = [format_html('<svg class="dependence-chart" xmlns="http://www.w3.org/2000/svg" '
                         'viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}">'
                         '<title>{}</title>', width, height, title, title)]
    for index, (label, percent, value, flagged) in enumerate(items):
        y = 5 + index * row
        short = label if len(label) <= 26 else label[:25] + "…"
        bar = max(percent * scale, 1)
        parts.append(format_html(
            '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#212529">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {} % '
            '({})</title></rect><text x="{}" y="{}" font-size="11" fill="#495057">'
            '{} %</text>',
            left - 6, y + 14, short, left, y + 3, _n(bar), row - 6,
            FLAGGED if flagged else BAR, label, _n(percent), value,
            _n(left + bar + 4), y + 14, _n(percent)))
    parts.append("</svg>")
    return join_safe(parts)


def trend_svg(points: list[tuple[str, float]], *, title: str, width: int = 560,
              height: int = 180) -> SafeString:
    """HHI over time ((date text, hhi) in order) on the concentration bands."""
    left, bottom, top = 50, 24, 8
    plot_w, plot_h = width - left - 10, height - bottom - top
    high = max([2600.0, *(hhi * 1.1 for _d, hhi in points)])
    parts = [format_html('<svg class="dependence-chart" xmlns="http://www.w3.org/2000/svg" '
                         'viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}">'
                         '<title>{}</title>', width, height, title, title)]

    def y_of(value):
        return top + plot_h - min(value, high) / high * plot_h

    for color, low, band_high in BANDS:
        parts.append(format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                                 left, _n(y_of(band_high)), plot_w,
                                 _n(y_of(low) - y_of(band_high)), color))
    for tick in (0, 1500, 2500):
        parts.append(format_html('<text x="{}" y="{}" text-anchor="end" font-size="10" '
                                 'fill="#495057">{}</text>', left - 4, _n(y_of(tick) + 3), tick))
    if points:
        step = plot_w / max(len(points) - 1, 1)
        coords = [(left + i * step, y_of(hhi)) for i, (_d, hhi) in enumerate(points)]
        parts.append(format_html('<polyline fill="none" stroke="{}" stroke-width="2" '
                                 'points="{}"/>', BAR,
                                 " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)))
        for (x, y), (day, hhi) in zip(coords, points, strict=True):
            parts.append(format_html('<circle cx="{}" cy="{}" r="3" fill="{}">'
                                     '<title>{}: HHI {}</title></circle>', _n(x), _n(y), BAR,
                                     day, f"{hhi:.0f}"))
        parts.append(format_html('<text x="{}" y="{}" font-size="10" fill="#495057">{}</text>'
                                 '<text x="{}" y="{}" text-anchor="end" font-size="10" '
                                 'fill="#495057">{}</text>', left, height - 6, points[0][0],
                                 width - 10, height - 6, points[-1][0]))
    parts.append("</svg>")
    return join_safe(parts)
