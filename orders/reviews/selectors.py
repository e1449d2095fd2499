"""Reading reviews (docs/rules.md, "Reviews"). Each helper costs a fixed number of queries however many
reviews there are."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from .models import ProductReview, ReviewPhoto

REVIEWS_PER_PAGE = 10
SELLER_REVIEWS_PER_PAGE = 20
# Photos first (more photos before fewer), then newest: the order of the index on (product,
# -photo_count, -created_at).
PRODUCT_PAGE_ORDER = ("-photo_count", "-created_at", "-id")


def masked_name(user) -> str:
    """How an anonymous reviewer is shown: the first and last character of the username around
    three stars ("s***r"); one character stands alone before them."""
    name = getattr(user, "username", "") or ""
    if len(name) <= 1:
        return (name or "*") + "***"
    return f"{name[0]}***{name[-1]}"


def shown_name(review: ProductReview) -> str:
    if review.anonymous:
        return masked_name(review.user)
    return review.user.get_full_name() or review.user.username


def _with_photos(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("user").prefetch_related(
        Prefetch("photos", queryset=ReviewPhoto.objects.order_by("position", "id"))
    )


@dataclass
class RatingBar:
    stars: int
    count: int
    percent: int  # of all reviews, rounded to a whole percent for display (bars only)


@dataclass
class ProductReviews:
    count: int
    bars: list[RatingBar] = field(default_factory=list)
    page: Page | None = None

    @property
    def reviews(self):
        return self.page.object_list if self.page is not None else []


def rating_distribution(product_id: int) -> tuple[int, list[RatingBar]]:
    """(number of reviews, one bar per star from 5 down to 1): one query."""
    counts = dict(
        ProductReview.objects.filter(product_id=product_id)
        .order_by()
        .values_list("rating")
        .annotate(n=Count("id"))
        .values_list("rating", "n")
    )
    total = sum(counts.values())
    bars = [
        RatingBar(
            stars=stars,
            count=counts.get(stars, 0),
            percent=round(100 * counts.get(stars, 0) / total) if total else 0,
        )
        for stars in range(5, 0, -1)
    ]
    return total, bars


class _KnownCountPaginator(Paginator):
    """A paginator told its count (the distribution's sum): no COUNT query of its own."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self._known = count

    @property
    def count(self):
        return self._known


def product_reviews(product_id: int, page_number=None, *, per_page: int = REVIEWS_PER_PAGE) -> ProductReviews:
    """The product page's reviews: the count, the distribution and one page of reviews with their
    photos and authors, photos first then newest. Three queries (distribution, page, photos), however
    many reviews."""
    total, bars = rating_distribution(product_id)
    queryset = _with_photos(ProductReview.objects.filter(product_id=product_id).order_by(*PRODUCT_PAGE_ORDER))
    page = _KnownCountPaginator(queryset, per_page, count=total).get_page(page_number)
    for review in page.object_list:
        review.shown_name = shown_name(review)
    return ProductReviews(count=total, bars=bars, page=page)


def reviews_for_merchant(merchant, *, unanswered: bool = False) -> QuerySet[ProductReview]:
    """A store's reviews, newest first, with product, order line, author and photos; only that
    store's."""
    queryset = ProductReview.objects.filter(merchant=merchant)
    if unanswered:
        queryset = queryset.filter(replied_at__isnull=True)
    return _with_photos(queryset.select_related("product", "order_line__order")).order_by(
        "-created_at", "-id"
    )


def reviews_for_user(user) -> QuerySet[ProductReview]:
    return _with_photos(ProductReview.objects.filter(user=user).select_related("product")).order_by(
        "-created_at", "-id"
    )


def review_for_user(user, pk) -> ProductReview | None:
    return _with_photos(
        ProductReview.objects.filter(user=user, pk=pk).select_related("product", "order_line")
    ).first()


def can_edit(review: ProductReview) -> bool:
    return review.edited_at is None and timezone.now() <= review.created_at + timedelta(
        days=settings.REVIEW_EDIT_DAYS
    )


def order_review_state(order) -> dict:
    """For the shopper's order page: whether the order can still be reviewed, each line's review (or
    None) by line id, and the store rating (or None). Two queries."""
    from .models import StoreRating

    open_for_reviews = False
    if order.status == order.Status.COMPLETED:
        completed = order.closed_at or order.created_at
        open_for_reviews = timezone.now() <= completed + timedelta(days=settings.REVIEW_WINDOW_DAYS)
    reviews = {
        review.order_line_id: review for review in ProductReview.objects.filter(order_line__order=order)
    }
    for review in reviews.values():
        review.editable = can_edit(review)
    for line in order.lines.all():  # prefetched by order_for_user: the template reads `line.review`
        line.review = reviews.get(line.pk)
    store_rating = StoreRating.objects.filter(order=order).first()
    return {"open": open_for_reviews, "by_line": reviews, "store_rating": store_rating}
