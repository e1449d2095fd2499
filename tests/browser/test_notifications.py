"""The notification centre in a real browser: the bell's count after logging in, the list with the
unread highlighted, opening one (it goes to its page and is read), marking all read."""

import pytest
from django.utils.translation import gettext_lazy

from marketplace.notifications.models import Notification
from marketplace.notifications.services import notify
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bell_list_open_and_mark_all_read(live_server, page, screenshot):
    user = UserFactory(username="lanlan")
    for number in ("2612030001", "2612030002", "2612030003"):
        notify(
            user=user,
            kind=Notification.Kind.SHIPMENT,
            title=gettext_lazy("Order %(number)s has shipped"),
            body=gettext_lazy(
                "Check the goods and confirm receipt on the order page; the payment goes to the store "
                "when you confirm, or automatically after the confirmation period."
            ),
            params={"number": number},
            url="/orders/",
        )
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "lanlan")
    page.fill("input[name=password]", "pass12345word")
    page.click("form .btn--primary")
    page.wait_for_url(live_server.url + "/")
    assert page.locator("[data-notification-count]").inner_text() == "3"
    screenshot("notifications-10-bell", full_page=False)

    page.click("[data-notification-bell]")
    page.wait_for_url(live_server.url + "/notifications/")
    assert page.locator("[data-notification][data-unread]").count() == 3
    screenshot("notifications-11-list")

    page.click("[data-notification] >> nth=0")
    page.wait_for_url(live_server.url + "/orders/")
    assert page.locator("[data-notification-count]").inner_text() == "2"

    page.goto(live_server.url + "/notifications/")
    assert page.locator("[data-notification][data-unread]").count() == 2
    page.click("[data-mark-all-read]")
    page.wait_for_url(live_server.url + "/notifications/")
    assert page.locator("[data-notification][data-unread]").count() == 0
    assert page.locator("[data-notification-count]").count() == 0
    screenshot("notifications-12-all-read")
