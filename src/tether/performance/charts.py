"""The performance charts as inline SVG (no chart library; colors as SVG attributes, which the
Content-Security-Policy allows). Every value goes through format_html."""

from datetime import date

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from tether.core.svg import join_safe

BLUE, RED, GREEN, GREY, DARK = "#0d6efd", "#dc3545", "#198754", "#6c757d", "#212529"
TEXT = mark_safe('font-size="11" fill="#212529"')  # noqa: S308 — a constant
CLOSE = mark_safe("</svg>")  # noqa: S308 — a constant


def svg(template: str, *args) -> SafeString:
    """format_html for SVG: floats written with one decimal."""
    return format_html(template.replace("{:.1f}", "{}"),
                       *(f"{a:.1f}" if isinstance(a, float) else a for a in args))


def _open(width: int, height: int, title: str, css: str = "perf-chart") -> SafeString:
    return svg('<svg class="score-chart {}" xmlns="http://www.w3.org/2000/svg" '
               'viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-label="{}">'
               '<title>{}</title>', css, width, height, width, height, title, title)


def _label(day: date) -> str:
    return f"{day:%Y-%m}"


def series_chart_svg(series: list[dict], *, target: float, unit: str = "",
                     title: str, width: int = 640, height: int = 240) -> SafeString:
    """A level's value per period against its target line; breached periods in red."""
    points = [row for row in series if row["value"] is not None]
    parts = [_open(width, height, title)]
    if not series:
        parts.append(svg('<text x="{}" y="{}" text-anchor="middle" {}>No results yet.</text>',
                         width // 2, height // 2, TEXT))
        parts.append(CLOSE)
        return join_safe(parts)
    left, right, top, bottom = 56, 12, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [row["value"] for row in points] + [target]
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or abs(high) * 0.05 or 1
    low, high = low - pad, high + pad
    step = plot_w / max(len(series) - 1, 1)
    index_of = {row["period_start"]: i for i, row in enumerate(series)}

    def x_of(row) -> float:
        return left + (index_of[row["period_start"]] * step if len(series) > 1 else plot_w / 2)

    def y_of(value) -> float:
        return top + (high - value) / (high - low) * plot_h

    parts.append(svg('<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}"/>', left,
                     left + plot_w, top + plot_h, top + plot_h, GREY))
    for value in (low + pad, high - pad):
        parts.append(svg('<text x="{}" y="{:.1f}" text-anchor="end" dominant-baseline="middle" '
                         '{}>{}</text>', left - 6, y_of(value), TEXT, f"{value:,.4g}"))
    target_y = y_of(target)
    parts.append(svg(
        '<line class="perf-target" x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="{}" '
        'stroke-width="1.5" stroke-dasharray="5 4"><title>Target {} {}</title></line>',
        left, left + plot_w, target_y, target_y, GREEN, f"{target:g}", unit))
    if len(points) > 1:
        path = " ".join(f"{x_of(row):.1f},{y_of(row['value']):.1f}" for row in points)
        parts.append(svg('<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>',
                         path, BLUE))
    for row in points:
        breached = row["outcome"] == "breached"
        parts.append(svg(
            '<circle class="{}" cx="{:.1f}" cy="{:.1f}" r="{}" fill="{}"><title>{}: {} {} '
            '({})</title></circle>', "perf-breach" if breached else "perf-point", x_of(row),
            y_of(row["value"]), 5 if breached else 3, RED if breached else BLUE,
            _label(row["period_start"]), f"{row['value']:,.4g}", unit, row["outcome"]))
    every = max(1, -(-len(series) // 7))  # at most seven labels, so they never overlap
    for i, row in enumerate(series):
        if i % every == 0 or i == len(series) - 1:
            parts.append(svg('<text x="{:.1f}" y="{}" text-anchor="middle" {}>{}</text>',
                             x_of(row), top + plot_h + 16, TEXT, _label(row["period_start"])))
    parts.append(CLOSE)
    return join_safe(parts)


def sparkline_svg(series: list[dict], *, title: str, width: int = 120,
                  height: int = 28) -> SafeString:
    """A small line of attainment per period; breached periods as red dots."""
    points = [row for row in series if row.get("attainment") is not None]
    parts = [_open(width, height, title, "perf-sparkline")]
    if points:
        values = [row["attainment"] for row in points] + [100.0]
        low, high = min(values), max(values)
        span = (high - low) or 1
        step = (width - 6) / max(len(points) - 1, 1)

        def xy(i, value):
            return 3 + i * step, 3 + (high - value) / span * (height - 6)

        hundred = xy(0, 100.0)[1]
        parts.append(svg('<line x1="0" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="{}" '
                         'stroke-dasharray="2 2"/>', width, hundred, hundred, GREEN))
        coords = [xy(i, row["attainment"]) for i, row in enumerate(points)]
        parts.append(svg('<polyline points="{}" fill="none" stroke="{}" stroke-width="1.5"/>',
                         " ".join(f"{x:.1f},{y:.1f}" for x, y in coords), BLUE))
        for (x, y), row in zip(coords, points, strict=True):
            if row["outcome"] == "breached":
                parts.append(svg('<circle cx="{:.1f}" cy="{:.1f}" r="2.5" fill="{}"/>', x, y,
                                 RED))
    parts.append(CLOSE)
    return join_safe(parts)


def month_bars_svg(rows: list[tuple[date, float | None]], *, title: str, fill: str = RED,
                   reference: float | None = None, unit: str = "", width: int = 560,
                   height: int = 180) -> SafeString:
    """Vertical bars per month (breaches per month, attainment per month), with an optional
    reference line (100 % attainment)."""
    left, right, top, bottom = 8, 8, 18, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [value for _day, value in rows if value is not None]
    high = max([*values, reference or 0]) or 1
    slot = plot_w / max(len(rows), 1)
    parts = [_open(width, height, title)]
    for i, (day, value) in enumerate(rows):
        x = left + i * slot
        if value is not None:
            bar_h = value / high * plot_h
            text = f"{value:.1f}{unit}" if isinstance(value, float) else f"{value}{unit}"
            parts.append(svg(
                '<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" rx="2" fill="{}">'
                '<title>{}: {}</title></rect><text x="{:.1f}" y="{:.1f}" text-anchor="middle" '
                '{}>{}</text>', x + 2, top + plot_h - bar_h, max(slot - 4, 1), max(bar_h, 0.5),
                fill, _label(day), text, x + slot / 2, top + plot_h - bar_h - 3, TEXT, text))
        parts.append(svg('<text x="{:.1f}" y="{}" text-anchor="middle" {}>{}</text>',
                         x + slot / 2, height - 10, TEXT, f"{day:%b}"))
    if reference is not None:
        y = top + plot_h - reference / high * plot_h
        parts.append(svg('<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="{}" '
                         'stroke-dasharray="5 4"/>', left, left + plot_w, y, y, GREEN))
    parts.append(CLOSE)
    return join_safe(parts)
