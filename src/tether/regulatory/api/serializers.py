"""Serializers of the register-of-information data (the models' own clean() runs on write)."""

from tether.core.api.serializers import TetherModelSerializer
from tether.regulatory import forms
from tether.regulatory.models import (
    ArrangementProfile,
    Branch,
    EntityProfile,
    Function,
    IctService,
    ProviderProfile,
)


def _serializer(model, form) -> type[TetherModelSerializer]:
    meta = type("Meta", (), {"model": model, "fields": [
        "id", "display", *form._meta.fields, "created", "last_updated"]})
    return type(f"{model.__name__}Serializer", (TetherModelSerializer,), {
        "Meta": meta, "__module__": __name__,
        "__doc__": f"A {model._meta.verbose_name} of the register of information."})


EntityProfileSerializer = _serializer(EntityProfile, forms.EntityProfileForm)
BranchSerializer = _serializer(Branch, forms.BranchForm)
FunctionSerializer = _serializer(Function, forms.FunctionForm)
IctServiceSerializer = _serializer(IctService, forms.IctServiceForm)
ArrangementProfileSerializer = _serializer(ArrangementProfile, forms.ArrangementProfileForm)
ProviderProfileSerializer = _serializer(ProviderProfile, forms.ProviderProfileForm)
