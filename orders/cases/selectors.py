"""Reads of after-sales cases for the pages and the API. Each side reads only its own: the buyer the
cases of their orders, a store its cases, arbitrators (permission `orders.arbitrate_case`) the cases
in arbitration and any case they open. Lists run a fixed number of queries however many rows."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from ..models import AfterSalesCase, ArbitrationInfoRequest, CaseEvent, CaseEvidence, CaseLine, Order

ARBITRATE_PERMISSION = "orders.arbitrate_case"


def is_arbitrator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff and user.has_perm(ARBITRATE_PERMISSION))


def _list_base() -> QuerySet[AfterSalesCase]:
    return AfterSalesCase.objects.select_related("order", "merchant", "user").annotate(
        line_count=Count("lines", distinct=True)
    )


def cases_for_buyer(user) -> QuerySet[AfterSalesCase]:
    """The buyer's cases, newest first."""
    return _list_base().filter(user=user).order_by("-created_at", "-id")


def cases_for_merchant(merchant, *, state: str = "open") -> QuerySet[AfterSalesCase]:
    """The store's cases: open ones first by the store's answer deadline (the most urgent on top),
    then the rest newest first. `state`: open, closed or all."""
    cases = _list_base().filter(merchant=merchant)
    if state == "open":
        cases = cases.filter(status__in=AfterSalesCase.OPEN_STATUSES)
    elif state == "closed":
        cases = cases.exclude(status__in=AfterSalesCase.OPEN_STATUSES)
    return cases.annotate(
        closed_rank=Case(
            When(status__in=AfterSalesCase.OPEN_STATUSES, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("closed_rank", F("respond_by").asc(nulls_last=True), "-created_at", "-id")


def arbitration_queue() -> QuerySet[AfterSalesCase]:
    """Cases waiting for an arbitrator, the one escalated longest ago first; with the number of
    requests for more still within their deadline and of those that lapsed unanswered."""
    return (
        AfterSalesCase.objects.filter(status=AfterSalesCase.Status.ARBITRATION)
        .select_related("order", "merchant", "user")
        .annotate(
            open_info_requests=Count(
                "info_requests",
                filter=Q(info_requests__answered_at__isnull=True, info_requests__lapsed_at__isnull=True),
            ),
            lapsed_info_requests=Count(
                "info_requests",
                filter=Q(info_requests__answered_at__isnull=True, info_requests__lapsed_at__isnull=False),
            ),
        )
        .order_by(F("escalated_at").asc(nulls_last=True), "created_at", "id")
    )


def _detail_prefetches():
    return (
        Prefetch("lines", queryset=CaseLine.objects.select_related("order_line").order_by("id")),
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor").order_by("created_at", "id")),
        Prefetch("evidence", queryset=CaseEvidence.objects.order_by("created_at", "id")),
        Prefetch("info_requests", queryset=ArbitrationInfoRequest.objects.order_by("created_at", "id")),
    )


def _detail(queryset, number) -> AfterSalesCase | None:
    return (
        queryset.filter(number=str(number)[:24])
        .select_related("order", "order__payment", "merchant", "user", "arbitrator")
        .prefetch_related(*_detail_prefetches())
        .first()
    )


def case_for_buyer(user, number) -> AfterSalesCase | None:
    if not user.is_authenticated:
        return None
    return _detail(AfterSalesCase.objects.filter(user=user), number)


def case_for_merchant(merchant, number) -> AfterSalesCase | None:
    return _detail(AfterSalesCase.objects.filter(merchant=merchant), number)


def case_for_arbitrator(number) -> AfterSalesCase | None:
    return _detail(AfterSalesCase.objects.all(), number)


def evidence_for_user(user, number, pk) -> CaseEvidence | None:
    """A piece of evidence with a file, for the buyer of its case, the store's staff or an arbitrator;
    None for anyone else (the view answers 404)."""
    if not user.is_authenticated:
        return None
    evidence = (
        CaseEvidence.objects.filter(pk=pk, case__number=str(number)[:24])
        .exclude(file="")
        .select_related("case")
        .first()
    )
    if evidence is None:
        return None
    case = evidence.case
    if case.user_id == user.pk or is_arbitrator(user):
        return evidence
    merchant = getattr(user, "merchant", None)
    if merchant is not None and merchant.pk == case.merchant_id:
        return evidence
    return None


def open_case_for_order(order) -> AfterSalesCase | None:
    return AfterSalesCase.objects.filter(order=order, status__in=AfterSalesCase.OPEN_STATUSES).first()


def order_case_allowed(order) -> bool:
    """Whether the order page offers "Request after-sales": a paid (refund only), shipped or
    delivered order, or one completed within the after-sales window, with something left to refund
    and no open case. The service has the last word."""
    if order.status == Order.Status.COMPLETED:
        finished = order.closed_at or timezone.now()
        if finished + timedelta(days=settings.AFTERSALES_WINDOW_DAYS) < timezone.now():
            return False
    elif order.status not in (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED):
        return False
    if all(line.refunded_quantity >= line.quantity for line in order.lines.all()):
        return False
    return open_case_for_order(order) is None


def return_shipment(case):
    """The case's return parcel with its carrier and events (newest first), or None."""
    from logistics.models import Shipment, ShipmentEvent

    return (
        Shipment.objects.filter(case=case, kind=Shipment.Kind.RETURN)
        .select_related("provider")
        .prefetch_related(Prefetch("events", queryset=ShipmentEvent.objects.order_by("-occurred_at", "-id")))
        .first()
    )


def outbound_shipment(order):
    from logistics.tracking.selectors import shipment_for_order

    return shipment_for_order(order)


def order_conversation_messages(case, limit: int = 200):
    """The messages between the shopper and the store about this order (or, without such a thread,
    their general ones), oldest first: what the arbitrator reads."""
    from ..models import Conversation, Message

    conversations = Conversation.objects.filter(merchant_id=case.merchant_id, shopper_id=case.user_id)
    about_order = conversations.filter(order_id=case.order_id)
    chosen = about_order if about_order.exists() else conversations
    return list(
        Message.objects.filter(conversation__in=chosen)
        .select_related("sender")
        .order_by("created_at", "id")[:limit]
    )


def return_providers():
    from logistics.models import LogisticsProvider

    return LogisticsProvider.objects.filter(is_enabled=True).order_by("code")


def open_info_request(case, party: str):
    """The oldest unanswered request for more addressed to `party` (from the prefetched rows)."""
    for request in case.info_requests.all():
        if request.party == party and request.answered_at is None:
            return request
    return None
