"""Conversations in the API (/api/v1/): the shopper's (`conversations/`) and the store's
(`seller/conversations/`). List, detail with the messages, the messages after an id (polling), send
(text and/or a multipart image), mark read, and the images, for the two parties only. The same
services and selectors as the pages (docs/rules.md, "Conversations")."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from marketplace.parsers import JSONParser
from merchants.permissions import IsApprovedStore, IsMerchantMember

from . import selectors, services
from .models import Conversation, Message
from .serializers import (
    ConversationDetailSerializer,
    ConversationSerializer,
    ConversationStartSerializer,
    MessageInputSerializer,
    MessageSerializer,
    ReadSerializer,
)
from .views import message_image_response

MESSAGE_EXAMPLE = OpenApiExample(
    "A store's first answer",
    value=[
        {
            "id": 41,
            "side": "shopper",
            "mine": True,
            "body": "Is this the Japanese edition?",
            "image_url": None,
            "created_at": "2026-12-01T10:02:11+08:00",
            "response_seconds": None,
        },
        {
            "id": 42,
            "side": "merchant",
            "mine": False,
            "body": "Yes, imported from Osaka.",
            "image_url": "/api/v1/conversations/7/images/42/",
            "created_at": "2026-12-01T10:14:40+08:00",
            "response_seconds": 749,
        },
    ],
    response_only=True,
)
CONVERSATION_EXAMPLE = OpenApiExample(
    "Waiting for the store",
    value={
        "id": 7,
        "store": {"id": 3, "slug": "kao-japan", "name": "Kao Japan Official"},
        "shopper": "shopper",
        "product": {"id": 120, "name": "Merries diapers M"},
        "order": None,
        "created_at": "2026-12-01T10:02:11+08:00",
        "last_message_at": "2026-12-01T10:02:11+08:00",
        "awaiting_reply_since": "2026-12-01T10:02:11+08:00",
        "unread_count": 0,
        "last_message": "Is this the Japanese edition?",
    },
    response_only=True,
)
START_EXAMPLES = [
    OpenApiExample(
        "Ask about a product",
        value={"product": 120, "body": "Is this the Japanese edition?"},
        request_only=True,
    ),
    OpenApiExample(
        "Write about an order",
        value={"order": "2612010123456789", "body": "Where is my parcel?"},
        request_only=True,
    ),
]
SEND_EXAMPLE = OpenApiExample("Text", value={"body": "Thanks, I'll take two."}, request_only=True)
REFUSED = OpenApiResponse(
    description="`conversation_not_allowed`: no published product or order of yours with that store; "
    "`conversation_own_store`: you work for it."
)
AFTER = OpenApiParameter(
    "after",
    OpenApiTypes.INT64,
    description="Only the messages after this message id (what a polling client has not seen).",
    required=False,
)
IMAGE_RESPONSES = {
    (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY, description="The image."),
    (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="The image."),
    (200, "image/webp"): OpenApiResponse(OpenApiTypes.BINARY, description="The image."),
}


def _after(request):
    raw = request.query_params.get("after")
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"after": [_("A message id (a whole number).")]}) from exc
    return max(0, min(value, 2**63 - 1))


class ConversationPagination(PageNumberPagination):
    """Django's own paginator: the catalogue's cached totals (StandardPagination) would go stale as
    messages arrive."""

    page_size = selectors.PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 100


class _ConversationViews(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    side = Message.Side.SHOPPER
    image_route = "api-conversation-image"
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filter_backends = []
    pagination_class = ConversationPagination
    queryset = Conversation.objects.none()

    def listed(self):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Conversation.objects.none()
        return self.listed()

    def get_serializer_class(self):
        return ConversationDetailSerializer if self.action == "retrieve" else ConversationSerializer

    def get_serializer_context(self):
        return super().get_serializer_context() | {"side": self.side, "image_route": self.image_route}

    def conversation(self) -> Conversation:
        conversation = selectors.conversation_for(
            user=self.request.user, pk=self.kwargs["pk"], side=self.side
        )
        if conversation is None:
            raise NotFound(_("No such conversation of yours."))
        return conversation

    def retrieve(self, request, *args, **kwargs):
        conversation = self.get_queryset().filter(pk=self.conversation().pk).first()
        if conversation is None:  # a thread with no message yet is not listed
            conversation = self.conversation()
        context = self.get_serializer_context() | {"messages": selectors.messages_of(conversation)}
        return Response(ConversationDetailSerializer(conversation, context=context).data)

    def _messages(self, request):
        conversation = self.conversation()
        if request.method == "POST":
            data = MessageInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            message = services.message_send(
                conversation_id=conversation.pk,
                user=request.user,
                body=data.validated_data.get("body", ""),
                image=data.validated_data.get("image"),
            )
            return Response(
                MessageSerializer(message, context=self.get_serializer_context()).data,
                status=status.HTTP_201_CREATED,
            )
        messages = selectors.messages_of(conversation, after=_after(request))
        return Response(MessageSerializer(messages, many=True, context=self.get_serializer_context()).data)

    def _read(self, request):
        services.conversation_mark_read(conversation_id=self.conversation().pk, user=request.user)
        return Response({"read": True})

    def _image(self, request, message_id):
        conversation = self.conversation()
        try:
            message = (
                Message.objects.filter(conversation=conversation, pk=int(message_id))
                .exclude(image="")
                .first()
            )
        except (TypeError, ValueError, OverflowError):
            message = None
        if message is None:
            raise NotFound(_("No such image in this conversation."))
        try:
            return message_image_response(message)
        except Http404 as exc:
            raise NotFound(_("The image is missing.")) from exc


class ConversationViewSet(mixins.CreateModelMixin, _ConversationViews):
    """The signed-in shopper's conversations with stores, latest first. `POST` asks a store: about a
    published product (`product`) or one of your orders (`order`), with the first message; asking
    again on the same subject continues the same thread."""

    permission_classes = [IsAuthenticated]

    def listed(self):
        return selectors.conversations_for_shopper(self.request.user)

    @extend_schema(responses=ConversationSerializer(many=True), examples=[CONVERSATION_EXAMPLE])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=ConversationDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request={
            "multipart/form-data": ConversationStartSerializer,
            "application/json": ConversationStartSerializer,
        },
        responses={201: ConversationDetailSerializer, 403: REFUSED},
        examples=START_EXAMPLES,
    )
    def create(self, request, *args, **kwargs):
        data = ConversationStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        conversation = services.conversation_start(
            shopper=request.user,
            product_id=values.get("product"),
            order_number=values.get("order"),
            body=values.get("body", ""),
            image=values.get("image"),
        )
        conversation = self.listed().get(pk=conversation.pk)
        context = self.get_serializer_context() | {"messages": selectors.messages_of(conversation)}
        return Response(ConversationDetailSerializer(conversation, context=context).data, status=201)

    @extend_schema(
        methods=["GET"],
        parameters=[AFTER],
        responses=MessageSerializer(many=True),
        examples=[MESSAGE_EXAMPLE],
        description="The thread's messages, oldest first, or only those after `after`.",
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": MessageInputSerializer, "application/json": MessageInputSerializer},
        responses={201: MessageSerializer},
        examples=[SEND_EXAMPLE],
        description="Send text and/or one image (JPEG, PNG or WebP, checked by content).",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def messages(self, request, pk=None):
        return self._messages(request)

    @extend_schema(request=None, responses=ReadSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Everything in the thread so far is read (and its message notifications)."""
        return self._read(request)

    @extend_schema(responses=IMAGE_RESPONSES)
    @action(detail=True, methods=["get"], url_path="images/<id:message_id>", url_name="image")
    def image(self, request, pk=None, message_id=None):
        """A message's image, for the two parties only."""
        return self._image(request, message_id)


class SellerConversationViewSet(_ConversationViews):
    """The store's conversations: those waiting for an answer first (longest wait first), with
    each one's unread count. `?waiting=true` lists only those waiting."""

    side = Message.Side.MERCHANT
    image_route = "api-seller-conversation-image"
    permission_classes = [IsAuthenticated, IsMerchantMember, IsApprovedStore]

    def listed(self):
        waiting = self.request.query_params.get("waiting") in ("1", "true", "yes")
        return selectors.conversations_for_merchant(self.request.user.merchant, waiting_only=waiting)

    @extend_schema(
        parameters=[OpenApiParameter("waiting", OpenApiTypes.BOOL, required=False)],
        responses=ConversationSerializer(many=True),
        examples=[CONVERSATION_EXAMPLE],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=ConversationDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        methods=["GET"],
        parameters=[AFTER],
        responses=MessageSerializer(many=True),
        examples=[MESSAGE_EXAMPLE],
        description="The thread's messages, oldest first, or only those after `after`.",
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": MessageInputSerializer, "application/json": MessageInputSerializer},
        responses={201: MessageSerializer},
        examples=[SEND_EXAMPLE],
        description="Answer for the store: text and/or one image (checked by content).",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def messages(self, request, pk=None):
        return self._messages(request)

    @extend_schema(request=None, responses=ReadSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """The store has read everything in the thread so far."""
        return self._read(request)

    @extend_schema(responses=IMAGE_RESPONSES)
    @action(detail=True, methods=["get"], url_path="images/<id:message_id>", url_name="image")
    def image(self, request, pk=None, message_id=None):
        """A message's image, for the two parties only."""
        return self._image(request, message_id)


def register(router):
    router.register("conversations", ConversationViewSet, basename="api-conversation")
    router.register("seller/conversations", SellerConversationViewSet, basename="api-seller-conversation")
