"""A shopper asks a store from a product page; the store's staff answer from the seller dashboard; the
shopper's open thread shows the answer without a reload (static/js/conversations.js polls)."""

import pytest

from orders.conversations.models import Conversation, Message
from tests.browser.conftest import SCREENSHOTS
from tests.factories import MerchantMemberFactory, ProductFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pass12345word"  # the factories' password


def _log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form .btn--primary")
    page.wait_for_load_state()


def test_a_question_from_the_product_page_answered_in_the_dashboard_shows_without_reload(
    live_server, page, browser, screenshot, rates
):
    member = MerchantMemberFactory(user__username="kao-staff", merchant__name_zh="花王日本旗舰店")
    product = ProductFactory(merchant=member.merchant, name_zh="花王纸尿裤 M 号", name_en="Merries diapers M")
    UserFactory(username="lin")

    _log_in(page, live_server.url, "lin")
    page.goto(live_server.url + product.get_absolute_url())
    page.click("[data-ask-store]")
    page.fill("textarea[name=body]", "请问这是日本本土版吗？")
    page.click("[data-send]")
    page.wait_for_load_state()
    assert "请问这是日本本土版吗？" in page.locator("[data-chat-list]").inner_text()
    conversation = Conversation.objects.get()
    assert page.url.endswith(f"/messages/{conversation.pk}/#composer")
    assert page.locator(".container.messages").count() == 0  # no stray notice above the thread
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    screenshot("conversation-shopper-asked")

    merchant_context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    seller = merchant_context.new_page()
    seller.set_default_timeout(15000)
    try:
        _log_in(seller, live_server.url, "kao-staff")
        seller.goto(live_server.url + "/seller/messages/")
        row = seller.locator(f"[data-conversation='{conversation.pk}']")
        assert row.locator("[data-unread]").inner_text() == "1"
        assert row.locator("[data-waiting] strong").is_visible()  # the waiting time
        seller.screenshot(path=str(SCREENSHOTS / "conversation-seller-list.png"), full_page=True)
        row.locator("a").first.click()
        seller.wait_for_load_state()
        seller.fill("textarea[name=body]", "是的，日本本土版，大阪直邮。")
        seller.click("[data-send]")
        seller.wait_for_load_state()
        assert "大阪直邮" in seller.locator("[data-chat-list]").inner_text()
        seller.screenshot(path=str(SCREENSHOTS / "conversation-seller-thread.png"), full_page=True)
    finally:
        merchant_context.close()

    answer = page.locator("[data-chat-list] [data-side='merchant']")
    answer.wait_for(timeout=15000)  # the polling script brings it within a few seconds
    assert "大阪直邮" in answer.inner_text()
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"
    screenshot("conversation-shopper-sees-answer")
    assert (
        Message.objects.filter(conversation=conversation, side="merchant").get().response_seconds is not None
    )
    for _ in range(50):  # the script marks the answer read once shown
        conversation.refresh_from_db()
        if conversation.shopper_read_at >= conversation.last_message_at:
            break
        page.wait_for_timeout(100)
    assert conversation.shopper_read_at >= conversation.last_message_at
