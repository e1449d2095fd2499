"""The notification centre through the API (/api/v1/notifications/): the caller's own notifications,
the unread count, marking one or all read. Thin: reads through the selectors, writes through the
services; someone else's notification is a 404 like one that does not exist."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from . import selectors, services
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    """One notification, in the request's language (`Accept-Language` or the site's language)."""

    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "unread", "created_at", "read_at"]
        read_only_fields = fields

    def get_unread(self, notification) -> bool:
        return notification.read_at is None


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(min_value=0, help_text=str(_("Unread notifications.")))


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(min_value=0, help_text=str(_("How many were unread and are now read.")))


class NotificationPagination(PageNumberPagination):
    """Exact counts (the catalogue's paginator caches its totals; a notification list must not lag)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


EXAMPLE = {
    "id": 42,
    "kind": "shipment",
    "title": "Order 2612030000000042 has shipped",
    "body": "Your order is on its way with EMS, waybill EA123456785JP.",
    "url": "/orders/2612030000000042/",
    "unread": True,
    "created_at": "2026-12-03T09:30:00+08:00",
    "read_at": None,
}
NOT_FOUND = OpenApiExample(
    "Not yours or no such notification",
    value={"code": "notification_not_found", "detail": "No such notification."},
    response_only=True,
    status_codes=["404"],
)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's notifications, newest first. Shoppers, store staff and platform staff each see
    only their own."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = NotificationPagination
    filter_backends = []
    queryset = Notification.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        unread = self.request.query_params.get("unread", "").lower() in ("1", "true", "yes")
        return selectors.notifications_for(self.request.user, unread_only=unread)

    @extend_schema(
        summary="Your notifications, newest first",
        parameters=[
            OpenApiParameter(
                "unread", OpenApiTypes.BOOL, description="Only the unread ones (`true`); all when left out."
            )
        ],
        examples=[OpenApiExample("An unread shipment notice", value=[EXAMPLE], response_only=True)],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="How many notifications are unread (the bell's number)",
        responses={200: UnreadCountSerializer},
        examples=[OpenApiExample("Three unread", value={"unread": 3}, response_only=True)],
    )
    @action(detail=False, methods=["get"], url_path="unread-count", pagination_class=None)
    def unread_count(self, request):
        return Response({"unread": selectors.unread_count(request.user)})

    @extend_schema(
        summary="Mark one notification read",
        request=None,
        responses={
            200: NotificationSerializer,
            404: OpenApiResponse(description="Not your notification, or none with this id."),
        },
        examples=[
            OpenApiExample(
                "Read",
                value={**EXAMPLE, "unread": False, "read_at": "2026-12-03T10:02:11+08:00"},
                response_only=True,
                status_codes=["200"],
            ),
            NOT_FOUND,
        ],
    )
    @action(detail=True, methods=["post"], url_path="read")
    def read(self, request, pk=None):
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        summary="Mark all your notifications read",
        request=None,
        responses={200: MarkedSerializer},
        examples=[OpenApiExample("Five were unread", value={"marked": 5}, response_only=True)],
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.notifications_mark_all_read(user=request.user)})
