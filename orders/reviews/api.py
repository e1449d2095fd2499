"""Reviews through the API (/api/v1/, docs/rules.md "Reviews"): the product's reviews (public), the
shopper's reviews (write, edit once), store ratings, and the store's reviews with its one reply. The
views validate the shape; the services check the rules."""

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace import selectors as catalog_selectors
from marketplace.page_cache import anonymous_page_cache
from merchants.permissions import IsApprovedStore, IsMerchantMember

from ..models import Order
from . import selectors, services
from .serializers import (
    MyReviewSerializer,
    ProductReviewsSerializer,
    ReplySerializer,
    ReviewCreateSerializer,
    ReviewInputSerializer,
    SellerReviewSerializer,
    StoreRatingInputSerializer,
    StoreRatingSerializer,
)

ERROR = OpenApiResponse(description="A domain error: `{code, detail}`.")
PAGE = OpenApiParameter("page", OpenApiTypes.INT, description="Page number (10 reviews a page).")
REVIEW_EXAMPLE = {
    "id": 12,
    "rating": 5,
    "text": "Arrived in nine days, genuine, lovely scent.",
    "author": "s***r",
    "photos": [{"url": "/media/reviews/2026/12/3f2a.jpg"}],
    "created_at": "2026-12-03T08:00:00Z",
    "edited_at": None,
    "reply": "Thank you for shopping with us!",
    "replied_at": "2026-12-03T09:00:00Z",
}
PARSERS = [MultiPartParser, FormParser, JSONParser]


def _page_number(request) -> int:
    value = request.query_params.get("page", "1")
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) < 7 else 1


@method_decorator(anonymous_page_cache(product_kwarg="pk", vary_on_accept=True), name="dispatch")
class ProductReviewsView(APIView):
    """A visible product's reviews: the count, the average, the distribution (5 stars down to 1, with
    percentages) and one page of reviews, photos first then newest."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[PAGE],
        responses={200: ProductReviewsSerializer, 404: ERROR},
        operation_id="product_reviews_list",
        examples=[
            OpenApiExample(
                "Two reviews",
                response_only=True,
                value={
                    "count": 2,
                    "average": "4.50",
                    "distribution": [
                        {"stars": 5, "count": 1, "percent": 50},
                        {"stars": 4, "count": 1, "percent": 50},
                        {"stars": 3, "count": 0, "percent": 0},
                        {"stars": 2, "count": 0, "percent": 0},
                        {"stars": 1, "count": 0, "percent": 0},
                    ],
                    "page": 1,
                    "pages": 1,
                    "results": [REVIEW_EXAMPLE],
                },
            )
        ],
    )
    def get(self, request, pk):
        product = catalog_selectors.products_visible().filter(pk=pk).only("pk", "rating_average").first()
        if product is None:
            raise Http404("This product is not available.")
        reviews = selectors.product_reviews(product.pk, _page_number(request))
        data = {
            "count": reviews.count,
            "average": product.rating_average,
            "distribution": reviews.bars,
            "page": reviews.page.number,
            "pages": reviews.page.paginator.num_pages,
            "results": reviews.reviews,
        }
        return Response(ProductReviewsSerializer(data).data)


class MyReviewsView(APIView):
    """The signed-in shopper's reviews; POST reviews one line of a completed order (multipart with up to
    6 `photos`, or JSON without)."""

    permission_classes = [IsAuthenticated]
    parser_classes = PARSERS

    @extend_schema(parameters=[PAGE], responses=MyReviewSerializer(many=True), operation_id="my_reviews_list")
    def get(self, request):
        page = Paginator(selectors.reviews_for_user(request.user), 20).get_page(_page_number(request))
        return Response(MyReviewSerializer(page.object_list, many=True).data)

    @extend_schema(
        request={"multipart/form-data": ReviewCreateSerializer, "application/json": ReviewCreateSerializer},
        responses={201: MyReviewSerializer, 400: ERROR, 404: ERROR, 409: ERROR},
        operation_id="review_create",
        examples=[
            OpenApiExample(
                "Four stars, anonymous",
                request_only=True,
                value={"order_line": 41, "rating": 4, "text": "Good, a little late.", "anonymous": True},
            )
        ],
    )
    def post(self, request):
        data = ReviewCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        review = services.review_create(
            user=request.user,
            order_line_id=values["order_line"],
            rating=values["rating"],
            text=values["text"],
            anonymous=values["anonymous"],
            photos=values.get("photos") or [],
        )
        return Response(
            MyReviewSerializer(selectors.review_for_user(request.user, review.pk)).data, status=201
        )


class MyReviewView(APIView):
    """Edit one's review: once, within 30 days. `photos` sent replace the old ones; none keeps them."""

    permission_classes = [IsAuthenticated]
    parser_classes = PARSERS

    @extend_schema(responses={200: MyReviewSerializer, 404: ERROR}, operation_id="my_review_retrieve")
    def get(self, request, pk):
        review = selectors.review_for_user(request.user, pk)
        if review is None:
            raise Http404("No such review.")
        return Response(MyReviewSerializer(review).data)

    @extend_schema(
        request={"multipart/form-data": ReviewInputSerializer, "application/json": ReviewInputSerializer},
        responses={200: MyReviewSerializer, 400: ERROR, 404: ERROR, 409: ERROR},
        operation_id="review_edit",
        examples=[
            OpenApiExample(
                "Better after all", request_only=True, value={"rating": 5, "text": "It grew on me."}
            )
        ],
    )
    def put(self, request, pk):
        data = ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.review_edit(
            user=request.user,
            review_id=pk,
            rating=values["rating"],
            text=values["text"],
            anonymous=values["anonymous"],
            photos=values.get("photos"),
        )
        return Response(MyReviewSerializer(selectors.review_for_user(request.user, pk)).data)


class StoreRatingsView(APIView):
    """Rate the store of one completed order, once: description, service and logistics, 1 to 5."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=StoreRatingInputSerializer,
        responses={201: StoreRatingSerializer, 400: ERROR, 404: ERROR, 409: ERROR},
        operation_id="store_rating_create",
        examples=[
            OpenApiExample(
                "Good store",
                request_only=True,
                value={"order": "GM2612030001", "description": 5, "service": 4, "logistics": 4},
            )
        ],
    )
    def post(self, request):
        data = StoreRatingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        order = Order.objects.filter(user=request.user, number=values["order"]).only("pk").first()
        if order is None:
            raise Http404("No such order.")
        rating = services.store_rate(
            user=request.user,
            order_id=order.pk,
            description=values["description"],
            service=values["service"],
            logistics=values["logistics"],
        )
        return Response(StoreRatingSerializer(rating).data, status=status.HTTP_201_CREATED)


class SellerReviewsView(APIView):
    """The store's reviews, newest first; `?show=unanswered` keeps those without a reply."""

    permission_classes = [IsAuthenticated, IsMerchantMember, IsApprovedStore]

    @extend_schema(
        parameters=[PAGE, OpenApiParameter("show", OpenApiTypes.STR, enum=["all", "unanswered"])],
        responses=SellerReviewSerializer(many=True),
        operation_id="seller_reviews_list",
    )
    def get(self, request):
        reviews = selectors.reviews_for_merchant(
            request.user.merchant, unanswered=request.query_params.get("show") == "unanswered"
        )
        page = Paginator(reviews, selectors.SELLER_REVIEWS_PER_PAGE).get_page(_page_number(request))
        return Response(SellerReviewSerializer(page.object_list, many=True).data)


class SellerReviewReplyView(APIView):
    """The store's one public reply to a review of its products."""

    permission_classes = [IsAuthenticated, IsMerchantMember, IsApprovedStore]

    @extend_schema(
        request=ReplySerializer,
        responses={200: SellerReviewSerializer, 400: ERROR, 404: ERROR, 409: ERROR},
        operation_id="seller_review_reply",
        examples=[
            OpenApiExample("Thanks", request_only=True, value={"text": "Thank you for your kind words!"})
        ],
    )
    def post(self, request, pk):
        data = ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.review_reply(user=request.user, review_id=pk, text=data.validated_data["text"])
        review = selectors.reviews_for_merchant(request.user.merchant).get(pk=pk)
        return Response(SellerReviewSerializer(review).data)
