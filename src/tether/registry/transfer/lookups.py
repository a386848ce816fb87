"""Names and codes to ids, loaded once per import as plain values_list dicts (no model objects)."""

from django.contrib.auth import get_user_model

from tether.registry.models import Activity, Organisation, Provider, Service


class _Ambiguous:
    def __repr__(self):
        return "AMBIGUOUS"


AMBIGUOUS = _Ambiguous()


def fold(name: str) -> str:
    """A name compared without regard to case or repeated spaces."""
    return " ".join(name.split()).casefold()


class NameIndex:
    """Names to ids: an exact match first, else a case-insensitive one, if either is unique."""

    def __init__(self, pairs=()):
        self.exact: dict[str, object] = {}
        self.folded: dict[str, object] = {}
        for name, pk in pairs:
            self.add(name, pk)

    def add(self, name: str, pk) -> None:
        """Index one more name; a name given twice for different ids becomes ambiguous."""
        for index, key in ((self.exact, name), (self.folded, fold(name))):
            index[key] = pk if index.get(key, pk) == pk else AMBIGUOUS

    def find(self, name: str):
        """The id named `name`, AMBIGUOUS, or None."""
        found = self.exact.get(name)
        return found if found is not None else self.folded.get(fold(name))


def organisation_index() -> NameIndex:
    """Organisations by name."""
    return NameIndex(Organisation.objects.values_list("name", "id"))


def service_index() -> NameIndex:
    """Services by name."""
    return NameIndex(Service.objects.values_list("name", "id"))


def user_index() -> NameIndex:
    """Internal users (never provider contacts) by user name."""
    return NameIndex(
        get_user_model().objects.filter(provider__isnull=True).values_list("username", "id")
    )


class ActivityIndex:
    """Activities by (organisation id, name), and by bare name when that is unique."""

    def __init__(self):
        self.by_organisation: dict[tuple[int, str], int] = {}
        self.by_name = NameIndex()
        self.folded: dict[tuple[int, str], object] = {}
        for pk, organisation_id, name in Activity.objects.values_list(
            "id", "organisation_id", "name"
        ):
            self.add(organisation_id, name, pk)

    def add(self, organisation_id: int, name: str, pk) -> None:
        """Index one activity."""
        self.by_organisation[organisation_id, name] = pk
        self.by_name.add(name, pk)
        folded = (organisation_id, fold(name))
        self.folded[folded] = pk if self.folded.get(folded, pk) == pk else AMBIGUOUS

    def find(self, organisation_id: int, name: str):
        """The id of an organisation's activity, AMBIGUOUS, or None."""
        found = self.by_organisation.get((organisation_id, name))
        return found if found is not None else self.folded.get((organisation_id, fold(name)))


class ProviderIndex:
    """Providers by LEI, by (name, country) and by name alone."""

    def __init__(self):
        self.by_lei: dict[str, int] = {}
        self.by_name_country: dict[tuple[str, str], int] = {}
        self.folded_name_country: dict[tuple[str, str], object] = {}
        self.lei_of: dict[int, str | None] = {}
        self.by_name = NameIndex()
        for pk, lei, name, country in Provider.objects.values_list(
            "id", "lei", "name", "country"
        ):
            self.add(pk, lei, name, country)

    def add(self, pk, lei: str | None, name: str, country: str) -> None:
        """Index one provider."""
        if lei:
            self.by_lei[lei] = pk
        self.by_name_country[name, country] = pk
        folded = (fold(name), country)
        self.folded_name_country[folded] = (
            pk if self.folded_name_country.get(folded, pk) == pk else AMBIGUOUS
        )
        self.lei_of[pk] = lei
        self.by_name.add(name, pk)

    def find(self, *, lei: str | None, name: str | None, country: str | None):
        """(id, None) for the provider meant, or (None, why not) in a sentence."""
        if lei:
            found = self.by_lei.get(lei)
            return (found, None) if found else (None, f"No provider with LEI {lei} is registered.")
        if not name:
            return None, "Name the provider by its LEI or its name."
        if country:
            found = self.by_name_country.get((name, country))
            if found is None:
                found = self.folded_name_country.get((fold(name), country))
            if found is None or found is AMBIGUOUS:
                return None, f"No provider named “{name}” is registered in {country}."
            return found, None
        found = self.by_name.find(name)
        if found is AMBIGUOUS:
            return None, (f"Several providers are named “{name}”: give the provider's "
                          "country or LEI as well.")
        if found is None:
            return None, f"No provider named “{name}” is registered."
        return found, None
