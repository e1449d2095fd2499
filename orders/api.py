"""The shopper's journey through the API (/api/v1/): cart, addresses, identities, checkout, orders.
Logged-in users only; each view validates input and calls the same services as the pages."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from payments.serializers import PaymentSerializer

from . import selectors, services
from .models import Address, AfterSalesCase, BuyerIdentity, Cart, Order, OrderEvent
from .serializers import (
    AddressSerializer,
    CancelSerializer,
    CartAddSerializer,
    CartQuantitySerializer,
    CartSerializer,
    CheckoutSerializer,
    IdentityInputSerializer,
    IdentitySerializer,
    OrderDetailSerializer,
    OrderSerializer,
    RefundResultSerializer,
)

ERROR = OpenApiResponse(description="A domain error: `{code, detail}`.")


def _cart_response(user, code=status.HTTP_200_OK):
    return Response(
        CartSerializer(selectors.cart_priced(Cart.objects.filter(user=user).first())).data, status=code
    )


class CartView(APIView):
    """The account's cart, priced per future order (merchant and shipping mode) in CNY."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CartSerializer, operation_id="cart_retrieve")
    def get(self, request):
        return _cart_response(request.user)

    @extend_schema(
        request=CartAddSerializer, responses={201: CartSerializer, 400: ERROR}, operation_id="cart_add"
    )
    def post(self, request):
        """Add a variant (adds to the quantity already in the cart)."""
        data = CartAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart = services.cart_get_or_create(user=request.user)
        services.cart_add(
            cart=cart, variant_id=data.validated_data["variant"], quantity=data.validated_data["quantity"]
        )
        return _cart_response(request.user, status.HTTP_201_CREATED)


class CartItemView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=CartQuantitySerializer, responses={200: CartSerializer, 400: ERROR})
    def patch(self, request, variant_id):
        """Set a line's quantity (0 removes it)."""
        data = CartQuantitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart = services.cart_get_or_create(user=request.user)
        services.cart_set_quantity(cart=cart, variant_id=variant_id, quantity=data.validated_data["quantity"])
        return _cart_response(request.user)

    @extend_schema(request=None, responses={200: CartSerializer})
    def delete(self, request, variant_id):
        services.cart_remove(cart=services.cart_get_or_create(user=request.user), variant_id=variant_id)
        return _cart_response(request.user)


class AddressViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """The address book."""

    serializer_class = AddressSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    queryset = Address.objects.none()

    def get_queryset(self):
        return selectors.addresses_for(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.address_create(user=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.address_delete(user=self.request.user, address_id=instance.pk)


class IdentityViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Buyer identities for customs: real name and resident ID number (checked by its GB 11643 check
    digit and birth date), shown masked with the annual quota left."""

    serializer_class = IdentitySerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    queryset = BuyerIdentity.objects.none()

    def get_queryset(self):
        return BuyerIdentity.objects.filter(user=self.request.user)

    def list(self, request):
        return Response(IdentitySerializer(selectors.identities_with_quota(request.user), many=True).data)

    @extend_schema(request=IdentityInputSerializer, responses={201: IdentitySerializer, 400: ERROR})
    def create(self, request):
        data = IdentityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        identity = services.identity_create(user=request.user, **data.validated_data)
        identity.quota_remaining = selectors.quota_remaining(identity.id_number)
        return Response(IdentitySerializer(identity).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.identity_delete(user=self.request.user, identity_id=instance.pk)


class CheckoutView(APIView):
    """Place the cart as orders (one per merchant and shipping mode) under one payment; then confirm
    the payment at `/payments/{reference}/confirm/`."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=CheckoutSerializer, responses={201: PaymentSerializer, 400: ERROR})
    def post(self, request):
        data = CheckoutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = services.checkout_place(
            user=request.user,
            address_id=data.validated_data["address"],
            identity_id=data.validated_data["identity"],
            idempotency_key=data.validated_data["idempotency_key"],
        )
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    """The shopper's orders, newest first; the detail has the lines and the event timeline."""

    permission_classes = [IsAuthenticated]
    lookup_field = "number"
    queryset = Order.objects.none()

    def get_queryset(self):
        from payments.selectors import open_hold_exists

        orders = (
            Order.objects.filter(user=self.request.user)
            .select_related("merchant", "payment")
            .annotate(release_on_hold=open_hold_exists())
            .prefetch_related(
                # `auto_release_at`: the release clock paused while after-sales cases were open
                Prefetch(
                    "cases",
                    queryset=AfterSalesCase.objects.filter(closed_at__isnull=False).only(
                        "order_id", "created_at", "closed_at"
                    ),
                    to_attr="closed_cases",
                )
            )
        )
        if self.action != "list":
            orders = orders.prefetch_related(
                "lines", Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "id"))
            )
        return orders.order_by("-created_at", "-id")

    def get_serializer_class(self):
        return OrderSerializer if self.action == "list" else OrderDetailSerializer

    @extend_schema(request=CancelSerializer, responses={200: RefundResultSerializer, 400: ERROR})
    @action(detail=True, methods=["post"])
    def cancel(self, request, number=None):
        """Cancel: unpaid orders of the checkout are cancelled; a paid, unshipped order is refunded."""
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = self.get_object()
        refund = services.order_cancel(
            user=request.user, number=order.number, idempotency_key=data.validated_data["idempotency_key"]
        )
        order = self.get_queryset().get(pk=order.pk)
        return Response(
            RefundResultSerializer(
                {"order": order, "refunded": refund.amount.amount if refund else None}
            ).data
        )

    @extend_schema(
        request=None,
        responses={
            200: OrderDetailSerializer,
            404: OpenApiResponse(description="No such order of yours."),
            409: OpenApiResponse(
                description="Not shipped yet, already refunded, or the payment is on hold: `{code, detail}`."
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="confirm-receipt")
    def confirm_receipt(self, request, number=None):
        """Confirm the parcel arrived: the held payment is released to the store (exactly once; a second
        call changes nothing) and the order is completed. Only for a shipped or delivered order."""
        from payments.services import order_confirm_receipt

        order = self.get_object()
        order_confirm_receipt(user=request.user, number=order.number)
        return Response(OrderDetailSerializer(self.get_queryset().get(pk=order.pk)).data)
