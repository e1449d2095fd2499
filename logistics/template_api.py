"""API for the merchant's shipping templates under /api/v1/seller/shipping-templates/: the same
services as the seller dashboard; domain errors answer 4xx with `{code, detail}`."""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.response import Response

from merchants.permissions import IsApprovedStore, IsMerchantMember

from . import template_selectors as selectors
from .services import templates as services
from .template_serializers import ShippingTemplateInputSerializer, ShippingTemplateSerializer

EXISTS = OpenApiResponse(description="The store already has a template for this shipping mode.")


@extend_schema_view(
    list=extend_schema(responses=ShippingTemplateSerializer(many=True)),
    retrieve=extend_schema(responses=ShippingTemplateSerializer),
    create=extend_schema(
        request=ShippingTemplateInputSerializer, responses={201: ShippingTemplateSerializer, 409: EXISTS}
    ),
    update=extend_schema(request=ShippingTemplateInputSerializer, responses=ShippingTemplateSerializer),
    partial_update=extend_schema(
        request=ShippingTemplateInputSerializer, responses=ShippingTemplateSerializer
    ),
    destroy=extend_schema(responses={204: None}),
)
class SellerShippingTemplateViewSet(viewsets.GenericViewSet):
    """The signed-in merchant's shipping templates (one per shipping mode, amounts in CNY). Stores
    without a template for a mode charge the platform's default fee (docs/rules.md)."""

    serializer_class = ShippingTemplateSerializer
    permission_classes = [IsMerchantMember, IsApprovedStore]
    pagination_class = None
    filter_backends = []

    def _template(self, pk):
        template = selectors.merchant_template(self.request.user.merchant, pk)
        if template is None:
            raise Http404
        return template

    def _answer(self, pk, status_code=status.HTTP_200_OK):
        return Response(ShippingTemplateSerializer(self._template(pk)).data, status=status_code)

    def list(self, request):
        templates = selectors.merchant_templates(request.user.merchant)
        return Response(ShippingTemplateSerializer(templates, many=True).data)

    def retrieve(self, request, pk=None):
        return self._answer(pk)

    def create(self, request):
        serializer = ShippingTemplateInputSerializer(data=request.data, context={"template": None})
        serializer.is_valid(raise_exception=True)
        template = services.shipping_template_create(user=request.user, **serializer.validated_data)
        return self._answer(template.pk, status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        template = self._template(pk)
        serializer = ShippingTemplateInputSerializer(
            data=request.data, partial=partial, context={"template": template}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("shipping_mode", None)
        services.shipping_template_update(user=request.user, template_id=template.pk, **data)
        return self._answer(template.pk)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        services.shipping_template_delete(user=request.user, template_id=self._template(pk).pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router):
    router.register(
        "seller/shipping-templates", SellerShippingTemplateViewSet, basename="seller-shipping-template"
    )
