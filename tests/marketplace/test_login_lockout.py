"""Log-in throttling (django-axes): per account and per address, on the site's form, the staff console
and the API's login, with a clear message in both languages; staff lift a lock-out."""

import pytest
from axes.models import AccessAttempt
from rest_framework.test import APIClient

from marketplace.models import ApiToken
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
SITE_LOGIN = "/accounts/login/"
API_LOGIN = "/api/v1/auth/login/"
RIGHT = "pass12345word"


def site_login(client, username, password, ip="10.0.0.1", language="en"):
    return client.post(
        SITE_LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def api_login(username, password, ip="10.0.0.1", language="en"):
    return APIClient().post(
        API_LOGIN,
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_five_wrong_passwords_on_the_site_then_the_right_one_is_refused_with_a_page(client, settings):
    assert settings.LOGIN_FAILURE_LIMIT == 5
    UserFactory(username="wang")
    for _ in range(4):
        assert site_login(client, "wang", "wrong").status_code == 200  # the form, with its error
    fifth = site_login(client, "wang", "wrong")
    assert fifth.status_code == 429
    right = site_login(client, "wang", RIGHT)
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    page = right.content.decode()
    assert "Login paused" in page and "Too many failed logins for this account" in page
    assert "15 minutes" in page and right["Retry-After"] == str(15 * 60)
    chinese = site_login(client, "wang", RIGHT, language="zh-hans").content.decode()
    assert "登录失败次数过多" in chinese and "_auth_user_id" not in client.session


def test_five_wrong_passwords_on_the_api_then_the_right_one_is_refused_with_json(settings):
    UserFactory(username="wang")
    for _ in range(4):
        assert api_login("wang", "wrong").json()["code"] == "invalid_credentials"
    assert api_login("wang", "wrong").status_code == 429
    right = api_login("wang", RIGHT)
    assert right.status_code == 429 and right["Retry-After"] == "900"
    assert right.json() == {
        "code": "login_locked_out",
        "detail": "Too many failed logins for this account or from this network address. Try again in "
        "15 minutes, or contact customer service to have the lock lifted.",
    }
    assert "登录失败次数过多" in api_login("wang", RIGHT, language="zh-hans").json()["detail"]
    assert not ApiToken.objects.exists()


def test_site_and_api_failures_count_together(client):
    UserFactory(username="wang")
    for _ in range(3):
        site_login(client, "wang", "wrong")
    api_login("wang", "wrong")
    assert api_login("wang", "wrong").status_code == 429
    assert site_login(client, "wang", RIGHT).status_code == 429


def test_an_account_is_locked_whatever_address_the_guesses_come_from(client):
    UserFactory(username="wang")
    for n in range(5):
        api_login("wang", "wrong", ip=f"203.0.113.{n}")
    assert api_login("wang", RIGHT, ip="198.51.100.7").status_code == 429
    UserFactory(username="li")
    assert api_login("li", RIGHT, ip="198.51.100.7").status_code == 201  # other accounts are not affected


def test_an_address_is_locked_whatever_accounts_it_guesses(client):
    UserFactory(username="li")
    for n in range(5):
        site_login(client, f"someone{n}", "wrong", ip="203.0.113.9")
    assert site_login(client, "li", RIGHT, ip="203.0.113.9").status_code == 429
    assert site_login(client, "li", RIGHT, ip="198.51.100.7").status_code == 302  # from elsewhere: fine


def test_a_success_before_the_limit_does_not_wipe_the_count(client):
    """Otherwise a guesser could log into an account of their own between guesses."""
    UserFactory(username="wang")
    UserFactory(username="mallory")
    for _ in range(4):
        site_login(client, "wang", "wrong", ip="203.0.113.9")
    assert site_login(client, "mallory", RIGHT, ip="203.0.113.9").status_code == 302
    client.logout()
    assert site_login(client, "wang", "wrong", ip="203.0.113.9").status_code == 429


def test_the_staff_console_login_is_throttled_too(client):
    StaffFactory(username="boss", is_superuser=True)
    for _ in range(5):
        client.post("/staff/login/", {"username": "boss", "password": "wrong"}, REMOTE_ADDR="10.0.0.2")
    response = client.post("/staff/login/", {"username": "boss", "password": RIGHT}, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_staff_lift_a_lock_out_from_the_console(client):
    user = UserFactory(username="wang")
    for _ in range(5):
        api_login("wang", "wrong")
    assert api_login("wang", RIGHT).status_code == 429
    staff = APIClient()
    staff.force_login(StaffFactory(is_superuser=True))
    attempts = staff.get("/staff/axes/accessattempt/")  # django-axes' own list of failed attempts
    assert attempts.status_code == 200 and "wang" in attempts.content.decode()
    response = staff.post(
        "/staff/marketplace/user/",
        {"action": "lift_login_lockout", "_selected_action": [user.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "Lock-out lifted" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="wang").exists()
    assert api_login("wang", RIGHT).status_code == 201
    assert site_login(client, "wang", RIGHT).status_code == 302


def test_staff_lift_a_lock_out_by_deleting_the_attempt_in_axes_admin(client):
    UserFactory(username="wang")
    for _ in range(5):
        site_login(client, "wang", "wrong")
    staff = APIClient()
    staff.force_login(StaffFactory(is_superuser=True))
    attempt = AccessAttempt.objects.get(username="wang")
    response = staff.post(f"/staff/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert site_login(client, "wang", RIGHT).status_code == 302


def test_a_nul_character_in_the_site_login_is_refused_without_a_failure_counted(client):
    from axes.models import AccessAttempt

    UserFactory(username="wang")
    response = site_login(client, "wa\x00ng", "pa\x00ss")
    assert response.status_code == 400  # refused at the edge (UnstorableInputMiddleware)
    assert not AccessAttempt.objects.exists()
