"""A shopper reviews a line of a completed order in a real browser, with a photo, then sees the review
(stars, text, photo, distribution) on the product page; the store replies from its dashboard."""

import pytest

from orders.reviews.models import ProductReview
from tests.factories import MerchantMemberFactory, UserFactory, completed_order, image_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass12345word")
    page.click("form .btn--primary")
    page.wait_for_load_state()


@pytest.fixture
def carriers():
    from django.apps import apps

    from logistics.seed import seed_providers

    seed_providers(apps)  # a transactional test flushes the data migration's carriers


def test_a_review_with_a_photo_shows_on_the_product_page(
    live_server, page, screenshot, rates, carriers, tmp_path
):
    shopper = UserFactory(username="reviewer")
    order = completed_order(user=shopper)
    line = order.lines.get()
    product_id = line.variant.product_id
    photo = tmp_path / "photo.png"
    photo.write_bytes(image_upload().read())

    _login(page, live_server, "reviewer")
    page.goto(live_server.url + order.get_absolute_url())
    review_link = page.locator(f"[data-line-review='{line.pk}'] [data-review-line]")
    assert review_link.is_visible()
    assert page.locator("[data-rate-store]").is_visible()
    screenshot("review-order-page")
    review_link.click()
    page.wait_for_load_state()
    page.check("input[name=rating][value='4']")
    page.fill("textarea[name=text]", "Arrived well packed; smells lovely.")
    page.set_input_files("[data-review-photos]", str(photo))
    page.check("input[name=anonymous]")
    screenshot("review-form")
    with page.expect_navigation():
        page.click("[data-review-submit]")
    assert page.locator(".message--success").count() == 1
    review = ProductReview.objects.get()
    assert (review.rating, review.photo_count, review.anonymous) == (4, 1, True)
    assert page.locator(f"[data-line-review='{line.pk}'] [data-stars='4']").is_visible()

    # The store's reply, from the seller dashboard.
    staff = MerchantMemberFactory(merchant=order.merchant, user=UserFactory(username="storekeeper")).user
    assert staff.merchant == order.merchant
    page.context.clear_cookies()
    _login(page, live_server, "storekeeper")
    page.goto(live_server.url + "/seller/reviews/")
    card = page.locator(f"[data-seller-review='{review.pk}']")
    card.locator("textarea[name=text]").fill("Thank you for your order!")
    with page.expect_navigation():
        card.locator("button[type=submit]").click()
    screenshot("review-seller-replied")

    page.context.clear_cookies()
    page.goto(live_server.url + f"/product/{product_id}/")
    section = page.locator("[data-product-reviews]")
    section.scroll_into_view_if_needed()
    assert "Arrived well packed; smells lovely." in section.inner_text()
    assert section.locator("[data-review-photo]").count() == 1
    assert section.locator("[data-review-author]").inner_text() == "r***r"  # anonymous: masked
    assert "Thank you for your order!" in section.locator("[data-review-reply]").inner_text()
    assert section.locator("[data-bar='4'] meter").get_attribute("value") == "100"
    assert page.locator("[data-pdp-rating]").is_visible()
    # The photo is served (the media route), not a broken image.
    width = section.locator("[data-review-photo]").evaluate("img => img.naturalWidth")
    assert width > 0
    screenshot("review-product-page")
