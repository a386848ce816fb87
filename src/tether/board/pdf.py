"""The board pack as a PDF, drawn with reportlab from the stored figures.

reportlab installs from wheels with no system library, draws its own charts
(`reportlab.graphics`) and uses the standard PDF fonts, so nothing is fetched or looked up
outside the process. The sections and their order are those of the HTML page.
"""

import io
import math
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from tether.board.figures import SECTION_TITLES

BLUE, RED, GREY = colors.HexColor("#0d6efd"), colors.HexColor("#dc3545"), colors.HexColor(
    "#6c757d")
WIDTH = A4[0] - 36 * mm
STYLES = getSampleStyleSheet()
TABLE_STYLE = TableStyle([
    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
    ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
    ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#dee2e6")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
])


def _amount(text: str) -> str:
    return f"{Decimal(text):,.2f}"


def _p(text, style: str = "BodyText") -> Paragraph:
    return Paragraph(escape(str(text)), STYLES[style])


def _table(header: list[str], rows: list[list], widths: list[float] | None = None):
    if not rows:
        return _p("Nothing to report.", "Italic")
    cells = [header] + [[_cell(value) for value in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TABLE_STYLE)
    return table


def _cell(value):
    text = "" if value is None else str(value)
    return Paragraph(escape(text), STYLES["BodyText"].clone("cell", fontSize=8, leading=10)
                     ) if len(text) > 30 else text


def _bar_chart(labels: list[str], values: list[float], *, title: str,
               horizontal: bool = False, color=BLUE, height: float = 150) -> Drawing:
    drawing = Drawing(WIDTH, height + 20)
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.x, chart.y = (130, 10) if horizontal else (35, 30)
    chart.width = WIDTH - chart.x - 20
    chart.height = height - chart.y
    chart.data = [values or [0]]
    chart.categoryAxis.categoryNames = [label[:28] for label in labels] or [""]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    if all(isinstance(value, int) for value in values):  # counts: whole steps only
        chart.valueAxis.valueStep = max(1, math.ceil(max(values, default=0) / 5))
    chart.bars[0].fillColor = color
    chart.barLabelFormat = "%g"
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    drawing.add(chart)
    drawing.add(String(0, height + 8, title, fontName="Helvetica-Bold", fontSize=9))
    return drawing


def _line_chart(points: list[tuple[str, float]], *, title: str, height: float = 140) -> Drawing:
    drawing = Drawing(WIDTH, height + 20)
    drawing.add(String(0, height + 8, title, fontName="Helvetica-Bold", fontSize=9))
    if not points:
        drawing.add(String(WIDTH / 2, height / 2, "No results yet.", fontSize=8,
                           textAnchor="middle"))
        return drawing
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 35, 25, WIDTH - 60, height - 30
    plot.data = [[(i, value) for i, (_label, value) in enumerate(points)],
                 [(0, 100.0), (max(len(points) - 1, 1), 100.0)]]
    plot.lines[0].strokeColor, plot.lines[0].strokeWidth = BLUE, 1.5
    plot.lines[1].strokeColor, plot.lines[1].strokeDashArray = colors.green, (3, 3)
    plot.xValueAxis.valueSteps = list(range(len(points)))
    plot.xValueAxis.labelTextFormat = lambda i: points[int(i)][0][:7] if 0 <= int(i) < len(
        points) else ""
    plot.xValueAxis.labels.fontSize = 6
    plot.yValueAxis.labels.fontSize = 7
    drawing.add(plot)
    return drawing


def _heading(key: str) -> Paragraph:
    return _p(SECTION_TITLES[key], "Heading2")


def _portfolio(f: dict) -> list:
    spend = ", ".join(f"{_amount(row['total'])} {row['currency']}"
                      for row in f["spend"]) or "none"
    return [_heading("portfolio"), _table(["Providers", "Arrangements", "Active",
                                           "Critical or important", "Annual spend"],
                                          [[f["providers"], f["arrangements"],
                                            f["active_arrangements"], f["critical"], spend]]),
            Spacer(1, 6),
            _bar_chart([row["label"] for row in f["by_type"]],
                       [row["arrangements"] for row in f["by_type"]], horizontal=True,
                       title="Active arrangements by outsourcing type",
                       height=max(60, 22 * len(f["by_type"])))]


def _risk(f: dict) -> list:
    return [_heading("risk"),
            _p(f"{f['open']} open risks, {f['above_appetite']} above appetite."),
            _table(["Risk", "Category", "On", "Residual rating", "L x I"],
                   [[r["title"], r["category"], r["subject"], r["rating"],
                     f"{r['likelihood']} x {r['impact']}"] for r in f["top"]]),
            Spacer(1, 6),
            _bar_chart([row["label"] for row in f["tiers"]],
                       [row["providers"] for row in f["tiers"]], title="Providers by risk tier",
                       height=110)]


def _concentration(f: dict) -> list:
    items = [_heading("concentration"),
             _p(f"HHI (0-10,000) over live arrangements; spend in {f['currency']} only. "
                f"Moderate from {f['thresholds']['moderate']}, high above "
                f"{f['thresholds']['high']}."),
             _table(["Measure", "Dimension", "Groups", "HHI", "Level", "Largest share"],
                    [[c["measure_label"], c["dimension_label"], c["groups"], f"{c['hhi']:,.0f}",
                      c["level"], (f"{c['top'][0]['label']} {c['top'][0]['share']:.1f} %"
                                   if c["top"] else "")] for c in f["figures"]])]
    provider_spend = next((c for c in f["figures"] if c["dimension"] == "provider"
                           and c["measure"] == "spend"), None)
    if provider_spend and provider_spend["top"]:
        items += [Spacer(1, 6), _bar_chart(
            [s["label"] for s in provider_spend["top"]],
            [s["share"] for s in provider_spend["top"]], horizontal=True,
            title="Largest shares of spend by provider (%)", color=RED,
            height=max(60, 22 * len(provider_spend["top"])))]
    return items


def _sla(f: dict) -> list:
    counts = f["counts"]
    credits = ", ".join(f"{_amount(total)} {currency}"
                        for currency, total in f["credits"]) or "none"
    return [_heading("sla"),
            _p(f"Latest complete period {f['month'][:7]}: {counts.get('met', 0)} met, "
               f"{counts.get('breached', 0)} breached, {counts.get('insufficient', 0)} with too "
               f"few measurements. Service credits owed in {f['year']}: {credits}."),
            _table(["SLA / KPI", "Provider", "Arrangement", "Value", "Target", "Attainment"],
                   [[f"{r['reference']} {r['name']}", r["provider"], r["arrangement"],
                     "" if r["value"] is None else f"{r['value']:g} {r['unit']}",
                     f"{r['target']:g} {r['unit']}",
                     "" if r["attainment"] is None else f"{r['attainment']:.1f} %"]
                    for r in f["worst"]]),
            Spacer(1, 6),
            _bar_chart([day[:7] for day, _n in f["breaches_per_month"]],
                       [n for _day, n in f["breaches_per_month"]], color=RED,
                       title="Results short of target per month", height=120),
            _line_chart([(day, value) for day, value in f["attainment_per_month"]],
                        title="Mean attainment per month (100 % = on target)")]


def _oversight(f: dict) -> list:
    return [_heading("oversight"),
            _p(f"{f['overdue_count']} corrective actions overdue; {f['incidents']} incidents "
               f"open ({f['major_incidents']} major)."),
            _table(["Action", "Provider", "Due", "Days overdue", "Owner"],
                   [[a["description"], a["provider"], a["due_date"], a["days_overdue"],
                     a["owner"]] for a in f["overdue"]]),
            Spacer(1, 6),
            _table(["Incident", "Provider", "Severity", "Status", "Detected"],
                   [[i["title"] + (" (major)" if i["major"] else ""), i["provider"],
                     i["severity"], i["status"], i["detected"]] for i in f["open_incidents"]])]


def _renewals(f: dict) -> list:
    return [_heading("renewals"),
            _p(f"{f['count']} notice deadlines and contract ends in the next {f['days']} days "
               f"({f['critical']} on critical or important arrangements)."),
            _table(["Day", "What", "Arrangement", "Days left", "Critical"],
                   [[d["day"], d["label"], d["title"], d["days_left"],
                     "yes" if d["critical"] else ""] for d in f["items"]])]


def _exit(f: dict) -> list:
    ready = "n/a" if f["ready_percent"] is None else f"{f['ready_percent']:.1f} %"
    return [_heading("exit"),
            _p(f"{f['critical']} live critical or important arrangements; ready: {ready}."),
            _bar_chart([row["label"] for row in f["counts"]], [row["count"] for row in
                                                                f["counts"]],
                       horizontal=True, title="Critical arrangements by exit readiness",
                       height=130)]


BUILDERS = {"portfolio": _portfolio, "risk": _risk, "concentration": _concentration,
            "sla": _sla, "oversight": _oversight, "renewals": _renewals, "exit": _exit}


def board_pdf(figures: dict, *, title: str, generated: str) -> bytes:
    """The pack as PDF bytes."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=title, author="Tether",
                                 leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                                 bottomMargin=16 * mm, invariant=True)
    story = [_p(title, "Title"), _p(generated, "Italic"), Spacer(1, 8)]
    for key in figures.get("sections", []):
        if key in BUILDERS and key in figures:
            first, *rest = BUILDERS[key](figures[key])
            story += [KeepTogether([first, *rest[:1]]), *rest[1:], Spacer(1, 10)]

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(GREY)
        canvas.drawString(18 * mm, 9 * mm, title)
        canvas.drawRightString(A4[0] - 18 * mm, 9 * mm, f"Page {doc.page}")
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
