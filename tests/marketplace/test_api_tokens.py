"""API tokens (django-rest-knox): issued at the API's login, listed and revoked by their owner, hashed
at rest, expiring; HTTP Basic only when settings.API_BASIC_AUTH is on; 401 with WWW-Authenticate."""

import hashlib
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.views import APIView

from marketplace.accounts.authentication import DevelopmentBasicAuthentication, TokenAuthentication
from marketplace.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/api/v1/auth/login/"
PRIVATE = "/api/v1/addresses/"  # any route that needs a user


def log_in(api, username, password="pass12345word", client=None, **headers):
    body = {"username": username, "password": password}
    if client is not None:
        body["client"] = client
    return api.post(LOGIN, body, format="json", **headers)


def with_token(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def user():
    return UserFactory(username="lin")


def test_login_issues_a_token_that_expires_in_the_configured_days(user, settings):
    before = timezone.now()
    response = log_in(APIClient(), "lin", client="iPhone app")
    assert response.status_code == 201, response.content
    body = response.json()
    token = body["token"]
    assert len(token) == 64 and int(token, 16) >= 0
    assert body["id"] == token[:15] and body["client"] == "iPhone app" and body["current"] is False
    expiry = ApiToken.objects.get().expiry
    assert (
        expiry - before
        >= timedelta(days=settings.API_TOKEN_TTL_DAYS)
        > expiry - before - timedelta(minutes=1)
    )
    assert body["expiry"] is not None
    user.refresh_from_db()
    assert user.last_login is not None  # a token login is a login


def test_the_token_is_stored_only_as_its_digest(user):
    token = log_in(APIClient(), "lin").json()["token"]
    stored = ApiToken.objects.get()
    assert stored.digest == hashlib.sha512(token.encode()).hexdigest()
    row = json.dumps(list(ApiToken.objects.values()), default=str)
    assert token not in row  # neither the digest, the key prefix nor any other column holds it whole
    assert stored.token_key == token[:15]


def test_a_token_authenticates_and_records_its_last_use(user):
    token = log_in(APIClient(), "lin").json()["token"]
    assert ApiToken.objects.get().last_used is None
    response = with_token(token).get(PRIVATE)
    assert response.status_code == 200
    assert ApiToken.objects.get().last_used is not None


def test_wrong_password_is_refused_with_a_code_and_no_token(user):
    response = log_in(APIClient(), "lin", password="wrong-one", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_credentials",
        "detail": "The username or password is not correct.",
    }
    unknown = log_in(APIClient(), "nobody")
    assert unknown.status_code == 400 and unknown.json()["code"] == "invalid_credentials"
    assert not ApiToken.objects.exists()


def test_the_owner_lists_their_tokens_without_the_tokens_themselves(user):
    first = log_in(APIClient(), "lin", client="ERP").json()["token"]
    second = log_in(APIClient(), "lin", client="iPad").json()["token"]
    log_in(APIClient(), UserFactory().username)  # someone else's
    response = with_token(second).get("/api/v1/auth/tokens/")
    assert response.status_code == 200
    tokens = response.json()
    assert [t["client"] for t in tokens] == ["iPad", "ERP"]
    assert set(tokens[0]) == {"id", "client", "created", "expiry", "last_used", "current"}
    assert [t["current"] for t in tokens] == [True, False]
    assert first not in response.content.decode() and second not in response.content.decode()


def test_revoking_a_token_refuses_it_at_once(user):
    keep = log_in(APIClient(), "lin").json()["token"]
    lost = log_in(APIClient(), "lin").json()
    client = with_token(keep)
    assert client.delete(f"/api/v1/auth/tokens/{lost['id']}/").status_code == 204
    refused = with_token(lost["token"]).get(PRIVATE)
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Token"
    assert client.get(PRIVATE).status_code == 200
    assert client.delete(f"/api/v1/auth/tokens/{lost['id']}/").json()["code"] == "api_token_not_found"


def test_one_cannot_revoke_anothers_token(user):
    mine = log_in(APIClient(), "lin").json()["token"]
    theirs = log_in(APIClient(), UserFactory().username).json()
    response = with_token(mine).delete(f"/api/v1/auth/tokens/{theirs['id']}/")
    assert response.status_code == 404
    assert with_token(theirs["token"]).get(PRIVATE).status_code == 200
    assert with_token(mine).delete("/api/v1/auth/tokens/not-an-id/").status_code == 404


def test_logout_revokes_the_calling_token_and_logout_all_every_token(user):
    a = log_in(APIClient(), "lin").json()["token"]
    b = log_in(APIClient(), "lin").json()["token"]
    c = log_in(APIClient(), "lin").json()["token"]
    assert with_token(a).post("/api/v1/auth/logout/").status_code == 204
    assert with_token(a).get(PRIVATE).status_code == 401
    assert with_token(b).get(PRIVATE).status_code == 200
    assert with_token(b).post("/api/v1/auth/logout-all/").status_code == 204
    assert with_token(b).get(PRIVATE).status_code == 401
    assert with_token(c).get(PRIVATE).status_code == 401
    assert not ApiToken.objects.exists()


def test_logout_all_works_from_the_site_session_too(client, user):
    token = log_in(APIClient(), "lin").json()["token"]
    client.force_login(user)
    assert client.post("/api/v1/auth/logout-all/").status_code == 204
    assert with_token(token).get(PRIVATE).status_code == 401


def test_an_expired_token_is_refused_and_not_listed(user):
    old = log_in(APIClient(), "lin").json()["token"]
    fresh = log_in(APIClient(), "lin").json()["token"]
    ApiToken.objects.filter(token_key=old[:15]).update(expiry=timezone.now() - timedelta(seconds=1))
    response = with_token(old).get(PRIVATE)
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"
    listed = with_token(fresh).get("/api/v1/auth/tokens/").json()
    assert [t["id"] for t in listed] == [fresh[:15]]


def test_an_account_holds_a_limited_number_of_tokens(user, settings):
    settings.API_TOKEN_LIMIT = 2
    assert log_in(APIClient(), "lin").status_code == 201
    assert log_in(APIClient(), "lin").status_code == 201
    third = log_in(APIClient(), "lin")
    assert third.status_code == 409 and third.json()["code"] == "too_many_api_tokens"
    assert ApiToken.objects.count() == 2


def test_a_deactivated_account_cannot_log_in_or_use_its_tokens(user):
    token = log_in(APIClient(), "lin").json()["token"]
    user.is_active = False
    user.save()
    assert with_token(token).get(PRIVATE).status_code == 401
    assert log_in(APIClient(), "lin").status_code == 400


@pytest.mark.parametrize(
    "header",
    [
        "Token",
        "Token a b",
        "Token " + "z" * 64,
        "Token " + "0" * 64,
        "Token é",
        "Token " + "a" * 63 + "\u00e9",
    ],
)
def test_malformed_or_unknown_tokens_are_refused_with_401(user, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(PRIVATE)
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == "Token"


def test_anonymous_calls_that_need_a_user_answer_401_with_www_authenticate(client):
    for url in ["/api/v1/cart/", "/api/v1/auth/tokens/", "/api/v1/seller/products/"]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"
        assert response.json() == {
            "code": "not_authenticated",
            "detail": "Authentication credentials were not provided.",
        }
    # Logged in without the right role is still 403: they are who they say, but may not.
    client.force_login(UserFactory())
    assert client.get("/api/v1/seller/products/").status_code == 403


def test_http_basic_is_refused_by_default(user, settings):
    assert not settings.API_BASIC_AUTH
    classes = settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]
    assert not any("Basic" in name for name in classes)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic bGluOnBhc3MxMjM0NXdvcmQ=")  # lin:pass12345word
    response = client.get(PRIVATE)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_http_basic_works_when_enabled_for_development(user, monkeypatch):
    # Views read the classes when they are defined; this is what API_BASIC_AUTH=true builds.
    monkeypatch.setattr(
        APIView,
        "authentication_classes",
        [TokenAuthentication, *APIView.authentication_classes[1:], DevelopmentBasicAuthentication],
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic bGluOnBhc3MxMjM0NXdvcmQ=")
    assert client.get(PRIVATE).status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Basic bGluOndyb25n")  # lin:wrong
    assert client.get(PRIVATE).status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Basic bABpbjpwYXNz")  # l\x00in:pass
    assert client.get(PRIVATE).status_code == 400  # refused at the edge (UnstorableInputMiddleware)


def test_a_nul_character_in_the_credentials_or_token_is_a_400_not_a_500(user):
    # Refused at the edge (UnstorableInputMiddleware) before authentication or the database.
    response = log_in(APIClient(), "li\x00n", password="pa\x00ss")
    assert response.status_code == 400 and response.json()["code"] == "unstorable_character"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "\x00" * 64)
    response = client.get(PRIVATE)
    assert response.status_code == 400 and response.json()["code"] == "unstorable_character"


def _settings_in_a_fresh_process(module, **env):
    code = (
        f"import json, {module} as s; print(json.dumps(s.REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES']))"
    )
    environment = {k: v for k, v in os.environ.items() if k != "API_BASIC_AUTH"} | env
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_the_setting_turns_basic_on_only_when_asked_and_never_in_production():
    default = _settings_in_a_fresh_process("marketplace.settings")
    assert json.loads(default.stdout) == [
        "marketplace.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ]
    enabled = _settings_in_a_fresh_process("marketplace.settings", API_BASIC_AUTH="true")
    assert json.loads(enabled.stdout)[-1] == (
        "marketplace.accounts.authentication.DevelopmentBasicAuthentication"
    )
    production = _settings_in_a_fresh_process(
        "marketplace.settings_production",
        API_BASIC_AUTH="true",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="shop.example",
    )
    assert production.returncode != 0 and "API_BASIC_AUTH is for local development only" in production.stderr


def test_the_schema_documents_the_token_scheme_and_the_auth_endpoints(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert schema["components"]["securitySchemes"]["tokenAuth"]["type"] in ("apiKey", "http")
    assert "basicAuth" not in schema["components"]["securitySchemes"]
    for path in [
        "/api/v1/auth/login/",
        "/api/v1/auth/logout/",
        "/api/v1/auth/logout-all/",
        "/api/v1/auth/tokens/",
    ]:
        assert path in schema["paths"], path
    login = schema["paths"]["/api/v1/auth/login/"]["post"]
    assert {"201", "400", "409", "429"} <= set(login["responses"])
    assert not login.get("security")  # no credentials needed to log in
    assert {"tokenAuth": []} in schema["paths"]["/api/v1/cart/"]["get"]["security"]
