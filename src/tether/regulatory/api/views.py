"""REST endpoints of the register-of-information data: writes through the services,
permissions from the base classes (reporting: administrator, vendor manager and compliance
officer write; other internal roles read)."""

from tether.core.api.viewsets import TetherModelViewSet
from tether.regulatory import filtersets, services
from tether.regulatory.api import serializers
from tether.regulatory.views import (
    ArrangementProfileViews,
    BranchViews,
    EntityProfileViews,
    FunctionViews,
    IctServiceViews,
    ProviderProfileViews,
)


def _viewset(pages, serializer, filterset, model_services) -> type[TetherModelViewSet]:
    model = pages.model

    def base_queryset(self):
        return pages.base_queryset()

    return type(f"{model.__name__}ViewSet", (TetherModelViewSet,), {
        "queryset": model.objects.all(), "serializer_class": serializer,
        "filterset_class": filterset, "services": model_services,
        "base_queryset": base_queryset, "__module__": __name__,
        "__doc__": f"{model._meta.verbose_name_plural.capitalize()} of the register of "
                   "information."})


EntityProfileViewSet = _viewset(EntityProfileViews, serializers.EntityProfileSerializer,
                                filtersets.EntityProfileFilterSet, services.ENTITY_PROFILE)
BranchViewSet = _viewset(BranchViews, serializers.BranchSerializer,
                         filtersets.BranchFilterSet, services.BRANCH)
FunctionViewSet = _viewset(FunctionViews, serializers.FunctionSerializer,
                           filtersets.FunctionFilterSet, services.FUNCTION)
IctServiceViewSet = _viewset(IctServiceViews, serializers.IctServiceSerializer,
                             filtersets.IctServiceFilterSet, services.ICT_SERVICE)
ArrangementProfileViewSet = _viewset(
    ArrangementProfileViews, serializers.ArrangementProfileSerializer,
    filtersets.ArrangementProfileFilterSet, services.ARRANGEMENT_PROFILE)
ProviderProfileViewSet = _viewset(ProviderProfileViews, serializers.ProviderProfileSerializer,
                                  filtersets.ProviderProfileFilterSet, services.PROVIDER_PROFILE)
