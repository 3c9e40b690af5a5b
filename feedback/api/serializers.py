from __future__ import annotations

from rest_framework import serializers

from feedback.models import Category


class FeedbackCreateSerializer(serializers.Serializer):
    agency = serializers.CharField(required=False, allow_blank=True, max_length=20)
    procedure = serializers.CharField(required=False, allow_blank=True, max_length=30)
    dossier = serializers.UUIDField(required=False, allow_null=True)
    category = serializers.ChoiceField(choices=Category.choices)
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=5000)
    public = serializers.BooleanField(required=False, default=False)


class FeedbackCreatedSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    status = serializers.CharField()
    due_at = serializers.DateTimeField()


class FeedbackListSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    category = serializers.CharField()
    status = serializers.CharField()
    title = serializers.CharField()
    agency = serializers.CharField(source="agency.name")
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()


class FeedbackEventSerializer(serializers.Serializer):
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    content = serializers.CharField()
    at = serializers.DateTimeField()


class FeedbackDetailSerializer(FeedbackListSerializer):
    content = serializers.CharField()
    answer = serializers.CharField()
    public = serializers.BooleanField(source="is_public")
    published_at = serializers.DateTimeField(allow_null=True)
    reopened = serializers.IntegerField()
    events = FeedbackEventSerializer(many=True, source="events.all")
    available_actions = serializers.ListField(child=serializers.CharField())


class FeedbackActionSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=30)
    content = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    agency = serializers.CharField(required=False, allow_blank=True, max_length=20)
    version = serializers.IntegerField(required=False, allow_null=True)


class AnswerSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=5000)
    version = serializers.IntegerField(required=False, allow_null=True)


class PublicAnswerSerializer(serializers.Serializer):
    code = serializers.CharField()
    category = serializers.CharField()
    agency = serializers.CharField()
    procedure = serializers.CharField()
    title = serializers.CharField()
    question = serializers.CharField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField()


class MessageSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    from_applicant = serializers.BooleanField()
    # The applicant sees the agency, never an officer's name (the pages hide it too).
    sender = serializers.SerializerMethodField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_sender(self, message) -> str:
        return message.author.full_name if message.from_applicant else message.dossier.agency.name


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=3000)
