import re
from urllib.parse import urlencode

import pytest
from django.core import mail

from marketplace.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_logs_the_new_consumer_in(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "lihua",
            "email": "LiHua@Example.com",
            "password1": "s3cure-pass-99",
            "password2": "s3cure-pass-99",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="lihua")
    assert user.role == User.Role.CONSUMER and user.email == "lihua@example.com"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_sign_up_with_a_taken_email_or_weak_password_explains_why(client):
    UserFactory(email="taken@example.com")
    response = client.post(
        "/accounts/signup/",
        {"username": "x1", "email": "TAKEN@example.com", "password1": "123", "password2": "123"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "email" in errors and "password2" in errors
    assert not User.objects.filter(username="x1").exists()


def test_log_in_and_out(client):
    UserFactory(username="wang")
    response = client.post("/accounts/login/", {"username": "wang", "password": "pass12345word"})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    bad = client.post("/accounts/login/", {"username": "wang", "password": "wrong"})
    assert bad.status_code == 200 and bad.context["form"].errors
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client):
    UserFactory(username="zhao", email="zhao@example.com")
    response = client.post("/accounts/password_reset/", {"email": "zhao@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "n3w-pass-word!", "new_password2": "n3w-pass-word!"})
    assert done.status_code == 302
    # The login form, not client.login(): django-axes needs the request to count attempts.
    login = client.post("/accounts/login/", {"username": "zhao", "password": "n3w-pass-word!"})
    assert login.status_code == 302 and "_auth_user_id" in client.session


def test_password_reset_for_an_unknown_email_reveals_nothing(client):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and len(mail.outbox) == 0


@pytest.mark.parametrize(
    "next_url, expected",
    [
        ("/products/?sort=newest", "/products/?sort=newest"),
        ("https://evil.example/phish", "/"),
        ("//evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("cart", "/"),
    ],
)
def test_sign_up_returns_only_to_pages_of_this_site(client, next_url, expected):
    form = client.get("/accounts/signup/", {"next": next_url}).content.decode()
    assert 'name="next"' in form
    response = client.post(
        "/accounts/signup/?" + urlencode({"next": next_url}),
        {
            "username": "liu",
            "email": "liu@example.com",
            "password1": "s3cure-pass-99",
            "password2": "s3cure-pass-99",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == expected
