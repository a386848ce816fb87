"""The decision's charts as inline SVG (no chart library; colors as SVG attributes, which the
Content-Security-Policy allows). Every value goes through format_html."""

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from tether.core.svg import join_safe

BLUE, ORANGE, GREY, RED, GREEN = "#0d6efd", "#fd7e14", "#6c757d", "#dc3545", "#198754"
TEXT = mark_safe('font-size="11" fill="#212529"')  # noqa: S308 — a constant


def svg(template: str, *args) -> SafeString:
    """format_html for SVG: floats written with one decimal (format_html escapes its
    arguments to text first, so format specifications cannot apply)."""
    return format_html(template.replace("{:.1f}", "{}"),
                       *(f"{a:.1f}" if isinstance(a, float) else a for a in args))




def short(value: float) -> str:
    """A money figure in few characters: 1.2M, 350k, 900."""
    sign = "−" if value < 0 else ""
    value = abs(value)
    if value >= 1e6:
        return f"{sign}{value / 1e6:.1f}M"
    if value >= 1e4:
        return f"{sign}{value / 1e3:.0f}k"
    return f"{sign}{value:,.0f}"


def _open(width, height, title) -> str:
    return svg(
        '<svg class="decision-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'width="100%" role="img" aria-label="{}"><title>{}</title>', width, height, title, title)


def savings_histogram_svg(comparison: dict, *, currency: str, width: int = 560,
                          height: int = 220) -> SafeString:
    """The distribution of savings (in-house − outsource) of one offer: bars below zero in
    red (outsourcing costs more), the zero line, and P(outsourcing costs more)."""
    edges, counts = comparison["histogram"]["edges"], comparison["histogram"]["counts"]
    left, right, top, bottom = 10, 10, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    # The axis always reaches zero: how far the offer is from breaking even is the point.
    low, high = min(edges[0], 0.0), max(edges[-1], 0.0)
    span = (high - low) or 1
    tallest = max(counts) or 1

    def x_of(value):
        return left + (value - low) / span * plot_w

    title = (f"Savings of {comparison['name']} over keeping in-house ({currency}): "
             f"outsourcing costs more in {comparison['p_outsourcing_costs_more']:.0%} of runs")
    parts = [_open(width, height, title)]
    for count, start, end in zip(counts, edges, edges[1:], strict=False):
        bar_h = count / tallest * plot_h
        color = RED if end <= 0 else GREEN if start >= 0 else ORANGE
        parts.append(svg(
            '<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}">'
            '<title>{} to {}: {} runs</title></rect>', x_of(start), top + plot_h - bar_h,
            max(x_of(end) - x_of(start) - 1, 1), bar_h, color, short(start), short(end), count))
    if low <= 0 <= high:
        zero = x_of(0)
        parts.append(svg(
            '<line x1="{:.1f}" x2="{:.1f}" y1="{}" y2="{}" stroke="#212529" '
            'stroke-width="2" stroke-dasharray="4 3"/><text x="{:.1f}" y="{}" '
            'text-anchor="middle" {}>0</text>', zero, zero, top - 4, top + plot_h, zero,
            top - 8, TEXT))
    parts.append(svg(
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}"/>', left, left + plot_w,
        top + plot_h, top + plot_h, GREY))
    for value in (low, (low + high) / 2, high):
        parts.append(svg('<text x="{:.1f}" y="{}" text-anchor="middle" {}>{}</text>',
                                 min(max(x_of(value), left + 20), width - 25),
                                 top + plot_h + 14, TEXT, short(value)))
    parts.append(svg(
        '<text x="{}" y="{}" {}>P(outsourcing costs more) = {} · mean savings {}</text>',
        left, height - 6, TEXT,
        f'{comparison["p_outsourcing_costs_more"]:.1%}', short(comparison["mean"])))
    parts.append("</svg>")
    return join_safe(parts)


def cost_bars_svg(options: list[dict], *, currency: str, best: int | None = None,
                  width: int = 560) -> SafeString:
    """Each option's mean cost (NPV) as a bar, with a P5–P95 whisker."""
    row, label_w, right = 30, 170, 60
    height = len(options) * row + 34
    plot_w = width - label_w - right
    most = max((o["p95"] for o in options), default=1) or 1
    title = f"Risk-adjusted cost over the horizon (NPV, {currency}): mean, P5–P95"
    parts = [_open(width, height, title)]
    for index, option in enumerate(options):
        y = 8 + index * row

        def x_of(value):
            return label_w + max(value, 0) / most * plot_w

        color = BLUE if option["kind"] == "in_house" else ORANGE
        parts.append(svg(
            '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" {} '
            'font-weight="{}">{}</text>', label_w - 6, y + 10, TEXT,
            600 if option["id"] == best else 400,
            option["name"] if len(option["name"]) <= 26 else option["name"][:25] + "…"))
        parts.append(svg(
            '<rect x="{}" y="{}" width="{:.1f}" height="20" fill="{}" opacity="0.8">'
            '<title>{}: mean {}, P5 {}, P95 {}</title></rect>', label_w, y,
            x_of(option["mean"]) - label_w, color, option["name"], short(option["mean"]),
            short(option["p5"]), short(option["p95"])))
        parts.append(svg(
            '<line x1="{:.1f}" x2="{:.1f}" y1="{}" y2="{}" stroke="#212529" stroke-width="1.5"/>'
            '<line x1="{:.1f}" x2="{:.1f}" y1="{}" y2="{}" stroke="#212529"/>'
            '<line x1="{:.1f}" x2="{:.1f}" y1="{}" y2="{}" stroke="#212529"/>',
            x_of(option["p5"]), x_of(option["p95"]), y + 10, y + 10,
            x_of(option["p5"]), x_of(option["p5"]), y + 4, y + 16,
            x_of(option["p95"]), x_of(option["p95"]), y + 4, y + 16))
        parts.append(svg('<text x="{:.1f}" y="{}" dominant-baseline="middle" {}>{}'
                                 '</text>', x_of(option["p95"]) + 4, y + 10,
                                 TEXT, short(option["mean"])))
    parts.append(svg(
        '<text x="{}" y="{}" {}><tspan fill="{}">■</tspan> in-house  <tspan fill="{}">■</tspan>'
        ' outsource  — whiskers: P5 to P95 of {} runs</text>', label_w, height - 6,
        TEXT, BLUE, ORANGE, "the simulated"))
    parts.append("</svg>")
    return join_safe(parts)


def planned_vs_achieved_svg(rows: list[dict], *, currency: str, width: int = 560,
                            height: int = 220) -> SafeString:
    """Cumulative savings per year: planned (line) and achieved (bars), with the zero line."""
    left, right, top, bottom = 50, 10, 14, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [0.0] + [r["cumulative_planned"] for r in rows] + [
        r["cumulative_achieved"] for r in rows if r["cumulative_achieved"] is not None]
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = plot_w / max(len(rows), 1)

    def y_of(value):
        return top + (high - value) / span * plot_h

    title = f"Cumulative savings, planned (line) vs achieved (bars), {currency}"
    parts = [_open(width, height, title)]
    zero = y_of(0)
    parts.append(svg('<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="{}"/>',
                             left, left + plot_w, zero, zero, GREY))
    for value in (low, high):
        parts.append(svg('<text x="{}" y="{:.1f}" text-anchor="end" {}>{}</text>',
                                 left - 4, y_of(value) + 4, TEXT,
                                 short(value)))
    points = []
    for index, item in enumerate(rows):
        centre = left + step * (index + 0.5)
        achieved = item["cumulative_achieved"]
        if achieved is not None:
            y = min(y_of(achieved), zero)
            parts.append(svg(
                '<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}">'
                '<title>Year {}: achieved {}</title></rect>', centre - step * 0.3, y,
                step * 0.6, max(abs(y_of(achieved) - zero), 1),
                GREEN if achieved >= 0 else RED, item["year"], short(achieved)))
        points.append(f"{centre:.1f},{y_of(item['cumulative_planned']):.1f}")
        parts.append(svg('<text x="{:.1f}" y="{}" text-anchor="middle" {}>Y{}</text>',
                                 centre, top + plot_h + 14, TEXT,
                                 item["year"]))
    if points:
        parts.append(svg('<polyline points="{}" fill="none" stroke="{}" '
                                 'stroke-width="2"/>', " ".join(points), BLUE))
    parts.append(svg(
        '<text x="{}" y="{}" {}><tspan fill="{}">—</tspan> planned  <tspan fill="{}">■</tspan>'
        ' achieved (cumulative)</text>', left, height - 6, TEXT, BLUE,
        GREEN))
    parts.append("</svg>")
    return join_safe(parts)
