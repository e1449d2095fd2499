"""Demo after-sales cases (called by `manage.py seed_demo`): the demo shopper's delivered orders at the
demo merchant's store, each with a case at another stage, made through the case services as people
would: one waiting for the store's answer, one refunded and closed, one return on its way back, and
one the store refused that the shopper escalated, waiting in the arbitration queue. Idempotent: a
second run finds the demo cases and adds nothing."""

import uuid
from datetime import timedelta
from decimal import Decimal

DEMO_MARK = "[demo]"
RETURN_ADDRESS = {
    "return_recipient": "退货仓 Returns desk",
    "return_phone": "02150001234",
    "return_address": "上海市浦东新区外高桥保税区富特北路 211 号 3 号仓",
}


def _delivered_order(shopper, merchant_user, variant, *, address, identity, delivered_at):
    from logistics import quotes
    from logistics.models import ShipmentEvent
    from logistics.services.shipping import shipment_create
    from logistics.services.tracking import shipment_event_record
    from orders import services as order_services
    from payments import services as payment_services
    from payments.gateways import Card

    cart = order_services.cart_get_or_create(user=shopper)
    order_services.cart_add(cart=cart, variant_id=variant.pk, quantity=2)
    payment = order_services.checkout_place(
        user=shopper, address_id=address.pk, identity_id=identity.pk, idempotency_key=uuid.uuid4().hex
    )
    payment_services.payment_confirm(
        payment=payment,
        user=shopper,
        card=Card("4242424242424242", 12, 2030, "123"),
        idempotency_key=uuid.uuid4().hex,
    )
    order = payment.orders.get()
    weight = max(1, variant.weight_grams * 2)
    offered = quotes.shipment_quotes(
        merchant=order.merchant, shipping_mode=order.shipping_mode, weight_grams=weight
    )
    if not offered:
        return None
    shipment = shipment_create(
        merchant=order.merchant,
        actor=merchant_user,
        order_number=order.number,
        provider_code=offered[0].provider.code,
        weight_grams=weight,
    )
    shipment_event_record(
        shipment=shipment,
        kind=ShipmentEvent.Kind.DELIVERED,
        occurred_at=delivered_at,
        source=ShipmentEvent.Source.CARRIER,
    )
    order.refresh_from_db()
    return order


def seed_cases(*, now, rng, log) -> int:
    """The four demo cases; returns how many were made now."""
    from django.apps import apps
    from django.db.models import Q

    from logistics.seed import seed_providers
    from marketplace import selectors
    from marketplace.models import User
    from orders.models import AfterSalesCase

    from . import services as cases

    seed_providers(apps)
    shopper = User.objects.filter(username="shopper").first()
    merchant_user = User.objects.filter(username="merchant").first()
    staff = User.objects.filter(username="staff").first()
    merchant = merchant_user and merchant_user.merchant
    address = shopper and shopper.addresses.first()
    identity = shopper and shopper.identities.first()
    if not (merchant and address and identity and staff):
        return 0
    if AfterSalesCase.objects.filter(user=shopper, description__endswith=DEMO_MARK).exists():
        return 0
    for field, value in RETURN_ADDRESS.items():
        if not getattr(merchant, field):
            setattr(merchant, field, value)
    merchant.accepts_changed_mind = True
    merchant.save()
    products = list(
        selectors.products_visible()
        .filter(merchant=merchant, price_cny__lt=400)
        .filter(Q(variants__stock__gte=3) & Q(variants__is_active=True))
        .distinct()
        .order_by("pk")[:12]
    )
    if not products:
        return 0

    def order_delivered(days_ago):
        product = rng.choice(products)
        variant = product.variants.filter(is_active=True, stock__gte=3).order_by("pk").first()
        return _delivered_order(
            shopper,
            merchant_user,
            variant,
            address=address,
            identity=identity,
            delivered_at=now - timedelta(days=days_ago),
        )

    def ask(order, kind, reason, description, *, units=None, amount=None):
        line = order.lines.first()
        return cases.case_open(
            user=shopper,
            order_number=order.number,
            kind=kind,
            reason=reason,
            description=f"{description} {DEMO_MARK}",
            lines=[{"line_id": line.pk, "quantity": units or line.quantity}],
            amount=amount,
        )

    Kind, Reason = AfterSalesCase.Kind, AfterSalesCase.Reason
    made = 0
    # 1. waiting for the store's answer (48 hours)
    order = order_delivered(2)
    if order:
        ask(
            order,
            Kind.REFUND_ONLY,
            Reason.DAMAGED,
            "一瓶在运输中破损，附照片。One bottle arrived broken.",
            units=1,
        )
        made += 1
    # 2. refunded and closed: part of one unit's price, out of the escrow (the store's deposit stays whole)
    order = order_delivered(6)
    if order:
        line = order.lines.first()
        part = (line.goods_cny.amount / line.quantity / 2).quantize(Decimal("0.01"))
        case = ask(
            order,
            Kind.REFUND_ONLY,
            Reason.NOT_AS_DESCRIBED,
            "颜色与页面不符，希望部分退款。The colour is not the one shown; a partial refund is fine.",
            units=1,
            amount=part,
        )
        cases.case_accept(case=case, actor=merchant_user)
        made += 1
    # 3. a return on its way back to the store
    order = order_delivered(4)
    if order:
        case = ask(
            order, Kind.RETURN, Reason.CHANGED_MIND, "未拆封，想退货。Unopened, I would like to return it."
        )
        cases.case_accept(case=case, actor=merchant_user)
        parcel = cases.case_return_ship(
            case=case, actor=shopper, provider_code="sf-express", weight_grams=800
        )
        # Booked yesterday: the carrier simulator's first scans come on its first round.
        type(parcel).objects.filter(pk=parcel.pk).update(created_at=parcel.created_at - timedelta(hours=20))
        made += 1
    # 4. refused by the store, escalated by the shopper: waiting in arbitration
    order = order_delivered(5)
    if order:
        case = ask(
            order,
            Kind.REFUND_ONLY,
            Reason.COUNTERFEIT,
            "防伪码查询无效，怀疑假货。The anti-fake code does not verify.",
        )
        cases.case_refuse(
            case=case,
            actor=merchant_user,
            reason="我们是品牌授权店，商品均为正品。We are authorised; all goods are genuine.",
        )
        cases.case_escalate(
            case=case, actor=shopper, note="防伪码截图见附件。Screenshot of the failed code check."
        )
        cases.case_evidence_add(
            case=case, actor=merchant_user, note="附品牌授权书与进货发票。Brand authorisation and invoice."
        )
        made += 1
    log(
        f"{made} after-sales cases: one awaiting the store, one refunded, one return in transit, "
        "one in arbitration."
    )
    return made
