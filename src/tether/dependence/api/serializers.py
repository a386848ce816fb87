from rest_framework import serializers

from tether.core.api.serializers import QueryParameters
from tether.dependence.concentration import DIMENSIONS, MAIN_CURRENCY, MEASURES
from tether.dependence.graph import SPOF_MIN_CRITICAL
from tether.dependence.whatif import KINDS


class ShareSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField()
    share = serializers.FloatField(help_text="Percent of the total, 0–100.")
    flagged = serializers.BooleanField(help_text="Above the single-share threshold.")


class ConcentrationSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    measure = serializers.CharField()
    currency = serializers.CharField(allow_null=True)
    total = serializers.FloatField()
    hhi = serializers.FloatField(help_text="Sum of squared percentage shares, 0–10,000.")
    level = serializers.CharField()
    groups = serializers.IntegerField()
    shares = ShareSerializer(many=True, source="top_shares")
    other_currencies = serializers.DictField(child=serializers.FloatField())


class ExposureSerializer(serializers.Serializer):
    provider_id = serializers.IntegerField()
    name = serializers.CharField()
    critical = serializers.IntegerField()
    arrangements = serializers.IntegerField()
    spend = serializers.FloatField()
    depending_providers = serializers.IntegerField()


class SinglePointsOfFailureSerializer(serializers.Serializer):
    minimum_critical = serializers.IntegerField()
    count = serializers.IntegerField()
    currency = serializers.CharField()
    results = ExposureSerializer(many=True)
    longest_chains = serializers.ListField(child=serializers.ListField(
        child=serializers.IntegerField()))


class AffectedArrangementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    provider_id = serializers.IntegerField()
    provider_name = serializers.CharField()
    is_critical = serializers.BooleanField()
    annual_cost = serializers.FloatField(allow_null=True)
    currency = serializers.CharField()
    direct = serializers.BooleanField()
    path = serializers.ListField(child=serializers.IntegerField())
    service_ids = serializers.ListField(child=serializers.IntegerField())
    exit_plan = serializers.CharField()


class WhatIfSerializer(serializers.Serializer):
    kind = serializers.CharField()
    key = serializers.CharField()
    label = serializers.CharField()
    failed = serializers.ListField(child=serializers.IntegerField())
    providers_affected = serializers.IntegerField()
    total = serializers.IntegerField()
    critical = serializers.IntegerField()
    direct_count = serializers.IntegerField()
    direct_critical = serializers.IntegerField()
    spend = serializers.DictField(child=serializers.FloatField())
    arrangements = AffectedArrangementSerializer(many=True)
    services = serializers.ListField(child=serializers.DictField())
    activities = serializers.ListField(child=serializers.DictField())


class NodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.IntegerField()
    country = serializers.CharField()
    arrangements = serializers.IntegerField()
    critical = serializers.IntegerField()
    spof = serializers.BooleanField()
    url = serializers.CharField()


class LinkSerializer(serializers.Serializer):
    source = serializers.IntegerField()
    target = serializers.IntegerField()


class NetworkSerializer(serializers.Serializer):
    centre = serializers.IntegerField(allow_null=True)
    depth = serializers.IntegerField(required=False)
    truncated = serializers.BooleanField(required=False)
    nodes = NodeSerializer(many=True)
    links = LinkSerializer(many=True)


class ConcentrationQuerySerializer(QueryParameters):
    dimension = serializers.ChoiceField(choices=list(DIMENSIONS), default="provider")
    measure = serializers.ChoiceField(choices=list(MEASURES), default="spend")
    currency = serializers.RegexField(r"^[A-Z]{3}$", default=MAIN_CURRENCY,
                                      help_text="Spend currency, such as EUR.")
    top = serializers.IntegerField(min_value=1, max_value=1000, default=10,
                                   help_text="Shares listed; the HHI covers all.")


class SinglePointsOfFailureQuerySerializer(QueryParameters):
    minimum = serializers.IntegerField(min_value=1, max_value=1_000_000,
                                       default=SPOF_MIN_CRITICAL,
                                       help_text="Critical arrangements hit, at least.")


class WhatIfQuerySerializer(QueryParameters):
    kind = serializers.ChoiceField(choices=list(KINDS))
    provider = serializers.IntegerField(min_value=1, required=False,
                                        help_text="The provider, group member or "
                                                  "subcontractor (not for a country).")
    country = serializers.RegexField(r"^[A-Z]{2}$", required=False,
                                     help_text="ISO 3166 code, for kind=country.")
    served_from = serializers.BooleanField(default=False, help_text=(
        "A country also fails the providers serving or storing data there."))

    def validate(self, attrs):
        field = "country" if attrs["kind"] == "country" else "provider"
        if attrs.get(field) in (None, ""):
            raise serializers.ValidationError({field: ["Say what fails."]})
        return attrs


class NetworkQuerySerializer(QueryParameters):
    provider = serializers.IntegerField(min_value=1, required=False, help_text=(
        "Centre (default: the largest single point of failure)."))
    depth = serializers.IntegerField(min_value=1, max_value=4, default=2,
                                     help_text="Links up and down.")
