"""Writes of the register-of-information data: each one transaction with its audit record.

The rules between fields (a function of the entity that uses the service, a storage place
when data is stored) are the models' own `clean()`, which forms and the API both run.
"""

from tether.core.services import plain_services
from tether.regulatory.models import (
    ArrangementProfile,
    Branch,
    EntityProfile,
    Function,
    IctService,
    ProviderProfile,
)

ENTITY_PROFILE = plain_services(EntityProfile)
BRANCH = plain_services(Branch)
FUNCTION = plain_services(Function)
ICT_SERVICE = plain_services(IctService)
ARRANGEMENT_PROFILE = plain_services(ArrangementProfile)
PROVIDER_PROFILE = plain_services(ProviderProfile)
