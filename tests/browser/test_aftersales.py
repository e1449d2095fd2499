"""After-sales in a real browser: a return from the shopper's request to the refund on the order page;
a refused request escalated by the shopper and decided by a platform arbitrator, whose reason both
sides then read."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from PIL import Image

from logistics.models import Shipment, ShipmentEvent
from orders.models import AfterSalesCase
from payments.models import Refund
from tests.factories import MerchantFactory, MerchantMemberFactory, StaffFactory, delivered_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pass12345word"


def log_in(page, live_server, username, next_url):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(live_server.url + next_url)


def confirm(page, selector):
    """Click a button whose form asks first (site.js's dialog), and say yes."""
    page.click(selector)
    with page.expect_navigation():
        page.locator("#confirm-dialog [data-confirm-yes]").click()


@pytest.fixture
def store(rates):
    from django.apps import apps

    from logistics.seed import seed_providers

    seed_providers(apps)  # a transactional test flushes the data migration's carriers
    merchant = MerchantFactory(
        country="JP",
        name_en="Osaka Select",
        return_recipient="Osaka Select Returns",
        return_phone="021-5555-0100",
        return_address="上海市浦东新区江场路88号5室",
    )
    return MerchantMemberFactory(user__username="osaka", merchant=merchant)


def photo_shown(page) -> bool:
    """The evidence photo loaded (through the permission-checked view) and shows."""
    page.wait_for_load_state("load")
    return page.locator("[data-evidence-photo]").first.evaluate("img => img.complete && img.naturalWidth") > 0


def photo(tmp_path):
    path = tmp_path / "cracked.png"
    Image.new("RGB", (64, 48), (200, 40, 40)).save(path, "PNG")
    return path


def test_a_return_from_request_to_refund(live_server, page, screenshot, store, tmp_path):
    order = delivered_order(merchant=store.merchant, prices=("35.00", "12.00"))
    first, second = order.lines.all()
    shopper = order.user.username

    # The shopper asks to return one of the two items, with a photo.
    log_in(page, live_server, shopper, f"/orders/{order.number}/")
    page.click("[data-case-request]")
    page.wait_for_selector("[data-case-open-form]")
    assert page.locator("[data-max-refund]").count() == 1
    page.check("input[name=kind][value=return]")
    page.check(f"input[name=line_{first.pk}]")
    page.select_option("select[name=reason]", "damaged")
    page.fill("textarea[name=description]", "The bottle arrived cracked and leaking.")
    page.set_input_files("input[name=photos]", str(photo(tmp_path)))
    screenshot("80-aftersales-request-form")
    with page.expect_navigation():
        page.click("[data-case-submit]")
    case = AfterSalesCase.objects.get(order=order)
    assert page.url.endswith(f"/after-sales/{case.number}/")
    assert case.lines.get().order_line_id == first.pk and case.amount_requested.amount > 0
    assert page.locator("[data-case-status]").first.get_attribute("data-case-status") == "requested"
    assert page.locator("[data-deadline]").count() == 1  # the store must answer by ...
    assert page.locator("[data-evidence-photo]").count() == 1
    assert photo_shown(page)
    screenshot("81-aftersales-case-buyer")

    # The store accepts the return.
    log_in(page, live_server, "osaka", "/seller/after-sales/")
    assert page.locator(f"[data-case-row='{case.number}'] [data-time-left]").inner_text().strip() != "—"
    screenshot("82-aftersales-seller-list")
    page.click(f"[data-case-row='{case.number}'] a")
    page.wait_for_selector("[data-case-accept]")
    assert photo_shown(page)
    screenshot("83-aftersales-seller-case")
    confirm(page, "[data-case-accept]")
    case.refresh_from_db()
    assert case.status == AfterSalesCase.Status.AWAITING_RETURN

    # The shopper books the return parcel: the waybill shows with the copy button.
    log_in(page, live_server, shopper, f"/after-sales/{case.number}/")
    assert "江场路88号" in page.locator("[data-return-address]").inner_text()
    page.select_option("select[name=provider_code]", "sf-express")
    page.fill("input[name=weight_grams]", "600")
    with page.expect_navigation():
        page.click("[data-return-ship]")
    parcel = Shipment.objects.get(case=case, kind=Shipment.Kind.RETURN)
    assert page.locator("[data-return-parcel] [data-waybill]").inner_text() == parcel.waybill_number
    assert page.locator("[data-return-parcel] [data-copy]").count() == 1
    screenshot("84-aftersales-return-parcel")

    # The carrier delivers it to the store (the delivery scan, through the tracking service).
    from django.utils import timezone

    from logistics.services.tracking import shipment_event_record

    shipment_event_record(
        shipment=parcel,
        kind=ShipmentEvent.Kind.DELIVERED,
        occurred_at=timezone.now(),
        source=ShipmentEvent.Source.CARRIER,
    )
    case.refresh_from_db()
    assert case.return_check_by is not None

    # The store confirms the goods: the refund is paid.
    log_in(page, live_server, "osaka", f"/seller/after-sales/{case.number}/")
    assert (
        page.locator("[data-return-parcel] [data-shipment-status]").get_attribute("data-shipment-status")
        == "delivered"
    )
    confirm(page, "[data-return-received]")
    case.refresh_from_db()
    assert case.status == AfterSalesCase.Status.REFUNDED
    refund = Refund.objects.get(case=case, status=Refund.Status.SUCCEEDED)
    assert refund.amount.amount == case.amount_agreed.amount <= case.amount_requested.amount
    screenshot("85-aftersales-seller-received")

    # The shopper sees the refund on the order page.
    log_in(page, live_server, shopper, f"/orders/{order.number}/")
    assert page.locator("[data-refunds] li").count() == 1
    assert (
        page.locator(f"[data-order-case='{case.number}'] [data-case-status]").get_attribute(
            "data-case-status"
        )
        == "refunded"
    )
    screenshot("86-aftersales-refund-on-order")


def test_a_refused_case_escalated_and_decided_by_staff(live_server, page, screenshot, store):
    from orders.cases import services as cases

    order = delivered_order(merchant=store.merchant, prices=("80.00",))
    case = cases.case_open(
        user=order.user,
        order_number=order.number,
        kind=AfterSalesCase.Kind.REFUND_ONLY,
        reason=AfterSalesCase.Reason.NOT_AS_DESCRIBED,
        description="The colour is not the one in the photos.",
        lines=[{"line_id": order.lines.get().pk, "quantity": 1}],
    )
    shopper = order.user.username

    # The store refuses, with its reason.
    log_in(page, live_server, "osaka", f"/seller/after-sales/{case.number}/")
    page.fill("[data-refuse-form] textarea[name=reason]", "The colour matches the listing's photos.")
    with page.expect_navigation():
        page.click("[data-case-refuse]")
    case.refresh_from_db()
    assert case.status == AfterSalesCase.Status.REFUSED

    # The shopper reads the reason and escalates.
    log_in(page, live_server, shopper, f"/after-sales/{case.number}/")
    assert "matches the listing" in page.locator("[data-refusal-reason]").inner_text()
    page.fill("[data-escalate-form] textarea[name=note]", "Compare my photo with the listing.")
    with page.expect_navigation():
        page.click("[data-escalate]")
    case.refresh_from_db()
    assert case.status == AfterSalesCase.Status.ARBITRATION

    # An arbitrator finds it in the queue (from the staff console) and decides a partial refund.
    arbitrator = StaffFactory(username="arbiter")
    arbitrator.user_permissions.add(Permission.objects.get(codename="arbitrate_case"))
    log_in(page, live_server, "arbiter", "/staff/")
    with page.expect_navigation():
        page.click("[data-arbitration-link]")
    assert page.locator(f"[data-case-row='{case.number}']").count() == 1
    screenshot("87-arbitration-queue")
    page.click(f"[data-case-row='{case.number}'] a")
    page.wait_for_selector("[data-decide-form]")
    assert "The colour is not the one" in page.inner_text("body")
    assert page.locator("[data-arbitration-shipment] [data-tracking-timeline] li").count() >= 1
    page.check("[data-decide-form] input[name=outcome][value=partial]")
    page.fill("[data-decide-form] input[name=amount]", "30.00")
    page.fill(
        "[data-decide-form] textarea[name=reason]",
        "The shade differs slightly from the listing: a partial refund.",
    )
    screenshot("88-arbitration-case")
    with page.expect_navigation():
        page.click("[data-decide]")
    case.refresh_from_db()
    assert case.outcome == AfterSalesCase.Outcome.PARTIAL
    assert case.amount_agreed.amount == Decimal("30.00")

    # Both sides read the decision and its reason.
    for username, url in (
        (shopper, f"/after-sales/{case.number}/"),
        ("osaka", f"/seller/after-sales/{case.number}/"),
    ):
        log_in(page, live_server, username, url)
        assert page.locator("[data-decision]").get_attribute("data-decision") == "partial"
        assert "shade differs slightly" in page.locator("[data-decision-reason]").inner_text()
    screenshot("89-arbitration-decision-seen-by-store")
