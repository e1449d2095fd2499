"""The credit page and the staff list of stores by credit figures, in a real browser (the records of
tests/merchants/test_credit_figures.py)."""

import pytest

from tests.factories import StaffFactory
from tests.merchants.test_credit_figures import expected, world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_credit_page_and_staff_list(live_server, page, screenshot, world):  # noqa: F811
    x = world["stores"]["X"]
    e = expected(world, "X")
    page.goto(f"{live_server.url}/stores/{x.slug}/credit/")
    assert page.locator("[data-figure=score-description] .credit-score").inner_text() == str(
        e["scores"]["description"][0]
    )
    assert page.locator("[data-figure=dispute-rate]").inner_text().startswith(str(e["dispute_rate"]))
    page.click(".credit-help summary")
    screenshot("90-credit-page")

    StaffFactory(username="creditstaff")
    page.goto(f"{live_server.url}/accounts/login/?next=/staff/stores/")
    page.fill("input[name=username]", "creditstaff")
    page.fill("input[name=password]", "pass12345word")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(live_server.url + "/staff/stores/")
    page.click("a[data-sort=dispute]")  # ascending, then descending
    page.click("a[data-sort=dispute]")
    page.wait_for_url("**sort=-dispute")
    first = page.locator("tbody tr").first.get_attribute("data-store")
    disputes = {k: expected(world, k)["dispute_rate"] for k in world["stores"]}
    worst = max((k for k in disputes if disputes[k] is not None), key=disputes.get)
    assert first == world["stores"][worst].slug
    screenshot("91-staff-stores-credit")
