"""Named serializers of the contracts app, so the OpenAPI schema is complete."""

from rest_framework import serializers

from tether.contracts.choices import ClauseStatus
from tether.contracts.models import ArrangementClause, ClauseRequirement
from tether.core.api.serializers import TetherModelSerializer
from tether.registry.models import Arrangement


class ClauseRequirementSerializer(TetherModelSerializer):
    source_list = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ClauseRequirement
        fields = ["id", "display", "code", "title", "requirement", "sources", "source_list",
                  "applies_to", "position", "is_active", "is_builtin", "created",
                  "last_updated"]
        read_only_fields = ["is_builtin"]

    def validate_code(self, code):
        if self.instance is not None and self.instance.is_builtin and code != self.instance.code:
            raise serializers.ValidationError("A built-in requirement keeps its code.")
        return code


class ArrangementClauseSerializer(TetherModelSerializer):
    class Meta:
        model = ArrangementClause
        fields = ["id", "display", "arrangement", "requirement", "status", "reason",
                  "location", "document", "note", "checked_by", "checked_on", "created",
                  "last_updated"]
        read_only_fields = ["checked_by"]

    def validate(self, attrs):
        instance = self.instance
        for fixed in ("arrangement", "requirement"):
            if instance is not None and fixed in attrs and \
                    attrs[fixed].pk != getattr(instance, f"{fixed}_id"):
                raise serializers.ValidationError({fixed: [
                    "A check belongs to its arrangement and requirement; record another "
                    "check instead."]})
        status = attrs.get("status", getattr(instance, "status", None))
        reason = attrs.get("reason", getattr(instance, "reason", ""))
        if status == ClauseStatus.NOT_APPLICABLE and not (reason or "").strip():
            raise serializers.ValidationError({"reason": ["Say why the clause does not apply."]})
        if instance is None and "arrangement" in attrs and "requirement" in attrs and \
                ArrangementClause.objects.filter(arrangement=attrs["arrangement"],
                                                 requirement=attrs["requirement"]).exists():
            raise serializers.ValidationError({"requirement": [
                "This clause is already checked for this arrangement: edit that check."]})
        return super().validate(attrs)


class ClauseGapSerializer(serializers.ModelSerializer):
    """An arrangement and its clause counts: required, present, partly present, missing
    (checked missing or not checked), not applicable, and gaps (required − present − not
    applicable)."""

    arrangement = serializers.IntegerField(source="pk", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    clauses_required = serializers.IntegerField(read_only=True)
    clauses_present = serializers.IntegerField(read_only=True)
    clauses_partial = serializers.IntegerField(read_only=True)
    clauses_missing = serializers.IntegerField(read_only=True)
    clauses_not_checked = serializers.IntegerField(read_only=True)
    clauses_not_applicable = serializers.IntegerField(read_only=True)
    clause_gaps = serializers.IntegerField(read_only=True)

    class Meta:
        model = Arrangement
        fields = ["arrangement", "reference", "title", "provider", "provider_name",
                  "organisation", "organisation_name", "status", "is_critical",
                  "clauses_required", "clauses_present", "clauses_partial", "clauses_missing",
                  "clauses_not_checked", "clauses_not_applicable", "clause_gaps"]
        read_only_fields = fields
