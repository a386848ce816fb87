"""Deadlines over the API: what the caller may see, in a date range, by kind."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from tether.core.api.notifications import InternalUser
from tether.core.api.serializers import QueryParameters
from tether.core.deadlines import deadline_kinds, deadlines_between
from tether.deadlines.forms import DEFAULT_DAYS, MAX_DAYS


class DeadlineQuerySerializer(QueryParameters):
    start = serializers.DateField(required=False, help_text="First day (default: today).")
    end = serializers.DateField(required=False,
                                help_text=f"Last day (default: start + {DEFAULT_DAYS} days).")
    kind = serializers.ListField(child=serializers.CharField(), required=False,
                                 help_text="Only these kinds (repeat the parameter).")
    provider = serializers.IntegerField(required=False, min_value=1)
    critical = serializers.BooleanField(required=False, default=False)

    def to_internal_value(self, data):
        if hasattr(data, "getlist"):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown parameter."] for name in unknown})
            values = {name: data.get(name) for name in data if name != "kind"}
            if "kind" in data:
                values["kind"] = data.getlist("kind")
            data = values
        return super().to_internal_value(data)

    def validate_kind(self, kinds):
        known = {kind for kind, _ in deadline_kinds()}
        unknown = sorted(set(kinds) - known)
        if unknown:
            raise serializers.ValidationError(
                f"Unknown kind(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}.")
        return kinds

    def validate(self, attrs):
        start = attrs.get("start") or timezone.localdate()
        end = attrs.get("end") or start + timedelta(days=DEFAULT_DAYS)
        if end < start:
            raise serializers.ValidationError({"end": ["Before start."]})
        if (end - start).days > MAX_DAYS:
            raise serializers.ValidationError({"end": [f"At most {MAX_DAYS} days after start."]})
        return {**attrs, "start": start, "end": end}


class DeadlineSerializer(serializers.Serializer):
    day = serializers.DateField()
    kind = serializers.CharField()
    label = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    key = serializers.CharField()
    provider_id = serializers.IntegerField(allow_null=True)
    owner_id = serializers.IntegerField(allow_null=True)
    critical = serializers.BooleanField()


class DeadlineListView(APIView):
    """The caller's deadlines from `start` to `end`, soonest first (at most 3 years)."""

    permission_classes = [InternalUser]

    @extend_schema(parameters=[DeadlineQuerySerializer],
                   responses={200: DeadlineSerializer(many=True)})
    def get(self, request):
        query = DeadlineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = deadlines_between(user=request.user, start=params["start"], end=params["end"],
                                  kinds=params.get("kind"))
        found = [d for d in found
                 if (params.get("provider") is None or d.provider_id == params["provider"])
                 and (not params["critical"] or d.critical)]
        return Response(DeadlineSerializer(found, many=True).data)
