"""List tables of the decisions app."""

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html

from tether.core.tables import EMPTY, Column, Table
from tether.decisions.models import DecisionActual, DecisionCase, DecisionOption


def amount(value) -> str:
    if value is None:
        return EMPTY
    return format_html("{}", number_format(round(value), decimal_pos=0, force_grouping=True))


def triple(option: DecisionOption, prefix: str) -> str:
    low, mode, high = (amount(v) for v in option.triple(prefix))
    if option.triple(prefix)[0] == option.triple(prefix)[2]:
        return low
    return format_html('{} <span class="text-muted small">({} – {})</span>', mode, low, high)


def _option_link(option: DecisionOption) -> str:
    return format_html('<a href="{}">{}</a>',
                       reverse("decisions:decisionoption_edit", args=[option.pk]), option.name)


class DecisionCaseTable(Table):
    title = Column(link=True)
    activity = Column(link=True, order_by="activity__name")
    chosen_option = Column(label="Decision", orderable=False)

    class Meta:
        model = DecisionCase
        fields = ("title", "activity", "status", "horizon_years", "chosen_option",
                  "decided_on", "simulated_at")


class DecisionOptionTable(Table):
    name = Column(link=True)
    case = Column(link=True, order_by="case__title")
    provider = Column(link=True, order_by="provider__name")
    transition = Column("transition_mode", label="Transition", orderable=False, numeric=True,
                        render=lambda o: triple(o, "transition"))
    fee = Column("fee_mode", label="Annual fee", orderable=False, numeric=True,
                 render=lambda o: triple(o, "fee"))
    overhead = Column("overhead_mode", label="Annual overhead", orderable=False, numeric=True,
                      render=lambda o: triple(o, "overhead"))
    exit = Column("exit_mode", label="Exit cost", orderable=False, numeric=True,
                  render=lambda o: triple(o, "exit"))

    class Meta:
        model = DecisionOption
        fields = ("name", "case", "kind", "provider", "transition", "fee", "overhead", "exit",
                  "escalation_percent")


class CaseOptionTable(DecisionOptionTable):
    """The options on their case's page: the name opens the option's form."""

    name = Column(render=_option_link)

    class Meta:
        model = DecisionOption
        fields = ("name", "kind", "provider", "transition", "fee", "overhead", "exit",
                  "escalation_percent")


class DecisionActualTable(Table):
    case = Column(link=True, order_by="case__title")
    year = Column(link=True)

    class Meta:
        model = DecisionActual
        fields = ("case", "year", "actual_cost", "sla_attainment", "notes")
