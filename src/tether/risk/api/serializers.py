"""Named serializers of the risk app, so the OpenAPI schema is complete."""

from rest_framework import serializers

from tether.core.api.serializers import TetherModelSerializer
from tether.risk.forms import colleagues, config_errors
from tether.risk.models import (
    ArrangementIntake,
    Control,
    CountryRisk,
    Methodology,
    ProviderScore,
    Risk,
    RiskCategory,
)
from tether.risk.selectors import current_config

DERIVED_RISK_FIELDS = ["effective_likelihood", "effective_impact", "inherent_rating",
                       "residual_rating", "above_appetite"]


class RiskSerializer(TetherModelSerializer):
    class Meta:
        model = Risk
        fields = ["id", "display", "title", "description", "category", "provider",
                  "arrangement", "activity", "owner", "status", "treatment", "treatment_notes",
                  "inherent_likelihood", "inherent_impact", "residual_likelihood",
                  "residual_impact", "review_date", *DERIVED_RISK_FIELDS, "created",
                  "last_updated"]
        read_only_fields = DERIVED_RISK_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            self.fields["owner"].queryset = colleagues()

    def validate(self, attrs):
        config = current_config(self.context.get("request"))
        errors = {}
        for name, top, scale in (
            ("inherent_likelihood", config.max_likelihood, "likelihood"),
            ("inherent_impact", config.max_impact, "impact"),
            ("residual_likelihood", config.max_likelihood, "likelihood"),
            ("residual_impact", config.max_impact, "impact"),
        ):
            value = attrs.get(name)
            if value is not None and value > top:
                errors[name] = [f"The {scale} scale runs from 1 to {top}."]
        category = attrs.get("category")
        if category is not None and not category.is_active and (
                self.instance is None or self.instance.category_id != category.pk):
            errors["category"] = ["This category is no longer used for new risks."]
        subjects = [name for name in ("provider", "arrangement", "activity")
                    if (attrs[name] if name in attrs else getattr(self.instance, name, None))]
        if len(subjects) != 1:
            errors["non_field_errors"] = [
                "Choose exactly one of provider, arrangement or activity: the risk concerns "
                "one of them."]
        if errors:
            raise serializers.ValidationError(errors)
        return super().validate(attrs)


class ControlSerializer(TetherModelSerializer):
    class Meta:
        model = Control
        fields = ["id", "display", "risk", "title", "description", "control_type", "status",
                  "likelihood_reduction", "impact_reduction", "owner", "created",
                  "last_updated"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            self.fields["owner"].queryset = colleagues()


class RiskCategorySerializer(TetherModelSerializer):
    class Meta:
        model = RiskCategory
        fields = ["id", "display", "code", "name", "description", "position", "is_active",
                  "created", "last_updated"]

    def validate_code(self, value):
        if self.instance is not None and value != self.instance.code:
            raise serializers.ValidationError(
                "The methodology's appetite names categories by code: it cannot change.")
        return value


class CountryRiskSerializer(TetherModelSerializer):
    class Meta:
        model = CountryRisk
        fields = ["id", "display", "country", "political", "economic", "legal", "source",
                  "as_of", "notes", "created", "last_updated"]


class IntakeFactorSerializer(serializers.Serializer):
    """One factor of an intake: its value and the points it gave."""

    factor = serializers.CharField()
    value = serializers.CharField(allow_null=True)
    points = serializers.FloatField()


class IntakeExplanationSerializer(serializers.Serializer):
    """How an arrangement's intake score and tier were made."""

    arrangement = serializers.IntegerField()
    reference = serializers.CharField()
    score = serializers.FloatField()
    tier = serializers.IntegerField(allow_null=True)
    assumed = serializers.BooleanField(
        help_text="True when the arrangement has no intake and was scored from the register.")
    factors = IntakeFactorSerializer(many=True)


class ArrangementIntakeSerializer(TetherModelSerializer):
    explanation = IntakeExplanationSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ArrangementIntake
        fields = ["id", "display", "arrangement", "criticality", "data_sensitivity",
                  "system_access", "annual_spend", "substitutability", "country", "notes",
                  "inherent_score", "tier", "explanation", "created", "last_updated"]
        read_only_fields = ["inherent_score", "tier", "explanation"]


class ScoreInputSerializer(serializers.Serializer):
    """One input of a residual score: its value (0–100), weight and contribution."""

    input = serializers.CharField()
    value = serializers.FloatField()
    weight = serializers.FloatField()
    contribution = serializers.FloatField()
    detail = serializers.CharField()


class ScoreExplanationSerializer(serializers.Serializer):
    """Which inputs produced a provider's score, under which methodology version."""

    methodology = serializers.IntegerField(help_text="The methodology version.")
    inputs = ScoreInputSerializer(many=True)
    driver = IntakeExplanationSerializer(
        allow_null=True, help_text="The intake of the arrangement that sets the inherent score.")


class ProviderScoreSerializer(serializers.ModelSerializer):
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    methodology_version = serializers.IntegerField(source="methodology.version",
                                                   read_only=True)
    explanation = ScoreExplanationSerializer(read_only=True)

    class Meta:
        model = ProviderScore
        fields = ["id", "provider", "provider_name", "methodology", "methodology_version",
                  "tier", "inherent_score", "inherent_rating", "residual_score",
                  "residual_rating", "above_appetite", "explanation", "computed_at"]
        read_only_fields = fields


class MethodologySerializer(serializers.ModelSerializer):
    class Meta:
        model = Methodology
        fields = ["id", "version", "name", "is_current", "change_note", "config", "created_by",
                  "created"]
        read_only_fields = fields


class MethodologyPublishSerializer(serializers.Serializer):
    """A new methodology version: it becomes current and everything is rescored in a job."""

    name = serializers.CharField(max_length=200)
    change_note = serializers.CharField(help_text="What changes and why.")
    config = serializers.JSONField(
        help_text="The whole configuration, as GET /api/risk/methodologies/current/ shows it.")

    def validate_config(self, value):
        errors = config_errors(value)
        if errors:
            raise serializers.ValidationError(errors)
        return value


class PublishedSerializer(serializers.Serializer):
    """The published version, and the job rescoring everything under it."""

    methodology = MethodologySerializer()
    job = serializers.IntegerField(help_text="The rescoring job's id.")
    job_url = serializers.CharField(allow_null=True,
                                    help_text="Where the job's progress is shown.")


class HeatCellSerializer(serializers.Serializer):
    likelihood = serializers.IntegerField()
    impact = serializers.IntegerField()
    rating = serializers.CharField()
    count = serializers.IntegerField()


class LevelSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    label = serializers.CharField()


class HeatMapSerializer(serializers.Serializer):
    """Risks per likelihood × impact cell, on the inherent or residual levels."""

    basis = serializers.ChoiceField(choices=["residual", "inherent"])
    total = serializers.IntegerField()
    likelihood = LevelSerializer(many=True)
    impact = LevelSerializer(many=True)
    cells = HeatCellSerializer(many=True)


class CountryImportSerializer(serializers.Serializer):
    """A CSV or XLSX file of country ratings."""

    file = serializers.FileField(
        help_text="Columns country (ISO code or English name), political, economic, legal "
                  "(1–5), and optionally source, as_of (YYYY-MM-DD), notes.")


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class CountryImportResultSerializer(serializers.Serializer):
    """What an import did, or why it wrote nothing."""

    ok = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rows = serializers.IntegerField()
    summary = serializers.CharField()
    errors = ImportErrorSerializer(many=True)


class CountryImportFormatSerializer(serializers.Serializer):
    """What the import expects."""

    columns = serializers.ListField(child=serializers.CharField())
    required = serializers.ListField(child=serializers.CharField())
    formats = serializers.ListField(child=serializers.CharField())
