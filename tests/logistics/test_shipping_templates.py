"""Shipping templates (运费模板): the fee rule at its boundaries, regions, the free threshold, one fee
per order, the platform default without a template, what checkout charges, the cart's query count,
and who may change a template (services, seller pages, API)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from djmoney.money import Money

from logistics import shipping_fees
from logistics.errors import (
    InvalidShippingTemplate,
    ShippingTemplateExists,
    ShippingTemplateNotAllowed,
    ShippingTemplateNotFound,
)
from logistics.models import ShippingTemplate, ShippingTemplateRegion
from logistics.provinces import PROVINCE_NAMES, province_canonical
from logistics.services import templates as services
from marketplace.errors import StoreNotApproved
from marketplace.models import Product, ProductVariant
from merchants.models import Merchant
from orders import rules
from orders import selectors as order_selectors
from orders import services as order_services
from tests.factories import (
    AddressFactory,
    MerchantFactory,
    MerchantMemberFactory,
    ProductFactory,
    UserFactory,
    checkout,
    shopper_with_cart,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
REMOTE = {"provinces": ["新疆", "西藏自治区", "Qinghai"], "first_fee": "20.00", "additional_fee": "15.00"}


def member_of(merchant=None):
    return MerchantMemberFactory(**({"merchant": merchant} if merchant else {})).user


def make_template(user, *, mode="direct_mail", free_from="99.00", regions=(REMOTE,), **overrides):
    fields = {
        "name": "Standard",
        "first_weight_grams": 1000,
        "first_fee": "12.00",
        "additional_step_grams": 500,
        "additional_fee": "5.00",
        "free_from": free_from,
        **overrides,
    }
    template = services.shipping_template_create(
        user=user, shipping_mode=mode, regions=list(regions), **fields
    )
    return ShippingTemplate.objects.prefetch_related("regions").get(pk=template.pk)


def fee(template, grams, goods="10.00", province=None):
    return shipping_fees.shipping_fee(
        template, weight_grams=grams, goods_value=Decimal(goods), province=province
    )


# --- the rule -------------------------------------------------------------------------------------


def test_first_weight_covers_up_to_and_including_it():
    template = make_template(member_of())
    assert fee(template, 1) == Decimal("12.00")
    assert fee(template, 999) == Decimal("12.00")
    assert fee(template, 1000) == Decimal("12.00")
    assert fee(template, 1001) == Decimal("17.00")  # one started step


def test_each_started_additional_step_adds_one_fee():
    template = make_template(member_of())
    assert fee(template, 1499) == Decimal("17.00")
    assert fee(template, 1500) == Decimal("17.00")  # exactly one step
    assert fee(template, 1501) == Decimal("22.00")  # into the second
    assert fee(template, 2000) == Decimal("22.00")
    assert fee(template, 2001) == Decimal("27.00")
    assert shipping_fees.additional_steps(template, 100_000) == 198


def test_free_from_the_threshold_exactly_and_never_without_one():
    user = member_of()
    template = make_template(user)
    assert fee(template, 5000, goods="98.99") == Decimal("52.00")  # 12 + 8 steps of 5
    assert fee(template, 5000, goods="99.00") == Decimal("0.00")
    assert fee(template, 5000, goods="99.01", province="新疆维吾尔自治区") == Decimal("0.00")
    never = make_template(user, mode="bonded", free_from=None)
    assert fee(never, 500, goods="4999.99") == Decimal("12.00")
    always = make_template(member_of(), free_from="0")
    assert fee(always, 99_000, goods="0.01") == Decimal("0.00")


def test_a_remote_province_pays_its_regions_fees_in_any_spelling():
    template = make_template(member_of())
    for spelling in ("新疆维吾尔自治区", "新疆", " 新疆 ", "Xinjiang", "西藏自治区", "青海省"):
        assert fee(template, 1000, province=spelling) == Decimal("20.00"), spelling
    assert fee(template, 1600, province="新疆") == Decimal("50.00")  # 20 + 2 steps of 15
    for elsewhere in ("上海市", "浙江", None, "", "Atlantis"):
        assert fee(template, 1600, province=elsewhere) == Decimal("22.00"), elsewhere


def test_the_province_list_is_the_31_mainland_divisions():
    assert len(PROVINCE_NAMES) == len(set(PROVINCE_NAMES)) == 31
    assert province_canonical("内蒙古") == "内蒙古自治区"
    assert province_canonical("Inner Mongolia") == "内蒙古自治区"
    assert province_canonical("陕西") == "陕西省" and province_canonical("山西") == "山西省"
    assert province_canonical("香港") is None


# --- pricing: one fee per order, the fallback, checkout ------------------------------------------


def weigh(product, grams):
    ProductVariant.objects.filter(product=product).update(weight_grams=grams)
    return ProductVariant.objects.get(product=product)


def test_one_fee_per_order_on_the_sum_of_its_lines_weights(rates):
    user = member_of()
    make_template(user, free_from=None)
    merchant = user.merchant
    a = weigh(ProductFactory(merchant=merchant), 400)
    b = weigh(ProductFactory(merchant=merchant), 300)
    shopper, address, identity = shopper_with_cart((a, 2), (b, 1))  # 1,100 g in one order
    priced = order_selectors.cart_priced(user=shopper)
    [group] = priced.groups
    assert group.weight_grams == 1100
    assert group.shipping == Decimal("17.00")  # not 12 + 12: one fee for the order
    assert priced.shipping == Decimal("17.00")


def test_a_store_without_a_template_pays_the_platform_default(rates):
    templated = member_of()
    make_template(templated, free_from=None)
    plain = ProductFactory()  # its store has no template
    bonded = ProductFactory(merchant=templated.merchant, shipping_mode=Product.ShippingMode.BONDED)
    shopper, _address, _identity = shopper_with_cart(
        (weigh(plain, 800), 1),
        (weigh(bonded, 800), 1),
        (weigh(ProductFactory(merchant=templated.merchant), 800), 1),
    )
    groups = {(g.merchant.pk, g.shipping_mode): g for g in order_selectors.cart_priced(user=shopper).groups}
    default = groups[(plain.merchant_id, "direct_mail")]
    assert default.template is None
    assert (
        default.shipping
        == rules.shipping_fee("direct_mail", default.goods)
        == rules.SHIPPING_FEES["direct_mail"]
    )
    assert (
        groups[(templated.merchant.pk, "bonded")].shipping == rules.SHIPPING_FEES["bonded"]
    )  # no bonded template
    assert groups[(templated.merchant.pk, "direct_mail")].shipping == Decimal("12.00")


def test_checkout_charges_the_template_fee_to_the_chosen_address(rates):
    user = member_of()
    make_template(user, free_from=None)
    variant = weigh(ProductFactory(merchant=user.merchant), 700)
    shopper, shanghai, identity = shopper_with_cart((variant, 2))  # 1,400 g
    xinjiang = AddressFactory(user=shopper, province="新疆维吾尔自治区")
    order = checkout(shopper, shanghai, identity).orders.get()
    assert order.shipping_fee == Money("17.00", "CNY")
    assert order.total.amount == order.goods_total.amount + Decimal("17.00") + order.tax_total.amount

    order_services.cart_add(
        cart=order_services.cart_get_or_create(user=shopper), variant_id=variant.pk, quantity=2
    )
    remote = checkout(shopper, xinjiang, identity).orders.get()
    assert remote.shipping_fee == Money("35.00", "CNY")  # 20 + one step of 15
    assert remote.payment.amount.amount == remote.total.amount


def test_the_cart_prices_to_the_latest_address_and_the_page_says_so(client, rates):
    user = member_of()
    make_template(user, free_from=None)
    variant = weigh(ProductFactory(merchant=user.merchant), 500)
    shopper, _shanghai, _identity = shopper_with_cart((variant, 1))
    client.force_login(shopper)
    page = client.get("/cart/", **EN)
    assert page.context["priced"].shipping == Decimal("12.00")
    assert "Shanghai" in page.content.decode()
    AddressFactory(user=shopper, province="西藏")  # the most recent address now
    page = client.get("/cart/", **EN)
    assert page.context["priced"].shipping == Decimal("20.00")
    assert "Tibet" in page.content.decode()


def test_the_checkout_page_prices_shipping_for_the_address_picked(client, rates):
    user = member_of()
    make_template(user, free_from=None)
    variant = weigh(ProductFactory(merchant=user.merchant), 500)
    shopper, shanghai, _identity = shopper_with_cart((variant, 1))
    xinjiang = AddressFactory(user=shopper, province="新疆")
    client.force_login(shopper)
    assert client.get("/checkout/").context["priced"].shipping == Decimal("20.00")  # the newest address
    assert client.get(f"/checkout/?address={shanghai.pk}").context["priced"].shipping == Decimal("12.00")
    other = AddressFactory(province="上海市")  # someone else's: ignored
    page = client.get(f"/checkout/?address={other.pk}")
    assert page.context["chosen_address"] == xinjiang.pk
    assert page.context["priced"].shipping == Decimal("20.00")


def test_the_cart_costs_the_same_queries_with_one_store_or_four(client, rates):
    stores = [member_of() for _ in range(4)]
    for user in stores:
        make_template(user, free_from=None)
    shopper, _address, _identity = shopper_with_cart(
        (ProductFactory(merchant=stores[0].merchant).variants.get(), 1)
    )
    client.force_login(shopper)

    def count():
        client.get("/cart/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/cart/").status_code == 200
        return len(captured.captured_queries)

    one = count()
    cart = order_services.cart_get_or_create(user=shopper)
    for user in stores:
        for mode in Product.ShippingMode.values:
            product = ProductFactory(merchant=user.merchant, shipping_mode=mode)
            order_services.cart_add(cart=cart, variant_id=product.variants.get().pk, quantity=2)
    assert len(order_selectors.cart_priced(user=shopper).groups) == 8
    assert count() == one


# --- who may write, and what is refused ------------------------------------------------------------


def test_only_the_stores_approved_staff_change_its_templates():
    owner = member_of()
    template = make_template(owner)
    with pytest.raises(ShippingTemplateNotAllowed):
        services.shipping_template_update(user=UserFactory(), template_id=template.pk, name="x")
    with pytest.raises(ShippingTemplateNotFound):
        services.shipping_template_update(user=member_of(), template_id=template.pk, name="x")
    with pytest.raises(ShippingTemplateNotFound):
        services.shipping_template_delete(user=member_of(), template_id=template.pk)
    applicant = member_of(MerchantFactory(status=Merchant.Status.PENDING))
    with pytest.raises(StoreNotApproved):
        make_template(applicant)
    assert ShippingTemplate.objects.get(pk=template.pk).name == "Standard"


def test_one_template_per_store_and_mode():
    owner = member_of()
    make_template(owner)
    with pytest.raises(ShippingTemplateExists):
        make_template(owner)
    make_template(owner, mode="bonded")
    with pytest.raises(IntegrityError), transaction.atomic():
        ShippingTemplate.objects.create(
            merchant=owner.merchant,
            shipping_mode="bonded",
            name="again",
            first_weight_grams=1,
            first_fee=Money(1, "CNY"),
            additional_step_grams=1,
            additional_fee=Money(1, "CNY"),
        )


@pytest.mark.parametrize(
    "overrides, regions",
    [
        ({"first_fee": "-0.01"}, ()),
        ({"first_fee": "1000.01"}, ()),
        ({"additional_fee": "1.001"}, ()),
        ({"first_fee": "NaN"}, ()),
        ({"first_weight_grams": 0}, ()),
        ({"additional_step_grams": 100_001}, ()),
        ({"free_from": "-1"}, ()),
        ({"name": " "}, ()),
        ({}, ({"provinces": ["Atlantis"], "first_fee": "1", "additional_fee": "1"},)),
        ({}, ({"provinces": [], "first_fee": "1", "additional_fee": "1"},)),
        ({}, (REMOTE, {"provinces": ["新疆"], "first_fee": "1", "additional_fee": "1"})),
        ({}, ({"provinces": ["西藏"], "first_fee": "1001", "additional_fee": "1"},)),
    ],
)
def test_bad_amounts_and_regions_are_refused_and_nothing_is_written(overrides, regions):
    owner = member_of()
    with pytest.raises(InvalidShippingTemplate):
        make_template(owner, regions=regions, **overrides)
    assert not ShippingTemplate.objects.exists() and not ShippingTemplateRegion.objects.exists()


def test_the_database_holds_the_bounds_too():
    template = make_template(member_of())
    for field, value in [
        ("first_fee", Money("-1", "CNY")),
        ("additional_fee", Money("1000.01", "CNY")),
        ("free_from", Money("-1", "CNY")),
        ("first_weight_grams", 0),
        ("additional_step_grams", 100_001),
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            ShippingTemplate.objects.filter(pk=template.pk).update(**{field: value})


def test_update_keeps_what_is_not_given_and_regions_are_replaced_only_when_given():
    owner = member_of()
    template = make_template(owner)
    services.shipping_template_update(user=owner, template_id=template.pk, first_fee="9.50")
    template = ShippingTemplate.objects.get(pk=template.pk)
    assert template.first_fee == Money("9.50", "CNY") and template.free_from == Money("99.00", "CNY")
    assert template.regions.count() == 1
    services.shipping_template_update(user=owner, template_id=template.pk, free_from=None, regions=[])
    template = ShippingTemplate.objects.get(pk=template.pk)
    assert template.free_from is None and template.regions.count() == 0


# --- the product page ------------------------------------------------------------------------------


def test_the_product_page_shows_the_fee_to_the_shoppers_province_or_the_base_fee(client, rates):
    owner = member_of()
    make_template(owner, free_from="5000.00")
    product = ProductFactory(merchant=owner.merchant, prices=["10.00"])
    weigh(product, 1200)
    url = product.get_absolute_url()
    anonymous = client.get(url, **EN).content.decode()
    assert "CN¥17.00 (base fee; some remote regions cost more)" in anonymous
    assert "free for orders from CN¥5,000.00" in anonymous
    shopper = UserFactory()
    AddressFactory(user=shopper, province="新疆")
    client.force_login(shopper)
    assert "CN¥35.00 to Xinjiang" in client.get(url, **EN).content.decode()


def test_the_product_page_follows_a_template_change_and_says_free_shipping(client, rates):
    owner = member_of()
    template = make_template(owner, free_from=None, regions=())
    product = ProductFactory(merchant=owner.merchant, prices=["10.00"])
    url = product.get_absolute_url()
    assert "CN¥12.00 (base fee)" in client.get(url, **EN).content.decode()
    services.shipping_template_update(user=owner, template_id=template.pk, free_from="0")
    assert "Free shipping" in client.get(url, **EN).content.decode()


def test_the_product_page_without_a_template_shows_the_platform_default(client, rates):
    product = ProductFactory(prices=["10.00"])
    page = client.get(product.get_absolute_url(), **EN).content.decode()
    assert "CN¥25.00, free for orders from CN¥299.00" in page


# --- seller pages and API --------------------------------------------------------------------------


def test_the_seller_creates_edits_and_deletes_a_template_with_regions_on_the_page(client):
    owner = member_of()
    client.force_login(owner)
    assert client.get("/seller/shipping-templates/").status_code == 200
    form = client.get("/seller/shipping-templates/bonded/")
    assert form.status_code == 200
    data = {
        "name": "Bonded standard",
        "first_weight_grams": "2000",
        "first_fee": "8.00",
        "additional_step_grams": "1000",
        "additional_fee": "3.00",
        "free_from": "88",
        "regions-TOTAL_FORMS": "2",
        "regions-INITIAL_FORMS": "0",
        "regions-0-provinces": ["新疆维吾尔自治区", "西藏自治区"],
        "regions-0-first_fee": "18.00",
        "regions-0-additional_fee": "10.00",
        "regions-1-first_fee": "",
        "regions-1-additional_fee": "",
    }
    response = client.post("/seller/shipping-templates/bonded/", data)
    assert response.status_code == 302
    template = ShippingTemplate.objects.get(merchant=owner.merchant, shipping_mode="bonded")
    assert template.free_from == Money("88.00", "CNY")
    assert list(template.regions.values_list("provinces", flat=True)) == [["西藏自治区", "新疆维吾尔自治区"]]
    bad = client.post(
        "/seller/shipping-templates/bonded/",
        {
            **data,
            "regions-1-provinces": ["西藏自治区"],
            "regions-1-first_fee": "1",
            "regions-1-additional_fee": "1",
        },
        **EN,
    )
    assert bad.status_code == 400 and "more than one region" in bad.content.decode()
    assert client.post("/seller/shipping-templates/bonded/delete/").status_code == 302
    assert not ShippingTemplate.objects.exists()
    assert client.get("/seller/shipping-templates/nowhere/").status_code == 404


def test_the_api_lists_creates_updates_and_deletes_only_the_stores_own(client):
    owner = member_of()
    client.force_login(owner)
    body = {
        "shipping_mode": "direct_mail",
        "name": "Air mail",
        "first_weight_grams": 500,
        "first_fee": "15.00",
        "additional_step_grams": 500,
        "additional_fee": "6.00",
        "free_from": None,
        "regions": [REMOTE],
    }
    created = client.post("/api/v1/seller/shipping-templates/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["regions"][0]["provinces"] == ["西藏自治区", "青海省", "新疆维吾尔自治区"]
    assert data["free_from"] is None and data["first_fee"] == "15.00"
    again = client.post("/api/v1/seller/shipping-templates/", body, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "shipping_template_exists"
    url = f"/api/v1/seller/shipping-templates/{data['id']}/"
    patched = client.patch(url, {"free_from": "199.00"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["free_from"] == "199.00"
    for odd in ({"regions": [{}]}, {"regions": [{"provinces": ["新疆"]}]}, {"name": "\u200b"}):
        refused = client.patch(url, odd, content_type="application/json")  # partial: nested fields optional
        assert refused.status_code == 400 and refused.json()["code"] == "invalid_shipping_template", odd
        moved = client.patch(url, {"shipping_mode": "bonded"}, content_type="application/json")
    assert moved.status_code == 400
    assert client.get("/api/v1/seller/shipping-templates/").json()[0]["id"] == data["id"]

    client.force_login(member_of())
    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 404
    assert client.get("/api/v1/seller/shipping-templates/").json() == []
    client.force_login(owner)
    assert client.delete(url).status_code == 204
    assert not ShippingTemplate.objects.exists()


def test_staff_see_templates_in_the_console_read_only(client):
    from tests.factories import StaffFactory

    template = make_template(member_of())
    client.force_login(StaffFactory(is_superuser=True))
    assert client.get("/staff/logistics/shippingtemplate/").status_code == 200
    page = client.get(f"/staff/logistics/shippingtemplate/{template.pk}/change/")
    assert page.status_code == 200 and "新疆维吾尔自治区" in page.content.decode()
    assert client.get("/staff/logistics/shippingtemplate/add/").status_code == 403


def test_the_demo_templates_are_varied_and_valid():
    from logistics.demo_templates import seed_shipping_templates

    merchants = [MerchantFactory() for _ in range(5)]
    assert seed_shipping_templates(merchants) == 9  # the last store keeps the default for bonded
    assert seed_shipping_templates(merchants) == 9  # reseeding replaces, never duplicates
    templates = ShippingTemplate.objects.all()
    assert templates.count() == 9
    assert {t.free_from is None for t in templates} == {True, False}
    assert len({t.additional_step_grams for t in templates}) >= 3
    for region in ShippingTemplateRegion.objects.all():
        assert set(region.provinces) <= set(PROVINCE_NAMES)
