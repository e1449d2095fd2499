"""Factories for the catalog. Products are made through `services.product_create`, like a merchant
would, so listing prices are derived the same way as in production."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from djmoney.money import Money

from marketplace import services
from marketplace.models import Brand, Category, Product, ProductImage, TaxCategory, User
from merchants.models import BrandAuthorization, Merchant, MerchantMember, ViolationKind


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pass12345word")
    role = User.Role.CONSUMER

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    role = User.Role.STAFF
    is_staff = True


class TaxCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxCategory
        django_get_or_create = ("code",)

    code = "general"
    name_zh = "一般商品"
    name_en = "General goods"
    vat_rate = Decimal("0.13")
    consumption_tax_rate = Decimal("0")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"category-{n}")
    name_zh = factory.Sequence(lambda n: f"分类{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    slug = factory.Sequence(lambda n: f"brand-{n}")
    name = factory.Sequence(lambda n: f"Brand {n}")
    name_zh = factory.Sequence(lambda n: f"品牌{n}")
    country = "JP"
    status = Brand.Status.APPROVED


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant

    slug = factory.Sequence(lambda n: f"store-{n}")
    legal_name = factory.Sequence(lambda n: f"Overseas Trading {n} Ltd.")
    name_en = factory.Sequence(lambda n: f"Store {n} Official")
    name_zh = factory.Sequence(lambda n: f"海外旗舰店{n}")
    country = "US"
    registration_number = factory.Sequence(lambda n: f"REG{n:06d}")  # stored normalized
    contact_email = factory.LazyAttribute(lambda m: f"contact@{m.slug}.example")
    settlement_currency = "USD"
    status = Merchant.Status.APPROVED
    approved_at = factory.LazyFunction(timezone.now)


class MerchantMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MerchantMember

    user = factory.SubFactory(UserFactory, role=User.Role.MERCHANT)
    merchant = factory.SubFactory(MerchantFactory)
    role = MerchantMember.Role.OWNER


class BrandAuthorizationFactory(factory.django.DjangoModelFactory):
    """An approved authorization in force: the merchant may list the brand."""

    class Meta:
        model = BrandAuthorization

    merchant = factory.SubFactory(MerchantFactory)
    brand = factory.SubFactory(BrandFactory)
    kind = BrandAuthorization.Kind.AUTHORIZED
    authorized_by = "The brand owner"
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))
    status = BrandAuthorization.Status.APPROVED


class ProductFactory(factory.Factory):
    """`ProductFactory(prices=["19.90", "29.90"])` makes one variant per price, in the merchant's
    currency. Needs exchange rates (the `rates` fixture) for the CNY price."""

    class Meta:
        model = Product

    merchant = factory.SubFactory(MerchantFactory)
    brand = factory.SubFactory(BrandFactory)
    category = factory.SubFactory(CategoryFactory)
    tax_category = factory.SubFactory(TaxCategoryFactory)
    origin_country = factory.LazyAttribute(lambda p: p.brand.country)
    shipping_mode = Product.ShippingMode.DIRECT_MAIL
    name_zh = factory.Sequence(lambda n: f"进口商品{n}")
    name_en = factory.Sequence(lambda n: f"Imported product {n}")
    description_zh = "原装进口。"
    description_en = "Genuine import."
    publish = True
    is_featured = False
    prices = ("10.00",)
    stock = 50
    images = 0
    sku_prefix = factory.Sequence(lambda n: f"SKU{n:06d}")
    authorized = True  # give the merchant an approved authorization for the brand first

    @classmethod
    def _create(cls, model_class, prices, stock, images, sku_prefix, authorized, **kwargs):
        merchant = kwargs["merchant"]
        if authorized:
            BrandAuthorization.objects.get_or_create(
                merchant=merchant,
                brand=kwargs["brand"],
                status=BrandAuthorization.Status.APPROVED,
                defaults={"kind": BrandAuthorization.Kind.OWNER},
            )
        variants = [
            {
                "sku": f"{sku_prefix}-{i}",
                "name_zh": f"规格{i + 1}",
                "name_en": f"Option {i + 1}",
                "price": Money(price, merchant.settlement_currency),
                "stock": stock,
            }
            for i, price in enumerate(prices)
        ]
        product = services.product_create(variants=variants, **kwargs)
        for position in range(images):
            ProductImage.objects.create(
                product=product, image=f"products/test-{position}.jpg", position=position
            )
        return product

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("ProductFactory only creates (products are made by a service)")


class ViolationKindFactory(factory.django.DjangoModelFactory):
    """`ViolationKindFactory(code="late-shipment", points=2)`; reuses a kind with the same code."""

    class Meta:
        model = ViolationKind
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"kind-{n}")
    name_zh = factory.LazyAttribute(lambda k: f"违规{k.code}")
    name_en = factory.LazyAttribute(lambda k: f"Violation {k.code}")
    points = 2


# --- Orders: addresses, buyer identities, a cart and a checkout -------------------------------------


def make_id_number(region: str = "110105", birth: str = "19900307", sequence: str = "123") -> str:
    """A resident ID number with a correct GB 11643 check character."""
    from orders.rules import id_number_check_code

    first17 = f"{region}{birth}{sequence}"
    return first17 + id_number_check_code(first17)


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.Address"

    user = factory.SubFactory(UserFactory)
    recipient = "王琳"
    phone = "13800138000"
    province = "上海市"
    city = "上海市"
    district = "浦东新区"
    street = "世纪大道100号"


class BuyerIdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.BuyerIdentity"

    user = factory.SubFactory(UserFactory)
    real_name = "王琳"
    id_number = factory.Sequence(
        lambda n: make_id_number(sequence=f"{n % 1000:03d}", birth=f"19{50 + n // 1000 % 50}0101")
    )


def shopper_with_cart(*lines, user=None):
    """A consumer with an address, an identity and `lines` [(variant, quantity)] in the cart."""
    from orders import services as order_services

    user = user or UserFactory()
    address = AddressFactory(user=user)
    identity = BuyerIdentityFactory(user=user)
    cart = order_services.cart_get_or_create(user=user)
    for variant, quantity in lines:
        order_services.cart_add(cart=cart, variant_id=variant.pk, quantity=quantity)
    return user, address, identity


def checkout(user, address, identity, key=None):
    """Place the user's cart as orders; returns the payment."""
    import uuid

    from orders import services as order_services

    return order_services.checkout_place(
        user=user, address_id=address.pk, identity_id=identity.pk, idempotency_key=key or uuid.uuid4().hex
    )


def pay(payment, card_number="4242424242424242", key=None):
    import uuid

    from payments import services as payment_services
    from payments.gateways import Card

    return payment_services.payment_confirm(
        payment=payment,
        user=payment.user,
        card=Card(card_number, 12, 2030, "123"),
        idempotency_key=key or uuid.uuid4().hex,
    )


# --- Logistics: a paid order, a shipment on it -----------------------------------------------------


def paid_order(*, merchant=None, shipping_mode=None, prices=("10.00",), quantity=1, user=None):
    """A paid order of one store (needs the `rates` fixture). Returns the order."""
    product = ProductFactory(
        merchant=merchant or MerchantFactory(),
        prices=prices,
        shipping_mode=shipping_mode or Product.ShippingMode.DIRECT_MAIL,
    )
    user, address, identity = shopper_with_cart(
        *[(variant, quantity) for variant in product.variants.all()], user=user
    )
    payment = checkout(user, address, identity)
    pay(payment)
    return payment.orders.get()


def shipment_for(order, *, provider_code="ems", weight_grams=800, waybill_number=None, created_at=None):
    """A shipment on a paid order, written directly (not through the shipping service: for tests of
    what happens after shipping). The order becomes shipped. Uses the seeded provider's current card."""
    import secrets

    from logistics.models import CustomsMode, LogisticsProvider, Shipment
    from orders import services as order_services

    if not LogisticsProvider.objects.exists():
        from django.apps import apps

        from logistics.seed import seed_providers

        seed_providers(apps)  # a transactional test flushed the data migration's carriers
    provider = LogisticsProvider.objects.get(code=provider_code)
    card = provider.rate_cards.order_by("-valid_from").first()
    origin = "CN" if order.shipping_mode == Product.ShippingMode.BONDED else order.merchant.country
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
        waybill_number=waybill_number or f"TEST{secrets.randbelow(10**12):012d}",
        weight_grams=weight_grams,
        list_price=zone_rate.first_weight_price,
        price=zone_rate.first_weight_price,
        transit_days_min=zone_rate.transit_days_min,
        transit_days_max=zone_rate.transit_days_max,
        expected_from=today + timedelta(days=zone_rate.transit_days_min),
        expected_by=today + timedelta(days=zone_rate.transit_days_max),
        consignee_name=order.buyer_name,
        consignee_id_number=order.buyer_id_number,
    )
    if created_at:
        Shipment.objects.filter(pk=shipment.pk).update(created_at=created_at)
        shipment.refresh_from_db()
    order_services.order_ship(order=order)
    return shipment


# --- After-sales: orders further along ---------------------------------------------------------------


def delivered_order(*, delivered_at=None, **order_kwargs):
    """A paid order shipped (`shipment_for`) and delivered through the tracking service, as the
    carrier's delivery scan would (needs the `rates` fixture and the seeded providers). Returns the
    order, refreshed."""
    from logistics.models import ShipmentEvent
    from logistics.services.tracking import shipment_event_record

    order = paid_order(**order_kwargs)
    shipment = shipment_for(order)
    shipment_event_record(
        shipment=shipment,
        kind=ShipmentEvent.Kind.DELIVERED,
        occurred_at=delivered_at or timezone.now(),
        source=ShipmentEvent.Source.CARRIER,
    )
    order.refresh_from_db()
    return order


def completed_order(**order_kwargs):
    """A delivered order whose buyer confirmed receipt: its money is released to the store."""
    from payments.services import order_confirm_receipt

    order = delivered_order(**order_kwargs)
    order_confirm_receipt(user=order.user, number=order.number)
    order.refresh_from_db()
    return order


# --- Reviews ---------------------------------------------------------------------------------------


def completed_order_of(product, *, user=None, quantity=1, every_option=False):
    """A completed order (paid, shipped, delivered, receipt confirmed) of `quantity` of `product`'s first
    option (`every_option`: one line per option), for `user` (a new shopper by default): several orders
    of one product, or many lines of it, for review tests."""
    from logistics.models import ShipmentEvent
    from logistics.services.tracking import shipment_event_record
    from payments.services import order_confirm_receipt

    variants = list(product.variants.order_by("id"))
    lines = [(variant, quantity) for variant in (variants if every_option else variants[:1])]
    user, address, identity = shopper_with_cart(*lines, user=user)
    payment = checkout(user, address, identity)
    pay(payment)
    order = payment.orders.get()
    shipment = shipment_for(order)
    shipment_event_record(
        shipment=shipment, kind=ShipmentEvent.Kind.DELIVERED, occurred_at=timezone.now(),
        source=ShipmentEvent.Source.CARRIER,
    )
    order_confirm_receipt(user=order.user, number=order.number)
    order.refresh_from_db()
    return order


def image_upload(name="photo.png", fmt="PNG", size=(32, 32), color=(200, 40, 40), *, kind=None):
    """An uploaded image file (PNG by default, `fmt` or `kind` another Pillow format) that passes
    `marketplace.uploads.image_check`, as a form or the API would receive it."""
    fmt = kind or fmt
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


# --- Conversations ------------------------------------------------------------------------------------


def conversation_about(product, *, shopper=None, body="Is this genuine?"):
    """A shopper's thread with the product's store, opened with one message (needs `rates` for the
    product). Returns the conversation."""
    from orders.conversations.services import conversation_start

    return conversation_start(shopper=shopper or UserFactory(), product_id=product.pk, body=body)
# --- Credit figures: records made directly, without the flows that normally make them (credit slice) --


class _BackdatedFactory(factory.django.DjangoModelFactory):
    """Takes `created_at` (and sets it after the insert, past `auto_now_add`)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, created_at=None, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        if created_at is not None:
            model_class.objects.filter(pk=obj.pk).update(created_at=created_at)
            obj.created_at = created_at
        return obj


class CreditOrderFactory(_BackdatedFactory):
    """A bare order row of a store (no lines, no payment): what the credit figures count.
    `CreditOrderFactory(merchant=m, paid_at=...)`; `paid_at=None` for an unpaid one."""

    class Meta:
        model = "orders.Order"

    number = factory.Sequence(lambda n: f"CR{n:010d}")
    user = factory.SubFactory(UserFactory)
    merchant = factory.SubFactory(MerchantFactory)
    shipping_mode = Product.ShippingMode.DIRECT_MAIL
    status = "paid"
    recipient = "王琳"
    phone = "13800138000"
    address = "上海市浦东新区世纪大道100号"
    buyer_name = "王琳"
    buyer_id_number = factory.LazyFunction(make_id_number)
    currency = "USD"
    exchange_rate = Decimal("7.1")
    goods_total = Money("100.00", "CNY")
    shipping_fee = Money("0.00", "CNY")
    tax_total = Money("0.00", "CNY")
    total = Money("100.00", "CNY")
    paid_at = factory.LazyFunction(timezone.now)


class StoreRatingFactory(_BackdatedFactory):
    """The buyer's three scores of the store for one order (its own bare order by default)."""

    class Meta:
        model = "orders.StoreRating"

    order = factory.SubFactory(CreditOrderFactory, status="completed")
    merchant = factory.SelfAttribute("order.merchant")
    user = factory.SelfAttribute("order.user")
    description = 5
    service = 5
    logistics = 5


class AfterSalesCaseFactory(_BackdatedFactory):
    """A case on an order, closed with an arbitrator's `outcome` at `decided_at` (both optional)."""

    class Meta:
        model = "orders.AfterSalesCase"

    number = factory.Sequence(lambda n: f"AS{n:010d}")
    order = factory.SubFactory(CreditOrderFactory, status="completed")
    user = factory.SelfAttribute("order.user")
    merchant = factory.SelfAttribute("order.merchant")
    kind = "refund"
    reason = "not_as_described"
    description = "Not what the page showed."
    status = "closed"
    amount_requested = Money("50.00", "CNY")
    outcome = ""
    decided_at = None


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.Conversation"

    merchant = factory.SubFactory(MerchantFactory)
    shopper = factory.SubFactory(UserFactory)


class MessageFactory(_BackdatedFactory):
    """A message in a conversation; a store's first reply carries `response_seconds`."""

    class Meta:
        model = "orders.Message"

    conversation = factory.SubFactory(ConversationFactory)
    side = "merchant"
    body = "Hello, how can we help?"
    response_seconds = None
