"""Hostile and mistaken input to the case services: each refused with a clear message and nothing
written (runs on SQLite and PostgreSQL)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from logistics.models import Shipment
from marketplace.errors import DomainError
from marketplace.notifications.models import Notification
from marketplace.uploads import InvalidImage
from orders.cases import errors
from orders.cases import services as cases
from orders.models import AfterSalesCase, CaseEvent, CaseEvidence, CaseLine, Order, OrderEvent
from payments.models import LedgerTransaction, Refund
from tests.factories import MerchantFactory, StaffFactory, UserFactory, completed_order, delivered_order

from .helpers import all_lines, arbitrator, open_case, store_member

pytestmark = pytest.mark.django_db

Kind, Reason = AfterSalesCase.Kind, AfterSalesCase.Reason
MODELS = (
    AfterSalesCase,
    CaseLine,
    CaseEvidence,
    CaseEvent,
    OrderEvent,
    Notification,
    Refund,
    LedgerTransaction,
)


def snapshot():
    return {model.__name__: model.objects.count() for model in MODELS} | {
        "returns": Shipment.objects.filter(kind="return").count()
    }


@pytest.fixture
def order(rates):
    merchant = MerchantFactory(
        settlement_currency="USD", accepts_changed_mind=False, return_address="上海市 1 号仓"
    )
    return delivered_order(merchant=merchant, prices=("100.00",), quantity=2)


def refused(call, error=DomainError):
    before = snapshot()
    with pytest.raises(error) as caught:
        call()
    assert str(caught.value)  # a message a person reads
    assert snapshot() == before, "nothing written"
    return caught.value


def png():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def test_someone_elses_order_is_not_found(order):
    other = UserFactory()
    refused(lambda: open_case(order, user=other), errors.CaseNotFound)
    refused(lambda: open_case(order, user=store_member(order.merchant)), errors.CaseNotFound)


@pytest.mark.parametrize("amount", ["99999.00", "abc", "NaN", "Infinity", "-5", "0", "0.001", "1e400", True])
def test_amounts_above_the_maximum_or_not_money_are_refused(order, amount):
    error = refused(lambda: open_case(order, amount=amount))
    assert isinstance(error, errors.AmountAboveMaximum | errors.InvalidCaseAmount)


def test_the_maximum_is_what_was_paid_for_the_lines(order):
    line = order.lines.get()
    maximum = cases.case_max_refund(order=order, lines=all_lines(order))
    assert maximum == order.total.amount
    with translation.override("en"):  # the message is matched in English
        error = refused(lambda: open_case(order, amount=str(maximum + 1)), errors.AmountAboveMaximum)
        assert "at most" in str(error)
    one = cases.case_max_refund(order=order, lines=[{"line_id": line.pk, "quantity": 1}])
    refused(lambda: open_case(order, lines=[{"line_id": line.pk, "quantity": 1}], amount=str(one + 1)))


@pytest.mark.parametrize(
    "lines",
    [
        [],
        "all",
        [{"line_id": "x", "quantity": 1}],
        [{"quantity": 1}],
        [{"line_id": None, "quantity": 1}],
        ["not a dict"],
        [{"line_id": 10**12, "quantity": 1}],
    ],
)
def test_lines_that_are_not_the_orders_are_refused(order, lines):
    refused(lambda: open_case(order, lines=lines), errors.InvalidCaseLines)


def test_quantities_above_what_was_bought_are_refused(order):
    line = order.lines.get()
    for quantity in (3, 0, -1, "two", True, 2**40):
        refused(lambda q=quantity: open_case(order, lines=[{"line_id": line.pk, "quantity": q}]))
    refused(
        lambda: open_case(
            order, lines=[{"line_id": line.pk, "quantity": 1}, {"line_id": line.pk, "quantity": 1}]
        ),
        errors.InvalidCaseLines,
    )


def test_a_line_of_another_order_is_refused(order, rates):
    other = delivered_order(prices=("5.00",))
    refused(lambda: open_case(order, lines=all_lines(other)), errors.InvalidCaseLines)


def test_changed_mind_only_where_the_store_allows_it_and_only_as_a_return(order, rates):
    refused(
        lambda: open_case(order, kind=Kind.RETURN, reason=Reason.CHANGED_MIND), errors.ChangedMindNotAccepted
    )
    relaxed = delivered_order(merchant=MerchantFactory(accepts_changed_mind=True))
    refused(
        lambda: open_case(relaxed, kind=Kind.REFUND_ONLY, reason=Reason.CHANGED_MIND),
        errors.ChangedMindNeedsReturn,
    )
    refused(lambda: open_case(order, kind=Kind.RETURN, reason=Reason.NOT_RECEIVED), errors.InvalidCaseChoice)


@pytest.mark.parametrize("field,value", [("kind", "exchange"), ("reason", "bored"), ("kind", None)])
def test_unknown_choices_are_refused(order, field, value):
    kwargs = {"kind": Kind.REFUND_ONLY, "reason": Reason.DAMAGED, field: value}
    refused(
        lambda: cases.case_open(
            user=order.user,
            order_number=order.number,
            description="x",
            lines=all_lines(order),
            **kwargs,
        ),
        errors.InvalidCaseChoice,
    )


def test_a_photo_that_is_not_an_image_is_refused(order):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    refused(lambda: open_case(order, photos=[fake]), InvalidImage)
    refused(lambda: open_case(order, photos=[png() for _ in range(7)]), errors.TooManyPhotos)
    case = open_case(order, photos=[png()])
    evidence = case.evidence.get()
    assert evidence.content_type == "image/png" and evidence.file.name.endswith(".png")
    refused(lambda: cases.case_evidence_add(case=case, actor=order.user, file=fake), InvalidImage)


def test_descriptions_are_required_and_bounded(order):
    for description in ("", "   ", "x" * 2001):
        refused(
            lambda d=description: cases.case_open(
                user=order.user,
                order_number=order.number,
                kind=Kind.REFUND_ONLY,
                reason=Reason.DAMAGED,
                description=d,
                lines=all_lines(order),
            )
        )


def test_orders_not_eligible(rates):
    from tests.factories import paid_order

    unpaid = paid_order()
    Order.objects.filter(pk=unpaid.pk).update(status=Order.Status.CANCELLED)
    refused(lambda: open_case(unpaid), errors.OrderNotEligible)
    old = completed_order()
    Order.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=16))
    refused(lambda: open_case(old), errors.OrderNotEligible)
    Order.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=14))
    assert open_case(old).status == AfterSalesCase.Status.REQUESTED
    not_shipped = paid_order()
    refused(lambda: open_case(not_shipped, kind=Kind.RETURN), errors.InvalidCaseChoice)


def test_one_open_case_per_order(order):
    first = open_case(order, lines=[{"line_id": order.lines.get().pk, "quantity": 1}])
    error = refused(lambda: open_case(order), errors.CaseAlreadyOpen)
    assert first.number in str(error)


def test_only_the_right_people_act(order):
    case = open_case(order)
    other_store = store_member(MerchantFactory())
    staff_without_permission = StaffFactory()
    merchant_user = store_member(order.merchant)
    refused(lambda: cases.case_accept(case=case, actor=other_store), errors.CaseNotAllowed)
    refused(lambda: cases.case_accept(case=case, actor=order.user), errors.CaseNotAllowed)
    refused(lambda: cases.case_refuse(case=case, actor=other_store, reason="no"), errors.CaseNotAllowed)
    refused(lambda: cases.case_offer(case=case, actor=other_store, amount="1"), errors.CaseNotAllowed)
    refused(lambda: cases.case_withdraw(case=case, actor=UserFactory()), errors.CaseNotAllowed)
    refused(lambda: cases.case_withdraw(case=case, actor=merchant_user), errors.CaseNotAllowed)
    refused(lambda: cases.case_evidence_add(case=case, actor=other_store, note="x"), errors.CaseNotAllowed)
    cases.case_refuse(case=case, actor=merchant_user, reason="No.")
    cases.case_escalate(case=case, actor=order.user)
    for actor in (staff_without_permission, merchant_user, order.user):
        refused(
            lambda a=actor: cases.arbitration_decide(case=case, actor=a, outcome="full", reason="x"),
            errors.CaseNotAllowed,
        )
        refused(
            lambda a=actor: cases.arbitration_info_request(case=case, actor=a, party="buyer", message="x"),
            errors.CaseNotAllowed,
        )


def test_steps_out_of_order_are_refused(order):
    merchant_user, staff = store_member(order.merchant), arbitrator()
    case = open_case(order)
    refused(lambda: cases.case_escalate(case=case, actor=order.user), errors.EscalationNotAllowed)
    refused(lambda: cases.case_offer_accept(case=case, actor=order.user), errors.CaseStateChanged)
    refused(lambda: cases.case_return_received(case=case, actor=merchant_user), errors.CaseStateChanged)
    refused(
        lambda: cases.case_return_ship(case=case, actor=order.user, provider_code="ems", weight_grams=500),
        errors.CaseStateChanged,
    )
    refused(
        lambda: cases.arbitration_decide(case=case, actor=staff, outcome="full", reason="x"),
        errors.CaseStateChanged,
    )
    refused(
        lambda: cases.case_offer(case=case, actor=merchant_user, amount=str(case.amount_requested.amount))
    )
    refused(lambda: cases.case_refuse(case=case, actor=merchant_user, reason="  "), errors.TextRequired)
    cases.case_refuse(case=case, actor=merchant_user, reason="No.")
    cases.case_escalate(case=case, actor=order.user)
    refused(lambda: cases.arbitration_decide(case=case, actor=staff, outcome="partial", reason="x"))
    refused(lambda: cases.arbitration_decide(case=case, actor=staff, outcome="full", reason=""))
    refused(lambda: cases.arbitration_decide(case=case, actor=staff, outcome="maybe", reason="x"))
    refused(
        lambda: cases.arbitration_decide(
            case=case,
            actor=staff,
            outcome="partial",
            reason="x",
            amount=str(case.amount_requested.amount + 1),
        )
    )
    past = timezone.now() - timedelta(hours=1)
    refused(
        lambda: cases.arbitration_info_request(
            case=case, actor=staff, party="buyer", message="x", due_at=past
        ),
        errors.InvalidDeadline,
    )
    refused(lambda: cases.arbitration_info_request(case=case, actor=staff, party="judge", message="x"))
    cases.arbitration_decide(case=case, actor=staff, outcome="rejected", reason="Not shown.")
    refused(lambda: cases.case_withdraw(case=case, actor=order.user), errors.CaseStateChanged)
    refused(lambda: cases.case_accept(case=case, actor=merchant_user), errors.CaseStateChanged)


def test_return_parcel_input(order):
    case = cases.case_accept(case=open_case(order, kind=Kind.RETURN), actor=store_member(order.merchant))
    for provider, weight in (
        ("nope", 500),
        ("ems", 0),
        ("ems", "heavy"),
        ("ems", 10**9),
        ("dhl-express", 500),
    ):
        refused(
            lambda p=provider, w=weight: cases.case_return_ship(
                case=case, actor=order.user, provider_code=p, weight_grams=w
            )
        )
    refused(
        lambda: cases.case_return_ship(case=case, actor=UserFactory(), provider_code="ems", weight_grams=500),
        errors.CaseNotAllowed,
    )
