"""Choice sets named once for the OpenAPI schema (see SPECTACULAR_SETTINGS)."""

from django_countries import countries

from tether.registry.validators import currency_codes

CURRENCY_CODES = sorted(currency_codes())


def country_choices() -> list[tuple[str, str]]:
    """(code, name) of every country: what a country field's enum is made of, so it matches.

    drf-spectacular tells choice sets apart by codes *and* labels; a function, because the
    names are in the language active when the schema is generated.
    """
    return [(code, name) for code, name in countries]
