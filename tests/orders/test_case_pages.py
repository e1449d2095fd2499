"""After-sales pages and API reads: each side sees its own cases only, the evidence photo only the two
parties and arbitrators, lists keep a fixed number of queries as cases grow, the store's settings
form, hostile input refused with a 4xx. (The state machine itself is tested with the services.)"""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from orders.models import AfterSalesCase, CaseEvent, CaseEvidence, CaseLine
from tests.factories import MerchantMemberFactory, StaffFactory, UserFactory, paid_order

pytestmark = pytest.mark.django_db


def png_bytes(color="red"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, "PNG")
    return buffer.getvalue()


_numbers = iter(range(1, 10**6))


def make_case(order, *, status=AfterSalesCase.Status.REQUESTED, escalated_at=None, photo=False, **fields):
    """A case written directly (the reads under test do not care how it got there)."""
    line = order.lines.first()
    case = AfterSalesCase.objects.create(
        number=f"ASTEST{next(_numbers):06d}",
        order=order,
        user=order.user,
        merchant=order.merchant,
        kind=fields.pop("kind", AfterSalesCase.Kind.RETURN),
        reason=fields.pop("reason", AfterSalesCase.Reason.DAMAGED),
        description=fields.pop("description", "The bottle arrived cracked."),
        amount_requested=line.goods_cny,
        status=status,
        respond_by=timezone.now() + timedelta(hours=30),
        escalated_at=escalated_at,
        escalated_by="buyer" if escalated_at else "",
        **fields,
    )
    CaseLine.objects.create(case=case, order_line=line, quantity=1)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.OPENED, to_status=case.status, actor=order.user)
    if photo:
        evidence = CaseEvidence(case=case, party="buyer", uploaded_by=order.user, content_type="image/png")
        evidence.file.save("case.png", ContentFile(png_bytes()), save=True)
        case.photo = evidence
    return case


def arbitrator():
    user = StaffFactory()
    user.user_permissions.add(
        Permission.objects.get(codename="arbitrate_case", content_type__app_label="orders")
    )
    return user


@pytest.fixture
def store(rates):
    return MerchantMemberFactory()


@pytest.fixture
def case(store):
    return make_case(paid_order(merchant=store.merchant, prices=("30.00",)), photo=True)


def test_buyer_sees_the_case_with_its_deadline_and_photo(client, case):
    client.force_login(case.user)
    page = client.get(f"/after-sales/{case.number}/").content.decode()
    assert case.number in page and "The bottle arrived cracked." in page
    assert "data-deadline" in page  # the store must answer by ...
    assert f"/after-sales/{case.number}/evidence/{case.photo.pk}/" in page
    assert "data-withdraw" in page and "data-offer-accept" not in page
    listing = client.get("/after-sales/").content.decode()
    assert case.number in listing


def test_the_order_page_links_to_its_case(client, case):
    client.force_login(case.user)
    page = client.get(f"/orders/{case.order.number}/").content.decode()
    assert f"/after-sales/{case.number}/" in page
    assert "data-case-request" not in page  # one open case per order


def test_the_order_page_offers_a_request_when_allowed(client, store):
    order = paid_order(merchant=store.merchant)
    client.force_login(order.user)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert f"/orders/{order.number}/after-sales/" in page
    form = client.get(f"/orders/{order.number}/after-sales/").content.decode()
    assert "data-case-open-form" in form and f'name="line_{order.lines.first().pk}"' in form


def test_changed_mind_is_offered_only_where_the_store_accepts_it(client, store):
    order = paid_order(merchant=store.merchant)
    client.force_login(order.user)
    assert 'value="changed_mind"' in client.get(f"/orders/{order.number}/after-sales/").content.decode()
    store.merchant.accepts_changed_mind = False
    store.merchant.save()
    assert 'value="changed_mind"' not in client.get(f"/orders/{order.number}/after-sales/").content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("buyer", 200),
        ("store", 200),
        ("arbitrator", 200),
        ("other_shopper", 404),
        ("other_store", 404),
        ("staff", 404),
    ],
)
def test_evidence_photo_is_private(client, case, who, expected):
    users = {
        "buyer": lambda: case.user,
        "store": lambda: case.merchant.members.first().user,
        "arbitrator": arbitrator,
        "other_shopper": UserFactory,
        "other_store": lambda: MerchantMemberFactory().user,
        "staff": StaffFactory,
    }
    client.force_login(users[who]())
    response = client.get(f"/after-sales/{case.number}/evidence/{case.photo.pk}/")
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content) == png_bytes()


def test_evidence_of_another_case_is_not_reachable_through_mine(client, store, case):
    mine = make_case(paid_order(merchant=store.merchant))
    client.force_login(mine.user)
    assert client.get(f"/after-sales/{mine.number}/evidence/{case.photo.pk}/").status_code == 404


def test_store_sees_its_cases_open_first_with_time_left(client, store):
    open_case = make_case(paid_order(merchant=store.merchant))
    closed = make_case(paid_order(merchant=store.merchant), status=AfterSalesCase.Status.CLOSED)
    foreign = make_case(paid_order(prices=("12.00",)))
    client.force_login(store.user)
    page = client.get("/seller/after-sales/").content.decode()
    assert open_case.number in page and closed.number not in page and foreign.number not in page
    assert page.count("data-time-left") == 1  # the open case's answer deadline
    everything = client.get("/seller/after-sales/?state=all").content.decode()
    assert everything.index(open_case.number) < everything.index(closed.number)
    detail = client.get(f"/seller/after-sales/{open_case.number}/").content.decode()
    assert "data-case-accept" in detail and "data-refuse-form" in detail and "data-offer-form" in detail
    assert client.get(f"/seller/after-sales/{foreign.number}/").status_code == 404


def test_store_settings_saved_and_checked(client, store):
    client.force_login(store.user)
    assert client.get("/seller/store-settings/").status_code == 200
    response = client.post(
        "/seller/store-settings/",
        {
            "return_recipient": "Returns desk",
            "return_phone": "021-5555-0100",
            "return_address": "Room 5, 88 Jiangchang Road, Shanghai",
            "service_hours_start": "08:30",
            "service_hours_end": "20:00",
        },
    )
    assert response.status_code == 302
    store.merchant.refresh_from_db()
    assert store.merchant.return_address == "Room 5, 88 Jiangchang Road, Shanghai"
    assert store.merchant.accepts_changed_mind is False  # unticked
    assert str(store.merchant.service_hours_start) == "08:30:00"
    event = store.merchant.events.get(kind="aftersales_settings_changed")
    assert event.actor == store.user
    assert event.data["changed"]["service_hours_start"] == ["09:00", "08:30"]
    assert event.data["changed"]["return_address"][1] == "Room 5, 88 Jiangchang Road, Shanghai"
    bad = client.post(
        "/seller/store-settings/", {"service_hours_start": "25:00", "service_hours_end": "08:00"}
    )
    assert bad.status_code == 400
    store.merchant.refresh_from_db()
    assert str(store.merchant.service_hours_start) == "08:30:00"
    # A store abroad answering at night in China: the hours cross midnight. Saving the same values
    # again writes no second event.
    night = {
        "return_recipient": "Returns desk",
        "return_phone": "021-5555-0100",
        "return_address": "Room 5, 88 Jiangchang Road, Shanghai",
        "service_hours_start": "20:00",
        "service_hours_end": "02:00",
    }
    assert client.post("/seller/store-settings/", night).status_code == 302
    assert client.post("/seller/store-settings/", night).status_code == 302
    store.merchant.refresh_from_db()
    assert (str(store.merchant.service_hours_start), str(store.merchant.service_hours_end)) == (
        "20:00:00",
        "02:00:00",
    )
    assert store.merchant.events.filter(kind="aftersales_settings_changed").count() == 2


def _queue_queries(client, user):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/staff/arbitration/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_arbitration_queue_oldest_first_in_constant_queries(client, store):
    user = arbitrator()
    client.force_login(user)
    now = timezone.now()
    first = [
        make_case(
            paid_order(merchant=store.merchant), status="arbitration", escalated_at=now - timedelta(hours=h)
        )
        for h in (5, 30)
    ]
    few, page = _queue_queries(client, user)
    assert page.index(first[1].number) < page.index(first[0].number)  # waited longer: on top
    assert 'data-waited="30"' in page
    for hours in range(1, 9):
        other = MerchantMemberFactory().merchant
        make_case(paid_order(merchant=other), status="arbitration", escalated_at=now - timedelta(hours=hours))
    many, page = _queue_queries(client, user)
    assert page.count("data-case-row") == 10
    assert many == few, f"{few} queries for 2 cases, {many} for 10"


def test_arbitration_case_page_shows_everything(client, store):
    from orders.models import Conversation, Message

    case = make_case(
        paid_order(merchant=store.merchant), status="arbitration", escalated_at=timezone.now(), photo=True
    )
    conversation = Conversation.objects.create(merchant=store.merchant, shopper=case.user, order=case.order)
    Message.objects.create(
        conversation=conversation, sender=case.user, side="shopper", body="Where is my refund?"
    )
    client.force_login(arbitrator())
    page = client.get(f"/staff/arbitration/{case.number}/").content.decode()
    for marker in (
        "data-decide-form",
        "data-info-request-form",
        "data-arbitration-order",
        "Where is my refund?",
    ):
        assert marker in page
    assert f"/after-sales/{case.number}/evidence/{case.photo.pk}/" in page
    assert client.get("/staff/arbitration/NOPE/").status_code == 404


def test_staff_without_the_permission_cannot_arbitrate(client, case):
    client.force_login(StaffFactory())
    assert client.get("/staff/arbitration/").status_code == 403
    assert client.get(f"/staff/arbitration/{case.number}/").status_code == 403


def test_api_lists_and_details_per_side(client, case, store):
    client.force_login(case.user)
    listing = client.get("/api/v1/cases/").json()
    assert [row["number"] for row in listing["results"]] == [case.number]
    detail = client.get(f"/api/v1/cases/{case.number}/").json()
    assert detail["lines"][0]["quantity"] == 1 and detail["evidence"][0]["url"].endswith(f"/{case.photo.pk}/")
    assert detail["amount_requested"] == str(case.amount_requested.amount)
    client.force_login(store.user)
    assert client.get(f"/api/v1/seller/cases/{case.number}/").status_code == 200
    client.force_login(MerchantMemberFactory().user)
    assert client.get(f"/api/v1/seller/cases/{case.number}/").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/api/v1/cases/{case.number}/").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"order_number": "\x00", "kind": "return", "reason": "damaged", "description": "x", "lines": []},
        {
            "order_number": "A",
            "kind": "x",
            "reason": "damaged",
            "description": "x",
            "lines": [{"line_id": 1, "quantity": 1}],
        },
        {
            "order_number": "A",
            "kind": "return",
            "reason": "damaged",
            "description": "x",
            "lines": [{"line_id": 2**40, "quantity": 1}],
        },
        {
            "order_number": "A",
            "kind": "return",
            "reason": "damaged",
            "description": "x",
            "lines": [{"line_id": 1, "quantity": 1}],
            "amount": "1e400",
        },
        {
            "order_number": "A",
            "kind": "return",
            "reason": "damaged",
            "description": "d" * 2001,
            "lines": [{"line_id": 1, "quantity": 1}],
        },
    ],
)
def test_api_open_refuses_hostile_input(client, case, body):
    client.force_login(case.user)
    before = AfterSalesCase.objects.count()
    response = client.post("/api/v1/cases/", body, content_type="application/json")
    assert response.status_code == 400
    assert AfterSalesCase.objects.count() == before


def test_page_open_refuses_a_form_without_lines(client, store):
    client.cookies["django_language"] = "en"  # the message is matched in English
    order = paid_order(merchant=store.merchant)
    client.force_login(order.user)
    response = client.post(
        f"/orders/{order.number}/after-sales/",
        {"kind": "refund", "reason": "damaged", "description": "Broken."},
    )
    assert response.status_code == 400
    assert "Tick at least one item" in response.content.decode()
    assert not AfterSalesCase.objects.filter(order=order).exists()


def test_demo_arbitrator_is_idempotent(client):
    from orders.cases.demo_arbitrator import seed_arbitrator

    seed_arbitrator()
    user = seed_arbitrator()
    assert type(user).objects.filter(username="arbitrator").count() == 1
    assert user.check_password("arbitrator12345")
    client.force_login(user)
    assert client.get("/staff/arbitration/").status_code == 200


# --- Through the services (the case engine): the pages' and the API's writes ----------------------


@pytest.fixture
def delivered(store):
    from django.apps import apps

    from logistics.seed import seed_providers
    from tests.factories import delivered_order

    seed_providers(apps)
    return delivered_order(merchant=store.merchant, prices=("40.00",))


def _open(order, **kwargs):
    from orders.cases import services

    return services.case_open(
        user=order.user,
        order_number=order.number,
        kind=kwargs.pop("kind", "refund"),
        reason=kwargs.pop("reason", "damaged"),
        description="Cracked.",
        lines=[{"line_id": order.lines.get().pk, "quantity": 1}],
        **kwargs,
    )


def test_page_request_with_photos_then_offer_and_accept(client, store, delivered):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(delivered.user)
    line = delivered.lines.get()
    response = client.post(
        f"/orders/{delivered.number}/after-sales/",
        {
            "kind": "refund",
            "reason": "damaged",
            "description": "Cracked lid.",
            f"line_{line.pk}": "on",
            f"quantity_{line.pk}": "1",
            "photos": [
                SimpleUploadedFile("a.png", png_bytes()),
                SimpleUploadedFile("b.png", png_bytes("blue")),
            ],
        },
    )
    case = AfterSalesCase.objects.get(order=delivered)
    assert response.status_code == 302 and response["Location"] == f"/after-sales/{case.number}/"
    assert case.evidence.exclude(file="").count() == 2
    client.force_login(store.user)
    client.post(f"/seller/after-sales/{case.number}/offer/", {"amount": "10.00", "note": "For the lid."})
    case.refresh_from_db()
    assert case.status == AfterSalesCase.Status.OFFERED and case.amount_offered.amount == 10
    client.force_login(delivered.user)
    page = client.get(f"/after-sales/{case.number}/").content.decode()
    assert "data-offer-accept" in page and "data-escalate-form" in page
    client.post(f"/after-sales/{case.number}/offer-accept/")
    case.refresh_from_db()
    assert case.status == AfterSalesCase.Status.REFUNDED and case.amount_agreed.amount == 10


def test_page_request_with_a_file_that_is_not_an_image_writes_nothing(client, delivered):
    client.cookies["django_language"] = "en"  # the message is matched in English
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(delivered.user)
    line = delivered.lines.get()
    response = client.post(
        f"/orders/{delivered.number}/after-sales/",
        {
            "kind": "refund",
            "reason": "damaged",
            "description": "Cracked lid.",
            f"line_{line.pk}": "on",
            "photos": [SimpleUploadedFile("a.png", b"%PDF-1.4 not an image")],
        },
    )
    assert response.status_code == 400
    assert "JPEG, PNG" in response.content.decode()
    assert not AfterSalesCase.objects.filter(order=delivered).exists()


def test_arbitrator_asks_the_buyer_who_answers_on_the_case_page(client, store, delivered):
    case = _open(delivered)
    client.force_login(store.user)
    client.post(f"/seller/after-sales/{case.number}/refuse/", {"reason": "Used."})
    client.force_login(delivered.user)
    client.post(f"/after-sales/{case.number}/escalate/", {"note": "Not used."})
    case.refresh_from_db()
    assert case.status == AfterSalesCase.Status.ARBITRATION
    client.force_login(arbitrator())
    response = client.post(
        f"/staff/arbitration/{case.number}/info-request/", {"party": "buyer", "message": "Photo of the seal?"}
    )
    assert response.status_code == 302
    client.force_login(delivered.user)
    page = client.get(f"/after-sales/{case.number}/").content.decode()
    assert "Photo of the seal?" in page and "data-evidence-form" in page
    client.post(f"/after-sales/{case.number}/evidence/", {"note": "Seal intact, see the box."})
    assert case.info_requests.get().answered_at is not None


def test_arbitrator_adds_the_platforms_findings_which_both_sides_read(client, store, delivered):
    client.cookies["django_language"] = "en"
    case = _open(delivered)
    client.force_login(store.user)
    client.post(f"/seller/after-sales/{case.number}/refuse/", {"reason": "Used."})
    client.force_login(delivered.user)
    client.post(f"/after-sales/{case.number}/escalate/", {"note": "Not used."})
    client.force_login(arbitrator())
    page = client.get(f"/staff/arbitration/{case.number}/").content.decode()
    assert "data-evidence-form" in page
    empty = client.post(f"/staff/arbitration/{case.number}/evidence/", {"note": "  "}, follow=True)
    assert "Write a statement or attach a photo." in empty.content.decode()
    assert not case.evidence.filter(party="staff").exists()
    finding = "The carrier confirms a dented box on arrival."
    response = client.post(f"/staff/arbitration/{case.number}/evidence/", {"note": finding})
    assert response.status_code == 302
    assert case.evidence.get(party="staff").note == finding
    for reader, url in ((delivered.user, "/after-sales/"), (store.user, "/seller/after-sales/")):
        client.force_login(reader)
        assert finding in client.get(f"{url}{case.number}/").content.decode()


def test_api_evidence_upload_checks_the_content(client, delivered):
    case = _open(delivered)
    client.force_login(delivered.user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = client.post(
        f"/api/v1/cases/{case.number}/evidence/", {"file": SimpleUploadedFile("x.png", b"GIF89a-nope")}
    )
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_image"
    good = client.post(
        f"/api/v1/cases/{case.number}/evidence/",
        {"file": SimpleUploadedFile("x.png", png_bytes()), "note": "Lid"},
    )
    assert good.status_code == 201
    assert [e["party"] for e in good.json()["evidence"]] == ["buyer"]
    assert CaseEvidence.objects.filter(case=case).count() == 1


def test_api_open_then_the_store_refuses_and_an_arbitrator_decides(client, store, delivered):
    client.force_login(delivered.user)
    opened = client.post(
        "/api/v1/cases/",
        {
            "order_number": delivered.number,
            "kind": "refund",
            "reason": "not_as_described",
            "description": "Wrong colour.",
            "lines": [{"line_id": delivered.lines.get().pk, "quantity": 1}],
        },
        content_type="application/json",
    )
    assert opened.status_code == 201, opened.content
    number = opened.json()["number"]
    again = client.post(
        "/api/v1/cases/",
        {
            "order_number": delivered.number,
            "kind": "refund",
            "reason": "damaged",
            "description": "Again.",
            "lines": [{"line_id": delivered.lines.get().pk, "quantity": 1}],
        },
        content_type="application/json",
    )
    assert again.status_code == 409 and AfterSalesCase.objects.filter(order=delivered).count() == 1
    client.force_login(store.user)
    refused = client.post(
        f"/api/v1/seller/cases/{number}/refuse/",
        {"reason": "Matches the photos."},
        content_type="application/json",
    )
    assert refused.json()["status"] == "refused"
    client.force_login(delivered.user)
    assert (
        client.post(f"/api/v1/cases/{number}/escalate/", {}, content_type="application/json").status_code
        == 200
    )
    client.force_login(arbitrator())
    queue = client.get("/api/v1/staff/arbitration/").json()["results"]
    assert [row["number"] for row in queue] == [number]
    decided = client.post(
        f"/api/v1/staff/arbitration/{number}/decide/",
        {"outcome": "rejected", "reason": "The colour matches the listing."},
        content_type="application/json",
    )
    assert decided.status_code == 200
    assert decided.json()["outcome"] == "rejected" and decided.json()["decision_reason"]


def test_notifications_link_to_these_pages(case):
    from orders.cases import services

    assert services.buyer_url(case) == f"/after-sales/{case.number}/"
    assert services.merchant_url(case) == f"/seller/after-sales/{case.number}/"
    assert services.arbitration_url(case) == f"/staff/arbitration/{case.number}/"


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_buyer_and_store_lists_in_constant_queries(client, store):
    from tests.factories import UserFactory as Shopper

    shopper = Shopper()
    for _ in range(2):
        make_case(paid_order(merchant=store.merchant, user=shopper))
    client.force_login(shopper)
    buyer_few = _count(client, "/after-sales/")
    client.force_login(store.user)
    store_few = _count(client, "/seller/after-sales/")
    for _ in range(5):
        make_case(paid_order(merchant=store.merchant, user=shopper))
    client.force_login(shopper)
    assert _count(client, "/after-sales/") == buyer_few
    client.force_login(store.user)
    assert _count(client, "/seller/after-sales/") == store_few
