"""Named serializers of the continuity app, so the OpenAPI schema is complete."""

from rest_framework import serializers

from tether.continuity.choices import AlternativeKind
from tether.continuity.forms import colleagues
from tether.continuity.models import (
    ExitPlan,
    ExitPlanTest,
    ExitStep,
    InHouseCapability,
    ServiceAlternative,
)
from tether.continuity.selectors import NOT_REQUIRED, READINESS_CHOICES
from tether.core.api.serializers import TetherModelSerializer
from tether.registry.models import Arrangement


class OwnedSerializer(TetherModelSerializer):
    """A serializer whose `owner` is any internal colleague."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            self.fields["owner"].queryset = colleagues()


class ExitPlanSerializer(OwnedSerializer):
    readiness = serializers.ChoiceField(choices=READINESS_CHOICES, read_only=True)
    last_test_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = ExitPlan
        fields = ["id", "display", "arrangement", "strategy", "alternative_provider",
                  "triggers", "data_return", "owner", "target_duration_days", "estimated_cost",
                  "currency", "last_reviewed", "review_months", "notes", "readiness",
                  "last_test_on", "created", "last_updated"]

    def validate_arrangement(self, arrangement):
        if self.instance is not None and arrangement.pk != self.instance.arrangement_id:
            raise serializers.ValidationError(
                "A plan belongs to its arrangement; write another plan for another one.")
        return arrangement


class ExitStepSerializer(OwnedSerializer):
    class Meta:
        model = ExitStep
        fields = ["id", "display", "plan", "position", "description", "owner", "duration_days",
                  "created", "last_updated"]


class ExitPlanTestSerializer(TetherModelSerializer):
    class Meta:
        model = ExitPlanTest
        fields = ["id", "display", "plan", "tested_on", "kind", "result",
                  "achieved_duration_days", "lessons", "created", "last_updated"]


class InHouseCapabilitySerializer(TetherModelSerializer):
    class Meta:
        model = InHouseCapability
        fields = ["id", "display", "activity", "name", "kind", "level", "people",
                  "assessed_on", "notes", "created", "last_updated"]


class ServiceAlternativeSerializer(TetherModelSerializer):
    class Meta:
        model = ServiceAlternative
        fields = ["id", "display", "service", "kind", "provider", "description", "switch_days",
                  "switch_cost", "currency", "notes", "created", "last_updated"]

    def validate(self, attrs):
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        provider = attrs["provider"] if "provider" in attrs else getattr(
            self.instance, "provider", None)
        if kind == AlternativeKind.CONTRACTED and provider is None:
            raise serializers.ValidationError(
                {"provider": ["Name the provider already under contract."]})
        return super().validate(attrs)


class ReadinessRowSerializer(serializers.ModelSerializer):
    """A live critical-or-important arrangement and the readiness of its exit plan."""

    arrangement = serializers.IntegerField(source="pk", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    readiness = serializers.ChoiceField(
        choices=[*READINESS_CHOICES, (NOT_REQUIRED, "Not required")], read_only=True)
    exit_plan = serializers.SerializerMethodField()
    last_test_on = serializers.DateField(read_only=True, allow_null=True)
    last_test_result = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Arrangement
        fields = ["arrangement", "reference", "title", "provider", "provider_name",
                  "organisation", "organisation_name", "status", "readiness", "exit_plan",
                  "last_test_on", "last_test_result"]
        read_only_fields = fields

    def get_exit_plan(self, obj) -> int | None:
        plan = getattr(obj, "exit_plan", None) if obj.readiness != "missing" else None
        return plan.pk if plan is not None else None
