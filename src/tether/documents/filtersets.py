import django_filters

from tether.core.filtersets import SearchFilterSet
from tether.documents.models import Document, DocumentKind
from tether.registry.choices import Confidentiality


class DocumentFilterSet(SearchFilterSet):
    search_fields = ("title", "file_name", "description")
    kind = django_filters.MultipleChoiceFilter(choices=DocumentKind.choices)
    confidentiality = django_filters.MultipleChoiceFilter(choices=Confidentiality.choices)
    expires_before = django_filters.DateFilter(field_name="valid_until", lookup_expr="lte",
                                               label="Expires on or before")

    class Meta:
        model = Document
        fields = ["kind", "confidentiality", "provider", "arrangement", "shared_with_provider"]
