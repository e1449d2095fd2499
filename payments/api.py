"""Payments through the API: read a checkout's payment, confirm it with a card (the sandbox)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from . import services
from .cards import card_from_input
from .models import Payment, PaymentAttempt
from .serializers import PaymentAttemptSerializer, PaymentConfirmSerializer, PaymentSerializer


class PaymentViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = PaymentSerializer
    lookup_field = "reference"
    queryset = Payment.objects.none()

    def get_queryset(self):
        return Payment.objects.filter(user=self.request.user).prefetch_related("orders")

    @extend_schema(
        request=PaymentConfirmSerializer,
        responses={
            200: PaymentAttemptSerializer,
            402: OpenApiResponse(
                PaymentAttemptSerializer, description="Declined or failed; nothing charged."
            ),
            400: OpenApiResponse(description="Bad card details or a domain error: `{code, detail}`."),
            409: OpenApiResponse(description="Already paid, cancelled, or another attempt is processing."),
        },
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, reference=None):
        """Charge a card for the payment. Success: the orders are paid and the money held in escrow."""
        data = PaymentConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = self.get_object()
        card = card_from_input(
            number=data.validated_data["card_number"],
            exp_month=data.validated_data["exp_month"],
            exp_year=data.validated_data["exp_year"],
            cvc=data.validated_data["cvc"],
            holder=data.validated_data.get("holder", ""),
        )
        attempt = services.payment_confirm(
            payment=payment,
            user=request.user,
            card=card,
            idempotency_key=data.validated_data["idempotency_key"],
        )
        attempt = PaymentAttempt.objects.select_related("payment").get(pk=attempt.pk)
        code = status.HTTP_200_OK if attempt.status == PaymentAttempt.Status.SUCCEEDED else 402
        return Response(PaymentAttemptSerializer(attempt).data, status=code)
