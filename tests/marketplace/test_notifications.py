"""The notification centre (docs/rules.md, "Notifications"): the header bell, the list page, opening
and marking read, the API, the account's language and emails in the recipient's language."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from marketplace.notifications import selectors, services
from marketplace.notifications.models import Notification
from tests.factories import MerchantFactory, MerchantMemberFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

TITLE = gettext_lazy("Order %(number)s has shipped")


def _notify(user, n=1, **kwargs):
    made = []
    for i in range(n):
        made.append(
            services.notify(
                user=user,
                kind=Notification.Kind.ORDER,
                title=TITLE,
                params={"number": f"N{i}"},
                url=kwargs.pop("url", "/orders/"),
                **kwargs,
            )
        )
    return made


def _login(client, user):
    client.force_login(user)
    return client


# --- the bell -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["shopper", "merchant", "staff"])
def test_bell_shows_the_unread_count_for_every_kind_of_person(client, who):
    user = {"shopper": UserFactory, "staff": StaffFactory}.get(who, UserFactory)()
    if who == "merchant":
        MerchantMemberFactory(user=user, merchant=MerchantFactory())
    _notify(user, 3)
    Notification.objects.filter(pk=Notification.objects.filter(user=user).first().pk).update(
        read_at=timezone.now()
    )
    _login(client, user)
    page = client.get(reverse("home")).content.decode()
    assert "data-notification-bell" in page
    assert "data-notification-count>2<" in page


def test_bell_without_unread_shows_no_number_and_anonymous_pages_have_no_bell(client):
    user = UserFactory()
    assert "data-notification-bell" not in client.get(reverse("home")).content.decode()
    _login(client, user)
    page = client.get(reverse("home")).content.decode()
    assert "data-notification-bell" in page and "data-notification-count" not in page


def test_bell_costs_one_query(client):
    user = UserFactory()
    _notify(user, 2)
    _login(client, user)
    client.get(reverse("orders:list"))  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("orders:list"))
    counts = [q["sql"] for q in queries.captured_queries if "marketplace_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()


# --- the list page --------------------------------------------------------------------------------


def test_list_is_newest_first_with_unread_highlighted(client):
    user = UserFactory()
    first, second = _notify(user, 2)
    services.notification_mark_read(user=user, notification_id=first.pk)
    page = _login(client, user).get(reverse("notifications:list")).content.decode()
    assert page.index(f'data-notification="{second.pk}"') < page.index(f'data-notification="{first.pk}"')
    assert page.count("notif--unread") == 1
    assert f'data-notification="{second.pk}" data-unread' in page


def test_list_in_the_page_language(client):
    user = UserFactory()
    _notify(user)
    _login(client, user)
    assert (
        "Order N0 has shipped"
        in client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    client.cookies["django_language"] = "zh-hans"
    zh = client.get(reverse("notifications:list")).content.decode()
    assert Notification.objects.get(user=user).title_zh in zh


def test_list_unread_filter_and_pages(client):
    user = UserFactory()
    _notify(user, 25)
    Notification.objects.filter(user=user).order_by("id")[:1].get()  # noqa: B018
    _login(client, user)
    assert client.get(reverse("notifications:list")).content.decode().count("data-notification=") == 20
    second = client.get(reverse("notifications:list") + "?page=2").content.decode()
    assert second.count("data-notification=") == 5
    services.notifications_mark_all_read(user=user)
    assert (
        "data-notification=" not in client.get(reverse("notifications:list") + "?unread=1").content.decode()
    )


def test_list_query_count_constant(client, django_assert_max_num_queries):
    user = UserFactory()
    _login(client, user)
    _notify(user, 2)
    client.get(reverse("notifications:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications:list"))
    _notify(user, 30)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("notifications:list"))
    # Session, user, store membership, bell, count, rows (and the catalogue counter on PostgreSQL).
    assert len(many) == len(few) <= 7


def test_list_needs_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- opening one, marking read ----------------------------------------------------------------------


def test_opening_marks_read_and_goes_to_its_page(client):
    user = UserFactory()
    (notification,) = _notify(user, url="/orders/123/")
    response = _login(client, user).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/orders/123/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    read_at = notification.read_at
    client.get(reverse("notifications:open", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at == read_at  # a second open changes nothing


@pytest.mark.parametrize("url", ["", "https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_opening_one_without_a_safe_link_goes_to_the_list(client, url):
    user = UserFactory()
    notification = Notification.objects.create(user=user, kind="order", title_zh="t", title_en="t", url=url)
    response = _login(client, user).get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_someone_elses_notification_is_404_and_stays_unread(client):
    owner, other = UserFactory(), UserFactory()
    (notification,) = _notify(owner)
    response = _login(client, other).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None
    assert client.get(reverse("notifications:open", args=[10**12])).status_code == 404


def test_mark_all_read_is_a_post_and_only_mine(client):
    me, other = UserFactory(), UserFactory()
    _notify(me, 3)
    _notify(other, 2)
    _login(client, me)
    assert client.get(reverse("notifications:read_all")).status_code == 405
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert selectors.unread_count(me) == 0 and selectors.unread_count(other) == 2


def test_mark_all_read_needs_the_csrf_token(client):
    from django.test import Client

    me = UserFactory()
    _notify(me)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(me)
    assert strict.post(reverse("notifications:read_all")).status_code == 403
    assert selectors.unread_count(me) == 1


# --- the API ---------------------------------------------------------------------------------------


def test_api_list_unread_filter_and_count(client):
    me = UserFactory()
    first, second = _notify(me, 2)
    services.notification_mark_read(user=me, notification_id=first.pk)
    _login(client, me)
    body = client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["count"] == 2 and [row["id"] for row in body["results"]] == [second.pk, first.pk]
    assert body["results"][0]["title"] == "Order N1 has shipped" and body["results"][0]["unread"] is True
    unread = client.get("/api/v1/notifications/?unread=true").json()
    assert [row["id"] for row in unread["results"]] == [second.pk]
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}


def test_api_mark_read_and_all(client):
    me, other = UserFactory(), UserFactory()
    mine = _notify(me, 3)
    (theirs,) = _notify(other)
    _login(client, me)
    response = client.post(f"/api/v1/notifications/{mine[0].pk}/read/")
    assert response.status_code == 200 and response.json()["unread"] is False
    refused = client.post(f"/api/v1/notifications/{theirs.pk}/read/")
    assert refused.status_code == 404 and refused.json()["code"] == "notification_not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}
    assert selectors.unread_count(other) == 1


def test_api_needs_credentials(client):
    assert client.get("/api/v1/notifications/").status_code == 401
    assert client.get("/api/v1/notifications/unread-count/").status_code == 401
    assert client.post("/api/v1/notifications/read-all/").status_code == 401


def test_api_list_queries_constant(client):
    me = UserFactory()
    _login(client, me)
    _notify(me, 2)
    client.get("/api/v1/notifications/")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/notifications/")
    _notify(me, 30)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/notifications/")
    assert len(many) == len(few)


# --- notify(): once, both languages, email in the recipient's language ---------------------------------


def test_dedupe_key_notifies_once():
    user = UserFactory()
    assert services.notify(user=user, kind="order", title=TITLE, params={"number": "1"}, dedupe_key="k")
    assert (
        services.notify(user=user, kind="order", title=TITLE, params={"number": "1"}, dedupe_key="k") is None
    )
    assert Notification.objects.filter(user=user).count() == 1


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "订单"), ("en", "Order N0 has shipped")])
def test_email_goes_in_the_recipients_language(language, expected, django_capture_on_commit_callbacks):
    user = UserFactory(language=language)
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = _notify(user, email=True, url="/orders/9/")
    assert notification.emailed
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert message.subject == (notification.title_zh if language == "zh-hans" else notification.title_en)
    assert expected in message.subject or language == "zh-hans"
    assert message.body.endswith("/orders/9/")


def test_no_email_without_the_flag_or_an_address(django_capture_on_commit_callbacks):
    silent, no_address = UserFactory(), UserFactory()
    no_address.email = ""
    with django_capture_on_commit_callbacks(execute=True):
        _notify(silent)
        services.notify(user=no_address, kind="order", title=TITLE, params={"number": "1"}, email=True)
    assert mail.outbox == []


def test_a_rolled_back_transaction_writes_and_sends_nothing(django_capture_on_commit_callbacks):
    from django.db import transaction

    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        _notify(user, email=True)
        raise RuntimeError
    assert not Notification.objects.filter(user=user).exists() and mail.outbox == []


def test_store_staff_all_hear():
    merchant = MerchantFactory()
    owner, clerk = (
        MerchantMemberFactory(merchant=merchant).user,
        MerchantMemberFactory(merchant=merchant).user,
    )
    stranger = MerchantMemberFactory(merchant=MerchantFactory()).user
    assert services.notify_store(merchant=merchant, kind="order", title=TITLE, params={"number": "1"}) == 2
    assert {n.user_id for n in Notification.objects.all()} == {owner.pk, clerk.pk}
    assert not stranger.notifications.exists()


# --- the account's language ----------------------------------------------------------------------------


def test_switching_language_remembers_it_on_the_account(client):
    user = UserFactory()
    assert user.language == "zh-hans"
    _login(client, user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_switching_language_logged_out_still_works(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"


@pytest.mark.parametrize(("page_language", "stored"), [("en", "en"), ("zh-hans", "zh-hans")])
def test_signup_records_the_page_language(client, page_language, stored):
    from marketplace.models import User

    client.cookies["django_language"] = page_language
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": "Xk29!pqlm7",
            "password2": "Xk29!pqlm7",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="newbie").language == stored


def test_the_staff_console_links_the_centre_with_the_count(client):
    staff = StaffFactory()
    _notify(staff, 2)
    page = _login(client, staff).get(reverse("admin:index")).content.decode()
    assert "data-notification-bell" in page and "(2)" in page


def test_staff_pages_have_the_bell(client):
    staff = StaffFactory()
    _notify(staff)
    page = _login(client, staff).get(reverse("review:queue")).content.decode()
    assert "data-notification-count>1<" in page
