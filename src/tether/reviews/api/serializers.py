"""Named serializers of the reviews app, so the OpenAPI schema is complete."""

from rest_framework import serializers

from tether.core.api.serializers import StrictSerializer, TetherModelSerializer
from tether.registry.models import Arrangement
from tether.reviews.choices import Decision
from tether.reviews.forms import colleagues
from tether.reviews.models import Review, ReviewCadence


class ReviewSerializer(TetherModelSerializer):
    overall_rating = serializers.DecimalField(max_digits=3, decimal_places=2, read_only=True,
                                              allow_null=True)
    next_review_due = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Review
        fields = ["id", "display", "arrangement", "period_from", "period_to", "held_on",
                  "reviewer", "quality_rating", "delivery_rating", "communication_rating",
                  "compliance_rating", "improvement_rating", "overall_rating", "summary",
                  "feedback", "feedback_shared_on", "decision", "actions_agreed",
                  "next_review_override", "next_review_due", "created", "last_updated"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "reviewer" in self.fields:
            self.fields["reviewer"].queryset = colleagues()

    def validate(self, attrs):
        def value(name):
            return attrs[name] if name in attrs else getattr(self.instance, name, None)

        errors = {}
        start, end = value("period_from"), value("period_to")
        if start and end and end < start:
            errors["period_to"] = ["The period covered ends before it starts."]
        held, override = value("held_on"), value("next_review_override")
        if held and override and override <= held:
            errors["next_review_override"] = ["The next review is due after this one is held."]
        if value("feedback_shared_on") and not (value("feedback") or "").strip():
            errors["feedback_shared_on"] = ["Write the feedback before sharing it."]
        if errors:
            raise serializers.ValidationError(errors)
        return super().validate(attrs)


class ReviewCadenceSerializer(TetherModelSerializer):
    class Meta:
        model = ReviewCadence
        fields = ["id", "display", "scope", "months", "created", "last_updated"]


class ReviewDueRowSerializer(serializers.ModelSerializer):
    """An active arrangement with its last review and when the next one is due."""

    arrangement = serializers.IntegerField(source="pk", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    last_review = serializers.IntegerField(source="last_review_id", read_only=True,
                                           allow_null=True)
    last_review_on = serializers.DateField(read_only=True, allow_null=True)
    last_overall_rating = serializers.DecimalField(source="last_overall", max_digits=3,
                                                   decimal_places=2, read_only=True,
                                                   allow_null=True)
    last_decision = serializers.ChoiceField(choices=Decision.choices, read_only=True,
                                            allow_null=True)
    review_due = serializers.DateField(read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    cadence_months = serializers.IntegerField(read_only=True)
    tier_months = serializers.IntegerField(read_only=True, allow_null=True,
                                           help_text="The risk tier's review cadence, if any.")
    tier_stricter = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Arrangement
        fields = ["arrangement", "reference", "title", "provider", "provider_name",
                  "is_critical", "start_date", "last_review", "last_review_on",
                  "last_overall_rating", "last_decision", "review_due", "overdue",
                  "cadence_months", "tier_months", "tier_stricter"]
        read_only_fields = fields


class ScorecardComponentSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["sla", "kpi", "review", "findings"])
    label = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="0–100; null: no data.")
    weight = serializers.IntegerField()
    explanation = serializers.CharField()


class ScorecardSerializer(serializers.Serializer):
    """A provider's scorecard over the last twelve months."""

    provider = serializers.IntegerField(source="pk")
    provider_name = serializers.CharField(source="name")
    rank = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    band = serializers.CharField()
    sla_share = serializers.FloatField(allow_null=True)
    sla_mean_attainment = serializers.FloatField(allow_null=True)
    kpi_share = serializers.FloatField(allow_null=True)
    latest_rating = serializers.FloatField(allow_null=True)
    trend = serializers.FloatField(allow_null=True)
    open_findings = serializers.IntegerField()
    finding_points = serializers.IntegerField()
    explanation = serializers.CharField(source="card.explanation")
    components = ScorecardComponentSerializer(source="card.components", many=True)


class ScorecardQuerySerializer(StrictSerializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200,
                              help_text="Part of the provider's name.")
