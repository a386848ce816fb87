"""The register's pages, declared once per model."""

from django.urls import reverse

from tether.core.views.generic import ObjectViewSet, Panel
from tether.documents.panels import DocumentsAttachable
from tether.portal.panels import exchange_panels, exchange_permissions
from tether.registry import filtersets, forms, selectors, tables
from tether.registry import services as registry_services
from tether.registry.models import (
    Activity,
    Arrangement,
    Organisation,
    Provider,
    ProviderIdentifier,
    Service,
    SubcontractingLink,
)

ROWS = selectors.PANEL_ROWS


def _list_url(name: str, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse(f'registry:{name}_list')}?{query}"


class ExportableViews(ObjectViewSet):
    """A register list with CSV/XLSX export in the import's own columns."""

    export_entity = ""

    @classmethod
    def export_url(cls):
        return reverse("registry:export", args=[cls.export_entity])


def _panel(title, table_class, queryset, more_url="", exclude=()):
    table = table_class(list(queryset[:ROWS]), orderable=False, exclude=exclude)
    return Panel(title, table, more_url)


class OrganisationViews(DocumentsAttachable, ExportableViews):
    export_entity = "organisations"
    model = Organisation
    url_prefix = "organisations/"
    filterset_class = filtersets.OrganisationFilterSet
    table_class = tables.OrganisationTable
    form_class = forms.OrganisationForm
    services = registry_services.ORGANISATION

    @classmethod
    def detail_panels(cls, request, obj):
        user = request.user
        return [
            _panel("Value chain", tables.ActivityTable,
                   selectors.activity_list(user=user).filter(organisation=obj),
                   _list_url("activity", organisation=obj.pk)),
            _panel("Arrangements", tables.ArrangementTable,
                   selectors.arrangement_list(user=user).filter(organisation=obj),
                   _list_url("arrangement", organisation=obj.pk)),
        ]


class ActivityViews(DocumentsAttachable, ExportableViews):
    export_entity = "activities"
    model = Activity
    url_prefix = "activities/"
    filterset_class = filtersets.ActivityFilterSet
    table_class = tables.ActivityTable
    form_class = forms.ActivityForm
    services = registry_services.ACTIVITY

    @classmethod
    def base_queryset(cls):
        return Activity.objects.select_related("organisation", "parent")

    @classmethod
    def detail_panels(cls, request, obj):
        user = request.user
        return [
            _panel("Sub-activities", tables.ActivityTable,
                   selectors.activity_list(user=user).filter(parent=obj)),
            _panel("Services supporting it", tables.ServiceTable,
                   Service.objects.restrict(user).filter(activities=obj)),
            _panel("Arrangements covering it", tables.ArrangementTable,
                   selectors.activity_arrangements(user=user, activity=obj),
                   _list_url("arrangement", activity=obj.pk)),
        ]


class ProviderViews(ExportableViews):
    export_entity = "providers"
    model = Provider
    url_prefix = "providers/"
    filterset_class = filtersets.ProviderFilterSet
    table_class = tables.ProviderTable
    form_class = forms.ProviderForm
    services = registry_services.PROVIDER

    detail_template = "registry/provider_detail.html"

    @classmethod
    def base_queryset(cls):
        return Provider.objects.select_related("ultimate_parent", "parent", "relationship_owner")

    @classmethod
    def detail_context(cls, request, obj):
        return {"perms_exchange": exchange_permissions(request.user)}

    @classmethod
    def detail_panels(cls, request, obj):
        user = request.user
        links = selectors.subcontracting_link_list(user=user)
        return [
            *exchange_panels(request, obj, provider_field="provider"),
            _panel("Arrangements", tables.ArrangementTable,
                   selectors.arrangement_list(user=user).filter(provider=obj),
                   _list_url("arrangement", provider=obj.pk), exclude=("provider",)),
            _panel("Value-chain activities supported", tables.ActivityTable,
                   selectors.provider_activities(user=user, provider=obj)),
            _panel("Subcontractors (its suppliers)", tables.SubcontractingLinkTable,
                   links.filter(provider=obj),
                   _list_url("subcontractinglink", provider=obj.pk)),
            _panel("Subcontracted by", tables.SubcontractingLinkTable,
                   links.filter(subcontractor=obj),
                   _list_url("subcontractinglink", subcontractor=obj.pk)),
            _panel("Other identifiers", tables.ProviderIdentifierTable,
                   ProviderIdentifier.objects.restrict(user).filter(provider=obj)
                   .select_related("provider"),
                   _list_url("provideridentifier", provider=obj.pk)),
            _panel("Group companies", tables.ProviderTable,
                   selectors.provider_list(user=user).filter(parent=obj),
                   _list_url("provider", ultimate_parent=obj.ultimate_parent_id or obj.pk)),
        ]


class ProviderIdentifierViews(ObjectViewSet):
    model = ProviderIdentifier
    url_prefix = "identifiers/"
    filterset_class = filtersets.ProviderIdentifierFilterSet
    table_class = tables.ProviderIdentifierTable
    form_class = forms.ProviderIdentifierForm
    services = registry_services.PROVIDER_IDENTIFIER
    choices_search_field = "value"

    @classmethod
    def base_queryset(cls):
        return ProviderIdentifier.objects.select_related("provider")


class ServiceViews(DocumentsAttachable, ExportableViews):
    export_entity = "services"
    model = Service
    url_prefix = "services/"
    filterset_class = filtersets.ServiceFilterSet
    table_class = tables.ServiceTable
    form_class = forms.ServiceForm
    services = registry_services.SERVICE

    @classmethod
    def detail_panels(cls, request, obj):
        user = request.user
        return [
            _panel("Providers", tables.ProviderTable,
                   selectors.provider_list(user=user).filter(services=obj)),
            _panel("Arrangements", tables.ArrangementTable,
                   selectors.arrangement_list(user=user).filter(services=obj),
                   _list_url("arrangement", service=obj.pk)),
        ]


class ArrangementViews(ExportableViews):
    export_entity = "arrangements"
    model = Arrangement
    url_prefix = "arrangements/"
    filterset_class = filtersets.ArrangementFilterSet
    table_class = tables.ArrangementTable
    form_class = forms.ArrangementForm
    services = registry_services.ARRANGEMENT
    choices_search_field = "reference"

    @classmethod
    def base_queryset(cls):
        return Arrangement.objects.select_related(
            "provider", "organisation", "overarching", "owner"
        )

    detail_template = "registry/arrangement_detail.html"

    @classmethod
    def detail_context(cls, request, obj):
        return {"perms_exchange": exchange_permissions(request.user)}

    @classmethod
    def detail_panels(cls, request, obj):
        user = request.user
        return [
            *exchange_panels(request, obj, provider_field="arrangement"),
            _panel("Subsequent arrangements", tables.ArrangementTable,
                   selectors.arrangement_list(user=user).filter(overarching=obj)),
            _panel("Supply chain (subcontracting)", tables.SubcontractingLinkTable,
                   selectors.subcontracting_link_list(user=user).filter(arrangement=obj)),
            _panel("Value-chain activities", tables.ActivityTable,
                   selectors.activity_list(user=user).filter(services__arrangements=obj)
                   .distinct()),
        ]


class SubcontractingLinkViews(DocumentsAttachable, ExportableViews):
    export_entity = "subcontracting"
    model = SubcontractingLink
    url_prefix = "subcontracting/"
    filterset_class = filtersets.SubcontractingLinkFilterSet
    table_class = tables.SubcontractingLinkTable
    form_class = forms.SubcontractingLinkForm
    services = registry_services.SUBCONTRACTING_LINK
    choices_search_field = "provider__name"

    @classmethod
    def base_queryset(cls):
        return SubcontractingLink.objects.select_related(
            "provider", "subcontractor", "service", "arrangement"
        )


VIEWSETS = [
    OrganisationViews, ActivityViews, ProviderViews, ProviderIdentifierViews, ServiceViews,
    ArrangementViews, SubcontractingLinkViews,
]
