"""Charts drawn on the server as inline SVG: no chart library, nothing fetched from outside.

Colors are SVG presentation attributes (fill, stroke), which the Content-Security-Policy
allows, unlike inline style attributes. Every value goes through format_html.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from tether.core.svg import join_safe
from tether.risk.methodology import MethodologyConfig
from tether.risk.tables import text_color

CELL = 64
LABELLED_CELL = 60
MATRIX_LEFT = 150
MATRIX_BOTTOM = 70




def matrix_svg(config: MethodologyConfig, *, counts: dict | None = None,
               links: dict | None = None, marks: dict | None = None,
               title: str = "Risk matrix", cell: int = CELL) -> SafeString:
    """The likelihood × impact grid in the matrix's colors, most likely at the top.

    `counts` {(likelihood, impact): n} writes a number in each cell, `links` the same keys to
    URLs makes cells links, `marks` the same keys to a short text ("I", "R") marks cells.
    """
    counts, links, marks = counts or {}, links or {}, marks or {}
    columns, rows = len(config.impact_levels), len(config.likelihood_levels)
    width = MATRIX_LEFT + columns * cell + 10
    height = rows * cell + MATRIX_BOTTOM
    parts = [format_html(
        '<svg class="risk-matrix" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'width="{}" height="{}" role="img" aria-label="{}"><title>{}</title>',
        width, height, width, height, title, title)]
    for row, likelihood in enumerate(reversed(config.likelihood_levels)):
        y = row * cell
        parts.append(format_html(
            '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" '
            'font-size="12" fill="#212529">{} {}</text>',
            MATRIX_LEFT - 8, y + cell / 2, likelihood, config.likelihood_labels[likelihood]))
        for column, impact in enumerate(config.impact_levels):
            x = MATRIX_LEFT + column * cell
            rating = config.rating_by_code[config.cell_rating(likelihood, impact)]
            key = (likelihood, impact)
            label = (f"Likelihood {config.likelihood_labels[likelihood]} × impact "
                     f"{config.impact_labels[impact]}: {rating.label}")
            if key in counts:
                label += f", {counts[key]} risk{'s' if counts[key] != 1 else ''}"
            body = [format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff" '
                'stroke-width="2"><title>{}</title></rect>',
                x, y, cell, cell, rating.color, label)]
            shown = counts.get(key)
            text = "" if not shown else str(shown)
            if key in marks:
                text = f"{marks[key]} {text}".strip()
            if text:
                body.append(format_html(
                    '<text x="{}" y="{}" text-anchor="middle" dominant-baseline="middle" '
                    'font-size="{}" font-weight="600" fill="{}">{}</text>',
                    x + cell / 2, y + cell / 2, 18 if len(text) < 4 else 13,
                    text_color(rating.color), text))
            if key in links:
                parts.append(format_html('<a href="{}" aria-label="{}">{}</a>', links[key],
                                         label, join_safe(body)))
            else:
                parts.extend(body)
    grid_bottom = rows * cell
    for column, impact in enumerate(config.impact_levels):
        x = MATRIX_LEFT + column * cell + cell / 2
        parts.append(format_html(
            '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#212529">{}<title>{}'
            '</title></text>', x, grid_bottom + 16, impact, config.impact_labels[impact]))
        if cell >= LABELLED_CELL:  # narrower cells would run the labels into each other
            parts.append(format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="#495057">{}'
                '</text>', x, grid_bottom + 31, config.impact_labels[impact]))
    parts.append(format_html(
        '<text x="{}" y="{}" text-anchor="middle" font-size="12" font-weight="600" '
        'fill="#212529">Impact →</text>'
        '<text x="12" y="{}" text-anchor="middle" font-size="12" font-weight="600" '
        'fill="#212529" transform="rotate(-90 12 {})">Likelihood →</text></svg>',
        MATRIX_LEFT + columns * cell / 2, grid_bottom + 56, grid_bottom / 2, grid_bottom / 2))
    return join_safe(parts)


@dataclass(frozen=True)
class Point:
    when: datetime
    inherent: float
    residual: float
    methodology: int  # version


WIDTH, HEIGHT = 960, 320
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 14, 40
INHERENT_COLOR, RESIDUAL_COLOR, MARK_COLOR = "#6c757d", "#17324d", "#8e24aa"


def score_chart_svg(points: list[Point], config: MethodologyConfig | None = None, *,
                    title: str = "Risk score over time", width: int = WIDTH,
                    height: int = HEIGHT) -> SafeString:
    """Inherent and residual scores (0–100) over time, with each new methodology version marked
    by a dashed line, over bands in the colors of the score ratings."""
    if not points:
        return mark_safe('<p class="text-muted mb-0">No score yet.</p>')  # noqa: S308
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    start = points[0].when.timestamp()
    span = (points[-1].when.timestamp() - start) or 1.0

    def x_of(point: Point) -> float:
        if len(points) == 1:
            return LEFT + plot_w / 2
        return LEFT + (point.when.timestamp() - start) / span * plot_w

    def y_of(value: float) -> float:
        return TOP + (100 - max(0.0, min(100.0, value))) / 100 * plot_h

    parts = [format_html(
        '<svg class="score-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'width="{}" height="{}" role="img" aria-label="{}"><title>{}</title>',
        width, height, width, height, title, title)]
    parts += _bands(config, plot_w, y_of)
    for value in (0, 25, 50, 75, 100):
        y = y_of(value)
        parts.append(format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#dee2e6" stroke-width="1"/>'
            '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" font-size="11" '
            'fill="#495057">{}</text>', LEFT, y, LEFT + plot_w, y, LEFT - 6, y, value))
    previous = None
    for point in points:
        if previous is not None and point.methodology != previous:
            x = x_of(point)
            near_right = x > LEFT + plot_w - 30
            parts.append(format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1" '
                'stroke-dasharray="4 3"><title>Methodology v{} from {}</title></line>'
                '<text x="{}" y="{}" font-size="11" fill="{}" text-anchor="{}">v{}</text>',
                x, TOP, x, TOP + plot_h, MARK_COLOR, point.methodology, _day(point.when),
                x - 3 if near_right else x + 3, TOP + 10, MARK_COLOR,
                "end" if near_right else "start", point.methodology))
        previous = point.methodology
    for name, color, dash in (("inherent", INHERENT_COLOR, "6 4"),
                              ("residual", RESIDUAL_COLOR, "")):
        coordinates = " ".join(f"{x_of(p):.1f},{y_of(getattr(p, name)):.1f}" for p in points)
        if len(points) > 1:
            parts.append(format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"{}/>',
                coordinates, color,
                format_html(' stroke-dasharray="{}"', dash) if dash else ""))
        for point in points:
            parts.append(format_html(
                '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{}: {} {}</title></circle>',
                f"{x_of(point):.1f}", f"{y_of(getattr(point, name)):.1f}", color,
                _day(point.when), name, f"{getattr(point, name):.1f}"))
    parts += _time_axis(points, x_of, TOP + plot_h)
    legend_y = height - 8
    parts.append(format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"/>'
        '<text x="{}" y="{}" font-size="11" fill="#212529">Residual</text>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" '
        'stroke-dasharray="6 4"/><text x="{}" y="{}" font-size="11" fill="#212529">Inherent'
        '</text><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-dasharray="4 3"/>'
        '<text x="{}" y="{}" font-size="11" fill="#212529">New methodology version</text></svg>',
        LEFT, legend_y - 4, LEFT + 24, legend_y - 4, RESIDUAL_COLOR, LEFT + 30, legend_y,
        LEFT + 100, legend_y - 4, LEFT + 124, legend_y - 4, INHERENT_COLOR, LEFT + 130,
        legend_y, LEFT + 200, legend_y - 4, LEFT + 224, legend_y - 4, MARK_COLOR, LEFT + 230,
        legend_y))
    return join_safe(parts)


def _bands(config: MethodologyConfig | None, plot_w: float, y_of) -> list[str]:
    """Faint bands behind the lines: where each score rating starts and ends."""
    if config is None:
        return []
    parts, low = [], 0.0
    for band in config.score_bands:
        high = float(band.get("below", 100))
        rating = config.rating_by_code.get(band["rating"])
        if rating is not None and high > low:
            parts.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" fill-opacity="0.12">'
                '<title>{}: {} to {}</title></rect>', LEFT, f"{y_of(high):.1f}", plot_w,
                f"{y_of(low) - y_of(high):.1f}", rating.color, rating.label, int(low),
                int(high)))
        low = high
    return parts


def _day(moment: datetime, with_time: bool = False) -> str:
    return date_format(localtime(moment), "Y-m-d H:i" if with_time else "Y-m-d")


def _time_axis(points: list[Point], x_of, y: float) -> list[str]:
    """Dates under the plot: the last, the first and up to four between, never overlapping
    (with the time of day when the history spans less than two days)."""
    with_time = (points[-1].when - points[0].when).total_seconds() < 2 * 86400
    step = max(1, (len(points) - 1) // 5)
    chosen = [points[-1], points[0], *points[step:-1:step]] if len(points) > 1 else points
    parts, taken = [], []
    for point in chosen:
        x, text = x_of(point), _day(point.when, with_time)
        width = len(text) * 6.2  # at font size 11
        anchor = ("middle" if len(points) == 1 else "end" if point is points[-1]
                  else "start" if point is points[0] else "middle")
        start = {"end": x - width, "start": x, "middle": x - width / 2}[anchor]
        if any(start < right + 8 and start + width + 8 > left for left, right in taken):
            continue
        parts.append(format_html(
            '<text x="{}" y="{}" text-anchor="{}" font-size="11" fill="#495057">{}</text>',
            f"{x:.1f}", y + 16, anchor, text))
        taken.append((start, start + width))
    return parts
