"""The API's view of conversations (orders/conversations/api.py)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Conversation, Message
from .services import BODY_LIMIT


class MessageSerializer(serializers.ModelSerializer):
    mine = serializers.SerializerMethodField(help_text="Written by the side reading it.")
    image_url = serializers.SerializerMethodField(
        help_text="Where the image downloads, for the two parties only (null without an image)."
    )

    class Meta:
        model = Message
        fields = ["id", "side", "mine", "body", "image_url", "created_at", "response_seconds"]

    def get_mine(self, message) -> bool:
        return message.side == self.context.get("side")

    def get_image_url(self, message) -> str | None:
        if not message.image:
            return None
        name = self.context.get("image_route", "api-conversation-image")
        return reverse(name, args=[message.conversation_id, message.pk])


class _Store(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class _Product(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ConversationSerializer(serializers.ModelSerializer):
    store = _Store(source="merchant")
    shopper = serializers.CharField(source="shopper.username")
    product = _Product(allow_null=True)
    order = serializers.CharField(source="order.number", allow_null=True, default=None)
    unread_count = serializers.IntegerField(
        default=0, help_text="Messages of the other side the reader has not read."
    )
    last_message = serializers.CharField(source="last_body", default="", allow_null=True)

    class Meta:
        model = Conversation
        fields = [
            "id",
            "store",
            "shopper",
            "product",
            "order",
            "created_at",
            "last_message_at",
            "awaiting_reply_since",
            "unread_count",
            "last_message",
        ]


class ConversationDetailSerializer(ConversationSerializer):
    messages = serializers.SerializerMethodField()

    class Meta(ConversationSerializer.Meta):
        fields = [*ConversationSerializer.Meta.fields, "messages"]

    @extend_schema_field(MessageSerializer(many=True))
    def get_messages(self, conversation):
        return MessageSerializer(self.context["messages"], many=True, context=self.context).data


class MessageInputSerializer(serializers.Serializer):
    """Text and/or one image (multipart). The length, the characters and the image's content are
    checked by the service: a refusal is `{code, detail}`."""

    body = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=BODY_LIMIT * 4
    )
    image = serializers.FileField(required=False, allow_empty_file=True, use_url=False)


class ConversationStartSerializer(MessageInputSerializer):
    """About a published product (`product`) or one of your orders (`order`): the first message."""

    product = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    order = serializers.CharField(required=False, max_length=40)


class ReadSerializer(serializers.Serializer):
    read = serializers.BooleanField()
