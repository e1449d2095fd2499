"""Customs clearance: the declaration prepared at payment, the three-document match when the parcel
is declared, and staff resolving a hold by a corrected document or a return with a full refund."""

from decimal import ROUND_DOWN, Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from djmoney.money import Money

from logistics.errors import DeclarationNotHeld, NotPlatformStaff, ResolutionNoteRequired, UnknownResolution
from logistics.models import CustomsDeclaration, ShipmentEvent
from logistics.services import customs
from marketplace.models import Category, Product
from orders import services as order_services
from orders.errors import OrderNotCancellable
from orders.models import Order, OrderEvent
from payments.models import LedgerAccount, LedgerEntry, Refund
from tests.factories import CategoryFactory, UserFactory, make_id_number, paid_order, shipment_for

from .customs_helpers import declare, english, tracking  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("rates", "tracking", "english")


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


def held_order(**changes):
    """A shipped order whose waybill differs from the order as `changes` say, declared: held."""
    order = paid_order()
    shipment = shipment_for(order)
    for field, value in changes.items():
        setattr(shipment, field, value)
    shipment.save()
    declaration = declare(shipment)
    assert declaration.status == CustomsDeclaration.Status.HELD
    return order, shipment, declaration


# --- the declaration --------------------------------------------------------------------------------


def test_paying_prepares_the_declaration_as_the_order_carries_it():
    order = paid_order(prices=("10.00", "25.50"), quantity=2)
    declaration = order.customs_declaration
    assert declaration.status == CustomsDeclaration.Status.PREPARED
    assert declaration.customs_mode == "9610"
    assert (declaration.buyer_name, declaration.buyer_id_number) == (order.buyer_name, order.buyer_id_number)
    assert declaration.goods_value == order.goods_total
    assert declaration.tax == order.tax_total  # the tax shown at checkout
    assert declaration.freight == order.shipping_fee
    lines = list(declaration.lines.all())
    assert [(line.quantity, line.value, line.tax) for line in lines] == [
        (line.quantity, line.goods_cny, line.tax_cny) for line in order.lines.all()
    ]
    assert all(line.hs_code for line in lines)
    assert sum(line.tax.amount for line in lines) == order.tax_total.amount
    # The payment record carries the payer as the buyer identity chosen at checkout.
    payment = order.payment
    assert (payment.payer_name, payment.payer_id_number) == (order.buyer_name, order.buyer_id_number)


def test_bonded_order_is_declared_under_1210():
    order = paid_order(shipping_mode=Product.ShippingMode.BONDED)
    assert order.customs_declaration.customs_mode == "1210"


def test_hs_code_comes_from_the_category_then_its_parent_then_the_table(db):
    parent = CategoryFactory(slug="beauty-x", hs_code="3304.99")
    child = CategoryFactory(slug="serums-x", parent=parent)
    assert customs.hs_code_for(child) == "3304.99"
    child.hs_code = "3304.10"
    assert customs.hs_code_for(child) == "3304.10"
    assert customs.hs_code_for(Category(slug="infant-formula")) == "1901.10"
    assert customs.hs_code_for(Category(slug="no-such-kind")) == "9999.99"


# --- the match -----------------------------------------------------------------------------------


def test_three_documents_that_agree_clear_the_parcel():
    order = paid_order()
    shipment = shipment_for(order)
    declaration = declare(shipment)
    assert declaration.status == CustomsDeclaration.Status.CLEARED
    assert declaration.hold_reason == ""
    event = shipment.events.get(kind=ShipmentEvent.Kind.CUSTOMS_CLEARED)
    assert event.source == ShipmentEvent.Source.PLATFORM
    assert order.events.filter(kind=OrderEvent.Kind.CUSTOMS_CLEARED).count() == 1


def test_a_second_declaration_scan_changes_nothing():
    order = paid_order()
    shipment = shipment_for(order)
    declare(shipment)
    declare(shipment)
    assert shipment.events.filter(kind=ShipmentEvent.Kind.CUSTOMS_CLEARED).count() == 1


def test_waybill_name_mismatch_holds_with_the_reason_for_everyone():
    order, shipment, declaration = held_order(consignee_name="李四")
    assert declaration.hold_reason == "The consignee's name on the waybill does not match the order."
    held = shipment.events.get(kind=ShipmentEvent.Kind.CUSTOMS_HELD)
    assert held.note == declaration.hold_reason  # the parcel's timeline (buyer and merchant)
    assert order.events.get(kind=OrderEvent.Kind.CUSTOMS_HELD).note == declaration.hold_reason  # order page


def test_name_differing_only_in_spacing_and_case_matches():
    order = paid_order()
    shipment = shipment_for(order)
    shipment.consignee_name = f"  {order.buyer_name.upper()} "
    shipment.save()
    assert declare(shipment).status == CustomsDeclaration.Status.CLEARED


def test_payment_record_name_mismatch_holds():
    order = paid_order()
    order.payment.payer_name = "张三"
    order.payment.save()
    declaration = declare(shipment_for(order))
    assert declaration.status == CustomsDeclaration.Status.HELD
    assert declaration.hold_reason == "The payer's name on the payment record does not match the order."


def test_waybill_id_number_mismatch_holds():
    _order, _shipment, declaration = held_order(consignee_id_number=make_id_number(sequence="999"))
    assert declaration.hold_reason == "The consignee's ID number on the waybill does not match the order."


def test_payment_record_id_number_mismatch_holds():
    order = paid_order()
    order.payment.payer_id_number = make_id_number(sequence="998")
    order.payment.save()
    declaration = declare(shipment_for(order))
    assert declaration.hold_reason == "The payer's ID number on the payment record does not match the order."


def _declared_over_paid_by(delta):
    order = paid_order(prices=("37.30",))
    declaration = order.customs_declaration
    declaration.goods_value = Money(declaration.goods_value.amount + delta, "CNY")
    declaration.save()
    return order


def test_amount_just_inside_five_percent_clears():
    order = paid_order(prices=("37.30",))
    paid = customs.amount_paid(order)
    assert paid == order.total.amount
    inside = (paid * Decimal("0.05")).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    order = _declared_over_paid_by(inside)
    assert declare(shipment_for(order)).status == CustomsDeclaration.Status.CLEARED


def test_amount_just_outside_five_percent_holds():
    order = paid_order(prices=("37.30",))
    paid = customs.amount_paid(order)
    outside = (paid * Decimal("0.05")).quantize(Decimal("0.01"), rounding=ROUND_DOWN) + Decimal("0.01")
    order = _declared_over_paid_by(outside)
    declaration = declare(shipment_for(order))
    assert declaration.status == CustomsDeclaration.Status.HELD
    assert "differ from the amount paid" in declaration.hold_reason
    assert "by more than 5%" in declaration.hold_reason


def test_declared_below_the_amount_paid_by_more_than_five_percent_holds():
    order = paid_order(prices=("37.30",))
    declaration = order.customs_declaration
    declaration.tax = Money(0, "CNY")
    declaration.freight = Money(0, "CNY")
    declaration.goods_value = Money(declaration.goods_value.amount * Decimal("0.8"), "CNY")
    declaration.save()
    assert "differ from the amount paid" in declare(shipment_for(order)).hold_reason


def test_per_order_limit_holds(monkeypatch):
    order = paid_order()
    monkeypatch.setattr("orders.rules.ORDER_GOODS_LIMIT", order.goods_total.amount - Decimal("0.01"))
    declaration = declare(shipment_for(order))
    assert declaration.status == CustomsDeclaration.Status.HELD
    assert declaration.hold_reason.startswith("The goods value, ")
    assert "is over the per-order limit" in declaration.hold_reason


def test_annual_quota_holds(monkeypatch):
    order = paid_order()
    monkeypatch.setattr("orders.rules.ANNUAL_LIMIT", order.goods_total.amount - Decimal("0.01"))
    declaration = declare(shipment_for(order))
    assert "are over the annual limit" in declaration.hold_reason
    monkeypatch.setattr("orders.rules.ANNUAL_LIMIT", order.goods_total.amount)
    other = paid_order()
    monkeypatch.setattr("orders.rules.ANNUAL_LIMIT", other.goods_total.amount)
    assert declare(shipment_for(other)).status == CustomsDeclaration.Status.CLEARED  # at the limit


# --- staff resolve ---------------------------------------------------------------------------------


def test_corrected_document_clears_the_parcel(staff):
    order, shipment, declaration = held_order(consignee_name="李四")
    declaration = customs.customs_hold_resolve(
        declaration=declaration,
        staff_user=staff,
        action="corrected",
        note="Buyer confirmed by phone.",
        corrected_name=order.buyer_name,
    )
    assert declaration.status == CustomsDeclaration.Status.CLEARED
    assert declaration.resolved_by == staff and declaration.resolved_at is not None
    assert declaration.resolution_note == "Corrected: waybill. Buyer confirmed by phone."
    shipment.refresh_from_db()
    assert shipment.consignee_name == order.buyer_name
    assert shipment.events.filter(kind=ShipmentEvent.Kind.CUSTOMS_CLEARED).count() == 1


def test_corrected_id_number_is_written_on_every_differing_document(staff):
    order = paid_order()
    new_id = make_id_number(sequence="777")
    shipment = shipment_for(order)
    shipment.consignee_id_number = new_id
    shipment.save()
    declaration = declare(shipment)
    declaration = customs.customs_hold_resolve(
        declaration=declaration,
        staff_user=staff,
        action="corrected",
        note="The buyer's ID card shows the waybill's number.",
        corrected_id_number=new_id,
    )
    assert declaration.status == CustomsDeclaration.Status.CLEARED
    assert declaration.buyer_id_number == new_id
    order.payment.refresh_from_db()
    assert order.payment.payer_id_number == new_id


def test_correction_that_does_not_fix_it_keeps_the_parcel_held(staff):
    order = _declared_over_paid_by(Decimal("50.00"))
    declaration = declare(shipment_for(order))
    declaration = customs.customs_hold_resolve(
        declaration=declaration,
        staff_user=staff,
        action="corrected",
        note="Checked.",
        corrected_name=order.buyer_name,
    )
    assert declaration.status == CustomsDeclaration.Status.HELD
    assert declaration.resolved_at is None
    assert "differ from the amount paid" in declaration.hold_reason


def _ledger_sum(**filters):
    return LedgerEntry.objects.filter(**filters).aggregate(total=Sum("amount"))["total"] or Decimal("0")


def test_return_refunds_the_buyer_in_full_and_the_ledger_balances(staff):
    order, shipment, declaration = held_order(consignee_name="李四")
    stock_before = order.lines.get().variant.stock
    declaration = customs.customs_hold_resolve(
        declaration=declaration, staff_user=staff, action="return", note="Buyer unreachable."
    )
    assert declaration.status == CustomsDeclaration.Status.RETURNED
    assert shipment.events.filter(kind=ShipmentEvent.Kind.RETURNED, source="platform").count() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    refund = Refund.objects.get(order=order)
    assert refund.status == Refund.Status.SUCCEEDED and refund.amount == order.total
    assert order.events.filter(kind=OrderEvent.Kind.CUSTOMS_RETURNED, to_status="refunded").count() == 1
    # Balanced: every transaction sums to zero; nothing left in escrow or tax for the order; the
    # gateway paid the card back what it took.
    assert _ledger_sum() == 0
    assert _ledger_sum(account=LedgerAccount.ESCROW, order=order) == 0
    assert _ledger_sum(account=LedgerAccount.TAX_PAYABLE, order=order) == 0
    assert _ledger_sum(account=LedgerAccount.GATEWAY_CLEARING) == 0
    # The units travel back to the store: not put on sale again here.
    assert order.lines.get().variant.stock == stock_before

    # Asking again refunds nothing twice.
    customs.customs_hold_resolve(declaration=declaration, staff_user=staff, action="return", note="again")
    assert Refund.objects.filter(order=order).count() == 1
    assert shipment.events.filter(kind=ShipmentEvent.Kind.RETURNED).count() == 1


def test_a_shipped_order_cannot_be_cancelled_by_the_shopper():
    order = paid_order()
    shipment_for(order)
    with pytest.raises(OrderNotCancellable):
        order_services.order_cancel(user=order.user, number=order.number, idempotency_key="k1")
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED


def test_resolving_is_refused_to_non_staff_without_a_note_or_when_not_held(staff):
    _order, _shipment, declaration = held_order(consignee_name="李四")
    with pytest.raises(NotPlatformStaff):
        customs.customs_hold_resolve(
            declaration=declaration, staff_user=UserFactory(), action="return", note="x"
        )
    with pytest.raises(ResolutionNoteRequired):
        customs.customs_hold_resolve(declaration=declaration, staff_user=staff, action="return", note="  ")
    with pytest.raises(UnknownResolution):
        customs.customs_hold_resolve(declaration=declaration, staff_user=staff, action="burn", note="x")
    cleared = declare(shipment_for(paid_order()))
    with pytest.raises(DeclarationNotHeld):
        customs.customs_hold_resolve(declaration=cleared, staff_user=staff, action="corrected", note="x")
    with pytest.raises(DeclarationNotHeld):
        customs.customs_hold_resolve(declaration=cleared, staff_user=staff, action="return", note="x")
    declaration.refresh_from_db()
    assert declaration.status == CustomsDeclaration.Status.HELD


# --- the staff pages and API -----------------------------------------------------------------------


def test_staff_queue_lists_held_parcels_oldest_first_in_constant_queries(
    client, staff, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    first = held_order(consignee_name="李四")[2]
    second = held_order(consignee_name="张三")[2]
    CustomsDeclaration.objects.filter(pk=second.pk).update(checked_at=timezone.now() - timedelta(hours=5))
    declare(shipment_for(paid_order()))  # cleared: not in the queue
    client.force_login(staff)
    with django_assert_max_num_queries(9):  # 8, and the header bell's unread count
        page = client.get("/staff/logistics/customs/").content.decode()
    assert page.index(second.order.number) < page.index(first.order.number)
    assert "运单上的收件人姓名与订单不一致。" in page  # the reason, in the page's language
    held_order(consignee_name="赵六")
    with django_assert_max_num_queries(9):  # 8, and the header bell's unread count
        client.get("/staff/logistics/customs/")


def test_staff_resolve_a_hold_from_the_page(client, staff):
    order, _shipment, declaration = held_order(consignee_name="李四")
    client.force_login(staff)
    assert client.get(f"/staff/logistics/customs/{declaration.pk}/").status_code == 200
    response = client.post(
        f"/staff/logistics/customs/{declaration.pk}/resolve/",
        {"action": "corrected", "corrected_name": order.buyer_name, "note": "Confirmed with the buyer."},
    )
    assert response.status_code == 302 and response.url == "/staff/logistics/customs/"
    declaration.refresh_from_db()
    assert declaration.status == CustomsDeclaration.Status.CLEARED


def test_staff_api_resolves_by_return(client, staff):
    order, _shipment, declaration = held_order(consignee_name="李四")
    client.force_login(staff)
    listed = client.get("/api/v1/staff/customs/").json()
    assert [d["id"] for d in listed["results"]] == [declaration.pk]
    assert listed["results"][0]["hold_reason"]
    response = client.post(
        f"/api/v1/staff/customs/{declaration.pk}/resolve/",
        {"action": "return", "note": "Buyer unreachable."},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "returned"
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    again = client.post(
        f"/api/v1/staff/customs/{declaration.pk}/resolve/",
        {"action": "corrected", "note": "x"},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "declaration_not_held"
    assert (
        client.post(
            f"/api/v1/staff/customs/{declaration.pk}/resolve/",
            {"action": "return"},
            content_type="application/json",
        ).status_code
        == 400
    )


def test_non_staff_cannot_use_the_staff_api(client):
    order, _shipment, declaration = held_order(consignee_name="李四")
    client.force_login(order.user)
    assert client.get("/api/v1/staff/customs/").status_code == 403
    response = client.post(
        f"/api/v1/staff/customs/{declaration.pk}/resolve/",
        {"action": "return", "note": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    declaration.refresh_from_db()
    assert declaration.status == CustomsDeclaration.Status.HELD


def test_the_merchant_sees_the_reason_on_the_dashboard_home(client):
    from tests.factories import MerchantMemberFactory

    order, _shipment, _declaration = held_order(consignee_name="李四")
    member = MerchantMemberFactory(merchant=order.merchant)
    client.force_login(member.user)
    page = client.get("/seller/").content.decode()
    assert order.number in page
    assert "运单上的收件人姓名与订单不一致。" in page
    other = MerchantMemberFactory()
    client.force_login(other.user)
    assert order.number not in client.get("/seller/").content.decode()


# --- at once, on PostgreSQL --------------------------------------------------------------------------


def _at_once(n, target):
    import threading

    from django.db import connections

    barrier = threading.Barrier(n)
    errors = []

    def run():
        try:
            barrier.wait(timeout=30)
            target()
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises all writers, so there is no race to test",
)


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_two_declaration_scans_at_once_make_one_decision():
    order = paid_order()
    shipment = shipment_for(order)
    errors = _at_once(4, lambda: customs.customs_on_declared(shipment=shipment))
    assert errors == []
    assert shipment.events.filter(kind=ShipmentEvent.Kind.CUSTOMS_CLEARED).count() == 1
    assert order.events.filter(kind=OrderEvent.Kind.CUSTOMS_CLEARED).count() == 1


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_two_staff_returning_at_once_refund_once():
    order, shipment, declaration = held_order(consignee_name="李四")
    staff = UserFactory(is_staff=True)
    errors = _at_once(
        4,
        lambda: customs.customs_hold_resolve(
            declaration=declaration, staff_user=staff, action="return", note="x"
        ),
    )
    assert errors == []
    assert Refund.objects.filter(order=order).count() == 1
    assert shipment.events.filter(kind=ShipmentEvent.Kind.RETURNED).count() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert _ledger_sum() == 0
