"""Named serializers of the oversight app, so the OpenAPI schema is complete."""

from rest_framework import serializers

from tether.core.api.serializers import StrictSerializer, TetherModelSerializer
from tether.oversight.forms import colleagues
from tether.oversight.models import Audit, CorrectiveAction, Finding, Incident, IncidentEvent
from tether.oversight.services import MAX_RESPONSE_LENGTH


class OwnedSerializer(TetherModelSerializer):
    """A serializer whose owner-like fields name an internal colleague."""

    owner_fields = ("owner",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.owner_fields:
            if name in self.fields:
                self.fields[name].queryset = colleagues()


class AuditSerializer(OwnedSerializer):
    owner_fields = ("lead",)
    finding_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Audit
        fields = ["id", "display", "kind", "title", "provider", "arrangements", "scope",
                  "auditor", "lead", "planned_on", "started_on", "completed_on", "status",
                  "conclusion", "summary", "report", "finding_count", "created",
                  "last_updated"]

    def validate(self, attrs):
        provider = attrs.get("provider", getattr(self.instance, "provider", None))
        foreign = [a.reference for a in attrs.get("arrangements", [])
                   if provider is not None and a.provider_id != provider.pk]
        if foreign:
            raise serializers.ValidationError({"arrangements": [
                f"Not contracts with the audited provider: {', '.join(foreign)}."]})
        return super().validate(attrs)


class FindingSerializer(OwnedSerializer):
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "display", "audit", "incident", "provider", "arrangement", "title",
                  "description", "severity", "status", "raised_on", "due_date", "owner",
                  "provider_response", "responded_at", "closed_on", "closure_note",
                  "is_overdue", "created", "last_updated"]
        read_only_fields = ["responded_at", "closed_on"]


class CorrectiveActionSerializer(OwnedSerializer):
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = CorrectiveAction
        fields = ["id", "display", "finding", "incident", "provider", "description", "owner",
                  "due_date", "status", "completed_on", "evidence", "verification_note",
                  "is_overdue", "created", "last_updated"]
        read_only_fields = ["provider", "completed_on"]

    def validate(self, attrs):
        if self.instance is not None:
            for name in ("finding", "incident"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError({name: [
                        "An action belongs to what it answers; write another one instead."]})
        else:
            finding, incident = attrs.get("finding"), attrs.get("incident")
            if (finding is None) == (incident is None):
                raise serializers.ValidationError({"finding": [
                    "Name either the finding or the incident the action answers."]})
        evidence = attrs.get("evidence")
        if evidence:
            origin = attrs.get("finding") or attrs.get("incident") or self.instance.origin
            foreign = [d.title for d in evidence
                       if d.provider_id not in (None, origin.provider_id)]
            if foreign:
                raise serializers.ValidationError({"evidence": [
                    f"Documents of another provider: {', '.join(foreign)}."]})
        return super().validate(attrs)


class IncidentSerializer(TetherModelSerializer):
    class Meta:
        model = Incident
        fields = ["id", "display", "provider", "arrangement", "kind", "severity", "title",
                  "description", "started_at", "detected_at", "resolved_at", "status",
                  "customers_affected", "records_affected", "financial_impact", "currency",
                  "services_affected", "root_cause", "is_major", "reported_to_authority_on",
                  "created", "last_updated"]


class IncidentEventSerializer(TetherModelSerializer):
    class Meta:
        model = IncidentEvent
        fields = ["id", "display", "incident", "at", "description", "author", "created",
                  "last_updated"]
        read_only_fields = ["author"]


# --- the provider's side ---------------------------------------------------------------------

class PortalFindingSerializer(serializers.ModelSerializer):
    """A finding as its provider's contacts see it: no internal owner or notes."""

    display = serializers.CharField(source="__str__", read_only=True)
    arrangement_reference = serializers.CharField(source="arrangement.reference",
                                                  read_only=True, allow_null=True)
    audit_title = serializers.CharField(source="audit.title", read_only=True, allow_null=True)

    class Meta:
        model = Finding
        fields = ["id", "display", "title", "description", "severity", "status", "raised_on",
                  "due_date", "arrangement", "arrangement_reference", "audit_title",
                  "provider_response", "responded_at", "closed_on"]
        read_only_fields = fields


class FindingResponseSerializer(StrictSerializer):
    provider_response = serializers.CharField(max_length=MAX_RESPONSE_LENGTH)
