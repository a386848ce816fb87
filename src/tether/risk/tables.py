"""List tables of the risk app; ratings show as badges in the methodology's own colors."""

import copy

from django.urls import reverse
from django.utils.html import format_html

from tether.core.tables import EMPTY, Column, Table, display
from tether.risk.methodology import MethodologyConfig
from tether.risk.models import (
    ArrangementIntake,
    Control,
    CountryRisk,
    Methodology,
    ProviderScore,
    ProviderScoreHistory,
    Risk,
    RiskCategory,
)


def text_color(background: str) -> str:
    """Dark or light text, whichever reads better on the background (#rrggbb)."""
    try:
        red, green, blue = (int(background[i:i + 2], 16) / 255 for i in (1, 3, 5))
    except (ValueError, IndexError, TypeError):
        return "#ffffff"

    def linear(channel):
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return "#212529" if luminance > 0.35 else "#ffffff"


def rating_badge(config: MethodologyConfig, code: str) -> str:
    """A rating as a badge; its color is applied by tether.js (the CSP forbids inline styles)."""
    if not code:
        return EMPTY
    rating = config.rating_by_code.get(code)
    if rating is None:
        return format_html('<span class="badge text-bg-secondary">{}</span>', code)
    return format_html('<span class="badge rating-badge" data-bg="{}" data-fg="{}">{}</span>',
                       rating.color, text_color(rating.color), rating.label)


def subject_link(risk: Risk) -> str:
    subject = risk.subject
    if subject is None:
        return EMPTY
    kind = ("Provider" if risk.provider_id else "Arrangement" if risk.arrangement_id
            else "Activity")
    return format_html('<span class="text-muted small">{}</span> <a href="{}">{}</a>', kind,
                       subject.get_absolute_url(), subject)


def score(value) -> str:
    return EMPTY if value is None else format_html("{}", f"{value:.1f}")


class RatedTable(Table):
    """A table with rating columns; it reads the current methodology unless given one."""

    rating_columns: tuple[str, ...] = ()

    def __init__(self, data, *, config: MethodologyConfig | None = None, **kwargs):
        super().__init__(data, **kwargs)
        self._config = config
        columns = []
        for column in self.columns:
            if column.name in self.rating_columns:
                column = copy.copy(column)
                column.render_function = self._badge_of(column.accessor)
            columns.append(column)
        self.columns = columns

    @property
    def config(self) -> MethodologyConfig:
        """The methodology given, else the current one, read only when a badge is drawn."""
        if self._config is None:
            from tether.risk.selectors import current_config

            self._config = current_config()
        return self._config

    def _badge_of(self, accessor: str):
        return lambda record: rating_badge(self.config, getattr(record, accessor))


class RiskTable(RatedTable):
    rating_columns = ("inherent_rating", "residual_rating")
    title = Column(link=True)
    subject = Column("provider", label="Subject", orderable=False, render=subject_link)
    category = Column(link=True, order_by="category__position")
    inherent_rating = Column(label="Inherent", order_by="inherent_likelihood")
    residual_rating = Column(label="Residual", order_by="effective_likelihood")
    above_appetite = Column(label="Above appetite")
    owner = Column(order_by="owner__username")

    class Meta:
        model = Risk
        fields = ("title", "subject", "category", "inherent_rating", "residual_rating",
                  "above_appetite", "treatment", "owner", "status")


class AboveAppetiteTable(RatedTable):
    """Risks above appetite: the residual rating beside the appetite of the risk's category."""

    rating_columns = ("residual_rating",)
    title = Column(link=True)
    subject = Column("provider", label="Subject", orderable=False, render=subject_link)
    category = Column(link=True, order_by="category__position")
    residual_rating = Column(label="Residual", order_by="effective_likelihood")
    appetite = Column("category", label="Appetite", orderable=False)
    owner = Column(order_by="owner__username")

    class Meta:
        model = Risk
        fields = ("title", "subject", "category", "residual_rating", "appetite", "owner",
                  "treatment", "review_date")

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        for index, column in enumerate(self.columns):
            if column.name == "appetite":
                column = copy.copy(column)
                column.render_function = lambda risk: rating_badge(
                    self.config, self.config.appetite_for(risk.category.code))
                self.columns[index] = column


def _control_link(control: Control) -> str:
    return format_html('<a href="{}">{}</a>', reverse("risk:control_detail", args=[control.pk]),
                       control.title)


class ControlTable(Table):
    title = Column(render=_control_link)
    risk = Column(link=True, order_by="risk__title")
    effect = Column("likelihood_reduction", label="Effect (likelihood / impact)",
                    orderable=False,
                    render=lambda c: format_html("−{} / −{}", c.likelihood_reduction,
                                                 c.impact_reduction))

    class Meta:
        model = Control
        fields = ("title", "risk", "control_type", "status", "effect", "owner")


class RiskCategoryTable(Table):
    name = Column(link=True)

    class Meta:
        model = RiskCategory
        fields = ("name", "code", "position", "is_active", "description")


class CountryRiskTable(Table):
    country = Column(link=True, label="Country")
    name = Column("country", label="Name", orderable=False,
                  render=lambda r: format_html("{}", r.country.name))
    average = Column("average", label="Average", orderable=False, numeric=True,
                     render=lambda r: format_html("{}", f"{r.average:.1f}"))

    class Meta:
        model = CountryRisk
        fields = ("country", "name", "political", "economic", "legal", "average", "source",
                  "as_of")


class ArrangementIntakeTable(Table):
    arrangement = Column(label="Arrangement", order_by="arrangement__reference",
                         render=lambda i: format_html('<a href="{}">{}</a>',
                                                      i.get_absolute_url(), i.arrangement))
    provider = Column("arrangement.provider", label="Provider", link=True,
                      order_by="arrangement__provider__name")
    inherent_score = Column(label="Inherent score", numeric=True,
                            render=lambda i: score(i.inherent_score))

    class Meta:
        model = ArrangementIntake
        fields = ("arrangement", "provider", "criticality", "data_sensitivity", "system_access",
                  "inherent_score", "tier")


def _provider_link(row) -> str:
    return format_html('<a href="{}">{}</a>', row.provider.get_absolute_url(), row.provider)


def _explain_links(row: ProviderScore) -> str:
    return format_html(
        '<a href="{}">Explain</a> · <a href="{}">Trend</a>',
        reverse("risk:provider_explain", args=[row.provider_id]),
        reverse("risk:provider_trend", args=[row.provider_id]))


class ProviderScoreTable(RatedTable):
    rating_columns = ("inherent_rating", "residual_rating")
    provider = Column(label="Provider", order_by="provider__name", render=_provider_link)
    country = Column("provider.country", label="Country", order_by="provider__country")
    inherent_score = Column(label="Inherent score", render=lambda s: score(s.inherent_score))
    inherent_rating = Column(label="Inherent", order_by="inherent_score")
    residual_score = Column(label="Residual score", render=lambda s: score(s.residual_score))
    residual_rating = Column(label="Residual", order_by="residual_score")
    above_appetite = Column(label="Above appetite")
    methodology = Column(label="Methodology", order_by="methodology__version",
                         render=lambda s: format_html("v{}", s.methodology.version))
    explain = Column("pk", label="", orderable=False, render=_explain_links)

    class Meta:
        model = ProviderScore
        fields = ("provider", "country", "tier", "inherent_score", "inherent_rating",
                  "residual_score", "residual_rating", "above_appetite", "computed_at",
                  "methodology", "explain")


class ScoreHistoryTable(RatedTable):
    rating_columns = ("residual_rating",)
    inherent_score = Column(label="Inherent", render=lambda s: score(s.inherent_score))
    residual_score = Column(label="Residual", render=lambda s: score(s.residual_score))
    methodology = Column(label="Methodology",
                         render=lambda s: format_html('<a href="{}">v{}</a>',
                                                      s.methodology.get_absolute_url(),
                                                      s.methodology.version))

    class Meta:
        model = ProviderScoreHistory
        fields = ("computed_at", "inherent_score", "residual_score", "residual_rating", "tier",
                  "trigger", "methodology")


class MethodologyTable(Table):
    version = Column(render=lambda m: format_html('<a href="{}">v{}</a>', m.get_absolute_url(),
                                                  m.version))
    name = Column(link=True)
    created = Column(label="Published")
    created_by = Column(label="By", order_by="created_by__username",
                        render=lambda m: display(m.created_by or "Tether"))

    class Meta:
        model = Methodology
        fields = ("version", "name", "is_current", "created", "created_by", "change_note")
