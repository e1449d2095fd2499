"""The seller's product pages in a real browser: create a product, add a variant and an image, publish,
and import a spreadsheet with a bad row."""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from marketplace.models import Product
from merchants.models import Merchant, ProductImport
from tests.factories import (
    BrandAuthorizationFactory,
    BrandFactory,
    CategoryFactory,
    MerchantMemberFactory,
    ProductFactory,
    TaxCategoryFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seller_page(live_server, page, rates, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    member = MerchantMemberFactory(user__username="kyoto", merchant__name_en="Kyoto Beauty")
    brand = BrandFactory(slug="sakura", name="Sakura")
    BrandAuthorizationFactory(merchant=member.merchant, brand=brand)
    CategoryFactory(
        slug="skincare", name_en="Skincare", name_zh="护肤", parent=CategoryFactory(slug="beauty")
    )
    TaxCategoryFactory()
    for index in range(3):
        ProductFactory(merchant=member.merchant, brand=brand, name_zh=f"樱花面霜{index}", publish=index != 1)
    page.goto(live_server.url + "/accounts/login/?next=/seller/products/")
    page.fill("input[name=username]", "kyoto")
    page.fill("input[name=password]", "pass12345word")
    page.click("form .btn--primary")
    page.wait_for_url(live_server.url + "/seller/products/")
    return page


def test_create_edit_publish_and_import(live_server, seller_page, screenshot, tmp_path):
    page = seller_page
    assert page.locator(".seller-products tbody tr").count() == 3
    screenshot("40-seller-products")

    page.click("text=新建商品")
    page.fill("input[name=name_zh]", "玻尿酸精华")
    page.fill("input[name=name_en]", "Hyaluronic serum")
    page.select_option("select[name=brand]", label="Sakura")
    page.select_option("select[name=category]", index=1)
    page.select_option("select[name=tax_category]", index=1)
    page.select_option("select[name=origin_country]", "JP")
    page.select_option("select[name=shipping_mode]", "direct_mail")
    page.fill("input[name=sku]", "HS-30")
    page.fill("input[name=price]", "29.90")
    page.fill("input[name=stock]", "12")
    screenshot("41-seller-product-create")
    page.click("button:has-text('保存草稿')")
    page.wait_for_url("**/seller/products/*/")
    product = Product.objects.get(name_en="Hyaluronic serum")

    page.fill("input[name=variants-1-sku]", "HS-50")
    page.fill("input[name=variants-1-name_en]", "50 ml")
    page.fill("input[name=variants-1-price]", "39.90")
    page.fill("input[name=variants-1-stock]", "5")
    page.click("button:has-text('保存规格')")
    page.wait_for_load_state()
    assert product.variants.count() == 2

    picture = tmp_path / "serum.png"
    Image.new("RGB", (600, 600), (236, 160, 180)).save(picture)
    page.set_input_files("input[name=image]", str(picture))
    page.click("button:has-text('上传图片')")
    page.wait_for_load_state()
    assert product.images.count() == 1
    page.click(".panel__head button:has-text('上架')")
    page.wait_for_load_state()
    product.refresh_from_db()
    assert product.status == Product.Status.PUBLISHED
    screenshot("42-seller-product-edit")

    rows = (
        "product_key,name_en,brand,category,tax_category,origin_country,shipping_mode,sku,price,stock,publish\n"
        "mask,Sheet mask,sakura,skincare,general,JP,bonded,MASK-1,3.50,200,yes\n"
        "toner,Toner,sakura,skincare,general,JP,bonded,TONER-1,8.00,-4,no\n"
    )
    page.goto(live_server.url + "/seller/products/import/")
    page.set_input_files(
        "input[name=file]", files=[{"name": "products.csv", "mimeType": "text/csv", "buffer": rows.encode()}]
    )
    page.click("button:has-text('开始导入')")
    page.wait_for_url("**/seller/products/import/*/")
    page.wait_for_selector(".status--done")
    assert "不能为负数" in page.locator(".import-errors").inner_text()
    assert page.locator(".progress__bar").evaluate("el => el.style.width") == "100%"
    imported = ProductImport.objects.get()
    assert (imported.created_count, imported.failed_rows) == (1, 1)
    screenshot("43-seller-import")


def test_the_progress_bar_follows_a_running_import(live_server, seller_page, screenshot):
    page = seller_page
    merchant = Merchant.objects.get(members__user__username="kyoto")
    running = ProductImport.objects.create(
        merchant=merchant,
        original_name="big.xlsx",
        file_format="xlsx",
        status="running",
        total_rows=10,
        processed_rows=3,
        file="imports/none.xlsx",
    )
    page.goto(live_server.url + f"/seller/products/import/{running.pk}/")
    assert page.locator(".progress__bar").evaluate("el => el.style.width") == "30%"
    ProductImport.objects.filter(pk=running.pk).update(processed_rows=7)
    # Not `wait_for_function`: its string predicate is evaluated in the page, which the CSP forbids.
    expect(page.locator(".progress__bar")).to_have_attribute("style", re.compile(r"width: 70%"))
    screenshot("44-seller-import-running")
    ProductImport.objects.filter(pk=running.pk).update(processed_rows=10, status="done", created_count=4)
    page.wait_for_selector("text=没有错误")  # the page reloads itself when the import finishes
    assert page.locator(".status--done").count() == 1
