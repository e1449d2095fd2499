"""After-sales cases: every write (docs/rules.md, "After-sales cases").

The contract the pages, the API and the scheduled job call. Each function runs in a transaction,
locks the order and then the case with `select_for_update` (always in that order, the order first,
as the refund does, so two writers never wait on each other crosswise), checks who acts and the
state, writes a `CaseEvent` (and an `OrderEvent` where the order's timeline should show it),
notifies the other side (`marketplace.notifications.services.notify`), and raises a
`marketplace.errors.DomainError` subclass (in `orders.cases.errors`) with a message a person
understands. Money moves only through `payments.services.aftersales` (gateway call outside locks):
a step that agrees a refund commits the case as `refunding` first, then pays.

States (AfterSalesCase.Status):
  requested --accept--> (refund only) refunding -> refunded
  requested --accept--> (return) awaiting_return --ship--> returning --received--> refunding -> refunded
  requested --offer--> offered --buyer accepts--> refunding -> refunded   (the buyer keeps the goods)
  requested / offered --refuse--> refused
  offered / refused / arbitration --store accepts the request in full--> as "accept" above
  refused / offered --escalate (either side)--> arbitration
  returning (delivered to the store) --escalate (the store disputes the goods)--> arbitration
  arbitration --decide full / partial--> refunding -> refunded;  --decide reject--> closed
  silence: requested past respond_by -> accepted; returning delivered + 7 days -> received;
           refused / offered / awaiting_return past buyer_respond_by -> closed (expired)
  any open but refunding --withdraw (buyer)--> closed
  refunding whose refund the gateway refused: the deadline job tries again (a new key).
"""

import logging
import secrets
import uuid
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from djmoney.money import Money

from marketplace.errors import DomainError
from marketplace.money import format_money, round_cny
from marketplace.notifications.models import Notification
from marketplace.notifications.services import notify, notify_many
from marketplace.uploads import image_check

from ..models import Order, OrderEvent, OrderLine
from .errors import (
    AmountAboveMaximum,
    CaseAlreadyOpen,
    CaseNotAllowed,
    CaseNotFound,
    CaseStateChanged,
    ChangedMindNeedsReturn,
    ChangedMindNotAccepted,
    EscalationNotAllowed,
    InvalidCaseAmount,
    InvalidCaseChoice,
    InvalidCaseLines,
    InvalidDeadline,
    OfferNotLower,
    OrderNotEligible,
    ReturnAddressMissing,
    TextRequired,
    TextTooLong,
    TooManyPhotos,
)
from .models import AfterSalesCase, ArbitrationInfoRequest, CaseEvent, CaseEvidence, CaseLine

logger = logging.getLogger(__name__)

Status, Kind, Reason, Party = (
    AfterSalesCase.Status,
    AfterSalesCase.Kind,
    AfterSalesCase.Reason,
    AfterSalesCase.Party,
)
EventKind = CaseEvent.Kind

# Orders a request may be opened on (a completed one only within AFTERSALES_WINDOW_DAYS).
OPENABLE = (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED, Order.Status.COMPLETED)
PHOTOS_MAX = 6
EVIDENCE_MAX_PER_PARTY = 20
TEXT_MAX = 2000
AMOUNT_MAX = Decimal("1000000")
INFO_DEADLINE_MAX_DAYS = 30
# The violation kinds an upheld complaint records (merchants' ViolationKind codes, data staff edit).
VIOLATION_FOR_REASON = {Reason.COUNTERFEIT: "counterfeit", Reason.NOT_AS_DESCRIBED: "false-description"}

__all__ = [
    "case_open",
    "case_max_refund",
    "case_accept",
    "case_offer",
    "case_offer_accept",
    "case_refuse",
    "case_withdraw",
    "case_return_ship",
    "case_return_delivered",
    "case_return_received",
    "case_escalate",
    "case_evidence_add",
    "arbitration_info_request",
    "arbitration_decide",
    "cases_deadlines_check",
    "case_return_address",
    "case_customs_return",
    "case_lines_amounts",
    "can_arbitrate",
    "is_case_merchant",
]


# ------------------------------------------------------------------------------------- who acts


def can_arbitrate(user) -> bool:
    """Platform arbitrators: staff with `orders.arbitrate_case` (superusers have it)."""
    return bool(user and user.is_authenticated and user.is_staff and user.has_perm("orders.arbitrate_case"))


def is_case_merchant(user, case) -> bool:
    """One of the store's staff (a member of the case's merchant)."""
    if not (user and user.is_authenticated):
        return False
    merchant = user.merchant
    return merchant is not None and merchant.pk == case.merchant_id


def _require_buyer(user, case) -> None:
    if not (user and user.is_authenticated and user.pk == case.user_id):
        raise CaseNotAllowed()


def _require_merchant(user, case) -> None:
    if not is_case_merchant(user, case):
        raise CaseNotAllowed()


def _require_arbitrator(user) -> None:
    if not can_arbitrate(user):
        raise CaseNotAllowed()


def _party_of(user, case) -> str:
    """buyer / merchant / staff (an arbitrator), or `CaseNotAllowed`."""
    if user and user.is_authenticated and user.pk == case.user_id:
        return CaseEvidence.Party.BUYER
    if is_case_merchant(user, case):
        return CaseEvidence.Party.MERCHANT
    if can_arbitrate(user):
        return CaseEvidence.Party.STAFF
    raise CaseNotAllowed()


# ----------------------------------------------------------------------------------- input checks


def _text(value, *, what, required=True, limit=TEXT_MAX) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise TextRequired(what)
    if len(text) > limit:
        raise TextTooLong(what, limit)
    return text


def _amount(value) -> Decimal:
    """A CNY amount a person typed: above zero, at most two decimals, finite."""
    if isinstance(value, Money):
        if str(value.currency) != "CNY":
            raise InvalidCaseAmount()
        value = value.amount
    if isinstance(value, bool) or value is None:
        raise InvalidCaseAmount()
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise InvalidCaseAmount() from exc
    if not amount.is_finite() or amount <= 0 or amount > AMOUNT_MAX:
        raise InvalidCaseAmount()
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidCaseAmount()
    return amount.quantize(Decimal("0.01"))


def _int(value, reason) -> int:
    if isinstance(value, bool):
        raise InvalidCaseLines(reason)
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise InvalidCaseLines(reason) from exc
    if not 0 < number < 2**31:
        raise InvalidCaseLines(reason)
    return number


def _parse_lines(order, lines) -> list[tuple[OrderLine, int]]:
    """[(order line, quantity)] from [{"line_id", "quantity"}]: lines of this order, each once, at
    most the units bought and not yet refunded."""
    if not isinstance(lines, list | tuple) or not lines:
        raise InvalidCaseLines(_("choose at least one item"))
    order_lines = {line.pk: line for line in order.lines.all()}
    if len(lines) > len(order_lines):
        raise InvalidCaseLines(_("each item may be chosen once"))
    parsed, seen = [], set()
    for item in lines:
        if not isinstance(item, dict):
            raise InvalidCaseLines(_("choose at least one item"))
        line_id = _int(item.get("line_id"), _("this item is not part of the order"))
        quantity = _int(item.get("quantity"), _("the quantity must be a whole number from 1"))
        line = order_lines.get(line_id)
        if line is None:
            raise InvalidCaseLines(_("this item is not part of the order"))
        if line_id in seen:
            raise InvalidCaseLines(_("each item may be chosen once"))
        seen.add(line_id)
        left = line.quantity - line.refunded_quantity
        if quantity > left:
            raise InvalidCaseLines(
                _("“%(name)s”: at most %(left)s (bought %(bought)s, already refunded %(refunded)s)")
                % {
                    "name": line.product_name,
                    "left": left,
                    "bought": line.quantity,
                    "refunded": line.refunded_quantity,
                }
            )
        parsed.append((line, quantity))
    return parsed


def _check_photos(photos) -> list[tuple]:
    photos = [photo for photo in (photos or ()) if photo]
    if len(photos) > PHOTOS_MAX:
        raise TooManyPhotos(PHOTOS_MAX)
    return [(photo, *image_check(photo)) for photo in photos]


# ------------------------------------------------------------------------------------------ amounts


def case_lines_amounts(order, parsed) -> dict[str, Decimal]:
    """What was paid for these units (CNY, each rounded once, half up, to the fen): `goods` (their
    share of each line's goods), `shipping` (their goods' share of the order's shipping fee), `tax`
    (their share of each line's tax) and `total` (the three summed exactly, then rounded once)."""
    goods = sum((line.goods_cny.amount * qty / line.quantity for line, qty in parsed), Decimal("0"))
    tax = sum((line.tax_cny.amount * qty / line.quantity for line, qty in parsed), Decimal("0"))
    shipping = order.shipping_fee.amount * goods / order.goods_total.amount
    return {
        "goods": round_cny(goods),
        "shipping": round_cny(shipping),
        "tax": round_cny(tax),
        "total": round_cny(goods + shipping + tax),
    }


def _order_refundable(order) -> Decimal:
    from payments.services import order_refunded_total

    return max(Decimal("0"), order.total.amount - order_refunded_total(order))


def _max_refund(order, parsed) -> Decimal:
    return min(case_lines_amounts(order, parsed)["total"], _order_refundable(order))


def case_max_refund(*, order, lines: list[dict]):
    """The most a case on these lines and quantities may refund (CNY Decimal): their goods, their
    share of shipping and their tax (`case_lines_amounts`), never more than what was paid for the
    order less what was already given back (refunds, compensations)."""
    return _max_refund(order, _parse_lines(order, lines))


def _case_parsed(case) -> list[tuple[OrderLine, int]]:
    return [(cl.order_line, cl.quantity) for cl in case.lines.select_related("order_line")]


def _case_max(case, order) -> Decimal:
    return _max_refund(order, _case_parsed(case))


def _clearance_time(order):
    """When the goods cleared customs into China: the declaration's clearance, else (no declaration
    recorded cleared) when the parcel was shipped; None: never shipped."""
    from logistics.models import CustomsDeclaration

    declaration = CustomsDeclaration.objects.filter(order=order).first()
    if declaration is not None and declaration.status == CustomsDeclaration.Status.CLEARED:
        return declaration.resolved_at or declaration.checked_at or order.shipped_at
    return order.shipped_at


def case_customs_return(case, order) -> bool:
    """Whether the case's goods count as never imported: not received (refund only), or sent back
    through a return parcel within AFTERSALES_CUSTOMS_RETURN_DAYS of their customs clearance. Then the
    tax on them is refunded and their goods value is given back to the buyer's annual quota."""
    if case.kind == Kind.REFUND_ONLY:
        return case.reason == Reason.NOT_RECEIVED
    from logistics.models import Shipment

    parcel = case.shipments.filter(kind=Shipment.Kind.RETURN).first()
    if parcel is None:
        return False
    cleared = _clearance_time(order)
    if cleared is None:
        return True
    return parcel.created_at <= cleared + timedelta(days=settings.AFTERSALES_CUSTOMS_RETURN_DAYS)


# ------------------------------------------------------------------------------- records, notices


def _number() -> str:
    return f"AS{timezone.localtime():%y%m%d}{secrets.randbelow(10**10):010d}"


def _event(case, kind, *, from_status, actor=None, note="", amount=None) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        from_status=from_status,
        to_status=case.status,
        note=str(note or "")[:TEXT_MAX],
        amount=Money(amount, "CNY") if amount is not None else None,
        actor=actor if actor is not None and actor.pk else None,
    )


def _url(name, case) -> str:
    """The case's page for one side, when the pages are installed (else no link)."""
    try:
        return reverse(name, args=[case.number])
    except NoReverseMatch:
        return ""


# The case's page for each side (URL names taking the case number), linked from notifications; a
# name not installed gives no link. The pages' module sets the names it defines.
CASE_URL_NAMES = {
    "buyer": "orders:case_detail",
    "merchant": "seller:case_detail",
    "staff": "staff_cases:detail",
}


def buyer_url(case) -> str:
    return _url(CASE_URL_NAMES["buyer"], case)


def merchant_url(case) -> str:
    return _url(CASE_URL_NAMES["merchant"], case)


def arbitration_url(case) -> str:
    return _url(CASE_URL_NAMES["staff"], case)


def _store_users(case):
    from marketplace.models import User

    return list(User.objects.filter(merchant_membership__merchant_id=case.merchant_id, is_active=True))


def _params(case, **more) -> dict:
    return {"number": case.number, "order": case.order.number, **more}


def _tell_buyer(case, key, title, body="", *, kind=Notification.Kind.AFTERSALES, email=True, **params):
    notify(
        user=case.user,
        kind=kind,
        title=title,
        body=body,
        params=_params(case, **params),
        url=buyer_url(case),
        email=email,
        dedupe_key=f"case:{case.pk}:{key}",
    )


def _tell_store(case, key, title, body="", *, kind=Notification.Kind.AFTERSALES, email=True, **params):
    notify_many(
        users=_store_users(case),
        kind=kind,
        title=title,
        body=body,
        params=_params(case, **params),
        url=merchant_url(case),
        email=email,
        dedupe_key=f"case:{case.pk}:{key}",
    )


def _tell_party(case, party, key, title, body="", **kwargs):
    if party == Party.BUYER:
        _tell_buyer(case, key, title, body, **kwargs)
    else:
        _tell_store(case, key, title, body, **kwargs)


def _event_count(case) -> int:
    """A per-case sequence for notification keys (an event happens once per state change)."""
    return case.events.count()


# ----------------------------------------------------------------------------------------- locks


def _lock(case) -> tuple[Order, AfterSalesCase]:
    """The order's row lock, then the case's (the one order every writer takes them in)."""
    order_id = case.order_id if isinstance(case, AfterSalesCase) else None
    if order_id is None:
        raise CaseNotFound()
    order = Order.objects.select_for_update(of=("self",)).select_related("merchant").get(pk=order_id)
    locked = AfterSalesCase.objects.select_for_update().get(pk=case.pk)
    locked.order = order
    return order, locked


def _require_status(case, *statuses) -> None:
    if case.status not in statuses:
        raise CaseStateChanged(Status(case.status).label)


def _close_order_event(case, order, actor, note) -> None:
    from .. import services as order_services

    order_services.order_note(
        order, kind=OrderEvent.Kind.CASE_CLOSED, actor=actor, note=f"{case.number} {note}"
    )


def _after_commit_pay(case, actor=None) -> AfterSalesCase:
    """Pay the agreed refund of a case now `refunding` (called after its transaction committed, so
    the gateway is called with no lock held). A refusal leaves the case refunding with the attempt
    recorded; the deadline job tries again."""
    from payments.services.aftersales import case_refund_pay

    try:
        case_refund_pay(case=case, actor=actor)
    except DomainError as exc:
        logger.warning("after-sales refund of case %s not paid now: %s", case.number, exc)
    case.refresh_from_db()
    return case


# ------------------------------------------------------------------------------------------ open


def case_open(
    *,
    user,
    order_number: str,
    kind: str,
    reason: str,
    description: str,
    lines: list[dict],
    amount=None,
    photos=(),
):
    """The buyer asks: `lines` [{"line_id": OrderLine pk, "quantity": n}], `amount` CNY (None: the
    most the lines allow, `case_max_refund`), `photos` uploaded images (checked by
    `marketplace.uploads.image_check`). One open case per order (a second, even at the same moment,
    is refused). Returns the case."""
    if not (user and user.is_authenticated):
        raise CaseNotFound()
    if kind not in Kind.values:
        raise InvalidCaseChoice(_("choose a refund only, or a return and refund"))
    if reason not in Reason.values:
        raise InvalidCaseChoice(_("choose a reason from the list"))
    description = _text(description, what=_("what happened"))
    checked_photos = _check_photos(photos)
    requested = None if amount is None or amount == "" else _amount(amount)
    now = timezone.now()
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("merchant", "user")
            .filter(user=user, number=str(order_number or "")[:24])
            .first()
        )
        if order is None:
            raise CaseNotFound()
        _check_order_openable(order, now)
        existing = order.cases.filter(status__in=AfterSalesCase.OPEN_STATUSES).first()
        if existing is not None:
            raise CaseAlreadyOpen(existing.number)
        if reason == Reason.CHANGED_MIND:
            if not order.merchant.accepts_changed_mind:
                raise ChangedMindNotAccepted()
            if kind != Kind.RETURN:
                raise ChangedMindNeedsReturn()
        if kind == Kind.RETURN and reason == Reason.NOT_RECEIVED:
            raise InvalidCaseChoice(_("goods not received cannot be sent back: ask for a refund only"))
        if kind == Kind.RETURN and order.status == Order.Status.PAID:
            raise InvalidCaseChoice(_("the order has not been shipped yet: ask for a refund only"))
        parsed = _parse_lines(order, lines)
        maximum = _max_refund(order, parsed)
        if maximum <= 0:
            raise OrderNotEligible(_("everything paid for it has already been refunded"))
        if requested is None:
            requested = maximum
        elif requested > maximum:
            raise AmountAboveMaximum(format_money(Money(maximum, "CNY")))
        try:
            with transaction.atomic():
                case = AfterSalesCase.objects.create(
                    number=_number(),
                    order=order,
                    user=user,
                    merchant=order.merchant,
                    kind=kind,
                    reason=reason,
                    description=description,
                    amount_requested=Money(requested, "CNY"),
                    respond_by=now + timedelta(hours=settings.AFTERSALES_MERCHANT_RESPONSE_HOURS),
                )
        except IntegrityError as exc:
            existing = order.cases.filter(status__in=AfterSalesCase.OPEN_STATUSES).first()
            if existing is not None:  # the constraint behind the lock
                raise CaseAlreadyOpen(existing.number) from exc
            raise
        CaseLine.objects.bulk_create(
            CaseLine(case=case, order_line=line, quantity=quantity) for line, quantity in parsed
        )
        for photo, content_type, extension in checked_photos:
            evidence = CaseEvidence(
                case=case, party=CaseEvidence.Party.BUYER, uploaded_by=user, content_type=content_type
            )
            evidence.file.save(f"{uuid.uuid4().hex}{extension}", photo, save=False)
            evidence.save()
        _event(case, EventKind.OPENED, from_status="", actor=user, note=description, amount=requested)
        from .. import services as order_services

        order_services.order_note(order, kind=OrderEvent.Kind.CASE_OPENED, actor=user, note=case.number)
        _tell_store(
            case,
            "opened",
            gettext_lazy("New after-sales request %(number)s"),
            gettext_lazy(
                "The buyer of order %(order)s asks for %(what)s of %(amount)s. Please answer by "
                "%(deadline)s, or the request is accepted."
            ),
            what=Kind(kind).label,
            amount=format_money(case.amount_requested),
            deadline=timezone.localtime(case.respond_by).strftime("%Y-%m-%d %H:%M"),
        )
    return case


def _check_order_openable(order, now) -> None:
    if order.status not in OPENABLE:
        raise OrderNotEligible(Order.Status(order.status).label)
    if order.status == Order.Status.COMPLETED:
        closed = order.closed_at or now
        if closed + timedelta(days=settings.AFTERSALES_WINDOW_DAYS) < now:
            raise OrderNotEligible(
                _("requests are taken within %(days)s days of completion")
                % {"days": settings.AFTERSALES_WINDOW_DAYS}
            )


# --------------------------------------------------------------------------- the store answers


def _accept(case, order, *, actor, now, auto=False) -> None:
    """The request in full: a refund only goes to refunding; a return waits for the goods."""
    from_status = case.status
    case.amount_agreed = Money(min(case.amount_requested.amount, _case_max(case, order)), "CNY")
    case.respond_by = None
    if case.kind == Kind.RETURN:
        case.status = Status.AWAITING_RETURN
        case.buyer_respond_by = now + timedelta(days=settings.AFTERSALES_BUYER_RESPONSE_DAYS)
    else:
        case.status = Status.REFUNDING
        case.buyer_respond_by = None
    case.save()
    _event(
        case,
        EventKind.AUTO_ACCEPTED if auto else EventKind.ACCEPTED,
        from_status=from_status,
        actor=actor,
        amount=case.amount_agreed.amount,
    )
    if case.kind == Kind.RETURN:
        _tell_buyer(
            case,
            f"accepted:{_event_count(case)}",
            gettext_lazy("Request %(number)s accepted: please send the goods back"),
            gettext_lazy(
                "Send the goods back by %(deadline)s; the refund of %(amount)s is paid once they arrive."
            ),
            deadline=timezone.localtime(case.buyer_respond_by).strftime("%Y-%m-%d"),
            amount=format_money(case.amount_agreed),
        )
    else:
        _tell_buyer(
            case,
            f"accepted:{_event_count(case)}",
            gettext_lazy("Request %(number)s accepted"),
            gettext_lazy("A refund of %(amount)s is on its way to your card."),
            amount=format_money(case.amount_agreed),
        )
    if auto:
        _tell_store(
            case,
            f"auto_accepted:{_event_count(case)}",
            gettext_lazy("Request %(number)s accepted automatically"),
            gettext_lazy("The store did not answer in time, so the request was accepted."),
        )


def case_accept(*, case, actor):
    """The store accepts the request in full (first answer, or later: after an offer, a refusal or
    in arbitration, giving in). A decision and an acceptance at the same moment settle once: the
    second finds the case no longer open to it."""
    _require_merchant(actor, case)
    with transaction.atomic():
        order, case = _lock(case)
        _require_status(case, Status.REQUESTED, Status.OFFERED, Status.REFUSED, Status.ARBITRATION)
        _accept(case, order, actor=actor, now=timezone.now())
    if case.status == Status.REFUNDING:
        return _after_commit_pay(case, actor)
    return case


def case_offer(*, case, actor, amount, note: str = ""):
    """The store offers a partial refund (the buyer keeps the goods) instead of what was asked."""
    _require_merchant(actor, case)
    offered = _amount(amount)
    note = _text(note, what=_("a note"), required=False)
    with transaction.atomic():
        order, case = _lock(case)
        _require_status(case, Status.REQUESTED)
        if offered >= case.amount_requested.amount:
            raise OfferNotLower(format_money(case.amount_requested))
        maximum = _case_max(case, order)
        if offered > maximum:
            raise AmountAboveMaximum(format_money(Money(maximum, "CNY")))
        from_status = case.status
        case.status = Status.OFFERED
        case.amount_offered = Money(offered, "CNY")
        case.respond_by = None
        case.buyer_respond_by = timezone.now() + timedelta(days=settings.AFTERSALES_BUYER_RESPONSE_DAYS)
        case.save()
        _event(case, EventKind.OFFERED, from_status=from_status, actor=actor, note=note, amount=offered)
        _tell_buyer(
            case,
            f"offered:{_event_count(case)}",
            gettext_lazy("The store offers a partial refund on %(number)s"),
            gettext_lazy(
                "The store offers %(amount)s. Accept it, or escalate to platform arbitration, by "
                "%(deadline)s; otherwise the request closes."
            ),
            amount=format_money(case.amount_offered),
            deadline=timezone.localtime(case.buyer_respond_by).strftime("%Y-%m-%d"),
        )
    return case


def case_offer_accept(*, case, actor):
    """The buyer takes the store's partial offer: the refund is paid, the goods stay with the buyer."""
    _require_buyer(actor, case)
    with transaction.atomic():
        order, case = _lock(case)
        _require_status(case, Status.OFFERED)
        from_status = case.status
        case.amount_agreed = Money(min(case.amount_offered.amount, _case_max(case, order)), "CNY")
        case.status = Status.REFUNDING
        case.buyer_respond_by = None
        case.save()
        _event(
            case,
            EventKind.OFFER_ACCEPTED,
            from_status=from_status,
            actor=actor,
            amount=case.amount_agreed.amount,
        )
        _tell_store(
            case,
            f"offer_accepted:{_event_count(case)}",
            gettext_lazy("The buyer accepted your offer on %(number)s"),
            gettext_lazy("A refund of %(amount)s is paid to the buyer."),
            amount=format_money(case.amount_agreed),
        )
    return _after_commit_pay(case, actor)


def case_refuse(*, case, actor, reason: str):
    """The store refuses, with a reason the buyer reads; the buyer may escalate."""
    _require_merchant(actor, case)
    reason = _text(reason, what=_("the reason for refusing"))
    with transaction.atomic():
        order, case = _lock(case)
        _require_status(case, Status.REQUESTED, Status.OFFERED)
        from_status = case.status
        case.status = Status.REFUSED
        case.refusal_reason = reason
        case.respond_by = None
        case.buyer_respond_by = timezone.now() + timedelta(days=settings.AFTERSALES_BUYER_RESPONSE_DAYS)
        case.save()
        _event(case, EventKind.REFUSED, from_status=from_status, actor=actor, note=reason)
        _tell_buyer(
            case,
            f"refused:{_event_count(case)}",
            gettext_lazy("The store refused request %(number)s"),
            gettext_lazy(
                "The store's reason: %(reason)s\n\nYou may escalate to platform arbitration by "
                "%(deadline)s; otherwise the request closes."
            ),
            reason=reason,
            deadline=timezone.localtime(case.buyer_respond_by).strftime("%Y-%m-%d"),
        )
    return case


def case_withdraw(*, case, actor):
    """The buyer withdraws the request (any time before the refund is being paid)."""
    _require_buyer(actor, case)
    with transaction.atomic():
        order, case = _lock(case)
        _require_status(case, *[s for s in AfterSalesCase.OPEN_STATUSES if s != Status.REFUNDING])
        from_status = case.status
        _close(case, now=timezone.now())
        _event(case, EventKind.WITHDRAWN, from_status=from_status, actor=actor)
        _close_order_event(case, order, actor, _("withdrawn by the buyer"))
        _tell_store(
            case,
            f"withdrawn:{_event_count(case)}",
            gettext_lazy("Request %(number)s withdrawn"),
            gettext_lazy("The buyer withdrew the after-sales request on order %(order)s."),
        )
    return case


def _close(case, *, now) -> None:
    case.status = Status.CLOSED
    case.closed_at = now
    case.respond_by = case.buyer_respond_by = case.return_check_by = None
    case.save()


# --------------------------------------------------------------------------------------- returns


def case_return_address(merchant) -> dict[str, str]:
    """Where returned goods go: the store's return address in mainland China; a store that left it
    blank gets them at its registered address, to its contact."""
    return {
        "recipient": merchant.return_recipient or merchant.contact_name or merchant.legal_name,
        "phone": merchant.return_phone or merchant.contact_phone,
        "address": merchant.return_address or merchant.address,
    }


def case_return_ship(*, case, actor, provider_code: str, weight_grams: int):
    """The buyer sends the goods back: a return `logistics.Shipment` (kind return, `case`) to the
    store's return address, tracked like any parcel. Returns the shipment."""
    from logistics.services.returns import return_shipment_create

    _require_buyer(actor, case)
    with transaction.atomic():
        order, case = _lock(case)
        _require_status(case, Status.AWAITING_RETURN)
        destination = case_return_address(order.merchant)
        if not destination["address"]:
            raise ReturnAddressMissing()
        shipment = return_shipment_create(
            case=case,
            actor=actor,
            provider_code=str(provider_code or ""),
            weight_grams=weight_grams,
            recipient=destination["recipient"],
        )
        from_status = case.status
        case.status = Status.RETURNING
        case.buyer_respond_by = None
        case.save()
        _event(
            case,
            EventKind.RETURN_SHIPPED,
            from_status=from_status,
            actor=actor,
            note=_("%(provider)s, waybill %(waybill)s, to %(recipient)s %(phone)s, %(address)s")
            % {
                "provider": shipment.provider.name,
                "waybill": shipment.waybill_number,
                **destination,
            },
        )
        _tell_store(
            case,
            f"return_shipped:{_event_count(case)}",
            gettext_lazy("Goods of %(number)s are on their way back"),
            gettext_lazy("%(provider)s waybill %(waybill)s. Please check the goods when they arrive."),
            provider=shipment.provider.name,
            waybill=shipment.waybill_number,
        )
    return shipment


def case_return_delivered(*, shipment) -> AfterSalesCase | None:
    """The carrier delivered a return parcel (called by the tracking service, parcel locked, or by
    the deadline job): the store's check period starts (AFTERSALES_RETURN_CHECK_DAYS)."""
    if shipment.case_id is None or shipment.delivered_at is None:
        return None
    with transaction.atomic():
        order, case = _lock(AfterSalesCase.objects.get(pk=shipment.case_id))
        if case.status != Status.RETURNING or case.return_check_by is not None:
            return case
        case.return_check_by = shipment.delivered_at + timedelta(days=settings.AFTERSALES_RETURN_CHECK_DAYS)
        case.save(update_fields=["return_check_by", "updated_at"])
        _event(case, EventKind.RETURN_DELIVERED, from_status=case.status)
        _tell_store(
            case,
            "return_delivered",
            gettext_lazy("Returned goods of %(number)s delivered"),
            gettext_lazy(
                "Please confirm you received them by %(deadline)s; after that they are accepted and the "
                "refund is paid."
            ),
            deadline=timezone.localtime(case.return_check_by).strftime("%Y-%m-%d"),
        )
    return case


def _received(case, order, *, actor, auto) -> None:
    from_status = case.status
    case.status = Status.REFUNDING
    case.return_check_by = None
    case.save()
    _event(
        case,
        EventKind.RETURN_AUTO_RECEIVED if auto else EventKind.RETURN_RECEIVED,
        from_status=from_status,
        actor=actor,
        amount=case.amount_agreed.amount if case.amount_agreed else None,
    )
    _tell_buyer(
        case,
        f"received:{_event_count(case)}",
        gettext_lazy("Your returned goods arrived (%(number)s)"),
        gettext_lazy("The refund of %(amount)s is on its way to your card."),
        amount=format_money(case.amount_agreed),
    )


def case_return_received(*, case, actor):
    """The store confirms the returned goods arrived: the refund is paid."""
    _require_merchant(actor, case)
    with transaction.atomic():
        order, case = _lock(case)
        _require_status(case, Status.RETURNING)
        _received(case, order, actor=actor, auto=False)
    return _after_commit_pay(case, actor)


# ------------------------------------------------------------------------------------- arbitration


def case_escalate(*, case, actor, note: str = ""):
    """Either side takes a refused request, or an offer not agreed, to platform arbitration; the
    store may also dispute returned goods once they were delivered to it."""
    party = _party_of(actor, case)
    if party == CaseEvidence.Party.STAFF:
        raise CaseNotAllowed()
    note = _text(note, what=_("a note"), required=False)
    with transaction.atomic():
        order, case = _lock(case)
        allowed = case.status in (Status.REFUSED, Status.OFFERED) or (
            case.status == Status.RETURNING
            and party == CaseEvidence.Party.MERCHANT
            and case.return_check_by is not None
        )
        if not allowed:
            if case.is_open:
                raise EscalationNotAllowed()
            raise CaseStateChanged(Status(case.status).label)
        from_status = case.status
        case.status = Status.ARBITRATION
        case.escalated_at = timezone.now()
        case.escalated_by = party
        case.respond_by = case.buyer_respond_by = case.return_check_by = None
        case.save()
        if note:
            CaseEvidence.objects.create(case=case, party=party, uploaded_by=actor, note=note)
        _event(case, EventKind.ESCALATED, from_status=from_status, actor=actor, note=note)
        other = Party.MERCHANT if party == CaseEvidence.Party.BUYER else Party.BUYER
        _tell_party(
            case,
            other,
            "escalated",
            gettext_lazy("Request %(number)s is in platform arbitration"),
            gettext_lazy("An arbitrator will look at the case. Add your evidence on the case page."),
            kind=Notification.Kind.ARBITRATION,
        )
        _tell_party(
            case,
            party,
            "escalated",
            gettext_lazy("Request %(number)s is in platform arbitration"),
            gettext_lazy("An arbitrator will look at the case. Add your evidence on the case page."),
            kind=Notification.Kind.ARBITRATION,
            email=False,
        )
    return case


def case_evidence_add(*, case, actor, file=None, note: str = ""):
    """A photo (checked by content) and/or a written statement from the buyer, the store or an
    arbitrator, while the case is open. It answers the side's open requests for more."""
    party = _party_of(actor, case)
    note = _text(note, what=_("a statement"), required=False)
    checked = _check_photos([file]) if file else []
    if not checked and not note:
        raise TextRequired(_("a statement or attach a photo"))
    with transaction.atomic():
        order, case = _lock(case)
        if not case.is_open:
            raise CaseStateChanged(Status(case.status).label)
        if case.evidence.filter(party=party).count() >= EVIDENCE_MAX_PER_PARTY:
            raise TooManyPhotos(EVIDENCE_MAX_PER_PARTY)
        evidence = CaseEvidence(case=case, party=party, uploaded_by=actor, note=note)
        for photo, content_type, extension in checked:
            evidence.content_type = content_type
            evidence.file.save(f"{uuid.uuid4().hex}{extension}", photo, save=False)
        evidence.save()
        now = timezone.now()
        if party != CaseEvidence.Party.STAFF:
            case.info_requests.filter(party=party, answered_at__isnull=True).update(answered_at=now)
        _event(case, EventKind.EVIDENCE_ADDED, from_status=case.status, actor=actor, note=note)
        if party == CaseEvidence.Party.BUYER:
            _tell_store(
                case,
                f"evidence:{evidence.pk}",
                gettext_lazy("New evidence on %(number)s"),
                gettext_lazy("The buyer added evidence to the request."),
                email=False,
            )
        elif party == CaseEvidence.Party.MERCHANT:
            _tell_buyer(
                case,
                f"evidence:{evidence.pk}",
                gettext_lazy("New evidence on %(number)s"),
                gettext_lazy("The store added evidence to the request."),
                email=False,
            )
    return evidence


def arbitration_info_request(*, case, actor, party: str, message: str, due_at=None):
    """The arbitrator asks one side for more, by `due_at` (default ARBITRATION_INFO_DAYS)."""
    _require_arbitrator(actor)
    if party not in Party.values:
        raise InvalidCaseChoice(_("ask the buyer or the store"))
    message = _text(message, what=_("what you need"))
    now = timezone.now()
    if due_at is None:
        due_at = now + timedelta(days=settings.ARBITRATION_INFO_DAYS)
    if timezone.is_naive(due_at) or due_at <= now or due_at > now + timedelta(days=INFO_DEADLINE_MAX_DAYS):
        raise InvalidDeadline()
    with transaction.atomic():
        order, case = _lock(case)
        _require_status(case, Status.ARBITRATION)
        if case.arbitrator_id is None:
            case.arbitrator = actor
            case.save(update_fields=["arbitrator", "updated_at"])
        info = ArbitrationInfoRequest.objects.create(
            case=case, party=party, message=message, due_at=due_at, requested_by=actor
        )
        _event(case, EventKind.INFO_REQUESTED, from_status=case.status, actor=actor, note=message)
        _tell_party(
            case,
            party,
            f"info:{info.pk}",
            gettext_lazy("The arbitrator asks for more on %(number)s"),
            gettext_lazy("%(message)s\n\nPlease answer on the case page by %(deadline)s."),
            kind=Notification.Kind.ARBITRATION,
            message=message,
            deadline=timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M"),
        )
    return info


def arbitration_decide(*, case, actor, outcome: str, reason: str, amount=None):
    """Full refund, partial refund (`amount`) or reject, with a written reason both sides see.
    Upholding a counterfeit or not-as-described complaint records a violation through
    `merchants.services.violation_record`."""
    _require_arbitrator(actor)
    Outcome = AfterSalesCase.Outcome
    if outcome not in Outcome.values:
        raise InvalidCaseChoice(_("decide a full refund, a partial refund or a rejection"))
    reason = _text(reason, what=_("the reason for the decision"))
    partial = _amount(amount) if outcome == Outcome.PARTIAL else None
    now = timezone.now()
    with transaction.atomic():
        order, case = _lock(case)
        _require_status(case, Status.ARBITRATION)
        from_status = case.status
        maximum = _case_max(case, order)
        if outcome == Outcome.PARTIAL:
            if partial >= case.amount_requested.amount:
                raise OfferNotLower(format_money(case.amount_requested))
            if partial > maximum:
                raise AmountAboveMaximum(format_money(Money(maximum, "CNY")))
        case.outcome = outcome
        case.decision_reason = reason
        case.decided_at = now
        case.arbitrator = actor
        if outcome == Outcome.REJECTED:
            _close(case, now=now)
        else:
            agreed = partial if partial is not None else min(case.amount_requested.amount, maximum)
            case.amount_agreed = Money(agreed, "CNY")
            case.status = Status.REFUNDING
            case.save()
        _event(
            case,
            EventKind.DECIDED,
            from_status=from_status,
            actor=actor,
            note=f"{Outcome(outcome).label}: {reason}",
            amount=case.amount_agreed.amount if case.amount_agreed and outcome != Outcome.REJECTED else None,
        )
        if outcome == Outcome.REJECTED:
            _close_order_event(case, order, actor, _("rejected in arbitration"))
        else:
            _record_violation(case, actor, reason)
        for party in (Party.BUYER, Party.MERCHANT):
            _tell_party(
                case,
                party,
                "decided",
                gettext_lazy("Arbitration decided on %(number)s: %(outcome)s"),
                gettext_lazy("%(outcome)s. The arbitrator's reason: %(reason)s"),
                kind=Notification.Kind.ARBITRATION,
                outcome=Outcome(outcome).label,
                reason=reason,
            )
    if case.status == Status.REFUNDING:
        return _after_commit_pay(case, actor)
    return case


def _record_violation(case, actor, reason) -> None:
    from merchants.models import ViolationKind
    from merchants.services import violation_record

    code = VIOLATION_FOR_REASON.get(case.reason)
    if code is None:
        return
    kind = ViolationKind.objects.filter(code=code, is_active=True).first()
    if kind is None:
        logger.warning("violation kind %s missing: case %s upheld without a violation", code, case.number)
        return
    violation_record(
        merchant=case.merchant,
        kind=kind,
        note=_("After-sales case %(number)s upheld in arbitration: %(reason)s")
        % {"number": case.number, "reason": reason},
        recorded_by=actor,
    )


# --------------------------------------------------------------------------------- refund records


def case_refund_recorded(*, case, order, refund, tax_part: Decimal, quota_restored: bool, actor=None) -> None:
    """Called by `payments.services.aftersales.case_refund_pay` under the order's and the case's
    locks once the gateway refunded: the units are refunded, the goods value goes back to the quota
    when it does, the case is refunded and closed, the order refunded when nothing paid is left."""
    from payments.services import order_refunded_total

    from .. import services as order_services

    now = timezone.now()
    parsed = _case_parsed(case)
    for line, quantity in parsed:
        OrderLine.objects.filter(pk=line.pk).update(refunded_quantity=line.refunded_quantity + quantity)
    if quota_restored:
        goods = case_lines_amounts(order, parsed)["goods"]
        order.goods_returned = Money(
            min(order.goods_total.amount, order.goods_returned.amount + goods), "CNY"
        )
        order.save(update_fields=["goods_returned"])
    from_status = case.status
    case.status = Status.REFUNDED
    case.amount_agreed = refund.amount
    case.tax_refunded = Money(tax_part, "CNY")
    case.quota_restored = quota_restored
    case.closed_at = now
    case.respond_by = case.buyer_respond_by = case.return_check_by = None
    case.save()
    _event(case, EventKind.REFUND_PAID, from_status=from_status, actor=actor, amount=refund.amount.amount)
    note = f"{case.number} {format_money(refund.amount)}"
    if order_refunded_total(order) >= order.total.amount and order.status != Order.Status.REFUNDED:
        order_services.order_transition(
            order, Order.Status.REFUNDED, kind=OrderEvent.Kind.CASE_REFUNDED, actor=actor, note=note
        )
    else:
        order_services.order_note(order, kind=OrderEvent.Kind.CASE_REFUNDED, actor=actor, note=note)
    _tell_buyer(
        case,
        "refunded",
        gettext_lazy("Refund of %(amount)s paid (%(number)s)"),
        gettext_lazy("The money is on its way back to your card."),
        amount=format_money(refund.amount),
    )
    _tell_store(
        case,
        "refunded",
        gettext_lazy("Refund of %(amount)s paid on %(number)s"),
        gettext_lazy("The after-sales request on order %(order)s is closed."),
        amount=format_money(refund.amount),
        email=False,
    )


def case_close_nothing_left(*, case, order, actor=None) -> None:
    """The case was agreed but the order had nothing left to give back (refunded in full another way
    meanwhile): it closes without a refund (order and case locked by the caller)."""
    from_status = case.status
    _close(case, now=timezone.now())
    _event(case, EventKind.CLOSED, from_status=from_status, actor=actor, note=_("Nothing left to refund."))
    _close_order_event(case, order, actor, _("nothing left to refund"))


def case_refund_failed(*, case, note: str, actor=None) -> None:
    """The gateway refused an attempt (case and order locked): recorded; the job tries again."""
    _event(case, EventKind.REFUND_FAILED, from_status=case.status, actor=actor, note=note)


# ------------------------------------------------------------------------------------- deadlines


def _due(queryset, field, now):
    return list(queryset.filter(**{f"{field}__lte": now}).order_by(field, "pk").values_list("pk", flat=True))


def _auto_accept(pk, now) -> bool:
    with transaction.atomic():
        order, case = _lock(AfterSalesCase.objects.get(pk=pk))
        if case.status != Status.REQUESTED or case.respond_by is None or case.respond_by > now:
            return False
        _accept(case, order, actor=None, now=now, auto=True)
    if case.status == Status.REFUNDING:
        _after_commit_pay(case)
    return True


def _expire(pk, now) -> bool:
    with transaction.atomic():
        order, case = _lock(AfterSalesCase.objects.get(pk=pk))
        waiting = (Status.OFFERED, Status.REFUSED, Status.AWAITING_RETURN)
        if case.status not in waiting or case.buyer_respond_by is None or case.buyer_respond_by > now:
            return False
        from_status = case.status
        _close(case, now=now)
        _event(case, EventKind.EXPIRED, from_status=from_status)
        _close_order_event(case, order, None, _("no answer from the buyer in time"))
        _tell_buyer(
            case,
            "expired",
            gettext_lazy("Request %(number)s closed"),
            gettext_lazy("It closed because there was no answer in time."),
        )
        _tell_store(
            case,
            "expired",
            gettext_lazy("Request %(number)s closed"),
            gettext_lazy("It closed because the buyer did not answer in time."),
            email=False,
        )
    return True


def _lapse_info_request(pk, now) -> bool:
    """An arbitrator's request for more passed its deadline unanswered: note it on the timeline, tell
    the side that the arbitrator may now decide on what is on file, and tell the arbitrator."""
    info = ArbitrationInfoRequest.objects.select_related("case").get(pk=pk)
    with transaction.atomic():
        order, case = _lock(info.case)
        info = ArbitrationInfoRequest.objects.select_for_update().get(pk=pk)
        if info.answered_at or info.lapsed_at or info.due_at > now or case.status != Status.ARBITRATION:
            return False
        info.lapsed_at = now
        info.save(update_fields=["lapsed_at"])
        _event(case, EventKind.INFO_LAPSED, from_status=case.status, note=info.message)
        _tell_party(
            case,
            info.party,
            f"info-lapsed:{info.pk}",
            gettext_lazy("The deadline to answer the arbitrator on %(number)s passed"),
            gettext_lazy(
                "The arbitrator may now decide on the evidence on file. You can still add evidence on the "
                "case page until the decision."
            ),
            kind=Notification.Kind.ARBITRATION,
        )
        arbitrator = info.requested_by or case.arbitrator
        if arbitrator is not None and arbitrator.is_active:
            notify(
                user=arbitrator,
                kind=Notification.Kind.ARBITRATION,
                title=gettext_lazy("No answer in time on %(number)s"),
                body=(
                    gettext_lazy("The buyer did not answer your request for more by the deadline.")
                    if info.party == Party.BUYER
                    else gettext_lazy("The store did not answer your request for more by the deadline.")
                ),
                params=_params(case),
                url=arbitration_url(case),
                email=False,
                dedupe_key=f"case:{case.pk}:info-lapsed:{info.pk}:arbitrator",
            )
    return True


def _auto_receive(pk, now) -> bool:
    with transaction.atomic():
        order, case = _lock(AfterSalesCase.objects.get(pk=pk))
        if case.status != Status.RETURNING or case.return_check_by is None or case.return_check_by > now:
            return False
        _received(case, order, actor=None, auto=True)
    _after_commit_pay(case)
    return True


def cases_deadlines_check(*, now=None) -> dict:
    """The scheduled job (every 10 minutes): apply every deadline that passed (see the states), note
    return parcels delivered, and pay again the refunds a gateway refused. Each case is its own
    transaction (re-checked under its locks), so one refusal never stops the others. Returns the
    counts per action."""
    from logistics.models import Shipment

    now = now or timezone.now()
    counts = {
        "accepted": 0,
        "expired": 0,
        "return_delivered": 0,
        "received": 0,
        "refunds_retried": 0,
        "info_lapsed": 0,
    }
    cases = AfterSalesCase.objects

    def run(action, key, pk):
        try:
            counts[key] += bool(action(pk, now))
        except DomainError as exc:
            logger.warning("after-sales deadline on case %s not applied: %s", pk, exc)

    for pk in _due(cases.filter(status=Status.REQUESTED), "respond_by", now):
        run(_auto_accept, "accepted", pk)
    waiting = cases.filter(status__in=(Status.OFFERED, Status.REFUSED, Status.AWAITING_RETURN))
    for pk in _due(waiting, "buyer_respond_by", now):
        run(_expire, "expired", pk)
    parcels = Shipment.objects.filter(
        kind=Shipment.Kind.RETURN,
        delivered_at__isnull=False,
        case__status=Status.RETURNING,
        case__return_check_by__isnull=True,
    )
    for parcel in parcels:
        try:
            counts["return_delivered"] += case_return_delivered(shipment=parcel) is not None
        except DomainError as exc:
            logger.warning("return parcel %s: %s", parcel.pk, exc)
    for pk in _due(cases.filter(status=Status.RETURNING), "return_check_by", now):
        run(_auto_receive, "received", pk)
    overdue = ArbitrationInfoRequest.objects.filter(
        answered_at__isnull=True, lapsed_at__isnull=True, case__status=Status.ARBITRATION
    )
    for pk in _due(overdue, "due_at", now):
        run(_lapse_info_request, "info_lapsed", pk)
    stale = now - timedelta(minutes=5)  # a refund being paid right now is left to its own request
    for pk in cases.filter(status=Status.REFUNDING, updated_at__lte=stale).values_list("pk", flat=True):
        run(
            lambda pk, now: _after_commit_pay(AfterSalesCase.objects.get(pk=pk)).status == Status.REFUNDED,
            "refunds_retried",
            pk,
        )
    return counts
