"""Seller dashboard product pages and the product services behind them."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from djmoney.money import Money

from marketplace import services
from marketplace.errors import InvalidProductImage, InvalidVariant, ProductNotAllowed, ProductNotOwned
from marketplace.models import Product, ProductImage, ProductVariant
from tests.factories import BrandFactory, ProductFactory

from .conftest import image_bytes

pytestmark = pytest.mark.django_db


def create_data(brand, category, tax_category, **changes):
    data = {
        "name_zh": "保湿精华",
        "name_en": "Moisture serum",
        "brand": brand.pk,
        "category": category.pk,
        "tax_category": tax_category.pk,
        "origin_country": "JP",
        "shipping_mode": "direct_mail",
        "description_zh": "",
        "description_en": "",
        "sku": "SERUM-30",
        "option_zh": "30毫升",
        "option_en": "30 ml",
        "price": "29.90",
        "stock": "10",
        "weight_grams": "150",
    }
    data.update(changes)
    return data


def variants_post(product, rows, extra=None):
    """The variants formset as the edit page posts it."""
    existing = list(product.variants.all())
    data = {
        "action": "variants",
        "variants-TOTAL_FORMS": str(len(existing) + (1 if extra else 0)),
        "variants-INITIAL_FORMS": str(len(existing)),
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000",
    }
    for index, variant in enumerate(existing):
        row = {
            "id": variant.pk,
            "sku": variant.sku,
            "name_zh": variant.name_zh,
            "name_en": variant.name_en,
            "price": str(variant.price.amount),
            "stock": variant.stock,
            "weight_grams": variant.weight_grams,
            "is_active": "on" if variant.is_active else "",
        }
        row.update(rows.get(index, {}))
        data.update({f"variants-{index}-{k}": v for k, v in row.items() if v not in ("", None)})
    if extra:
        index = len(existing)
        data.update({f"variants-{index}-{k}": v for k, v in extra.items()})
    return data


# --- Pages ---------------------------------------------------------------------------------------------


def test_create_product_page_makes_a_draft_with_its_first_variant(
    seller, merchant, brand, category, tax_category
):
    page = seller.get(reverse("seller:product_create"))
    assert page.status_code == 200
    assert "USD" in page.content.decode()
    response = seller.post(reverse("seller:product_create"), create_data(brand, category, tax_category))
    product = Product.objects.get(merchant=merchant)
    assert response.status_code == 302
    assert response.url == reverse("seller:product_edit", args=[product.pk])
    assert product.status == Product.Status.DRAFT
    variant = product.variants.get()
    assert variant.sku == "SERUM-30" and variant.price == Money("29.90", "USD") and variant.stock == 10
    assert product.price == Money("29.90", "USD") and product.price_cny == Decimal("212.89")


def test_brand_choices_are_the_brands_the_store_may_sell(seller, brand, category, tax_category):
    unauthorized = BrandFactory(name="Not yours")
    page = seller.get(reverse("seller:product_create")).content.decode()
    assert "Sakura" in page and "Not yours" not in page
    response = seller.post(
        reverse("seller:product_create"), create_data(unauthorized, category, tax_category)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["brand"]
    assert not Product.objects.exists()


def test_category_choices_are_leaves(seller, brand, category, tax_category):
    response = seller.post(
        reverse("seller:product_create"), create_data(brand, category.parent, tax_category)
    )
    assert response.status_code == 200 and response.context["form"].errors["category"]


def test_negative_stock_is_refused_on_create(seller, brand, category, tax_category):
    response = seller.post(
        reverse("seller:product_create"), create_data(brand, category, tax_category, stock="-1")
    )
    assert response.status_code == 200 and response.context["form"].errors["stock"]
    assert not Product.objects.exists()


def test_duplicate_sku_is_a_form_error_not_a_500(seller, merchant, brand, category, tax_category):
    ProductFactory(merchant=merchant, brand=brand, sku_prefix="SERUM")  # SKU "SERUM-0"
    response = seller.post(
        reverse("seller:product_create"), create_data(brand, category, tax_category, sku="SERUM-0")
    )
    assert response.status_code == 200
    assert Product.objects.filter(merchant=merchant).count() == 1


def test_edit_details_and_variants(seller, merchant, brand, category, tax_category):
    product = ProductFactory(
        merchant=merchant, brand=brand, category=category, prices=["10.00"], publish=False
    )
    url = reverse("seller:product_edit", args=[product.pk])
    page = seller.get(url)
    assert page.status_code == 200 and "USD" in page.content.decode()
    response = seller.post(
        url,
        variants_post(
            product,
            {0: {"price": "12.50", "stock": "7"}},
            extra={
                "sku": "NEW-1",
                "name_en": "Large",
                "price": "8.00",
                "stock": "3",
                "weight_grams": "700",
                "is_active": "on",
            },
        ),
    )
    assert response.status_code == 302, response.context["variants"].errors
    prices = dict(product.variants.values_list("sku", "price"))
    assert prices == {product.variants.first().sku: Decimal("12.50"), "NEW-1": Decimal("8.00")}
    product.refresh_from_db()
    assert product.price == Money("8.00", "USD")  # listing price refreshed from the cheapest variant

    details = {
        "action": "product",
        "name_zh": "新名字",
        "name_en": "New name",
        "brand": brand.pk,
        "category": category.pk,
        "tax_category": tax_category.pk,
        "origin_country": "KR",
        "shipping_mode": "bonded",
    }
    assert seller.post(url, details).status_code == 302
    product.refresh_from_db()
    assert (product.name_en, product.origin_country.code, product.shipping_mode) == (
        "New name",
        "KR",
        "bonded",
    )


def test_negative_stock_in_the_variants_formset_is_a_form_error(seller, merchant, brand):
    product = ProductFactory(merchant=merchant, brand=brand, publish=False)
    url = reverse("seller:product_edit", args=[product.pk])
    response = seller.post(url, variants_post(product, {0: {"stock": "-5"}}))
    assert response.status_code == 200
    assert "Stock cannot be negative." in response.content.decode()
    assert product.variants.get().stock == 50


def test_publish_and_unpublish_buttons(seller, merchant, brand):
    product = ProductFactory(merchant=merchant, brand=brand, publish=False)
    response = seller.post(reverse("seller:product_publish", args=[product.pk]))
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.status == Product.Status.PUBLISHED
    seller.post(reverse("seller:product_unpublish", args=[product.pk]))
    product.refresh_from_db()
    assert product.status == Product.Status.HIDDEN


def test_unapproved_merchant_cannot_publish(seller, merchant, brand):
    product = ProductFactory(merchant=merchant, brand=brand, publish=False)
    merchant.status = merchant.Status.PENDING
    merchant.save()
    response = seller.post(reverse("seller:product_publish", args=[product.pk]), follow=True)
    assert response.status_code == 403  # the dashboard's gate (tests/merchants/test_applicant_flow.py)
    assert "Your store is not open yet" in response.content.decode()
    product.refresh_from_db()
    assert product.status == Product.Status.DRAFT


def test_image_upload_order_and_delete(seller, merchant, brand):
    product = ProductFactory(merchant=merchant, brand=brand, publish=False)
    url = reverse("seller:product_edit", args=[product.pk])
    for name, fmt in (("a.png", "PNG"), ("b.jpg", "JPEG")):
        upload = SimpleUploadedFile(name, image_bytes(fmt), content_type="image/png")
        assert seller.post(url, {"action": "image_add", "image": upload, "alt": name}).status_code == 302
    first, second = product.images.all()
    assert first.image.name.startswith("products/") and second.image.name.endswith(".jpg")
    seller.post(url, {"action": "image_order", f"position-{first.pk}": "2", f"position-{second.pk}": "1"})
    assert list(product.images.values_list("pk", flat=True)) == [second.pk, first.pk]
    seller.post(reverse("seller:product_image_delete", args=[product.pk, second.pk]))
    assert list(product.images.values_list("pk", flat=True)) == [first.pk]


def test_a_file_that_is_not_an_image_is_refused(seller, merchant, brand):
    product = ProductFactory(merchant=merchant, brand=brand, publish=False)
    upload = SimpleUploadedFile("evil.png", b"<html>not an image</html>", content_type="image/png")
    response = seller.post(
        reverse("seller:product_edit", args=[product.pk]), {"action": "image_add", "image": upload}
    )
    assert response.status_code == 200
    assert "only JPEG and PNG" in response.content.decode()
    assert not ProductImage.objects.exists()


def test_list_filters_by_status_and_searches_name_and_sku(seller, merchant, brand):
    ProductFactory(merchant=merchant, brand=brand, name_en="Green tea", sku_prefix="TEA")
    ProductFactory(merchant=merchant, brand=brand, name_en="Face cream", sku_prefix="CREAM", publish=False)
    ProductFactory(brand=brand, name_en="Green tea of another store")

    def names(**params):
        response = seller.get(reverse("seller:products"), params)
        assert response.status_code == 200
        return sorted(p.name_en for p in response.context["products"])

    assert names() == ["Face cream", "Green tea"]
    assert names(status="draft") == ["Face cream"]
    assert names(q="tea") == ["Green tea"]
    assert names(q="CREAM-0") == ["Face cream"]


def test_product_list_query_count_does_not_grow(seller, merchant, brand, django_assert_max_num_queries):
    def count():
        seller.get(reverse("seller:products"))
        with CaptureQueriesContext(connection) as captured:
            assert seller.get(reverse("seller:products")).status_code == 200
        return len(captured.captured_queries)

    ProductFactory(merchant=merchant, brand=brand, images=1, prices=["1", "2"])
    few = count()
    for _ in range(15):
        ProductFactory(merchant=merchant, brand=brand, images=2, prices=["1", "2", "3"])
    assert count() == few
    assert few <= 12


# --- Who may see what ----------------------------------------------------------------------------------


def product_urls(product, image=None):
    urls = [
        ("get", reverse("seller:product_edit", args=[product.pk])),
        ("post", reverse("seller:product_edit", args=[product.pk])),
        ("post", reverse("seller:product_publish", args=[product.pk])),
        ("post", reverse("seller:product_unpublish", args=[product.pk])),
    ]
    if image:
        urls.append(("post", reverse("seller:product_image_delete", args=[product.pk, image.pk])))
    return urls


def test_another_merchants_products_are_404(seller, other_member):
    product = ProductFactory(merchant=other_member.merchant, images=1)
    for method, url in product_urls(product, product.images.first()):
        assert getattr(seller, method)(url).status_code == 404, url
    product.refresh_from_db()
    assert product.status == Product.Status.PUBLISHED and product.images.count() == 1


def test_anonymous_visitors_log_in_and_consumers_are_refused(client, consumer, rates):
    product = ProductFactory()
    urls = [("get", reverse("seller:products")), ("get", reverse("seller:product_create"))]
    urls += product_urls(product)
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login" in response.url, url
    client.force_login(consumer)
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 403, url


# --- Services ------------------------------------------------------------------------------------------


def test_services_refuse_another_merchants_product(merchant, other_member, brand):
    product = ProductFactory(merchant=other_member.merchant)
    with pytest.raises(ProductNotOwned):
        services.product_update(product=product, actor_merchant=merchant, name_en="Mine")
    with pytest.raises(ProductNotOwned):
        services.product_publish(product=product, actor_merchant=merchant)
    with pytest.raises(ProductNotOwned):
        services.variant_save(product=product, actor_merchant=merchant, sku="X", price="1.00")
    with pytest.raises(ProductNotOwned):
        services.variant_delete(variant=product.variants.get(), actor_merchant=merchant)


def test_variant_rules(merchant, brand):
    product = ProductFactory(merchant=merchant, brand=brand, prices=["10.00"])
    with pytest.raises(ProductNotAllowed, match="settlement currency"):
        services.variant_save(product=product, actor_merchant=merchant, sku="EUR-1", price=Money("5", "EUR"))
    with pytest.raises(InvalidVariant, match="negative"):
        services.variant_save(product=product, actor_merchant=merchant, sku="NEG", price="5", stock=-1)
    with pytest.raises(InvalidVariant, match="more than zero"):
        services.variant_save(product=product, actor_merchant=merchant, sku="FREE", price="0")
    with pytest.raises(InvalidVariant, match="already uses"):
        services.variant_save(
            product=product, actor_merchant=merchant, sku=product.variants.get().sku, price="5"
        )
    only = product.variants.get()
    with pytest.raises(InvalidVariant, match="at least one active variant"):
        services.variant_save(
            product=product, actor_merchant=merchant, variant=only, sku=only.sku, is_active=False
        )
    cheaper = services.variant_save(
        product=product, actor_merchant=merchant, sku="CHEAP", price="4.00", stock=1
    )
    product.refresh_from_db()
    assert product.price == Money("4.00", "USD")
    services.variant_save(
        product=product, actor_merchant=merchant, variant=cheaper, sku="CHEAP", is_active=False
    )
    product.refresh_from_db()
    assert product.price == Money("10.00", "USD")
    assert services.variant_delete(variant=cheaper, actor_merchant=merchant) is True
    assert not ProductVariant.objects.filter(sku="CHEAP").exists()


def test_publish_rechecks_the_brand_authorization(merchant, brand):
    product = ProductFactory(merchant=merchant, brand=brand, publish=False)
    merchant.brand_authorizations.update(status="expired")
    with pytest.raises(ProductNotAllowed, match="authorization"):
        services.product_publish(product=product, actor_merchant=merchant)


def test_image_size_limit(merchant, brand, monkeypatch):
    product = ProductFactory(merchant=merchant, brand=brand)
    monkeypatch.setattr(services, "PRODUCT_IMAGE_MAX_BYTES", 100)
    upload = SimpleUploadedFile("big.png", image_bytes(size=(200, 200)))
    with pytest.raises(InvalidProductImage, match="at most"):
        services.product_image_add(product=product, actor_merchant=merchant, uploaded_file=upload)


def test_swapping_the_only_active_variant_of_a_published_product_in_one_save(seller, merchant, brand):
    product = ProductFactory(merchant=merchant, brand=brand, prices=["10.00"])  # published
    url = reverse("seller:product_edit", args=[product.pk])
    new = {"sku": "SWAP-1", "price": "11.00", "stock": "3", "weight_grams": "500", "is_active": "on"}
    response = seller.post(url, variants_post(product, {0: {"is_active": ""}}, extra=new))
    assert response.status_code == 302
    assert list(product.variants.filter(is_active=True).values_list("sku", flat=True)) == ["SWAP-1"]
    product.refresh_from_db()
    assert product.price == Money("11.00", "USD")


def test_a_refused_row_rolls_back_the_whole_table(seller, merchant, brand):
    product = ProductFactory(merchant=merchant, brand=brand, prices=["10.00", "20.00"])  # published
    url = reverse("seller:product_edit", args=[product.pk])
    rows = {0: {"stock": "99", "is_active": ""}, 1: {"is_active": ""}}
    response = seller.post(url, variants_post(product, rows))
    assert response.status_code == 200
    assert "at least one active variant" in response.content.decode()
    assert list(product.variants.values_list("stock", "is_active")) == [(50, True), (50, True)]
