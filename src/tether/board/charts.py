"""The pack's charts as inline SVG, drawn from stored figures with the apps' own chart helpers
(risk matrix, concentration bars, performance month bars, continuity bars); only the
attainment line is drawn here. Colors are SVG attributes (the Content-Security-Policy allows
them); every value goes through format_html."""

from datetime import date

from django.utils.html import format_html
from django.utils.safestring import SafeString

from tether.continuity.charts import Bar, bar_chart_svg
from tether.core.svg import join_safe
from tether.dependence.charts import bars_svg, trend_svg
from tether.performance.charts import BLUE, CLOSE, GREEN, month_bars_svg
from tether.risk.charts import matrix_svg
from tether.risk.methodology import MethodologyConfig

LINE_W, LINE_H = 560, 200


def _day(text: str) -> date:
    return date.fromisoformat(text)


def heat_map_svg(figures: dict, config: MethodologyConfig) -> SafeString:
    counts = {(likelihood, impact): n for likelihood, impact, n in figures["heat_map"]}
    return matrix_svg(config, counts=counts, title="Open risks by residual likelihood and "
                                                    "impact", cell=48)


def type_bars_svg(portfolio: dict) -> SafeString:
    return bar_chart_svg([Bar(_short(row["label"]), row["arrangements"]) for row in
                          portfolio["by_type"]], title="Active arrangements by outsourcing type")


def _short(label: str) -> str:
    """"IT outsourcing (ITO)" as "ITO": the chart's label column is narrow."""
    return label.rsplit("(", 1)[-1].rstrip(")") if label.endswith(")") else label


def tier_bars_svg(risk: dict) -> SafeString:
    return bar_chart_svg([Bar(row["label"], row["providers"],
                              "#dc3545" if row["above_appetite"] else "#0d6efd")
                          for row in risk["tiers"]], title="Providers by risk tier")


def concentration_bars_svg(figure: dict) -> SafeString:
    unit = figure["currency"] or "arrangements"
    return bars_svg([(s["label"], s["share"], unit, s["flagged"]) for s in figure["top"]],
                    title=f"{figure['measure_label']}: largest shares by "
                          f"{figure['dimension_label'].lower()}")


def hhi_trend_svg(concentration: dict) -> SafeString | None:
    history = concentration["hhi_history"]
    if len(history) < 2:
        return None
    return trend_svg([(day, hhi) for day, hhi in history],
                     title="HHI of spend by provider over time")


def breaches_svg(sla: dict) -> SafeString:
    return month_bars_svg([(_day(day), n) for day, n in sla["breaches_per_month"]],
                          title="SLA and KPI results short of target per month")


def attainment_line_svg(sla: dict) -> SafeString:
    """Mean attainment of every level per month (100 % = on target), as a line."""
    points = [(_day(day), value) for day, value in sla["attainment_per_month"]]
    title = "Mean attainment per month (100 % = on target)"
    left, right, top, bottom = 44, 12, 12, 28
    plot_w, plot_h = LINE_W - left - right, LINE_H - top - bottom
    parts = [format_html('<svg class="board-chart board-attainment" '
                         'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
                         'width="100%" role="img" aria-label="{}"><title>{}</title>',
                         LINE_W, LINE_H, title, title)]
    if not points:
        parts.append(format_html('<text x="{}" y="{}" text-anchor="middle" font-size="12" '
                                 'fill="#495057">No results yet.</text></svg>',
                                 LINE_W // 2, LINE_H // 2))
        return join_safe(parts)
    values = [value for _day, value in points] + [100.0]
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or 1.0
    low, high = low - pad, high + pad
    step = plot_w / max(len(points) - 1, 1)

    def x_of(index: int) -> str:
        return f"{left + (index * step if len(points) > 1 else plot_w / 2):.1f}"

    def y_of(value: float) -> str:
        return f"{top + (high - value) / (high - low) * plot_h:.1f}"

    parts.append(format_html(
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-dasharray="5 4"/>'
        '<text x="{}" y="{}" text-anchor="end" font-size="10" fill="#495057">100 %</text>',
        left, left + plot_w, y_of(100.0), y_of(100.0), GREEN, left - 4, y_of(100.0)))
    if len(points) > 1:
        parts.append(format_html(
            '<polyline points="{}" fill="none" stroke="{}" '
            'stroke-width="2"/>', " ".join(f"{x_of(i)},{y_of(v)}"
                                           for i, (_d, v) in enumerate(points)), BLUE))
    for index, (day, value) in enumerate(points):
        parts.append(format_html(
            '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{}: {} %</title></circle>'
            '<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="#495057">{}</text>',
            x_of(index), y_of(value), BLUE, f"{day:%Y-%m}", f"{value:.1f}", x_of(index),
            LINE_H - 10, f"{day:%b}"))
    parts.append(CLOSE)
    return join_safe(parts)


def readiness_bars_svg(exit_figures: dict) -> SafeString:
    return bar_chart_svg([Bar(row["label"], row["count"], row["fill"])
                          for row in exit_figures["counts"]],
                         title="Critical arrangements by exit readiness")


def report_charts(figures: dict, config: MethodologyConfig) -> dict:
    """Every chart of the pack's HTML page, by name."""
    concentration = figures["concentration"]
    return {
        "types": type_bars_svg(figures["portfolio"]),
        "heat_map": heat_map_svg(figures["risk"], config),
        "tiers": tier_bars_svg(figures["risk"]),
        "concentration": [(figure, concentration_bars_svg(figure))
                          for figure in concentration["figures"]
                          if figure["dimension"] in ("provider", "group")],
        "hhi_trend": hhi_trend_svg(concentration),
        "breaches": breaches_svg(figures["sla"]),
        "attainment": attainment_line_svg(figures["sla"]),
        "readiness": readiness_bars_svg(figures["exit"]),
    }
