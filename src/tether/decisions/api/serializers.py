"""Named serializers of the decisions app, so the OpenAPI schema is complete."""

from rest_framework import serializers

from tether.core.api.serializers import StrictSerializer, TetherModelSerializer
from tether.decisions.choices import CaseStatus
from tether.decisions.models import COMPONENTS, DecisionActual, DecisionCase, DecisionOption
from tether.decisions.services import KEPT_MESSAGE
from tether.decisions.simulation import DEFAULT_RUNS, MAX_RUNS

CASE_DERIVED = ["status", "recommendation", "reasons", "chosen_option", "decided_on",
                "decided_by", "simulation", "simulated_at", "simulation_runs",
                "simulation_seed", "created_by"]


class DecisionCaseSerializer(TetherModelSerializer):
    class Meta:
        model = DecisionCase
        fields = ["id", "display", "activity", "title", "horizon_years", "currency",
                  "discount_rate", "risk_cost_share", "description", *CASE_DERIVED,
                  "created", "last_updated"]
        read_only_fields = CASE_DERIVED


class DecisionOptionSerializer(TetherModelSerializer):
    class Meta:
        model = DecisionOption
        fields = ["id", "display", "case", "name", "kind", "provider",
                  *(f"{prefix}_{point}" for prefix, _label in COMPONENTS
                    for point in ("low", "mode", "high")),
                  "escalation_percent", "risk_cost_manual", "notes", "created", "last_updated"]

    def validate(self, attrs):
        cases = [attrs.get("case"), getattr(self.instance, "case", None)]
        if any(case is not None and case.status != CaseStatus.DRAFT for case in cases):
            raise serializers.ValidationError({"case": [KEPT_MESSAGE]})
        return super().validate(attrs)


class DecisionActualSerializer(TetherModelSerializer):
    class Meta:
        model = DecisionActual
        fields = ["id", "display", "case", "year", "actual_cost", "sla_attainment", "notes",
                  "created", "last_updated"]


class SimulateSerializer(StrictSerializer):
    runs = serializers.IntegerField(min_value=1, max_value=MAX_RUNS, default=DEFAULT_RUNS)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False,
                                    allow_null=True, help_text="Leave out for a new seed.")


class DecideSerializer(StrictSerializer):
    chosen_option = serializers.PrimaryKeyRelatedField(queryset=DecisionOption.objects.all())
    recommendation = serializers.CharField(max_length=20000)
    reasons = serializers.CharField(max_length=20000, allow_blank=True, default="")
    decided_on = serializers.DateField(required=False, allow_null=True)
