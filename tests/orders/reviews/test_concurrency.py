"""Reviews written at the same moment on PostgreSQL, each in its own thread and connection: the
product's average and count equal the reviews' own figures, and one line still gets one review."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection

from orders.reviews import errors, services
from orders.reviews.models import ProductReview
from tests.concurrency import race
from tests.factories import ProductFactory, completed_order_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises all writers, so there is no race to test",
    ),
]


def _race(calls):
    """The reviews' race: nothing fails, and the only refusal is "already reviewed"."""
    done, refused, failures = race(*calls, timeout=120)
    assert failures == []
    assert all(isinstance(exc, errors.AlreadyReviewed) for exc in refused), refused
    return done, refused


def test_concurrent_reviews_keep_the_product_rating_exact(rates):
    product = ProductFactory()
    stars = [5, 4, 3, 5, 1, 2, 5, 4]
    orders = [completed_order_of(product) for _ in stars]
    calls = [
        (
            lambda order=order, n=n: services.review_create(
                user=order.user, order_line_id=order.lines.get().pk, rating=n
            )
        )
        for order, n in zip(orders, stars, strict=True)
    ]
    done, _ = _race(calls)
    assert len(done) == len(stars)
    product.refresh_from_db()
    assert product.rating_count == len(stars) == ProductReview.objects.filter(product=product).count()
    expected = (Decimal(sum(stars)) / len(stars)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert product.rating_average == expected


def test_the_same_line_reviewed_twice_at_once_makes_one_review(rates):
    product = ProductFactory()
    order = completed_order_of(product)
    line_id = order.lines.get().pk
    calls = [
        (lambda n=n: services.review_create(user=order.user, order_line_id=line_id, rating=n))
        for n in (1, 2, 3, 4, 5)
    ]
    done, refused = _race(calls)
    assert (len(done), len(refused)) == (1, 4)
    product.refresh_from_db()
    assert product.rating_count == 1 == ProductReview.objects.count()
