"""The DORA register of information of one entity at a reference date, as the templates' rows.

`build_register` reads the register with a fixed number of set-based queries (no query per
arrangement or provider) and returns every template's rows as the strings they are filed as,
with, for each row, the address of the object a user changes to correct it. The package
writer (`packaging`) zips them; the validator (`validation`) checks them.

Which arrangements: those with at least one ICT service used by an entity within the scope,
in force at some time in the reference date's year (started by the reference date, not ended
before 1 January). Conventions where the ITS leave a choice are in docs/dora.md.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from urllib.parse import urlencode

from django.db.models import Max, Q
from django.urls import reverse

from tether.continuity.models import ExitPlan, ServiceAlternative
from tether.oversight.models import Audit
from tether.registry.choices import ArrangementType, PersonType, Substitutability
from tether.registry.models import (
    Arrangement,
    Organisation,
    Provider,
    ProviderIdentifier,
    SubcontractingLink,
)
from tether.regulatory import codelists
from tether.regulatory.definitions import OPEN_ENDED_DATE, TEMPLATES, parameters
from tether.regulatory.models import Branch, EntityProfile, Function, IctService

ARRANGEMENT_TYPES = {ArrangementType.STANDALONE: "eba_CO:x1",
                     ArrangementType.OVERARCHING: "eba_CO:x2",
                     ArrangementType.SUBSEQUENT: "eba_CO:x3"}
PERSON_TYPES = {PersonType.LEGAL_PERSON: "eba_CT:x212", PersonType.INDIVIDUAL: "eba_CT:x213"}
SUBSTITUTABILITY = {Substitutability.NOT_SUBSTITUTABLE: "eba_ZZ:x959",
                    Substitutability.HIGHLY_COMPLEX: "eba_ZZ:x960",
                    Substitutability.MEDIUM: "eba_ZZ:x961",
                    Substitutability.EASY: "eba_ZZ:x962"}
# The other identifiers a provider may carry, in the order they are preferred when it has no
# LEI (the ITS: LEI or EUID for EU providers). DUNS numbers have no EBA code.
IDENTIFIER_TYPES = {"euid": "eba_qCO:qx2002", "crn": "eba_qCO:qx2003",
                    "national_code": "eba_qCO:qx2001", "vat": "eba_qCO:qx2004",
                    "passport": "eba_qCO:qx2005"}
TRUE = "true"
MAX_CHAIN_RANK = 10  # subcontracting deeper than this is cut (and cycles never loop)

# B_99.01: what Tether's levels mean, unless the entity wrote its own definitions.
DEFAULT_DEFINITIONS = {
    "c0010": "A single contract covering the ICT services it names, with no framework above it.",
    "c0020": "A framework contract under which subsequent contracts are concluded.",
    "c0030": "A contract concluded under an overarching framework contract.",
    "c0040": "Low: public or internal data whose disclosure causes no material harm.",
    "c0050": "Medium: confidential data whose disclosure causes limited, recoverable harm.",
    "c0060": "High: personal, strictly confidential or payment data; disclosure causes "
             "material harm.",
    "c0070": "Low: the function continues with workarounds; no customer impact.",
    "c0080": "Medium: the function is degraded; limited, temporary customer impact.",
    "c0090": "High: the function stops; material customer, financial or regulatory impact.",
    "c0100": "No alternative provider exists and the service cannot be taken back in-house.",
    "c0110": "An alternative exists but migrating would take more than twelve months.",
    "c0120": "An alternative exists; migrating takes three to twelve months.",
    "c0130": "Alternatives exist; migrating takes less than three months.",
    "c0140": "Easy: the entity can run the service itself within three months.",
    "c0150": "Difficult: taking the service back needs more than three months and new skills.",
    "c0160": "Highly complex: taking the service back is not realistic within a year.",
    "c0170": "Low: stopping the service causes no material disruption.",
    "c0180": "Medium: stopping the service disrupts operations for a limited time.",
    "c0190": "High: stopping the service stops a critical or important function.",
}


COLUMNS = {code: tuple(column.code for column in template.columns)
           for code, template in TEMPLATES.items()}


class RegisterError(Exception):
    """The register cannot be built at all (no such entity, no DORA profile)."""


@dataclass
class Register:
    entity: Organisation
    reference_date: date
    consolidated: bool
    base_currency: str
    # Each template's rows as tuples in the template's column order (a dict per row would
    # double the memory of a 200,000-row register); `tables` gives them as dicts.
    rows: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    # For each template, per row, the page of the object that row is made from, as
    # (URL name, pk or query): reversed only for the rows a user is shown (`url_of`).
    sources: dict[str, list[tuple]] = field(default_factory=dict)

    @property
    def parameters(self) -> dict[str, str]:
        return parameters(self.entity.lei, self.consolidated, self.reference_date,
                          self.base_currency)

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())

    @property
    def tables(self) -> dict[str, list[dict[str, str]]]:
        """Template code → rows of column code → value, as the validator reads them."""
        return {code: [dict(zip(COLUMNS[code], row, strict=True)) for row in rows]
                for code, rows in self.rows.items()}

    def add(self, template: str, row: dict[str, str], source: tuple) -> None:
        self.rows[template].append(tuple(row.get(column, "") for column in COLUMNS[template]))
        self.sources[template].append(source)

    def url_of(self, template: str, row: int) -> str:
        """The page to open to correct data row `row` (1-based) of `template`."""
        sources = self.sources.get(template, [])
        if not 1 <= row <= len(sources):
            return ""
        name, target = sources[row - 1]
        if isinstance(target, dict):
            return f"{reverse(name)}?{urlencode(target)}"
        return reverse(name, args=[target])


@cache  # dates repeat across rows: one string each
def _day(value) -> str:
    return value.isoformat() if value else ""


def _amount(value) -> str:
    if value is None:
        return ""
    return format(Decimal(value).quantize(Decimal("0.01")), "f")


def _url(name: str, target) -> tuple:
    return (name, target)


def reporting_entity(lei: str) -> Organisation:
    entity = (Organisation.objects.filter(lei=lei.strip().upper())
              .select_related("dora_profile").first())
    if entity is None:
        raise RegisterError(f"No organisation has the LEI {lei!r}.")
    if not hasattr(entity, "dora_profile"):
        raise RegisterError(f"{entity.name} has no DORA profile: add one on its page first.")
    return entity


def scope_is_group() -> bool:
    """Whether the register is a group's (several entities within scope): filed as CON."""
    return EntityProfile.objects.filter(in_scope=True).count() > 1


def build_register(lei: str, reference_date: date, *, consolidated: bool | None = None,
                   base_currency: str = "EUR") -> Register:
    """Every template's rows for the entity with LEI `lei` at `reference_date`.

    Consolidated (the group's in-scope entities) unless `consolidated` is False or the entity
    is alone in scope.
    """
    entity = reporting_entity(lei)
    profiles = list(EntityProfile.objects.filter(in_scope=True)
                    .select_related("organisation", "parent"))
    if consolidated is None:
        consolidated = scope_is_group()
    if not consolidated:
        profiles = [p for p in profiles if p.organisation_id == entity.pk] or [entity.dora_profile]
    register = Register(entity, reference_date, consolidated, base_currency,
                        rows={code: [] for code in TEMPLATES},
                        sources={code: [] for code in TEMPLATES})
    _entities(register, profiles)
    scope_ids = {p.organisation_id for p in profiles}
    services = _services(scope_ids, reference_date)
    arrangements = _arrangements_of({s.arrangement_id for s in services})
    chains = _supply_chains(arrangements)
    providers = _providers(arrangements, chains)
    group_leis = {p.organisation.lei for p in profiles if p.organisation.lei}
    _arrangements(register, arrangements, providers, group_leis)
    _services_rows(register, services, arrangements, providers)
    _supply_chain_rows(register, services, arrangements, providers, chains)
    _provider_rows(register, providers, arrangements, base_currency)
    _functions(register, scope_ids)
    _assessments(register, services, arrangements, providers)
    _definitions(register, entity.dora_profile)
    return register


# --- B_01: entities and branches -------------------------------------------------------------

def _entities(register: Register, profiles) -> None:
    entity, profile = register.entity, register.entity.dora_profile
    register.add("B_01.01", {
        "c0010": entity.lei or "", "c0020": entity.name,
        "c0030": codelists.country(str(entity.country)), "c0040": profile.entity_type,
        "c0050": profile.competent_authority, "c0060": _day(register.reference_date),
    }, _url("registry:organisation_detail", entity.pk))
    for p in profiles:
        organisation = p.organisation
        register.add("B_01.02", {
            "c0010": organisation.lei or "", "c0020": organisation.name,
            "c0030": codelists.country(str(organisation.country)), "c0040": p.entity_type,
            # An entity without a parent (the ultimate parent) names itself: the column is
            # mandatory and a key of link R6.
            "c0050": p.hierarchy,
            "c0060": (p.parent.lei or "") if p.parent_id else (organisation.lei or ""),
            "c0070": _day(p.last_updated.date()), "c0080": _day(p.integrated_on),
            "c0090": _day(p.deleted_on) or OPEN_ENDED_DATE,
            "c0100": codelists.currency(p.total_assets_currency),
            "c0110": _amount(p.total_assets),
        }, _url("regulatory:entityprofile_edit", p.pk))
    scope_ids = [p.organisation_id for p in profiles]
    for branch in Branch.objects.filter(head_office__in=scope_ids).values(
            "pk", "code", "name", "country", "head_office__lei"):
        register.add("B_01.03", {
            "c0010": branch["code"], "c0020": branch["head_office__lei"] or "",
            "c0030": branch["name"], "c0040": codelists.country(branch["country"]),
        }, _url("regulatory:branch_detail", branch["pk"]))


# --- what is reported ------------------------------------------------------------------------

def _services(scope_ids: set[int], reference_date: date) -> list[dict]:
    year_start = date(reference_date.year, 1, 1)
    in_force = Q(arrangement__start_date__lte=reference_date) & (
        Q(arrangement__end_date__isnull=True) | Q(arrangement__end_date__gte=year_start))
    return list(IctService.objects.filter(in_force, organisation__in=scope_ids)
                .order_by("arrangement__reference", "pk").values_list(
                    "pk", "arrangement_id", "organisation__lei", "branch__code",
                    "function__identifier", "service_type", "provision_country",
                    "stores_data", "storage_country", "processing_country",
                    "data_sensitivity", "reliance", named=True))


def _supply_chains(arrangements: dict[int, dict]) -> dict[int, list[tuple[int, int, int]]]:
    """Per arrangement, (rank, provider, recipient) of each subcontractor, rank 2 and deeper:
    links of the arrangement itself, or of the provider in general."""
    links = defaultdict(list)
    for link in SubcontractingLink.objects.values("provider_id", "subcontractor_id",
                                                  "arrangement_id"):
        links[link["provider_id"]].append(link)
    chains = {}
    for pk, arrangement in arrangements.items():
        chain, seen = [], {arrangement.provider_id}
        level = [arrangement.provider_id]
        for rank in range(2, MAX_CHAIN_RANK + 1):
            following = []
            for recipient in level:
                for link in links.get(recipient, ()):
                    if link["arrangement_id"] not in (None, pk):
                        continue
                    sub = link["subcontractor_id"]
                    chain.append((rank, sub, recipient))
                    if sub not in seen:
                        seen.add(sub)
                        following.append(sub)
            if not following:
                break
            level = following
        chains[pk] = chain
    return chains


# --- B_02, B_03, B_04: arrangements ----------------------------------------------------------

ARRANGEMENT_FIELDS = (
    "pk", "reference", "arrangement_type", "overarching_id", "overarching__reference",
    "currency", "annual_cost", "start_date", "end_date", "notice_period_entity_days",
    "notice_period_provider_days", "governing_law_country", "substitutability", "provider_id",
    "organisation_id", "organisation__lei", "dora_profile__termination_reason",
    "dora_profile__not_substitutable_reason", "dora_profile__reintegration",
    "dora_profile__discontinuing_impact", "dora_profile__alternatives_note", "dora_profile__pk")


def _arrangements_of(ids: set[int]) -> dict[int, dict]:
    """The arrangements with reported services, and the overarching arrangements they are
    concluded under (in B_02.01 whatever their own services: link R13 names them)."""
    arrangements: dict[int, dict] = {}
    while ids:
        for a in Arrangement.objects.filter(pk__in=ids).values_list(*ARRANGEMENT_FIELDS,
                                                                    named=True):
            arrangements[a.pk] = a
        ids = {a.overarching_id for a in arrangements.values()} - set(arrangements) - {None}
    return dict(sorted(arrangements.items(), key=lambda item: item[1].reference))


def _arrangements(register, arrangements, providers, group_leis) -> None:
    for a in arrangements.values():
        source = _url("registry:arrangement_edit", a.pk)
        register.add("B_02.01", {
            "c0010": a.reference, "c0020": ARRANGEMENT_TYPES.get(a.arrangement_type, ""),
            "c0030": a.overarching__reference or "",
            "c0040": codelists.currency(a.currency), "c0050": _amount(a.annual_cost),
        }, source)
        code, code_type = providers[a.provider_id]["code"]
        register.add("B_03.01", {"c0010": a.reference, "c0020": a.organisation__lei or "",
                                 "c0030": TRUE}, source)
        register.add("B_03.02", {"c0010": a.reference, "c0020": code, "c0030": code_type},
                     source)
        if code_type == codelists.LEI_TYPE and code in group_leis:
            # An entity of the group provides the service: an intra-group arrangement.
            register.add("B_03.03", {"c0010": a.reference, "c0020": code, "c0031": TRUE},
                         source)
            if a.overarching__reference:
                register.add("B_02.03", {"c0010": a.reference,
                                         "c0020": a.overarching__reference,
                                         "c0030": TRUE}, source)


def _services_rows(register, services, arrangements, providers) -> None:
    users = {}
    for s in services:
        a = arrangements[s.arrangement_id]
        code, code_type = providers[a.provider_id]["code"]
        stores = s.stores_data
        source = _url("regulatory:ictservice_edit", s.pk)
        register.add("B_02.02", {
            "c0010": a.reference, "c0020": s.organisation__lei or "", "c0030": code,
            "c0040": code_type, "c0050": s.function__identifier, "c0060": s.service_type,
            "c0070": _day(a.start_date), "c0080": _day(a.end_date) or OPEN_ENDED_DATE,
            "c0090": a.dora_profile__termination_reason or "",
            "c0100": str(a.notice_period_entity_days),
            "c0110": str(a.notice_period_provider_days),
            "c0120": codelists.country(a.governing_law_country),
            "c0130": codelists.country(s.provision_country),
            "c0140": codelists.YES if stores else codelists.NO,
            "c0150": (codelists.country(s.storage_country) if stores
                      else codelists.NOT_APPLICABLE_COUNTRY),
            "c0160": (codelists.country(s.processing_country)
                      or codelists.NOT_APPLICABLE_COUNTRY),
            "c0170": s.data_sensitivity, "c0180": s.reliance,
        }, source)
        key = (a.reference, s.organisation__lei or "", s.branch__code or "")
        users.setdefault(key, source)
    for (reference, lei, branch), source in users.items():
        register.add("B_04.01", {
            "c0010": reference, "c0020": lei,
            "c0030": codelists.BRANCH if branch else codelists.NOT_A_BRANCH, "c0040": branch,
        }, source)


# --- B_05: providers and supply chains -------------------------------------------------------

def _providers(arrangements, chains) -> dict[int, dict]:
    wanted = {a.provider_id for a in arrangements.values()}
    wanted |= {sub for chain in chains.values() for _rank, sub, _recipient in chain}
    fields = ("pk", "name", "lei", "country", "person_type", "ultimate_parent_id",
              "dora_profile__latin_name")
    rows = {p["pk"]: p for p in Provider.objects.filter(pk__in=wanted).values(*fields)}
    parents = {r["ultimate_parent_id"] for r in rows.values()} - set(rows) - {None}
    rows.update({p["pk"]: p for p in Provider.objects.filter(pk__in=parents).values(*fields)})
    identifiers = defaultdict(list)
    for identifier in ProviderIdentifier.objects.filter(provider__in=rows).values(
            "provider_id", "scheme", "value"):
        if identifier["scheme"] in IDENTIFIER_TYPES:
            identifiers[identifier["provider_id"]].append(identifier)
    order = list(IDENTIFIER_TYPES)
    for pk, row in rows.items():
        codes = [(row["lei"], codelists.LEI_TYPE)] if row["lei"] else []
        codes += [(i["value"], IDENTIFIER_TYPES[i["scheme"]]) for i in
                  sorted(identifiers[pk], key=lambda i: order.index(i["scheme"]))]
        # A provider with no identifier at all is reported by its Tether id, which the
        # validator then names as the thing to fix.
        row["codes"] = codes or [(f"TETHER-{pk}", "")]
        row["code"] = row["codes"][0]
    return rows


def _supply_chain_rows(register, services, arrangements, providers, chains) -> None:
    done = set()
    for s in services:
        a = arrangements[s.arrangement_id]
        key = (a.pk, s.service_type)
        if key in done:
            continue
        done.add(key)
        source = _url("registry:arrangement_detail", a.pk)
        code, code_type = providers[a.provider_id]["code"]
        register.add("B_05.02", {
            "c0010": a.reference, "c0020": s.service_type, "c0030": code,
            "c0040": code_type, "c0050": "1", "c0060": "", "c0070": "",
        }, source)
        for rank, sub, recipient in chains[a.pk]:
            sub_code, sub_type = providers[sub]["code"]
            recipient_code, recipient_type = providers[recipient]["code"]
            register.add("B_05.02", {
                "c0010": a.reference, "c0020": s.service_type, "c0030": sub_code,
                "c0040": sub_type, "c0050": str(rank), "c0060": recipient_code,
                "c0070": recipient_type,
            }, source)


def _provider_rows(register, providers, arrangements, base_currency) -> None:
    spend = defaultdict(Decimal)
    for a in arrangements.values():
        if a.annual_cost is not None and a.currency == base_currency:
            spend[a.provider_id] += a.annual_cost
    for pk, p in providers.items():
        code, code_type = p["code"]
        additional = p["codes"][1] if len(p["codes"]) > 1 else ("", "")
        parent = providers.get(p["ultimate_parent_id"]) or p
        parent_code, parent_type = parent["code"]
        name = p["name"]
        latin = p["dora_profile__latin_name"] or (name if _is_latin(name) else "")
        register.add("B_05.01", {
            "c0010": code, "c0020": code_type, "c0030": additional[0], "c0040": additional[1],
            "c0050": name, "c0060": latin, "c0070": PERSON_TYPES.get(p["person_type"], ""),
            "c0080": codelists.country(p["country"]),
            "c0090": codelists.currency(base_currency) if pk in spend else "",
            "c0100": _amount(spend[pk]) if pk in spend else "",
            "c0110": parent_code, "c0120": parent_type,
        }, _url("registry:provider_edit", pk))


def _is_latin(text: str) -> bool:
    """Letters of the Latin script only (accents included), as B_05.01.0060 asks."""
    return all(ord(ch) < 0x250 or not ch.isalpha() for ch in text)


# --- B_06, B_07, B_99 ------------------------------------------------------------------------

def _functions(register, scope_ids) -> None:
    for f in Function.objects.filter(organisation__in=scope_ids).order_by(
            "organisation__lei", "identifier").values(
            "pk", "identifier", "licenced_activity", "name", "organisation__lei", "criticality",
            "criticality_reasons", "assessed_on", "rto_hours", "rpo_hours",
            "discontinuing_impact"):
        register.add("B_06.01", {
            "c0010": f["identifier"], "c0020": f["licenced_activity"], "c0030": f["name"],
            "c0040": f["organisation__lei"] or "", "c0050": f["criticality"],
            "c0060": f["criticality_reasons"], "c0070": _day(f["assessed_on"]),
            "c0080": "" if f["rto_hours"] is None else str(f["rto_hours"]),
            "c0090": "" if f["rpo_hours"] is None else str(f["rpo_hours"]),
            "c0100": f["discontinuing_impact"],
        }, _url("regulatory:function_edit", f["pk"]))


def _assessments(register, services, arrangements, providers) -> None:
    arrangement_ids = list(arrangements)
    provider_ids = {a.provider_id for a in arrangements.values()}
    last_audits = dict(Audit.objects.filter(provider__in=provider_ids, completed_on__isnull=False)
                       .values_list("provider").annotate(last=Max("completed_on")))
    plans = {p["arrangement_id"]: p for p in ExitPlan.objects.filter(
        arrangement__in=arrangement_ids).values("arrangement_id", "alternative_provider_id")}
    alternative_codes = _alternative_codes(
        {p["alternative_provider_id"] for p in plans.values()} - {None}, providers)
    alternatives = set(ServiceAlternative.objects.filter(
        service__arrangements__in=arrangement_ids).values_list(
        "service__arrangements", flat=True))
    done = set()
    for s in services:
        a = arrangements[s.arrangement_id]
        key = (a.pk, s.service_type)
        if key in done:
            continue
        done.add(key)
        code, code_type = providers[a.provider_id]["code"]
        plan = plans.get(a.pk)
        alternative = plan and plan["alternative_provider_id"]
        alternative_code = alternative_codes.get(alternative, "")
        identified = bool(alternative or a.pk in alternatives
                          or a.dora_profile__alternatives_note)
        source = (_url("regulatory:arrangementprofile_edit", a.dora_profile__pk)
                  if a.dora_profile__pk else
                  _url("regulatory:arrangementprofile_add", {"arrangement": a.pk}))
        register.add("B_07.01", {
            "c0010": a.reference, "c0020": code, "c0030": code_type,
            "c0040": s.service_type, "c0050": SUBSTITUTABILITY.get(a.substitutability, ""),
            "c0060": a.dora_profile__not_substitutable_reason or "",
            "c0070": _day(last_audits.get(a.provider_id)),
            "c0080": codelists.YES if plan else codelists.NO,
            "c0090": a.dora_profile__reintegration or "",
            "c0100": a.dora_profile__discontinuing_impact or "",
            "c0110": codelists.YES if identified else codelists.NO,
            "c0120": alternative_code or a.dora_profile__alternatives_note or "",
        }, source)


def _alternative_codes(provider_ids: set[int], providers: dict[int, dict]) -> dict[int, str]:
    """The alternative providers' codes: their LEI, or their name when they have none."""
    codes = {pk: providers[pk]["code"][0] for pk in provider_ids if pk in providers}
    for p in Provider.objects.filter(pk__in=provider_ids - set(codes)).values("pk", "lei", "name"):
        codes[p["pk"]] = p["lei"] or p["name"]
    return codes


def _definitions(register, profile) -> None:
    definitions = {**DEFAULT_DEFINITIONS, **(profile.definitions or {})}
    register.add("B_99.01", {code: definitions.get(code, "") for code in DEFAULT_DEFINITIONS},
                 _url("regulatory:entityprofile_edit", profile.pk))
