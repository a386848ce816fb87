"""The outsourcing register of the EBA Guidelines on outsourcing arrangements (EBA/GL/2019/02,
section 11): one row per arrangement, the fields of paragraph 54 for every arrangement and
those of paragraph 55 for arrangements of critical or important functions only.

The columns are data (`FIELDS`); `register_rows` reads the register in batches of arrangements
with a fixed number of set-based queries per batch (never one per arrangement), so a download
of 100,000 arrangements streams in constant memory. Fields Tether does not record are in the
columns and left empty; docs/outsourcing-register.md says which and why.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from tether.continuity.models import ExitPlan, ServiceAlternative
from tether.oversight.choices import AuditStatus
from tether.oversight.models import Audit
from tether.registry.choices import (
    CloudDeploymentModel,
    CloudServiceModel,
    DataInvolved,
    IdentifierScheme,
    OutsourcingType,
    RenewalType,
    Substitutability,
)
from tether.registry.models import (
    Arrangement,
    Organisation,
    ProviderIdentifier,
    SubcontractingLink,
)
from tether.regulatory import codelists
from tether.regulatory.models import ArrangementProfile, IctService
from tether.risk.choices import BusinessCriticality, RiskStatus
from tether.risk.models import ArrangementIntake, Risk

ALL = "54"
CRITICAL = "55"
BATCH = 1000
YES, NO = "Yes", "No"
LIST_SEPARATOR = "; "

# §55(h) asks for substitutability "as easy, difficult or impossible"; Tether keeps the DORA
# four-level scale, folded here onto the guidelines' three.
SUBSTITUTABILITY_OUTCOME = {
    Substitutability.EASY: "Easy",
    Substitutability.MEDIUM: "Difficult",
    Substitutability.HIGHLY_COMPLEX: "Difficult",
    Substitutability.NOT_SUBSTITUTABLE: "Impossible",
}
# Identifiers that are a corporate registration number, the first found wins (§54(e)).
REGISTRATION_SCHEMES = (IdentifierScheme.CRN, IdentifierScheme.EUID,
                        IdentifierScheme.NATIONAL_CODE)
RENEWING = (RenewalType.AUTOMATIC, RenewalType.BY_AGREEMENT)


@dataclass(frozen=True)
class Field:
    """One column of the register: its code, label, the paragraph asking for it, and whether
    every arrangement has it (§54) or only critical-or-important ones (§55)."""

    code: str
    label: str
    paragraph: str
    applies_to: str = ALL

    @property
    def header(self) -> str:
        return f"{self.label} [EBA/GL/2019/02 §{self.paragraph}]"


FIELDS: tuple[Field, ...] = (
    Field("reference", "Reference number", "54(a)"),
    Field("status", "Status (ended arrangements stay in the register)", "52"),
    Field("organisation", "Entity that signed the arrangement", "52"),
    Field("start_date", "Start date", "54(b)"),
    Field("next_renewal_date", "Next contract renewal date", "54(b)"),
    Field("end_date", "End date", "54(b)"),
    Field("notice_period_provider_days", "Notice period of the service provider (days)",
          "54(b)"),
    Field("notice_period_institution_days", "Notice period of the institution (days)", "54(b)"),
    Field("function_description", "Brief description of the outsourced function", "54(c)"),
    Field("data_outsourced", "Data outsourced", "54(c)"),
    Field("personal_data", "Personal data transferred or processed (yes/no)", "54(c)"),
    Field("category", "Category of the function", "54(d)"),
    Field("provider_name", "Name of the service provider", "54(e)"),
    Field("provider_registration_number", "Corporate registration number", "54(e)"),
    Field("provider_lei", "Legal entity identifier (LEI)", "54(e)"),
    Field("provider_registered_address", "Registered address", "54(e)"),
    Field("provider_contact", "Other relevant contact details", "54(e)"),
    Field("provider_parent", "Name of the parent company", "54(e)"),
    Field("service_countries", "Countries where the service is performed", "54(f)"),
    Field("data_locations", "Location of the data (countries)", "54(f)"),
    Field("critical_or_important", "Critical or important (yes/no)", "54(g)"),
    Field("criticality_reasons", "Reasons for criticality or importance", "54(g)"),
    Field("cloud_service_model", "Cloud service model", "54(h)"),
    Field("cloud_deployment_model", "Cloud deployment model (public/private/hybrid/community)",
          "54(h)"),
    Field("cloud_data_nature", "Cloud: nature of the data held", "54(h)"),
    Field("cloud_storage_locations", "Cloud: storage locations", "54(h)"),
    Field("last_criticality_assessment", "Date of the most recent criticality assessment",
          "54(i)"),
    Field("using_entities", "Entities in the consolidation making use of the outsourcing",
          "55(a)", CRITICAL),
    Field("provider_in_group", "Service provider part of the group (yes/no)", "55(b)",
          CRITICAL),
    Field("last_risk_assessment", "Date of the most recent risk assessment", "55(c)", CRITICAL),
    Field("risk_assessment_summary", "Main results of the risk assessment", "55(c)", CRITICAL),
    Field("approving_body", "Individual or body that approved the arrangement", "55(d)",
          CRITICAL),
    Field("governing_law", "Governing law of the agreement", "55(e)", CRITICAL),
    Field("last_audit", "Date of the most recent audit", "55(f)", CRITICAL),
    Field("next_audit", "Date of the next scheduled audit", "55(f)", CRITICAL),
    Field("subcontractors", "Sub-contractors (registration country; service countries; data "
          "locations)", "55(g)", CRITICAL),
    Field("substitutability", "Substitutability (easy/difficult/impossible)", "55(h)", CRITICAL),
    Field("reintegration", "Possibility of reintegration", "55(h)", CRITICAL),
    Field("discontinuation_impact", "Impact of discontinuing the function", "55(h)", CRITICAL),
    Field("alternative_providers", "Alternative service providers", "55(i)", CRITICAL),
    Field("time_critical", "Supports time-critical business operations", "55(j)", CRITICAL),
    Field("annual_budget_cost", "Estimated annual budget cost", "55(k)", CRITICAL),
    Field("annual_budget_currency", "Currency of the annual budget cost", "55(k)", CRITICAL),
)
FIELD_CODES = tuple(field.code for field in FIELDS)
HEADERS = tuple(field.header for field in FIELDS)
CRITICAL_CODES = frozenset(f.code for f in FIELDS if f.applies_to == CRITICAL)


# --- which arrangements ------------------------------------------------------------------------

def register_arrangements(*, user, critical_only: bool = False, organisation=None):
    """The arrangements of the register that `user` may see, in register order."""
    arrangements = Arrangement.objects.restrict(user)
    if critical_only:
        arrangements = arrangements.filter(is_critical=True)
    if organisation is not None:
        arrangements = arrangements.filter(organisation=organisation)
    return arrangements.order_by("reference", "pk")


def register_rows(*, user, arrangement_ids: Iterable[int]) -> Iterator[dict]:
    """The register row (field code → value) of each arrangement id, in the order given.

    Reads BATCH arrangements at a time with the same fixed set of queries, whatever their
    number; an id the user may not see is skipped.
    """
    reader = _BatchReader(user)
    batch: list[int] = []
    for pk in arrangement_ids:
        batch.append(pk)
        if len(batch) == BATCH:
            yield from reader.rows(batch)
            batch = []
    if batch:
        yield from reader.rows(batch)


def register_table(rows: Iterable[dict]) -> Iterator[list]:
    """Rows as lists of cells in column order, for a spreadsheet."""
    for row in rows:
        yield [row.get(code) for code in FIELD_CODES]


# --- reading one batch -------------------------------------------------------------------------

ARRANGEMENT_COLUMNS = (
    "id", "reference", "title", "status", "organisation__name", "start_date", "end_date",
    "renewal_type", "notice_period_entity_days", "notice_period_provider_days",
    "annual_cost", "currency", "governing_law_country", "is_critical", "criticality_reason",
    "substitutability", "data_involved", "approved_by", "supports_time_critical_operations",
    "cloud_service_model", "cloud_deployment_model", "provider__registered_address",
    "provider_id", "provider__name", "provider__lei", "provider__outsourcing_type",
    "provider__website", "provider__parent__name", "provider__service_countries",
    "provider__data_storage_countries",
)


class _BatchReader:
    """What one user may read of the register, a batch of arrangements at a time."""

    def __init__(self, user):
        self.user = user
        # Joined facts from other apps' models are shown only to roles that may read them.
        self.sees = {model: user.can("view", model) for model in (
            ArrangementIntake, Risk, ExitPlan, ServiceAlternative, Audit, IctService,
            ArrangementProfile, ProviderIdentifier, SubcontractingLink, Organisation)}

    def rows(self, ids: list[int]) -> Iterator[dict]:
        found = {row["id"]: row for row in self._arrangements(ids)}
        ids = [pk for pk in ids if pk in found]
        if not ids:
            return
        provider_ids = {row["provider_id"] for row in found.values()}
        services = self._services(ids)
        subcontractors = self._subcontractors(ids, found)
        audits = self._audits(ids, found, provider_ids)
        ict = self._ict_services(ids)
        alternatives = self._service_alternatives(ids)
        for pk in ids:
            yield self._row(found[pk], services.get(pk, []), subcontractors[pk],
                            audits.get(pk, (None, None)), ict.get(pk, []),
                            alternatives.get(pk, []))

    def _arrangements(self, ids):
        columns = list(ARRANGEMENT_COLUMNS)
        annotations = {}
        if self.sees[Organisation]:
            # Intra-group: the provider (or the top of its group) is one of our own entities.
            own = Organisation.objects.filter(
                Q(lei=OuterRef("provider__lei"))
                | Q(lei=OuterRef("provider__ultimate_parent__lei")), lei__isnull=False)
            annotations["provider_in_group"] = Exists(own)
        if self.sees[ProviderIdentifier]:
            annotations["registration_number"] = _registration_number()
        if self.sees[Risk]:
            annotations.update(_risk_figures())
        if self.sees[ArrangementIntake]:
            columns += ["intake__criticality", "intake__tier", "intake__inherent_score",
                        "intake__last_updated"]
        if self.sees[ExitPlan]:
            columns += ["exit_plan__strategy", "exit_plan__alternative_provider__name"]
        if self.sees[ArrangementProfile]:
            columns += ["dora_profile__reintegration", "dora_profile__discontinuing_impact",
                        "dora_profile__alternatives_note"]
        return (Arrangement.objects.restrict(self.user).filter(pk__in=ids)
                .annotate(**annotations).values(*columns, *annotations))

    def _services(self, ids) -> dict[int, list[tuple[str, str]]]:
        through = Arrangement.services.through
        found = defaultdict(list)
        for pk, name, kind in (through.objects.filter(arrangement_id__in=ids)
                               .order_by("service__name")
                               .values_list("arrangement_id", "service__name",
                                            "service__service_type")):
            found[pk].append((name, kind))
        return found

    def _subcontractors(self, ids, found) -> dict[int, list[str]]:
        """Per arrangement: the links on it, and its provider's links not tied to a contract."""
        listed = defaultdict(list)
        if not self.sees[SubcontractingLink]:
            return listed
        provider_ids = {row["provider_id"] for row in found.values()}
        links = (SubcontractingLink.objects.restrict(self.user)
                 .filter(Q(arrangement_id__in=ids)
                         | Q(arrangement__isnull=True, provider_id__in=provider_ids))
                 .order_by("subcontractor__name", "pk")
                 .values_list("arrangement_id", "provider_id", "subcontractor__name",
                              "subcontractor__country", "subcontractor__service_countries",
                              "subcontractor__data_storage_countries"))
        by_arrangement, by_provider = defaultdict(list), defaultdict(list)
        for arrangement_id, provider_id, name, country, served, stored in links:
            text = (f"{name} (registered: {country or '-'}; service: {_countries(served) or '-'}; "
                    f"data: {_countries(stored) or '-'})")
            if arrangement_id is None:
                by_provider[provider_id].append(text)
            else:
                by_arrangement[arrangement_id].append(text)
        for pk in ids:
            texts = by_arrangement[pk] + by_provider[found[pk]["provider_id"]]
            listed[pk] = list(dict.fromkeys(texts))
        return listed

    def _audits(self, ids, found, provider_ids) -> dict[int, tuple[date | None, date | None]]:
        """Per arrangement: its provider's last completed audit and next planned one, counting
        audits that name no contract (all of the provider's) or name this one."""
        if not self.sees[Audit]:
            return {}
        last: dict = {}
        upcoming: dict = {}
        rows = (Audit.objects.restrict(self.user)
                .filter(provider_id__in=provider_ids,
                        status__in=(AuditStatus.COMPLETED, AuditStatus.PLANNED))
                .values_list("provider_id", "arrangements", "status", "completed_on",
                             "planned_on"))
        by_provider = defaultdict(list)
        for provider_id, arrangement_id, status, completed_on, planned_on in rows:
            by_provider[provider_id].append((arrangement_id, status, completed_on, planned_on))
        wanted = set(ids)
        for pk in wanted:
            for arrangement_id, status, completed_on, planned_on in by_provider[
                    found[pk]["provider_id"]]:
                if arrangement_id is not None and arrangement_id != pk:
                    continue
                if status == AuditStatus.COMPLETED and completed_on:
                    last[pk] = max(last.get(pk, completed_on), completed_on)
                elif status == AuditStatus.PLANNED and planned_on:
                    upcoming[pk] = min(upcoming.get(pk, planned_on), planned_on)
        return {pk: (last.get(pk), upcoming.get(pk)) for pk in wanted}

    def _ict_services(self, ids) -> dict[int, list[dict]]:
        if not self.sees[IctService]:
            return {}
        found = defaultdict(list)
        for row in (IctService.objects.restrict(self.user).filter(arrangement_id__in=ids)
                    .order_by("pk")
                    .values("arrangement_id", "organisation__name", "provision_country",
                            "storage_country", "processing_country", "function__assessed_on",
                            "function__criticality", "function__criticality_reasons")):
            found[row["arrangement_id"]].append(row)
        return found

    def _service_alternatives(self, ids) -> dict[int, list[str]]:
        if not self.sees[ServiceAlternative]:
            return {}
        found = defaultdict(list)
        for pk, name in (ServiceAlternative.objects.restrict(self.user)
                         .filter(service__arrangements__id__in=ids, provider__isnull=False)
                         .order_by("provider__name")
                         .values_list("service__arrangements__id", "provider__name")):
            found[pk].append(name)
        return found

    # --- one row ---------------------------------------------------------------------------

    def _row(self, a, services, subcontractors, audits, ict, alternatives):
        critical = a["is_critical"]
        service_countries, data_locations = _locations(a, ict)
        row = {
            "reference": a["reference"],
            "status": a["status"],
            "organisation": a["organisation__name"],
            "start_date": a["start_date"],
            "next_renewal_date": a["end_date"] if a["renewal_type"] in RENEWING else None,
            "end_date": a["end_date"],
            "notice_period_provider_days": a["notice_period_provider_days"],
            "notice_period_institution_days": a["notice_period_entity_days"],
            "function_description": _description(a, services),
            "data_outsourced": DataInvolved(a["data_involved"]).label,
            "personal_data": YES if a["data_involved"] == DataInvolved.PERSONAL else NO,
            "category": _category(a, services),
            "provider_name": a["provider__name"],
            "provider_registration_number": a.get("registration_number") or "",
            "provider_lei": a["provider__lei"] or "",
            "provider_registered_address": a["provider__registered_address"],
            "provider_contact": a["provider__website"],
            "provider_parent": a["provider__parent__name"] or "",
            "service_countries": service_countries,
            "data_locations": data_locations,
            "critical_or_important": YES if critical else NO,
            "criticality_reasons": a["criticality_reason"],
            **_cloud_fields(a, data_locations),
            "last_criticality_assessment": _latest(
                _day(a.get("intake__last_updated")),
                *(s["function__assessed_on"] for s in ict)),
        }
        if critical:
            row.update(self._critical_fields(a, subcontractors, audits, ict, alternatives))
        return row

    def _critical_fields(self, a, subcontractors, audits, ict, alternatives) -> dict:
        profile_reintegration = a.get("dora_profile__reintegration")
        impact = a.get("dora_profile__discontinuing_impact")
        last_audit, next_audit = audits
        alternative_names = [a.get("exit_plan__alternative_provider__name"), *alternatives,
                             a.get("dora_profile__alternatives_note")]
        return {
            "using_entities": _joined([a["organisation__name"],
                                       *(s["organisation__name"] for s in ict)]),
            "provider_in_group": (YES if a["provider_in_group"] else NO)
            if "provider_in_group" in a else "",
            "last_risk_assessment": _latest(_day(a.get("intake__last_updated")),
                                            _day(a.get("risks_latest"))),
            "risk_assessment_summary": _risk_summary(a),
            "approving_body": a["approved_by"],
            "governing_law": a["governing_law_country"] or "",
            "last_audit": last_audit,
            "next_audit": next_audit,
            "subcontractors": LIST_SEPARATOR.join(subcontractors),
            "substitutability": SUBSTITUTABILITY_OUTCOME.get(a["substitutability"], ""),
            "reintegration": _reintegration(profile_reintegration,
                                            a.get("exit_plan__strategy")),
            "discontinuation_impact": (codelists.label(codelists.DISCONTINUING_IMPACT, impact)
                                       if impact else ""),
            "alternative_providers": _joined(alternative_names),
            "time_critical": {True: YES, False: NO}.get(a["supports_time_critical_operations"],
                                                        ""),
            "annual_budget_cost": a["annual_cost"],
            "annual_budget_currency": a["currency"] if a["annual_cost"] is not None else "",
        }


def _cloud_fields(a, data_locations: str) -> dict:
    """§54(h), for cloud outsourcing only: the models recorded on the arrangement, the nature
    of its data and where it is stored (the §54(f) data locations)."""
    if not a["cloud_service_model"]:
        return {}
    return {
        "cloud_service_model": CloudServiceModel(a["cloud_service_model"]).label,
        "cloud_deployment_model": (CloudDeploymentModel(a["cloud_deployment_model"]).label
                                   if a["cloud_deployment_model"] else ""),
        "cloud_data_nature": DataInvolved(a["data_involved"]).label,
        "cloud_storage_locations": data_locations,
    }


# --- per-arrangement figures read in the arrangements' own query -----------------------------

def _registration_number():
    """The provider's corporate registration number: CRN, else EUID, else national code."""
    rank = Case(*(When(scheme=scheme, then=Value(index))
                  for index, scheme in enumerate(REGISTRATION_SCHEMES)),
                output_field=IntegerField())
    return Subquery(ProviderIdentifier.objects.filter(
        provider=OuterRef("provider"), scheme__in=REGISTRATION_SCHEMES)
        .order_by(rank, "pk").values("value")[:1])


def _risk_figures() -> dict:
    """How many risks of the register are on the arrangement, open, above appetite, and when
    one last changed."""
    def of_arrangement(**conditions):
        return Risk.objects.filter(arrangement=OuterRef("pk"), **conditions).order_by()

    def counted(**conditions):
        return Coalesce(Subquery(of_arrangement(**conditions).values("arrangement")
                                 .annotate(n=Count("pk")).values("n")[:1]), 0)

    return {
        "risks_total": counted(),
        "risks_open": counted(status=RiskStatus.OPEN),
        "risks_above": counted(status=RiskStatus.OPEN, above_appetite=True),
        "risks_latest": Subquery(of_arrangement().order_by("-last_updated")
                                 .values("last_updated")[:1]),
    }


# --- cell helpers ------------------------------------------------------------------------------

def _countries(stored) -> str:
    """A multiple CountryField as read by values(): "DE,FR" → "DE; FR"."""
    return LIST_SEPARATOR.join(code for code in (stored or "").split(",") if code)


def _joined(values) -> str:
    return LIST_SEPARATOR.join(dict.fromkeys(v for v in values if v))


def _day(moment):
    return timezone.localtime(moment).date() if moment is not None else None


def _latest(*days):
    present = [day for day in days if day is not None]
    return max(present) if present else None


def _description(a, services) -> str:
    names = ", ".join(name for name, _kind in services)
    if a["title"] and names:
        return f"{a['title']} ({names})"
    return a["title"] or names


def _category(a, services) -> str:
    kinds = [kind for _name, kind in services] or [a["provider__outsourcing_type"]]
    return _joined(OutsourcingType(kind).label for kind in kinds if kind)


def _locations(a, ict) -> tuple[str, str]:
    """Where the service is performed and the data lies: the ICT services' own locations when
    the arrangement lists any, else the provider's countries."""
    if ict:
        served = _joined(s["provision_country"] for s in ict)
        data = _joined(country for s in ict
                       for country in (s["storage_country"], s["processing_country"]))
        return served, data
    return (_countries(a["provider__service_countries"]),
            _countries(a["provider__data_storage_countries"]))


def _risk_summary(a) -> str:
    parts = []
    if a.get("intake__criticality") is not None:
        criticality = BusinessCriticality(a["intake__criticality"]).label
        scored = (f"tier {a['intake__tier']}, inherent score {a['intake__inherent_score']}"
                  if a.get("intake__tier") is not None else "not scored yet")
        parts.append(f"Intake: {scored}, business criticality {criticality}")
    if a.get("risks_total"):
        parts.append(f"{a['risks_open']} open risk(s) of {a['risks_total']}, "
                     f"{a['risks_above']} above appetite")
    return "; ".join(parts)


def _reintegration(profile_code: str | None, exit_strategy: str | None) -> str:
    if profile_code:
        return codelists.label(codelists.REINTEGRATION, profile_code) or ""
    if exit_strategy in ("in_house", "mixed"):
        return "Planned in the exit plan"
    return ""
