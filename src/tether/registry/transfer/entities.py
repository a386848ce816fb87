"""Importers of organisations, value-chain activities, services and providers."""

from collections import defaultdict

from tether.core.audit import BulkChange, record_bulk
from tether.core.models import AuditAction
from tether.registry.choices import PRIMARY_AREAS, ActivityCategory
from tether.registry.models import Activity, Organisation, Provider, Service
from tether.registry.transfer.base import EntityImporter, Row
from tether.registry.transfer.columns import ENTITIES
from tether.registry.transfer.lookups import (
    AMBIGUOUS,
    ActivityIndex,
    NameIndex,
    ProviderIndex,
    organisation_index,
    service_index,
    user_index,
)
from tether.registry.transfer.writing import chunks, update_rows


def found_or_error(row: Row, column: str, found, missing: str, ambiguous: str):
    """The id found, or None after recording why there is none."""
    if found is AMBIGUOUS:
        row.error(column, ambiguous)
        return None
    if found is None:
        row.error(column, missing)
    return found


def organisation_id(row: Row, organisations: NameIndex, column: str = "organisation"):
    """The organisation a row names, by name."""
    name = row.cells.get(column)
    if not name:
        return None
    return found_or_error(row, column, organisations.find(name),
                          f"No organisation named “{name}” is registered.",
                          f"Several organisations are named “{name}”: write the name exactly.")


def user_id(row: Row, users: NameIndex, column: str):
    """The internal user a row names by user name; None for an empty cell."""
    username = row.cells.get(column)
    if not username:
        return None
    return found_or_error(row, column, users.find(username),
                          f"No Tether user (other than provider contacts) is called “{username}”.",
                          f"Several users are called “{username}”: write the name exactly.")


def service_ids(row: Row, services: NameIndex, column: str = "services") -> list[int]:
    """The ids of the services a row lists by name."""
    ids = []
    for name in row.cells.get(column) or ():
        found = found_or_error(row, column, services.find(name),
                               f"No service named “{name}” is registered.",
                               f"Several services are named “{name}”: write the name exactly.")
        if found is not None and found is not AMBIGUOUS:
            ids.append(found)
    return ids


def provider_id(row: Row, providers: ProviderIndex, prefix: str = "provider"):
    """The provider a row names in its <prefix>_lei, <prefix>_name and <prefix>_country cells."""
    columns = (f"{prefix}_lei", f"{prefix}_name", f"{prefix}_country")
    if not row.readable(*columns):
        return None
    lei, name, country = (row.cells.get(column) for column in columns)
    found, why = providers.find(lei=lei, name=name, country=country)
    if why:
        row.error(columns[0] if lei else columns[1], why)
    return found


class OrganisationImporter(EntityImporter):
    entity = ENTITIES["organisations"]

    def load(self):
        self.ids = dict(Organisation.objects.values_list("name", "id"))
        self.by_lei = dict(Organisation.objects.exclude(lei=None).values_list("lei", "id"))
        self.leis_in_file: dict[str, int] = {}

    def resolve(self, row):
        """An organisation is known by its name; its LEI is unique too."""
        name = row.values.get("name")
        if not name:
            return
        self.claim(row, name, "name", f"the organisation “{name}”", self.ids.get(name))
        lei = row.values.get("lei")
        if lei and self.by_lei.get(lei, row.existing_id) != row.existing_id:
            row.error("lei", "Another organisation is already registered with this LEI.")
        elif lei in self.leis_in_file:
            row.error("lei", f"Row {self.leis_in_file[lei]} has the same LEI.")

    def accept(self, row):
        super().accept(row)
        if row.values.get("lei"):
            self.leis_in_file[row.values["lei"]] = row.number

    def key_of(self, values):
        return values["name"]

    def fetch_ids(self, keys):
        return dict(Organisation.objects.filter(name__in=keys).values_list("name", "id"))


class ActivityImporter(EntityImporter):
    entity = ENTITIES["activities"]
    derived_fields = ("category",)
    check_loops = True

    def load(self):
        self.organisations = organisation_index()
        self.activities = ActivityIndex()
        self.parents = dict(
            Activity.objects.filter(parent__isnull=False).values_list("id", "parent_id"))

    def resolve(self, row):
        """An activity is known by its organisation and name."""
        organisation = organisation_id(row, self.organisations)
        name = row.values.get("name")
        if organisation is None or not name:
            return
        row.values["organisation_id"] = organisation
        self.claim(row, (organisation, name), "name",
                   f"the activity “{name}” of {row.cells['organisation']}",
                   self.activities.by_organisation.get((organisation, name)))
        if "parent" in self.headers and row.readable("parent"):
            row.values["parent_id"] = self._parent(row, organisation)

    def _parent(self, row: Row, organisation: int):
        """The parent activity, by name within the same organisation."""
        name = row.cells.get("parent")
        if not name:
            return None
        if (organisation, name) == row.key:
            row.error("parent", "An activity cannot sit below itself.")
            return None
        found = self.activities.find(organisation, name)
        if found is AMBIGUOUS:
            row.error("parent", f"Several activities are named “{name}”: write the name exactly.")
            return None
        target = self.refer_back(row, "parent", (organisation, name),
                                 f"The parent activity “{name}”", found)
        if target is not None and (target == row.existing_id or self.would_loop(row, target)):
            row.error("parent", "An activity cannot sit below itself.")
            return None
        return target

    def derive(self, values):
        values["category"] = (ActivityCategory.PRIMARY.value if values["porter_area"]
                              in PRIMARY_AREAS else ActivityCategory.SUPPORT.value)

    def key_of(self, values):
        return values["organisation_id"], values["name"]

    def fetch_ids(self, keys):
        rows = Activity.objects.filter(
            organisation_id__in={key[0] for key in keys}, name__in={key[1] for key in keys}
        ).values_list("organisation_id", "name", "id")
        return {(organisation, name): pk for organisation, name, pk in rows}


class ServiceImporter(EntityImporter):
    entity = ENTITIES["services"]

    def load(self):
        self.ids = dict(Service.objects.values_list("name", "id"))
        if "activities" in self.headers:
            self.organisations = organisation_index()
            self.activities = ActivityIndex()

    def resolve(self, row):
        """A service is known by its name."""
        name = row.values.get("name")
        if not name:
            return
        self.claim(row, name, "name", f"the service “{name}”", self.ids.get(name))
        if "activities" in self.headers and row.readable("activities"):
            row.many["activities"] = [
                pk for pk in (self._activity(row, text) for text in row.cells["activities"])
                if pk is not None
            ]

    def _activity(self, row: Row, text: str):
        """The id of “Organisation / Activity”, or of a bare activity name that is unique."""
        parts = text.split("/")
        for cut in range(1, len(parts)):
            organisation = self.organisations.find("/".join(parts[:cut]).strip())
            if organisation is not None and organisation is not AMBIGUOUS:
                found = self.activities.find(organisation, "/".join(parts[cut:]).strip())
                if found is not None and found is not AMBIGUOUS:
                    return found
        return found_or_error(
            row, "activities", self.activities.by_name.find(text),
            f"No activity “{text}” is registered; write it as Organisation / Activity.",
            f"Several organisations have an activity “{text}”: write it as "
            "Organisation / Activity.")

    def key_of(self, values):
        return values["name"]

    def fetch_ids(self, keys):
        return dict(Service.objects.filter(name__in=keys).values_list("name", "id"))


class ProviderImporter(EntityImporter):
    entity = ENTITIES["providers"]
    derived_fields = ("ultimate_parent_id",)
    check_loops = True

    def load(self):
        self.providers = ProviderIndex()
        self.parents = dict(
            Provider.objects.filter(parent__isnull=False).values_list("id", "parent_id"))
        self.names_in_file: dict[tuple[str, str], int] = {}
        self.file_names = NameIndex()  # name → key of good rows, for parent_name
        self.has_parent = bool({"parent_lei", "parent_name"} & self.headers)
        if "relationship_owner" in self.headers:
            self.users = user_index()
        if "services" in self.headers:
            self.services = service_index()

    def resolve(self, row):
        """A provider is known by its LEI, else by its name and country."""
        name, country, lei = (row.values.get(key) for key in ("name", "country", "lei"))
        if not name or not country or not row.readable("lei"):
            return
        key = ("lei", lei) if lei else ("name", name, country)
        self.claim(row, key, "lei" if lei else "name", f"the provider “{name}”",
                   self._existing(row, lei, name, country))
        earlier = self.names_in_file.get((name, country))
        if earlier is not None and not row.errors:
            row.error("name", f"Row {earlier} already has a provider named “{name}” in {country}.")
        if self.has_parent and row.readable("parent_lei", "parent_name"):
            row.values["parent_id"] = self._parent(row)
        if "relationship_owner" in self.headers and row.readable("relationship_owner"):
            row.values["relationship_owner_id"] = user_id(row, self.users, "relationship_owner")
        if "services" in self.headers and row.readable("services"):
            row.many["services"] = service_ids(row, self.services)

    def _existing(self, row: Row, lei, name: str, country: str):
        """The id of the provider this row updates: by LEI, else by name and country."""
        by_name = self.providers.by_name_country.get((name, country))
        if not lei:
            return by_name
        by_lei = self.providers.by_lei.get(lei)
        if by_lei is not None:
            if by_name not in (None, by_lei):
                row.error("name", f"Another provider named “{name}” is already registered in "
                                  f"{country}.")
            return by_lei
        if by_name is not None and self.providers.lei_of[by_name]:
            row.error("lei", f"“{name}” ({country}) is registered with the LEI "
                             f"{self.providers.lei_of[by_name]}.")
            return None
        return by_name  # a provider registered without an LEI gets this one

    def _parent(self, row: Row):
        """The parent provider, by LEI or else by name; never the provider itself or below it."""
        lei, name = row.cells.get("parent_lei"), row.cells.get("parent_name")
        if lei:
            column, key, what = "parent_lei", ("lei", lei), f"The parent with LEI {lei}"
            found = self.providers.by_lei.get(lei)
        elif name:
            column, what = "parent_name", f"The parent “{name}”"
            key, found = self.file_names.find(name), self.providers.by_name.find(name)
            if key is AMBIGUOUS or (key is None and found is AMBIGUOUS):
                row.error(column, f"Several providers are named “{name}”: give parent_lei.")
                return None
        else:
            return None
        if key == row.key or (found is not None and found == row.existing_id):
            row.error(column, "A provider cannot be its own parent.")
            return None
        target = self.refer_back(row, column, key, what, found)
        if target is None:
            return None
        if self.would_loop(row, target):
            row.error(column, "This parent would make the provider its own ancestor.")
            return None
        return target

    def accept(self, row):
        super().accept(row)
        self.names_in_file[row.values["name"], row.values["country"]] = row.number
        self.file_names.add(row.values["name"], row.key)

    def derive(self, values):
        parent = values.get("parent_id")
        values["ultimate_parent_id"] = None if parent is None else self._top(parent)

    def _top(self, node):
        """The top of the parent chain above `node`, with the file's changes applied."""
        seen = set()
        while node not in seen and self.parents.get(node) is not None:
            seen.add(node)
            node = self.parents[node]
        return self.new_ids.get(node, node)

    def remember(self, pk, values):
        if values.get("parent_id") is not None:
            self.parents[pk] = values["parent_id"]

    def key_of(self, values):
        return ("lei", values["lei"]) if values.get("lei") else (
            "name", values["name"], values["country"])

    def fetch_ids(self, keys):
        leis = [key[1] for key in keys if key[0] == "lei"]
        names = {key[1] for key in keys if key[0] == "name"}
        ids = {("lei", lei): pk for lei, pk in
               Provider.objects.filter(lei__in=leis).values_list("lei", "id")}
        ids.update({("name", name, country): pk for name, country, pk in
                    Provider.objects.filter(name__in=names).values_list("name", "country", "id")})
        return ids

    def after_write(self, *, actor, db_now, source):
        """Re-derive the ultimate parent of every provider below one whose parent changed."""
        if not self.has_parent:
            return
        parent_of, stored, children = {}, {}, defaultdict(list)
        for pk, parent, top in Provider.objects.values_list("id", "parent_id",
                                                             "ultimate_parent_id"):
            parent_of[pk], stored[pk] = parent, top
            if parent is not None:
                children[parent].append(pk)
        affected = set(self.rows_by_id) | set(self.new_ids.values())
        stack = list(affected)
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in affected:
                    affected.add(child)
                    stack.append(child)
        stale = {}
        for pk in affected:
            top, seen = parent_of.get(pk), {pk}
            while top is not None and parent_of.get(top) is not None and top not in seen:
                seen.add(top)
                top = parent_of[top]
            if top != stored.get(pk):
                stale[pk] = top
        for batch in chunks(sorted(stale)):
            update_rows(Provider, ["ultimate_parent_id", "last_updated"],
                        [(stale[pk], db_now, pk) for pk in batch])
            names = dict(Provider.objects.filter(id__in=batch).values_list("id", "name"))
            record_bulk(actor=actor, model=Provider, source=source, changes=[
                BulkChange(pk, names[pk], AuditAction.UPDATE, {"ultimate_parent": stored[pk]},
                           {"ultimate_parent": stale[pk]}) for pk in batch])
