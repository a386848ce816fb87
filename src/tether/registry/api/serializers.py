"""Named serializers of the register, so the OpenAPI schema is complete."""

from rest_framework import serializers

from tether.core.api.serializers import TetherModelSerializer
from tether.registry.api.enums import CURRENCY_CODES
from tether.registry.models import (
    Activity,
    Arrangement,
    Organisation,
    Provider,
    ProviderIdentifier,
    Service,
    SubcontractingLink,
)


class OrganisationSerializer(TetherModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "display", "name", "lei", "country", "description", "created",
                  "last_updated"]


class ActivitySerializer(TetherModelSerializer):
    class Meta:
        model = Activity
        fields = ["id", "display", "organisation", "parent", "name", "porter_area", "category",
                  "is_core_competency", "sourcing", "description", "created", "last_updated"]
        read_only_fields = ["category"]


class ProviderSerializer(TetherModelSerializer):
    spend_currency = serializers.ChoiceField(choices=CURRENCY_CODES, default="EUR")

    class Meta:
        model = Provider
        fields = ["id", "display", "name", "lei", "country", "person_type", "parent",
                  "ultimate_parent", "outsourcing_type", "status", "relationship_owner",
                  "annual_spend", "spend_currency", "service_countries",
                  "data_storage_countries", "services", "website", "registered_address",
                  "description", "created",
                  "last_updated"]
        read_only_fields = ["ultimate_parent"]
        extra_kwargs = {
            "service_countries": {"required": False},
            "data_storage_countries": {"required": False},
        }

    def validate_lei(self, value):
        return "".join(value.split()).upper() if value else None


class ProviderIdentifierSerializer(TetherModelSerializer):
    class Meta:
        model = ProviderIdentifier
        fields = ["id", "display", "provider", "scheme", "value", "country", "created",
                  "last_updated"]


class ServiceSerializer(TetherModelSerializer):
    class Meta:
        model = Service
        fields = ["id", "display", "name", "service_type", "description", "activities",
                  "created", "last_updated"]


class ArrangementSerializer(TetherModelSerializer):
    currency = serializers.ChoiceField(choices=CURRENCY_CODES, default="EUR")

    class Meta:
        model = Arrangement
        fields = ["id", "display", "reference", "title", "organisation", "provider", "services",
                  "arrangement_type", "overarching", "status", "start_date", "end_date",
                  "notice_period_entity_days", "notice_period_provider_days",
                  "notice_deadline", "renewal_type", "annual_cost", "currency",
                  "governing_law_country", "is_critical", "criticality_reason",
                  "substitutability", "data_involved", "supports_time_critical_operations",
                  "cloud_service_model", "cloud_deployment_model", "approved_by",
                  "nda_required_from", "owner", "notes", "created", "last_updated"]
        read_only_fields = ["notice_deadline"]


class SubcontractingLinkSerializer(TetherModelSerializer):
    class Meta:
        model = SubcontractingLink
        fields = ["id", "display", "provider", "subcontractor", "service", "arrangement",
                  "supports_critical_function", "description", "created", "last_updated"]
