"""Named serializers of the performance app (SLAs, credit bands, results, credits owed), so
the OpenAPI schema describes every endpoint."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from tether.core.api.serializers import QueryParameters, TetherModelSerializer
from tether.performance import services
from tether.performance.choices import Outcome
from tether.performance.models import CreditBand, PeriodResult, ServiceLevel
from tether.performance.selectors import add_months


class ServiceLevelSerializer(TetherModelSerializer):
    class Meta:
        model = ServiceLevel
        fields = ["id", "display", "arrangement", "kind", "name", "reference", "unit",
                  "description", "direction", "aggregation", "percentile", "item_target",
                  "target", "period", "minimum_count", "monthly_fee", "currency",
                  "credit_cap_percent", "active", "created", "last_updated"]

    def validate_arrangement(self, arrangement):
        if self.instance is not None and arrangement.pk != self.instance.arrangement_id:
            raise serializers.ValidationError(
                "A level belongs to its arrangement; define a new level on the other one.")
        return arrangement

    def validate(self, attrs):
        # The rules across fields answer per field, before the model's constraints do.
        problems = services.level_problems(services.level_candidate(self.instance, attrs))
        if problems:
            raise serializers.ValidationError(problems)
        return super().validate(attrs)


class CreditBandSerializer(TetherModelSerializer):
    class Meta:
        model = CreditBand
        fields = ["id", "display", "service_level", "worse_than", "credit_percent", "created",
                  "last_updated"]

    def validate_service_level(self, level):
        if self.instance is not None and level.pk != self.instance.service_level_id:
            raise serializers.ValidationError(
                "A band belongs to its level; add a band to the other level instead.")
        return level

    def validate(self, attrs):
        problems = services.band_problems(services.band_candidate(self.instance, attrs))
        if problems:
            raise serializers.ValidationError(problems)
        return super().validate(attrs)


class PeriodResultSerializer(serializers.ModelSerializer):
    """A level's outcome in one period, as the engine stored it."""

    period_end = serializers.SerializerMethodField()
    currency = serializers.CharField(source="service_level.currency", read_only=True)

    class Meta:
        model = PeriodResult
        fields = ["id", "service_level", "period_start", "period_end", "count", "value",
                  "outcome", "attainment", "credit_percent", "credit_amount", "currency"]
        read_only_fields = fields

    def get_period_end(self, obj) -> str:
        months = 3 if obj.service_level.period == "quarter" else 1
        return add_months(obj.period_start, months).isoformat()


class SeriesPointSerializer(serializers.Serializer):
    period_start = serializers.DateField()
    count = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    attainment = serializers.FloatField(allow_null=True)
    credit_percent = serializers.FloatField()
    credit_amount = serializers.DecimalField(max_digits=16, decimal_places=2)


class SeriesSerializer(serializers.Serializer):
    """A level's results per period, oldest first, with what they are measured against."""

    service_level = serializers.IntegerField()
    target = serializers.FloatField()
    direction = serializers.CharField()
    unit = serializers.CharField()
    period = serializers.CharField()
    currency = serializers.CharField()
    periods = SeriesPointSerializer(many=True)


class MeasurementsQuerySerializer(QueryParameters):
    month = serializers.RegexField(
        r"^\d{4}-(0[1-9]|1[0-2])$", required=False,
        help_text="The month, YYYY-MM (default: the newest month with measurements).")


class MeasurementSerializer(serializers.Serializer):
    time = serializers.DateTimeField()
    value = serializers.FloatField()


class MeasurementsSerializer(serializers.Serializer):
    """A level's raw measurements of one month, in time order."""

    service_level = serializers.IntegerField()
    month = serializers.CharField(allow_null=True)
    count = serializers.IntegerField()
    measurements = MeasurementSerializer(many=True)


class CreditRowSerializer(serializers.Serializer):
    provider = serializers.IntegerField(source="provider_id")
    provider_name = serializers.CharField(source="provider")
    arrangement = serializers.IntegerField(source="arrangement_id")
    arrangement_reference = serializers.CharField(source="arrangement")
    currency = serializers.CharField()
    breaches = serializers.IntegerField(help_text="Results with a credit.")
    credit = serializers.DecimalField(max_digits=18, decimal_places=2)


class CreditTotalSerializer(serializers.Serializer):
    currency = serializers.CharField()
    credit = serializers.DecimalField(max_digits=18, decimal_places=2)


# A list action answering one object (rows and totals), not the array the schema would assume.
@extend_schema_serializer(many=False)
class CreditsOwedSerializer(serializers.Serializer):
    """Service credits owed per provider and arrangement, per currency, with the totals."""

    rows = CreditRowSerializer(many=True)
    totals = CreditTotalSerializer(many=True)
