from tether.core.api.serializers import TetherModelSerializer
from tether.portal.models import InformationRequest, Invitation


class InformationRequestSerializer(TetherModelSerializer):
    class Meta:
        model = InformationRequest
        fields = ["id", "display", "provider", "arrangement", "title", "question", "due_date",
                  "status", "internal_note", "requested_by", "answer", "answered_by",
                  "answered_at", "created", "last_updated"]
        read_only_fields = ["requested_by", "answer", "answered_by", "answered_at"]


class InvitationSerializer(TetherModelSerializer):
    class Meta:
        model = Invitation
        fields = ["id", "display", "provider", "email", "first_name", "last_name", "state",
                  "expires_at", "invited_by", "accepted_at", "revoked_at", "user", "created"]
        read_only_fields = fields
