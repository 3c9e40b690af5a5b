from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from notifications.models import DeliveryAttempt, Kind, Notification


# Documented as a string listing its values rather than as an enum component: another API field is also named
# "kind" (documents: input/result), and two enums of one name make drf-spectacular warn, which `check --deploy`
# treats as an error. With ENUM_NAME_OVERRIDES set in settings this can become a plain ChoiceField again.
@extend_schema_field(
    {
        "type": "string",
        "description": "What the message is about: " + ", ".join(Kind.values) + ".",
        "example": Kind.ACCEPTED.value,
    }
)
class NotificationKindField(serializers.CharField):
    pass


class NotificationDossierSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    code = serializers.CharField(read_only=True, allow_null=True)


class NotificationSerializer(serializers.ModelSerializer):
    """An in-app message as the inbox shows it."""

    kind = NotificationKindField(read_only=True)
    body = serializers.CharField(source="body_text", read_only=True)
    dossier = NotificationDossierSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body", "dossier", "created_at", "read_at"]
        read_only_fields = fields


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["number", "at", "outcome", "error", "provider_ref"]
        read_only_fields = fields


class NotificationRecipientSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


class DossierNotificationSerializer(serializers.ModelSerializer):
    """One message about a dossier as its agency's staff see it: to whom, by which channel, and every attempt."""

    kind = NotificationKindField(read_only=True)
    recipient = NotificationRecipientSerializer(read_only=True)
    is_applicant = serializers.SerializerMethodField()
    attempts = DeliveryAttemptSerializer(source="delivery_attempts", many=True, read_only=True)
    attempt_count = serializers.IntegerField(source="attempts", read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "channel",
            "status",
            "recipient",
            "is_applicant",
            "address",
            "subject",
            "language",
            "provider_ref",
            "last_error",
            "attempt_count",
            "attempts",
            "created_at",
            "next_attempt_at",
            "sent_at",
            "read_at",
        ]
        read_only_fields = fields

    def get_is_applicant(self, obj: Notification) -> bool:
        applicant_id = self.context.get("applicant_id")
        return applicant_id is not None and obj.recipient_id == applicant_id
