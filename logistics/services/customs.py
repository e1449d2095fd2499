"""Customs clearance: the declaration prepared when an order is paid, the three-document match when
the parcel is declared at the border, and staff resolving a hold (docs/rules.md, "Customs clearance").

The three documents customs matches:
- the order, as the platform's declaration (`CustomsDeclaration`: buyer's name and ID number as the
  order carries them, goods with their HS heading, values, the tax shown at checkout, freight);
- the payment record, as the payment provider reports it (`payments.Payment.payer_name` and
  `payer_id_number`, copied from the buyer identity at checkout; the amount paid for the order is
  what the escrow ledger holds for it: goods, shipping and tax credited when the card was charged);
- the waybill (`Shipment.consignee_name` and `consignee_id_number`).
They must agree on the buyer's name and ID number; the goods value must be within the per-order limit
and the buyer's year within the annual quota; goods + tax + freight must equal the amount paid within
5% of the amount paid. Freight is included because the amount paid includes it (order total = goods
+ shipping + tax): comparing without it would hold every order whose shipping fee is over 5%.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import identifiers
from marketplace.errors import InvalidIdentifier
from marketplace.money import format_cny, round_cny
from merchants.permissions import is_platform_staff
from orders import notifications as order_notifications
from orders import rules as order_rules
from orders import selectors as order_selectors
from orders import services as order_services
from orders.models import Order, OrderEvent
from payments.models import LedgerAccount, LedgerEntry, LedgerTransaction, Payment, Refund

from .. import hs_codes
from ..errors import DeclarationNotHeld, NotPlatformStaff, ResolutionNoteRequired, UnknownResolution
from ..models import CustomsDeclaration, CustomsDeclarationLine, CustomsMode, Shipment, ShipmentEvent

# goods + tax + freight may differ from the amount paid by at most this share of the amount paid.
AMOUNT_TOLERANCE = Decimal("0.05")

RESOLVE_CORRECTED = "corrected"
RESOLVE_RETURN = "return"
RESOLUTIONS = (RESOLVE_CORRECTED, RESOLVE_RETURN)


def hs_code_for(category) -> str:
    """The HS heading a line is declared under: the category's own code, else its parent's, else the
    table's code for its slug (categories created after the field arrived), else the default."""
    for node in (category, getattr(category, "parent", None)):
        if node is not None and node.hs_code:
            return node.hs_code
    for node in (category, getattr(category, "parent", None)):
        if node is not None and node.slug in hs_codes.HS_CODES:
            return hs_codes.HS_CODES[node.slug]
    return hs_codes.DEFAULT_HS_CODE


# ----------------------------------------------------------------------------------- the declaration


@transaction.atomic
def customs_declaration_prepare(*, order: Order) -> CustomsDeclaration:
    """The order's declaration, as the order carries it (called by `orders.services.orders_mark_paid`
    inside its transaction, the order locked). A second call returns the first declaration."""
    existing = CustomsDeclaration.objects.filter(order=order).first()
    if existing is not None:
        return existing
    declaration = CustomsDeclaration.objects.create(
        order=order,
        customs_mode=CustomsMode.for_shipping_mode(order.shipping_mode),
        buyer_name=order.buyer_name,
        buyer_id_number=order.buyer_id_number,
        goods_value=order.goods_total,
        freight=order.shipping_fee,
        tax=order.tax_total,  # the tax shown at checkout, never recomputed
    )
    lines = order.lines.select_related("variant__product__category__parent")
    CustomsDeclarationLine.objects.bulk_create(
        CustomsDeclarationLine(
            declaration=declaration,
            hs_code=hs_code_for(line.variant.product.category),
            description=" ".join(filter(None, (line.product_name, line.variant_name)))[:200],
            quantity=line.quantity,
            value=line.goods_cny,
            tax=line.tax_cny,
        )
        for line in lines
    )
    return declaration


def _locked_declaration(order: Order) -> CustomsDeclaration:
    declaration = CustomsDeclaration.objects.select_for_update().filter(order=order).first()
    if declaration is None:  # an order paid before declarations existed
        customs_declaration_prepare(order=order)
        declaration = CustomsDeclaration.objects.select_for_update().get(order=order)
    return declaration


# ---------------------------------------------------------------------------------------- the match


def amount_paid(order: Order) -> Decimal:
    """What the payment record says was paid for this order: the escrow and tax credited to it when
    the card was charged (`payments.services.escrow_hold`)."""
    total = LedgerEntry.objects.filter(
        order=order,
        transaction__kind=LedgerTransaction.Kind.ESCROW_HOLD,
        account__in=(LedgerAccount.ESCROW, LedgerAccount.TAX_PAYABLE),
    ).aggregate(total=Sum("amount"))["total"]
    return round_cny(-(total or Decimal("0")))


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _same_id(a: str, b: str) -> bool:
    def canonical(number):
        try:
            return identifiers.resident_id_number(number)
        except InvalidIdentifier:
            return number.strip().upper()

    return bool(a and b) and canonical(a) == canonical(b)


def customs_mismatches(
    *, declaration: CustomsDeclaration, payment: Payment | None, shipment: Shipment
) -> list[str]:
    """Why the three documents do not match, in plain words (empty when they do). No names or ID
    numbers are quoted: the merchant and the buyer read these too."""
    reasons = []
    order = declaration.order
    if payment is None or not (payment.payer_name and payment.payer_id_number):
        reasons.append(_("The payment record carries no payer's name and ID number."))
    else:
        if not _same_name(payment.payer_name, declaration.buyer_name):
            reasons.append(_("The payer's name on the payment record does not match the order."))
        if not _same_id(payment.payer_id_number, declaration.buyer_id_number):
            reasons.append(_("The payer's ID number on the payment record does not match the order."))
    if not _same_name(shipment.consignee_name, declaration.buyer_name):
        reasons.append(_("The consignee's name on the waybill does not match the order."))
    if not _same_id(shipment.consignee_id_number, declaration.buyer_id_number):
        reasons.append(_("The consignee's ID number on the waybill does not match the order."))

    goods = declaration.goods_value.amount
    if goods > order_rules.ORDER_GOODS_LIMIT:
        reasons.append(
            _("The goods value, %(goods)s, is over the per-order limit of %(limit)s.")
            % {"goods": format_cny(goods), "limit": format_cny(order_rules.ORDER_GOODS_LIMIT)}
        )
    year = timezone.localtime(order.paid_at).year if order.paid_at else None
    used = order_selectors.quota_used(declaration.buyer_id_number, year=year)
    if used > order_rules.ANNUAL_LIMIT:
        reasons.append(
            _("The buyer's purchases this year, %(used)s, are over the annual limit of %(limit)s.")
            % {"used": format_cny(used), "limit": format_cny(order_rules.ANNUAL_LIMIT)}
        )

    declared = goods + declaration.tax.amount + declaration.freight.amount
    paid = amount_paid(order)
    if paid <= 0 or abs(declared - paid) > paid * AMOUNT_TOLERANCE:
        reasons.append(
            _(
                "Goods, tax and freight declared (%(declared)s) differ from the amount paid (%(paid)s) "
                "by more than 5%%."
            )
            % {"declared": format_cny(declared), "paid": format_cny(paid)}
        )
    return reasons


# How long after the declaration scan the platform records customs' answer.
CUSTOMS_ANSWER_DELAY = timedelta(minutes=20)


def _record_event(shipment: Shipment, kind: str, *, note: str = "", actor=None, at=None) -> None:
    """A platform event on the parcel's timeline, through the tracking service (imported here:
    tracking calls this module when a parcel is declared). `at`: when customs decided (default now)."""
    from logistics.services import tracking

    tracking.shipment_event_record(
        shipment=shipment,
        kind=kind,
        occurred_at=at or timezone.now(),
        note=note[:300],
        source=ShipmentEvent.Source.PLATFORM,
        actor=actor,
    )


def _decide(
    declaration: CustomsDeclaration, shipment: Shipment, *, actor=None, at=None
) -> CustomsDeclaration:
    """Match the documents; clear or hold the parcel, with the events. Declaration locked."""
    order = Order.objects.select_for_update().get(pk=declaration.order_id)
    declaration.order = order
    payment = Payment.objects.filter(pk=order.payment_id).first()
    reasons = customs_mismatches(declaration=declaration, payment=payment, shipment=shipment)
    declaration.checked_at = timezone.now()
    if reasons:
        declaration.status = CustomsDeclaration.Status.HELD
        declaration.hold_reason = "\n".join(reasons)
        _record_event(shipment, ShipmentEvent.Kind.CUSTOMS_HELD, note=" ".join(reasons), actor=actor, at=at)
        event = order_services.order_note(
            order, kind=OrderEvent.Kind.CUSTOMS_HELD, note=" ".join(reasons), actor=actor
        )
        order_notifications.order_customs_held(
            order,
            event,
            # The reasons in each reader's language: the same check, rendered again.
            reasons=lambda: " ".join(
                customs_mismatches(declaration=declaration, payment=payment, shipment=shipment)
            ),
        )
    else:
        declaration.status = CustomsDeclaration.Status.CLEARED
        declaration.hold_reason = ""
        _record_event(shipment, ShipmentEvent.Kind.CUSTOMS_CLEARED, actor=actor, at=at)
        order_services.order_note(order, kind=OrderEvent.Kind.CUSTOMS_CLEARED, actor=actor)
    declaration.save(update_fields=["status", "hold_reason", "checked_at"])
    return declaration


def customs_on_declared(*, shipment: Shipment) -> CustomsDeclaration:
    """The parcel was declared at the border (`tracking.shipment_event_record` calls this when it
    records a CUSTOMS_DECLARED event): match the three documents and clear or hold it. A parcel
    already cleared, held or returned is left as it is (a repeated declaration scan changes
    nothing); the declaration's row lock makes two scans at once one decision."""
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().select_related("order").get(pk=shipment.pk)
        declaration = _locked_declaration(shipment.order)
        if declaration.status not in (CustomsDeclaration.Status.PREPARED, CustomsDeclaration.Status.DECLARED):
            return declaration
        declaration.status = CustomsDeclaration.Status.DECLARED
        # The electronic match answers within minutes of the declaration scan (whenever that scan
        # reaches us), so the timeline keeps customs between the scans around it.
        declared_at = (
            shipment.events.filter(kind=ShipmentEvent.Kind.CUSTOMS_DECLARED)
            .order_by("-occurred_at")
            .values_list("occurred_at", flat=True)
            .first()
        )
        at = min(declared_at + CUSTOMS_ANSWER_DELAY, timezone.now()) if declared_at else None
        return _decide(declaration, shipment, at=at)


# -------------------------------------------------------------------------------- resolving a hold


def _outbound_shipment(order_id, *, lock=False) -> Shipment | None:
    queryset = Shipment.objects.filter(order_id=order_id, kind=Shipment.Kind.OUTBOUND)
    return (queryset.select_for_update() if lock else queryset).first()


def customs_hold_resolve(
    *,
    declaration: CustomsDeclaration,
    staff_user,
    action: str,
    note: str,
    corrected_name: str | None = None,
    corrected_id_number: str | None = None,
) -> CustomsDeclaration:
    """Staff resolve a held parcel.

    "corrected": the buyer's name and/or ID number, checked by staff, are written on every document
    that differs (the declaration, the payment record, the waybill) and the match runs again: the
    parcel clears if it now matches, otherwise it stays held with the new reasons.
    "return": the parcel goes back to the sender (RETURNED event) and the buyer is refunded in full
    through the gateway and the escrow ledger (`payments.services.order_refund` with
    `parcel_returned`); asking again retries a refund that did not go through and never refunds twice.
    """
    if not is_platform_staff(staff_user):
        raise NotPlatformStaff()
    if action not in RESOLUTIONS:
        raise UnknownResolution()
    note = (note or "").strip()
    if not note:
        raise ResolutionNoteRequired()
    corrected_name = " ".join((corrected_name or "").split())
    if corrected_id_number:
        corrected_id_number = order_rules.resident_id_validate(corrected_id_number)
    if action == RESOLVE_CORRECTED:
        return _resolve_corrected(declaration, staff_user, note, corrected_name, corrected_id_number)
    return _resolve_return(declaration, staff_user, note)


@transaction.atomic
def _resolve_corrected(declaration, staff_user, note, name, id_number) -> CustomsDeclaration:
    # Locks: the parcel, then the declaration, as tracking takes them when a parcel is declared.
    shipment = _outbound_shipment(declaration.order_id, lock=True)
    declaration = CustomsDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.status != CustomsDeclaration.Status.HELD or shipment is None:
        raise DeclarationNotHeld(declaration.get_status_display())
    payment_id = Order.objects.filter(pk=declaration.order_id).values_list("payment_id", flat=True).first()
    payment = Payment.objects.select_for_update().filter(pk=payment_id).first()
    corrected = []
    if name:
        if declaration.buyer_name != name:
            declaration.buyer_name = name
            corrected.append(_("declaration"))
        if payment is not None and payment.payer_name != name:
            payment.payer_name = name
            corrected.append(_("payment record"))
        if shipment.consignee_name != name:
            shipment.consignee_name = name
            corrected.append(_("waybill"))
    if id_number:
        if declaration.buyer_id_number != id_number:
            declaration.buyer_id_number = id_number
            corrected.append(_("declaration"))
        if payment is not None and payment.payer_id_number != id_number:
            payment.payer_id_number = id_number
            corrected.append(_("payment record"))
        if shipment.consignee_id_number != id_number:
            shipment.consignee_id_number = id_number
            corrected.append(_("waybill"))
    if payment is not None:
        payment.save(update_fields=["payer_name", "payer_id_number"])
    shipment.save(update_fields=["consignee_name", "consignee_id_number"])
    declaration.save(update_fields=["buyer_name", "buyer_id_number"])
    declaration = _decide(declaration, shipment, actor=staff_user)
    documents = ", ".join(dict.fromkeys(str(c) for c in corrected)) or _("none")
    declaration.resolution_note = _("Corrected: %(documents)s. %(note)s") % {
        "documents": documents,
        "note": note,
    }
    fields = ["resolution_note"]
    if declaration.status == CustomsDeclaration.Status.CLEARED:
        declaration.resolved_at = timezone.now()
        declaration.resolved_by = staff_user
        fields += ["resolved_at", "resolved_by"]
    declaration.save(update_fields=fields)
    return declaration


def _resolve_return(declaration, staff_user, note) -> CustomsDeclaration:
    from payments import services as payment_services

    with transaction.atomic():
        shipment = _outbound_shipment(declaration.order_id, lock=True)  # the parcel first, as above
        declaration = CustomsDeclaration.objects.select_for_update().get(pk=declaration.pk)
        if declaration.status == CustomsDeclaration.Status.HELD:
            declaration.status = CustomsDeclaration.Status.RETURNED
            declaration.resolved_at = timezone.now()
            declaration.resolved_by = staff_user
            declaration.resolution_note = note
            declaration.save(update_fields=["status", "resolved_at", "resolved_by", "resolution_note"])
            if shipment is not None:
                _record_event(shipment, ShipmentEvent.Kind.RETURNED, note=note, actor=staff_user)
        elif declaration.status != CustomsDeclaration.Status.RETURNED:
            raise DeclarationNotHeld(declaration.get_status_display())
    order = Order.objects.get(pk=declaration.order_id)
    if order.status != Order.Status.REFUNDED:
        # One key per try: a double click (or two staff at once) makes one refund; after a refund
        # the gateway refused, asking again tries once more with a fresh key.
        failed = order.refunds.filter(status=Refund.Status.FAILED).count()
        payment_services.order_refund(
            order=order,
            idempotency_key=f"customs-return-{declaration.pk}-{failed}",
            actor=staff_user,
            parcel_returned=True,
        )
    declaration.refresh_from_db()
    return declaration
