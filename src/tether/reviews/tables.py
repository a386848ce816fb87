"""List tables of the reviews app."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.html import format_html

from tether.core.tables import EMPTY, Column, Table, display
from tether.registry.models import Arrangement, Provider
from tether.reviews.models import Review, ReviewCadence
from tether.reviews.scorecard import score_band


def rating(value) -> str:
    return EMPTY if value is None else format_html("{}", f"{float(value):.2f}")


def overdue_badge(record) -> str:
    if record.review_due is None:
        return EMPTY
    if record.overdue:
        label = "Never reviewed, overdue" if record.never_reviewed else "Overdue"
        return format_html('<span class="badge text-bg-danger">{}</span> {}', label,
                           display(record.review_due))
    return display(record.review_due)


def score_badge(score) -> str:
    label, colour = score_band(score)
    text = "No data" if score is None else f"{score:.0f}"
    return format_html('<span class="badge text-bg-{}" title="{}">{}</span>', colour, label, text)


class ReviewTable(Table):
    held_on = Column(link=True)
    arrangement = Column(link=True, order_by="arrangement__reference")
    provider = Column("arrangement.provider", label="Provider", link=True,
                      order_by="arrangement__provider__name")
    overall_rating = Column(label="Overall", render=lambda r: rating(r.overall_rating),
                            numeric=True)
    feedback_shared_on = Column(label="Feedback shared")

    class Meta:
        model = Review
        fields = ("held_on", "arrangement", "provider", "reviewer", "overall_rating",
                  "decision", "feedback_shared_on", "next_review_due")


class ReviewCadenceTable(Table):
    scope = Column(link=True)

    class Meta:
        model = ReviewCadence
        fields = ("scope", "months")


def _tier(record) -> str:
    if record.tier_months is None:
        return EMPTY
    if record.tier_stricter:
        return format_html('<span class="badge text-bg-warning" title="{}">{} months</span>',
                           "The risk tier asks for more frequent reviews than the cadence.",
                           record.tier_months)
    return format_html("{} months", record.tier_months)


def _last_review(record) -> str:
    if record.last_review_id is None:
        return EMPTY
    return format_html('<a href="{}">{}</a>', Review(pk=record.last_review_id).get_absolute_url(),
                       display(record.last_review_on))


class ReviewsDueTable(Table):
    """Active arrangements with their last review and next due date."""

    reference = Column(link=True)
    provider = Column(link=True, order_by="provider__name")
    is_critical = Column(label="Critical")
    last_review_on = Column(label="Last review", render=_last_review)
    last_overall = Column(label="Last overall", render=lambda r: rating(r.last_overall),
                          numeric=True)
    review_due = Column(label="Next review due", render=overdue_badge)
    cadence_months = Column(label="Cadence (months)", numeric=True)
    tier_months = Column(label="Risk tier cadence", render=_tier, numeric=True)

    class Meta:
        model = Arrangement
        fields = ("reference", "provider", "is_critical", "last_review_on", "last_overall",
                  "review_due", "cadence_months", "tier_months")


class ListTable(Table):
    """A table over a Python list (the ranking is scored in Python from SQL aggregates)."""

    def order(self, sort: str | None) -> None:
        name = (sort or "").lstrip("-")
        column = next((c for c in self.columns if c.name == name and c.orderable), None)
        if column is None or not self.orderable:
            return
        self.sort = sort
        descending = sort.startswith("-")
        present = [r for r in self.data if column.value(r) is not None]
        missing = [r for r in self.data if column.value(r) is None]
        present.sort(key=column.value, reverse=descending)
        self.data = present + missing  # no data sorts last either way

    def paginate(self, page_number, per_page: int) -> None:
        paginator = Paginator(self.data, per_page)
        try:
            self.page = paginator.page(page_number)
        except PageNotAnInteger:
            self.page = paginator.page(1)
        except EmptyPage:
            self.page = paginator.page(paginator.num_pages)
        self.records = list(self.page.object_list)


def _percent(value) -> str:
    return EMPTY if value is None else format_html("{} %", f"{value:.0f}")


def _trend(record) -> str:
    if record.trend is None:
        return EMPTY
    arrow = "▲" if record.trend > 0 else "▼" if record.trend < 0 else "="
    return format_html("{} {}", arrow, f"{record.trend:+.2f}")


class ScorecardRankingTable(ListTable):
    rank = Column(label="#", numeric=True)
    name = Column(label="Provider", link=True)
    score = Column(label="Score", render=lambda r: score_badge(r.score), numeric=True)
    sla_share = Column(label="SLA periods met", render=lambda r: _percent(r.sla_share),
                       numeric=True)
    sla_mean_attainment = Column(label="Mean SLA attainment",
                                 render=lambda r: _percent(r.sla_mean_attainment), numeric=True)
    kpi_share = Column(label="KPI periods met", render=lambda r: _percent(r.kpi_share),
                       numeric=True)
    latest_rating = Column(label="Latest review", render=lambda r: rating(r.latest_rating),
                           numeric=True)
    trend = Column(label="Trend", render=_trend, numeric=True)
    open_findings = Column(label="Open findings", numeric=True)
    finding_points = Column(label="Severity points", numeric=True)

    class Meta:
        model = Provider
        fields = ("rank", "name", "score", "sla_share", "sla_mean_attainment", "kpi_share",
                  "latest_rating", "trend", "open_findings", "finding_points")
