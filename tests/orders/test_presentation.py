"""What shoppers and merchants read: the word for an order in Chinese, and money in both languages."""

import pytest

from tests.factories import (
    MerchantFactory,
    MerchantMemberFactory,
    ProductFactory,
    checkout,
    pay,
    shopper_with_cart,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(rates):
    member = MerchantMemberFactory(merchant=MerchantFactory(settlement_currency="JPY"))
    product = ProductFactory(merchant=member.merchant, prices=["3580"])
    user, address, identity = shopper_with_cart((product.variants.get(), 1))
    payment = checkout(user, address, identity)
    pay(payment)
    return payment.orders.get(), user, member.user


def test_chinese_pages_call_an_order_dingdan_never_shunxu(client, paid_order):
    """ "Order" was translated as 顺序 (a sequence) on the shopper's and the seller's pages."""
    order, shopper, seller = paid_order
    client.force_login(shopper)
    for url in ("/orders/", order.get_absolute_url()):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "订单" in html and "顺序" not in html, url
    client.force_login(seller)
    html = client.get("/seller/orders/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<th>订单</th>" in html and "顺序" not in html


def test_no_message_about_an_order_is_translated_as_a_sequence():
    """Every message that speaks of an order (the shop's order, in any form) says 订单; the image
    position on the product editor is its own message (context "position of an image")."""
    import re
    from pathlib import Path

    import polib

    po = polib.pofile(
        str(Path(__file__).resolve().parents[2] / "marketplace/locale/zh_Hans/LC_MESSAGES/django.po")
    )
    wrong = [
        entry.msgid
        for entry in po
        if re.search(r"\border", entry.msgid, re.IGNORECASE)
        and not (entry.msgctxt or "").startswith("position")
        and entry.msgid != "Image order saved."
        and "(any order;" not in entry.msgid  # the spreadsheet's columns, in any sequence
        and any(
            word in (entry.msgstr or "".join(entry.msgstr_plural.values()))
            for word in ("顺序", "次序", "命令")
        )
    ]
    assert wrong == []


def test_a_merchants_yen_price_says_jp_yen_next_to_the_yuan_price(client, paid_order):
    order, shopper, _seller = paid_order
    product = order.lines.get().variant.product
    for language, yuan in (("zh-hans", "¥"), ("en", "CN¥")):
        client.cookies.load({"django_language": language})
        html = client.get(product.get_absolute_url()).content.decode()
        assert "≈ JP¥3,580" in html, language
        assert f">{yuan}168.98<" in html, language  # 3,580 JPY at 0.0472
    client.force_login(shopper)
    client.cookies.load({"django_language": "en"})
    html = client.get(order.get_absolute_url()).content.decode()
    assert "(JP¥3,580)" in html and "CN¥168.98" in html and "¥3,580" not in html.replace("JP¥3,580", "")


def test_an_order_placed_in_chinese_reads_in_english_on_an_english_page(client, paid_order):
    """Order lines kept the names in the checkout's language only; they keep both now."""
    order, shopper, _seller = paid_order
    line = order.lines.get()
    product = line.variant.product
    assert line.product_name_zh == product.name_zh and line.product_name_en == product.name_en
    client.force_login(shopper)
    client.cookies.load({"django_language": "en"})
    html = client.get(order.get_absolute_url()).content.decode()
    assert product.name_en in html and product.name_zh not in html
    api = client.get(f"/api/v1/orders/{order.number}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert api["lines"][0]["product_name"] == product.name_en
    client.cookies.load({"django_language": "zh-hans"})
    assert product.name_zh in client.get(order.get_absolute_url()).content.decode()


def test_the_blacklist_names_the_store_in_the_pages_language(client, rates):
    from merchants import services
    from tests.factories import StaffFactory

    merchant = MerchantFactory(name_zh="樱花店", name_en="Sakura Store")
    from django.utils import translation

    with translation.override("zh-hans"):  # blacklisted from a Chinese page
        services.merchant_blacklist(merchant=merchant, actor=StaffFactory(), reason="fraud", note="x")
    client.cookies.load({"django_language": "en"})
    html = client.get("/blacklist/").content.decode()
    assert "Sakura Store" in html and "樱花店" not in html
