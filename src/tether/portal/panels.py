"""Detail-page panels of what is exchanged with a provider: documents and requests."""

from django.urls import reverse

from tether.core.views.generic import Panel
from tether.documents.models import Document
from tether.documents.tables import DocumentTable
from tether.portal.internal_views import InformationRequestTable
from tether.portal.models import InformationRequest

ROWS = 10


def _panel(title, table_class, queryset, more_url, exclude=()):
    rows = list(queryset[:ROWS])
    return Panel(title, table_class(rows, orderable=False, exclude=exclude), more_url,
                 total=queryset.count())


def exchange_panels(request, obj, *, provider_field: str) -> list[Panel]:
    """Documents and requests concerning `obj`, as far as the user may see them."""
    user = request.user
    panels = []
    if user.can("view", Document):
        documents = Document.objects.restrict(user).filter(**{provider_field: obj})
        panels.append(_panel("Documents", DocumentTable, documents.select_related("provider"),
                             f"{reverse('documents:document_list')}?{provider_field}={obj.pk}",
                             exclude=("provider",)))
    if user.can("view", InformationRequest):
        requests = InformationRequest.objects.restrict(user).filter(
            **{provider_field: obj}).select_related("provider", "arrangement")
        panels.append(_panel(
            "Requests to the provider", InformationRequestTable, requests,
            f"{reverse('portal:informationrequest_list')}?{provider_field}={obj.pk}",
            exclude=("provider",)))
    return panels


def exchange_permissions(user) -> dict:
    from tether.portal.models import Invitation

    return {"add_document": user.can("add", Document),
            "add_request": user.can("add", InformationRequest),
            "invite": user.can("add", Invitation)}
