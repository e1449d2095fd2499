"""Issue 10: the 26,000 CNY annual quota could be bypassed by saving the same ID number with one
non-ASCII digit. ID numbers and mobile numbers now have one canonical ASCII form everywhere they
enter (pages, API, services, models, the database), and the quota counts by it."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from rest_framework.test import APIClient

from marketplace import services as catalog_services
from orders import selectors, services
from orders.errors import AnnualLimitExceeded, DuplicateIdentity, InvalidIdentityNumber
from orders.models import Address, BuyerIdentity, Order
from tests.factories import MerchantFactory, ProductFactory, UserFactory, checkout, shopper_with_cart
from tests.identifier_lookalikes import accepted_lookalikes, refused_lookalikes

pytestmark = pytest.mark.django_db

REAL = "11010519491231002X"
PHONE = "13800138000"
ACCEPTED = accepted_lookalikes(REAL)
REFUSED = refused_lookalikes(REAL)
ALL = {**ACCEPTED, **REFUSED}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.fixture
def page(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _paid_order(identity, goods):
    return Order.objects.create(
        number=f"Q{Order.objects.count():09d}",
        user=identity.user,
        merchant=MerchantFactory(),
        shipping_mode="direct_mail",
        recipient="x",
        phone=PHONE,
        address="x",
        buyer_name=identity.real_name,
        buyer_id_number=identity.id_number,
        currency="USD",
        exchange_rate=Decimal("7"),
        goods_total=Decimal(goods),
        shipping_fee=Decimal("0"),
        tax_total=Decimal("0"),
        total=Decimal(goods),
        status=Order.Status.PAID,
        paid_at=timezone.now(),
    )


# --- the service ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_an_accepted_lookalike_is_saved_as_the_ascii_number(user, name):
    identity = services.identity_create(user=user, real_name="王琳", id_number=ACCEPTED[name])
    assert BuyerIdentity.objects.get(pk=identity.pk).id_number == REAL


@pytest.mark.parametrize("name", list(ALL))
def test_a_lookalike_of_a_saved_number_is_never_a_second_identity(user, name):
    services.identity_create(user=user, real_name="王琳", id_number=REAL)
    with pytest.raises((DuplicateIdentity, InvalidIdentityNumber)) as caught:
        services.identity_create(user=user, real_name="王琳", id_number=ALL[name])
    if name in REFUSED:
        assert "0-9" in str(caught.value)
    else:
        assert "already saved" in str(caught.value)
    assert list(BuyerIdentity.objects.values_list("id_number", flat=True)) == [REAL]


@pytest.mark.parametrize("name", list(REFUSED))
def test_other_scripts_digits_are_refused_even_with_a_valid_checksum(user, name):
    # int() reads these digits, so the GB 11643 check digit of the look-alike matched the real one.
    with pytest.raises(InvalidIdentityNumber):
        services.identity_create(user=user, real_name="王琳", id_number=REFUSED[name])
    assert not BuyerIdentity.objects.exists()


# --- the API and the pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(ALL))
def test_api_answers_400_for_a_lookalike_of_a_saved_number(api, user, name):
    assert (
        api.post("/api/v1/identities/", {"real_name": "王琳", "id_number": REAL}, format="json").status_code
        == 201
    )
    response = api.post("/api/v1/identities/", {"real_name": "王琳", "id_number": ALL[name]}, format="json")
    assert response.status_code == 400, response.content
    assert BuyerIdentity.objects.filter(user=user).count() == 1
    listed = api.get("/api/v1/identities/").json()
    assert [i["id_number"] for i in listed] == ["110105********002X"]


@pytest.mark.parametrize(
    "name", ["full-width", "lower-case", "zero-width space inside", "no-break space inside"]
)
def test_api_saves_an_accepted_lookalike_as_the_real_number(api, user, name):
    response = api.post(
        "/api/v1/identities/", {"real_name": "王琳", "id_number": ACCEPTED[name]}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["id_number"] == "110105********002X"
    assert BuyerIdentity.objects.get(user=user).id_number == REAL


@pytest.mark.parametrize("name", list(ALL))
def test_identity_page_refuses_a_lookalike_of_a_saved_number(page, user, name):
    page.post("/account/identities/", {"real_name": "王琳", "id_number": REAL})
    response = page.post("/account/identities/", {"real_name": "王琳", "id_number": ALL[name]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "already saved" in html or "0-9" in html
    assert BuyerIdentity.objects.filter(user=user).count() == 1


PHONE_ACCEPTED = accepted_lookalikes(PHONE) | {"+86": "+86 138 0013 8000", "dashes": "138-0013-8000"}
PHONE_REFUSED = refused_lookalikes(PHONE)


@pytest.mark.parametrize("name", list(PHONE_ACCEPTED))
def test_address_phone_lookalikes_are_stored_in_ascii(api, page, user, name):
    body = {
        "recipient": "王琳",
        "province": "上海市",
        "city": "上海市",
        "district": "浦东新区",
        "street": "1号",
    }
    assert (
        api.post("/api/v1/addresses/", {**body, "phone": PHONE_ACCEPTED[name]}, format="json").status_code
        == 201
    )
    assert page.post("/account/addresses/", {**body, "phone": PHONE_ACCEPTED[name]}).status_code == 302
    services.address_create(user=user, phone=PHONE_ACCEPTED[name], **body)
    assert set(Address.objects.filter(user=user).values_list("phone", flat=True)) == {PHONE}


@pytest.mark.parametrize("name", list(PHONE_REFUSED))
def test_address_phone_in_other_scripts_is_refused(api, page, user, name):
    body = {
        "recipient": "王琳",
        "province": "上海市",
        "city": "上海市",
        "district": "浦东新区",
        "street": "1号",
    }
    response = api.post("/api/v1/addresses/", {**body, "phone": PHONE_REFUSED[name]}, format="json")
    assert response.status_code == 400 and "phone" in response.json()
    assert page.post("/account/addresses/", {**body, "phone": PHONE_REFUSED[name]}).status_code == 400
    with pytest.raises(Exception, match="0-9"):
        services.address_create(user=user, phone=PHONE_REFUSED[name], **body)
    assert not Address.objects.exists()


# --- the model and the database ----------------------------------------------------------------------


def test_models_store_only_the_canonical_number(user):
    identity = BuyerIdentity.objects.create(user=user, real_name="王琳", id_number=ACCEPTED["full-width"])
    assert identity.id_number == REAL
    with pytest.raises(InvalidIdentityNumber):
        BuyerIdentity.objects.create(
            user=UserFactory(), real_name="王琳", id_number=REFUSED["one Thai digit"]
        )
    order = _paid_order(identity, "10")
    order.buyer_id_number = ACCEPTED["zero-width joiner inside"]
    order.save()
    assert Order.objects.get(pk=order.pk).buyer_id_number == REAL
    address = Address.objects.create(
        user=user, recipient="x", phone="１３８ 0013 8000", province="x", city="x", district="x", street="x"
    )
    assert address.phone == PHONE


@pytest.mark.parametrize("column", ["identity", "order"])
def test_the_database_refuses_a_non_ascii_id_number_from_any_path(user, column):
    identity = BuyerIdentity.objects.create(user=user, real_name="王琳", id_number=REAL)
    order = _paid_order(identity, "10")
    with pytest.raises(IntegrityError), transaction.atomic():
        if column == "identity":
            BuyerIdentity.objects.filter(pk=identity.pk).update(id_number=REFUSED["one Arabic-Indic digit"])
        else:
            Order.objects.filter(pk=order.pk).update(buyer_id_number=REFUSED["one Arabic-Indic digit"])


def test_the_quota_is_counted_by_the_canonical_number(user):
    identity = BuyerIdentity.objects.create(user=user, real_name="王琳", id_number=REAL)
    _paid_order(identity, "25000")
    for spelling in (REAL, ACCEPTED["lower-case"], ACCEPTED["full-width"], ACCEPTED["word joiner inside"]):
        assert selectors.quota_remaining(spelling) == Decimal("1000.00")


# --- the bypass, end to end --------------------------------------------------------------------------


def test_the_quota_bypass_is_closed_end_to_end(rates):
    """Spend near the 26,000 quota with one identity, then save look-alikes of the number (the
    reported bypass used one Arabic-Indic digit) and try to check out again: refused."""
    catalog_services.exchange_rate_set(currency="HKD", rate="1", source="tests")
    product = ProductFactory(merchant=MerchantFactory(settlement_currency="HKD"), prices=["3000.00"])
    user, address, identity = shopper_with_cart((product.variants.get(), 1))
    identity.id_number = REAL
    identity.save()
    _paid_order(identity, "24000")  # 2,000 left: the 3,000 cart does not fit

    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    checkout_body = {"address": address.pk, "identity": identity.pk, "idempotency_key": "over"}
    refused = client.post("/api/v1/checkout/", checkout_body, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "annual_limit_exceeded"

    for spelling in ALL.values():
        saved = client.post(
            "/api/v1/identities/", {"real_name": "王琳", "id_number": spelling}, format="json"
        )
        assert saved.status_code == 400
    assert list(BuyerIdentity.objects.filter(user=user).values_list("id_number", flat=True)) == [REAL]

    # Even an identity written past every check (another account, the canonical number) shares the quota.
    other = UserFactory()
    twin = services.identity_create(user=other, real_name="王琳", id_number=ACCEPTED["full-width"])
    assert twin.id_number == REAL
    with pytest.raises(AnnualLimitExceeded):
        checkout(user, address, identity)
    assert Order.objects.filter(buyer_id_number=REAL).count() == 1
