"""A company applies in a real browser, a reviewer approves it, and the new store publishes a product."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from marketplace.models import Product
from merchants.models import Merchant, MerchantApplication
from tests.factories import BrandFactory, CategoryFactory, StaffFactory, TaxCategoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _files(tmp_path):
    pdf = tmp_path / "registration.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    letter = tmp_path / "authorization-letter.pdf"
    letter.write_bytes(pdf.read_bytes())
    png = tmp_path / "shopfront.png"
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "#cccccc").save(buffer, "PNG")
    png.write_bytes(buffer.getvalue())
    text = tmp_path / "notes.pdf"
    text.write_text("just some notes, not a PDF")
    return pdf, letter, png, text


def _log_in(page, base, username, password):
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click(".auth .btn--primary")
    page.wait_for_load_state()


def test_apply_review_approve_and_publish(live_server, page, screenshot, tmp_path, rates):
    brand = BrandFactory(name="Sakura Cosmetics", slug="sakura-cosmetics")
    category = CategoryFactory(parent=CategoryFactory())
    TaxCategoryFactory()
    staff = StaffFactory(username="reviewer")
    pdf, letter, png, not_a_pdf = _files(tmp_path)
    base = live_server.url

    # 1. Sign up as a merchant.
    page.goto(base + "/seller/join/")
    page.fill("input[name=username]", "sakura")
    page.fill("input[name=email]", "owner@sakura.example")
    page.fill("input[name=password1]", "Lantern-42-river")
    page.fill("input[name=password2]", "Lantern-42-river")
    page.click(".auth .btn--primary")
    page.wait_for_url(base + "/seller/application/company/")

    # 2. Company: mainland China is refused with a clear message, Japan is accepted.
    page.fill("input[name=legal_name]", "Sakura Trading K.K.")
    page.select_option("select[name=country]", "CN")
    page.fill("input[name=registration_number]", "0100-01-123456")
    page.fill("textarea[name=address]", "1-2-3 Ginza, Chuo-ku, Tokyo")
    page.click(".panel form .btn--primary")
    assert page.locator(".message--error").count() == 1
    screenshot("20-application-mainland-refused")
    page.select_option("select[name=country]", "JP")
    page.click(".panel form .btn--primary")
    page.wait_for_url(base + "/seller/application/store/")

    # 3. Store and contact.
    page.fill("input[name=store_name_zh]", "樱花海外旗舰店")
    page.fill("input[name=store_name_en]", "Sakura Global Store")
    page.fill("input[name=contact_name]", "Hanako Sato")
    page.fill("input[name=contact_phone]", "+81 3 1234 5678")
    page.select_option("select[name=settlement_currency]", "JPY")
    page.click(".panel form .btn--primary")
    page.wait_for_url(base + "/seller/application/brands/")

    # 4. A brand, authorized by its owner, with the letter.
    today = timezone.localdate()
    page.select_option("select[name=brand]", str(brand.pk))
    page.select_option("select[name=kind]", "authorized")
    page.fill("input[name=authorized_by]", "Sakura Cosmetics Co. (brand owner)")
    page.fill("input[name=valid_from]", (today - timedelta(days=10)).isoformat())
    page.fill("input[name=valid_until]", (today + timedelta(days=365)).isoformat())
    page.set_input_files("input[name=document]", str(letter))
    page.click("form .btn--primary")
    page.wait_for_load_state()
    assert "Sakura Cosmetics" in page.locator(".table").inner_text()
    screenshot("21-application-brands")

    # 5. Documents: a fake PDF is refused, the real ones are accepted.
    page.goto(base + "/seller/application/documents/")
    page.select_option("select[name=kind]", "registration_certificate")
    page.set_input_files("input[name=file]", str(not_a_pdf))
    page.click("form .btn--primary")
    assert page.locator(".field__error").count() == 1
    page.select_option("select[name=kind]", "registration_certificate")
    page.set_input_files("input[name=file]", str(pdf))
    page.click("form .btn--primary")
    page.wait_for_load_state()
    page.select_option("select[name=kind]", "retail_proof")
    page.set_input_files("input[name=file]", str(png))
    page.click("form .btn--primary")
    page.wait_for_load_state()
    assert page.locator(".doc").count() == 3

    # 6. Submit.
    page.goto(base + "/seller/application/review/")
    page.click("form[action$='/application/submit/'] button")
    page.wait_for_url(base + "/seller/application/")
    assert MerchantApplication.objects.get().state == "submitted"
    screenshot("22-application-submitted")

    # 7. A reviewer works the queue, opens the documents, and approves.
    page.context.clear_cookies()
    _log_in(page, base, staff.username, "pass12345word")
    page.goto(base + "/staff/review/")
    page.click("table a.btn--primary")
    page.wait_for_load_state()
    with page.expect_popup() as popup:
        page.locator(".doc a").first.click()
    document = popup.value
    document.wait_for_load_state()
    assert document.url.startswith(base + "/seller/documents/")
    document.close()
    screenshot("23-review-application")
    page.click("button[data-action=approve]")
    page.wait_for_url(base + "/staff/review/")
    merchant = Merchant.objects.get(slug="sakura-global-store")
    assert merchant.status == Merchant.Status.APPROVED

    # 8. The new store's owner sees an open store.
    page.context.clear_cookies()
    _log_in(page, base, "sakura", "Lantern-42-river")
    page.goto(base + "/seller/")
    assert page.locator(".console__who .status--approved").count() == 1
    screenshot("24-seller-overview")

    # 8b. ... which opens once its security deposit is paid on the card page.
    assert page.locator("[data-deposit-notice]").count() == 1
    page.goto(base + "/seller/finance/")
    page.click("[data-deposit-pay]")
    page.wait_for_url(re.compile(r"/pay/P\w+/$"))
    assert page.locator("[data-deposit-summary]").count() == 1
    page.fill("input[name=number]", "4242 4242 4242 4242")
    page.fill("input[name=expiry]", "12/30")
    page.fill("input[name=cvc]", "123")
    page.click("[data-pay]")
    page.wait_for_url(base + "/seller/finance/")
    assert page.locator("[data-deposit=paid]").count() == 1
    merchant.refresh_from_db()
    assert merchant.is_open
    screenshot("24b-deposit-paid")

    # 9. ... and lists and publishes its first product, which shoppers then see.
    page.goto(base + "/seller/products/new/")
    page.fill("input[name=name_zh]", "樱花保湿面霜")
    page.fill("input[name=name_en]", "Sakura moisture cream")
    page.select_option("select[name=brand]", label="Sakura Cosmetics")
    page.select_option("select[name=category]", str(category.pk))
    page.select_option("select[name=tax_category]", index=1)
    page.select_option("select[name=origin_country]", "JP")
    page.select_option("select[name=shipping_mode]", "bonded")
    page.fill("input[name=sku]", "SK-CREAM-50")
    page.fill("input[name=price]", "3980")
    page.fill("input[name=stock]", "20")
    page.click("button:has-text('保存草稿')")
    page.wait_for_url("**/seller/products/*/")
    product = Product.objects.get(name_en="Sakura moisture cream")
    assert product.merchant == merchant and product.status == Product.Status.DRAFT
    page.click(".panel__head button:has-text('上架')")
    page.wait_for_load_state()
    product.refresh_from_db()
    assert product.status == Product.Status.PUBLISHED and product.price_cny is not None
    page.goto(base + product.get_absolute_url())
    assert "樱花保湿面霜" in page.locator("h1").inner_text()
    screenshot("25-new-store-product-on-sale")
