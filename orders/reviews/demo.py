"""Demo reviews (called by `manage.py seed_demo`): six demo buyers each complete orders of the best
sellers of the first six stores through the real services (pay, ship, delivery scan, confirm receipt),
then review them with a spread of ratings, some with photos, some anonymous; the stores reply to some
and every order gets a store rating. Idempotent: the demo buyers and their orders are removed first."""

import io
import secrets
import uuid
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

BUYERS = [f"demo-buyer-{n}" for n in range(1, 7)]
TEXTS = {
    5: ("正品，物流很快，包装完好。Genuine, fast and well packed.", "Exactly as described, will buy again."),
    4: ("Good product, took ten days to arrive.", "不错，就是物流慢了一点。"),
    3: ("OK for the price.", "一般般，和描述差不多。"),
    2: ("The box was dented on arrival.", "味道和以前买的不太一样。"),
    1: ("Not what I expected at all.", "客服回复太慢。"),
}
REPLY = "感谢您的反馈，我们会继续改进。Thank you for your feedback, we will keep improving."
RATINGS = (5, 5, 4, 5, 3, 4, 5, 2, 4, 1, 5, 4)


def demo_reviews_reset() -> None:
    """Before orders are deleted (reviews and store ratings protect them)."""
    from .models import ProductReview, StoreRating

    ProductReview.objects.all().delete()
    StoreRating.objects.all().delete()


def _photo(rng) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    color = tuple(rng.randrange(60, 240) for _ in range(3))
    Image.new("RGB", (320, 320), color).save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def _completed(order, rng):
    from logistics.models import CustomsMode, LogisticsProvider, Shipment, ShipmentEvent
    from logistics.services.tracking import shipment_event_record
    from orders import services as order_services
    from payments.services import order_confirm_receipt

    provider = LogisticsProvider.objects.get(code="ems")
    card = provider.rate_cards.order_by("-valid_from").first()
    origin = "CN" if order.shipping_mode == "bonded" else order.merchant.country
    zone = next(z for z in provider.zones.all() if origin in z.countries)
    zone_rate = card.zone_rates.get(zone=zone)
    today = timezone.localdate()
    shipment = Shipment.objects.create(
        order=order,
        merchant=order.merchant,
        provider=provider,
        rate_card=card,
        zone=zone,
        shipping_mode=order.shipping_mode,
        customs_mode=CustomsMode.for_shipping_mode(order.shipping_mode),
        origin_country=origin,
        waybill_number=f"EE{secrets.randbelow(10**9):09d}CN",
        weight_grams=800,
        list_price=zone_rate.first_weight_price,
        price=zone_rate.first_weight_price,
        transit_days_min=zone_rate.transit_days_min,
        transit_days_max=zone_rate.transit_days_max,
        expected_from=today + timedelta(days=zone_rate.transit_days_min),
        expected_by=today + timedelta(days=zone_rate.transit_days_max),
        consignee_name=order.buyer_name,
        consignee_id_number=order.buyer_id_number,
    )
    order_services.order_ship(order=order)
    shipment_event_record(
        shipment=shipment,
        kind=ShipmentEvent.Kind.DELIVERED,
        occurred_at=timezone.now(),
        source=ShipmentEvent.Source.CARRIER,
    )
    order_confirm_receipt(user=order.user, number=order.number)
    order.refresh_from_db()
    return order


def seed_demo_reviews(*, merchants, rng, log) -> int:
    from django.contrib.auth import get_user_model

    from marketplace import selectors
    from orders import services as order_services
    from payments import services as payment_services
    from payments.gateways import Card

    from . import services
    from .models import ProductReview

    User = get_user_model()
    # A rebuild (`--reset`) has deleted every order by now: the demo buyers go too, and come back anew.
    User.objects.filter(username__in=BUYERS).delete()
    products = []
    for merchant in merchants[:6]:
        products += list(
            selectors.products_visible()
            .filter(merchant=merchant, price_cny__lt=1000, variants__stock__gte=5, variants__is_active=True)
            .distinct()
            .order_by("-sales_count", "pk")[:2]
        )
    if not products:
        return 0
    made = 0
    for index, username in enumerate(BUYERS):
        buyer = User.objects.create_user(
            username=username, email=f"{username}@example.com", password=uuid.uuid4().hex
        )
        address = order_services.address_create(
            user=buyer,
            recipient="张伟",
            phone=f"1390000{index:04d}",
            province="广东省",
            city="深圳市",
            district="南山区",
            street=f"科技园 {index + 1} 号",
        )
        identity = order_services.identity_create(user=buyer, real_name="张伟", id_number=_id_number(index))
        for position, product in enumerate(products):
            if (index + position) % 3 == 2:
                continue  # not everyone buys everything
            variant = product.variants.filter(is_active=True, stock__gte=2).first()
            cart = order_services.cart_get_or_create(user=buyer)
            order_services.cart_add(cart=cart, variant_id=variant.pk, quantity=1)
            payment = order_services.checkout_place(
                user=buyer, address_id=address.pk, identity_id=identity.pk, idempotency_key=uuid.uuid4().hex
            )
            payment_services.payment_confirm(
                payment=payment,
                user=buyer,
                card=Card("4242424242424242", 12, 2030, "123"),
                idempotency_key=uuid.uuid4().hex,
            )
            order = _completed(payment.orders.get(), rng)
            stars = RATINGS[(index * 5 + position) % len(RATINGS)]
            photos = [_photo(rng) for _ in range(rng.choice((0, 0, 1, 2, 3)))]
            review = services.review_create(
                user=buyer,
                order_line_id=order.lines.first().pk,
                rating=stars,
                text=rng.choice(TEXTS[stars]),
                anonymous=index % 3 == 0,
                photos=photos,
            )
            services.store_rate(
                user=buyer,
                order_id=order.pk,
                description=max(1, stars - rng.choice((0, 0, 1))),
                service=rng.choice((4, 5, 5, 3)),
                logistics=rng.choice((3, 4, 5, 5)),
            )
            if stars <= 3 or rng.random() < 0.3:
                staff = User.objects.filter(merchant_membership__merchant=order.merchant).first()
                if staff is not None:
                    services.review_reply(
                        user=staff,
                        review_id=review.pk,
                        text=REPLY,
                    )
            made += 1
    with_photos = ProductReview.objects.exclude(photo_count=0).count()
    log(f"{made} demo reviews of {len(products)} products ({with_photos} with photos) with store ratings.")
    return made


def _id_number(index: int) -> str:
    from orders.rules import id_number_check_code

    body = f"44030519{85 + index:02d}0612{index:03d}"
    return body + id_number_check_code(body)
