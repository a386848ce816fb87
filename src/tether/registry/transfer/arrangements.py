"""Importers of arrangements and of subcontracting links."""

from collections import defaultdict

from tether.registry.choices import ArrangementType, RenewalType
from tether.registry.models import (
    Arrangement,
    SubcontractingLink,
    cloud_models_error,
    compute_notice_deadline,
    notice_period_error,
)
from tether.registry.transfer.base import EntityImporter, Row
from tether.registry.transfer.columns import ENTITIES
from tether.registry.transfer.entities import (
    found_or_error,
    organisation_id,
    provider_id,
    service_ids,
    user_id,
)
from tether.registry.transfer.lookups import (
    ProviderIndex,
    organisation_index,
    service_index,
    user_index,
)


class ArrangementImporter(EntityImporter):
    entity = ENTITIES["arrangements"]
    derived_fields = ("notice_deadline",)
    rule_fields = frozenset({"is_critical", "criticality_reason", "arrangement_type",
                             "overarching_id", "renewal_type", "start_date", "end_date",
                             "cloud_service_model", "cloud_deployment_model"})

    def load(self):
        self.ids = dict(Arrangement.objects.values_list("reference", "id"))
        # References of overarching arrangements, as stored and then as the file changes them.
        self.overarching = set(Arrangement.objects.filter(
            arrangement_type=ArrangementType.OVERARCHING).values_list("reference", flat=True))
        self.organisations = organisation_index()
        self.providers = ProviderIndex()
        if "services" in self.headers:
            self.services = service_index()
        if "owner" in self.headers:
            self.users = user_index()

    def resolve(self, row):
        """An arrangement is known by its reference."""
        reference = row.values.get("reference")
        if not reference:
            return
        self.claim(row, reference, "reference", f"the arrangement {reference}",
                   self.ids.get(reference))
        organisation = organisation_id(row, self.organisations)
        if organisation is not None:
            row.values["organisation_id"] = organisation
        provider = provider_id(row, self.providers)
        if provider is not None:
            row.values["provider_id"] = provider
        if "services" in self.headers and row.readable("services"):
            row.many["services"] = service_ids(row, self.services)
        if "overarching_reference" in self.headers and row.readable("overarching_reference"):
            row.values["overarching_id"] = self._overarching(row, reference)
        if "owner" in self.headers and row.readable("owner"):
            row.values["owner_id"] = user_id(row, self.users, "owner")

    def _overarching(self, row: Row, reference: str):
        """The overarching arrangement a row names, registered or on an earlier row."""
        other = row.cells.get("overarching_reference")
        if not other:
            return None
        if other == reference:
            row.error("overarching_reference",
                      "An arrangement cannot be its own overarching arrangement.")
            return None
        target = self.refer_back(row, "overarching_reference", other,
                                 f"The overarching arrangement {other}", self.ids.get(other))
        if target is not None and other not in self.overarching:
            row.error("overarching_reference", f"{other} is not an overarching arrangement.")
        return target

    def check(self, values):
        errors = []
        if values.get("is_critical") and not values.get("criticality_reason", "").strip():
            errors.append(("criticality_reason", "Say why this arrangement supports a critical "
                                                 "or important function."))
        if (values.get("arrangement_type") == ArrangementType.SUBSEQUENT
                and values.get("overarching_id") is None):
            errors.append(("overarching_reference",
                           "A subsequent arrangement names its overarching arrangement."))
        cloud_error = cloud_models_error(values.get("cloud_service_model"),
                                         values.get("cloud_deployment_model"))
        if cloud_error:
            errors.append(cloud_error)
        end, start = values.get("end_date"), values.get("start_date")
        if end is not None and values.get("renewal_type") == RenewalType.OPEN_ENDED:
            errors.append(("end_date", "An open-ended arrangement has no end date."))
        if end is not None and start is not None and end < start:
            errors.append(("end_date", "The end date is before the start date."))
        notice_error = notice_period_error(end, values.get("notice_period_entity_days"))
        if notice_error:
            errors.append(("notice_period_entity_days", notice_error))
        return errors

    def accept(self, row):
        super().accept(row)
        kind = row.values.get("arrangement_type")
        if kind == ArrangementType.OVERARCHING:
            self.overarching.add(row.key)
        elif kind is not None:
            self.overarching.discard(row.key)

    def derive(self, values):
        values["notice_deadline"] = compute_notice_deadline(
            values["end_date"], values["notice_period_entity_days"])

    def describe(self, values):
        return values["reference"]

    def key_of(self, values):
        return values["reference"]

    def fetch_ids(self, keys):
        return dict(Arrangement.objects.filter(reference__in=keys).values_list("reference", "id"))


class SubcontractingImporter(EntityImporter):
    entity = ENTITIES["subcontracting"]

    def load(self):
        self.providers = ProviderIndex()
        self.provider_names = {pk: name for (name, _), pk in
                               self.providers.by_name_country.items()}
        self.services = service_index()
        self.service_names = {pk: name for name, pk in self.services.exact.items()}
        self.stored, self.edges = {}, defaultdict(set)
        for pk, provider, subcontractor, service in SubcontractingLink.objects.values_list(
            "id", "provider_id", "subcontractor_id", "service_id"
        ):
            self.stored[provider, subcontractor, service] = pk
            self.edges[provider].add(subcontractor)
        if "arrangement_reference" in self.headers:
            self.arrangements = dict(Arrangement.objects.values_list("reference", "id"))

    def resolve(self, row):
        """A link is known by (provider, subcontractor, service) and must not close a loop."""
        provider = provider_id(row, self.providers, "provider")
        subcontractor = provider_id(row, self.providers, "subcontractor")
        service = self._service(row)
        if provider is None or subcontractor is None:
            return
        column = "subcontractor_lei" if row.cells.get("subcontractor_lei") else (
            "subcontractor_name")
        if provider == subcontractor:
            row.error(column, "A provider cannot subcontract to itself.")
            return
        row.values.update(provider_id=provider, subcontractor_id=subcontractor)
        if "service" in self.headers:
            row.values["service_id"] = service
        key = (provider, subcontractor, service)
        self.claim(row, key, column, "this subcontracting link", self.stored.get(key))
        if row.existing_id is None and self._reaches(subcontractor, provider):
            row.error(column, "This link would close a loop: the subcontractor already depends, "
                              "directly or through its own subcontractors, on this provider.")
        if "arrangement_reference" in self.headers and row.readable("arrangement_reference"):
            row.values["arrangement_id"] = self._arrangement(row)

    def _service(self, row: Row):
        """The service a link is about, if the row names one."""
        name = row.cells.get("service")
        if not name or not row.readable("service"):
            return None
        return found_or_error(row, "service", self.services.find(name),
                              f"No service named “{name}” is registered.",
                              f"Several services are named “{name}”: write the name exactly.")

    def _arrangement(self, row: Row):
        """The registered arrangement a link belongs to, if the row names one."""
        reference = row.cells.get("arrangement_reference")
        if not reference:
            return None
        return found_or_error(row, "arrangement_reference", self.arrangements.get(reference),
                              f"No arrangement with the reference {reference} is registered.",
                              "")

    def _reaches(self, start: int, target: int) -> bool:
        """Whether `target` is reachable from `start` along links, stored or accepted."""
        stack, seen = [start], {start}
        while stack:
            for nxt in self.edges.get(stack.pop(), ()):
                if nxt == target:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return False

    def accept(self, row):
        super().accept(row)
        self.edges[row.values["provider_id"]].add(row.values["subcontractor_id"])

    def describe(self, values):
        service = self.service_names.get(values.get("service_id"))
        names = self.provider_names
        text = f"{names.get(values['provider_id'])} → {names.get(values['subcontractor_id'])}"
        return f"{text} ({service})" if service else text

    def key_of(self, values):
        return values["provider_id"], values["subcontractor_id"], values.get("service_id")

    def fetch_ids(self, keys):
        rows = SubcontractingLink.objects.filter(
            provider_id__in={key[0] for key in keys},
            subcontractor_id__in={key[1] for key in keys},
        ).values_list("provider_id", "subcontractor_id", "service_id", "id")
        return {(provider, subcontractor, service): pk
                for provider, subcontractor, service, pk in rows}
