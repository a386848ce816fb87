"""Choice sets named once for the OpenAPI schema (see SPECTACULAR_SETTINGS)."""

from django_countries import countries

from tether.registry.validators import currency_codes

COUNTRY_CODES = [code for code, _name in countries]
CURRENCY_CODES = sorted(currency_codes())
