"""Accounts in a real browser: sign up, log out, forget the password, reset it by email, log in."""

import re

import pytest
from django.core import mail

from marketplace.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_log_out_reset_the_password_and_log_in(live_server, page, screenshot):
    page.goto(live_server.url + "/accounts/signup/")
    page.fill("input[name=username]", "meimei")
    page.fill("input[name=email]", "meimei@example.com")
    page.fill("input[name=password1]", "weak")
    page.fill("input[name=password2]", "weak")
    page.click("form .btn--primary")
    errors = page.locator(".field__error").all_inner_texts()
    assert any("密码太短" in error for error in errors), errors  # in the shopper's language, by the field
    screenshot("10-signup-error")
    page.fill("input[name=password1]", "Lantern-42-river")
    page.fill("input[name=password2]", "Lantern-42-river")
    page.click("form .btn--primary")
    page.wait_for_url(live_server.url + "/")
    assert "meimei" in page.locator(".topbar").inner_text()
    assert User.objects.get(username="meimei").role == User.Role.CONSUMER

    page.click(".topbar button.linklike")  # log out (a POST form)
    page.wait_for_load_state()
    assert page.locator(".topbar a[href='/accounts/login/']").count() == 1

    page.goto(live_server.url + "/accounts/password_reset/")
    page.fill("input[name=email]", "meimei@example.com")
    page.click("form .btn--primary")
    page.wait_for_url(re.compile(r"/password_reset/done/"))
    assert len(mail.outbox) == 1
    link = re.search(r"(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    page.goto(live_server.url + link)
    page.fill("input[name=new_password1]", "Harbour-77-lights")
    page.fill("input[name=new_password2]", "Harbour-77-lights")
    page.click("form .btn--primary")
    page.wait_for_url(re.compile(r"/reset/done/"))

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "meimei")
    page.fill("input[name=password]", "Harbour-77-lights")
    page.click("form .btn--primary")
    page.wait_for_url(live_server.url + "/")
    assert "meimei" in page.locator(".topbar").inner_text()
    screenshot("11-logged-in", full_page=False)
