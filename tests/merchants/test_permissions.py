"""Permission matrix: every dashboard page, review page and API endpoint of issue 3, for an
anonymous visitor, a consumer, merchant A, merchant B and platform staff. Objects belong to A."""

import pytest
from django.urls import reverse
from django.utils import timezone

from merchants.models import BrandAuthorization
from tests.factories import MerchantMemberFactory, StaffFactory, UserFactory

from .helpers import complete_application, pdf

pytestmark = pytest.mark.django_db

WHO = ("anonymous", "consumer", "merchant_a", "merchant_b", "staff")


@pytest.fixture
def world(db):
    user_a, application = complete_application()
    merchant_b = MerchantMemberFactory().user
    return {
        "users": {
            "anonymous": None,
            "consumer": UserFactory(),
            "merchant_a": user_a,
            "merchant_b": merchant_b,
            "staff": StaffFactory(),
        },
        "application": application,
        "document": application.merchant.documents.first(),
        "authorization": application.brand_authorizations.first(),
        "merchant": application.merchant,
    }


def client_for(client, world, who):
    user = world["users"][who]
    if user is not None:
        client.force_login(user)
    return client


LOGIN = "login"
# Expected status for each of WHO. "login" = redirect to the login page.
PAGES = [
    # seller dashboard pages (about the visitor's own merchant)
    ("seller:application", {}, (LOGIN, 403, 200, 200, 403)),
    ("seller:application_step", {"step": "company"}, (LOGIN, 403, 200, 404, 403)),  # B has no application
    ("seller:application_step", {"step": "brands"}, (LOGIN, 403, 200, 404, 403)),
    ("seller:application_step", {"step": "documents"}, (LOGIN, 403, 200, 404, 403)),
    ("seller:application_step", {"step": "review"}, (LOGIN, 403, 200, 404, 403)),
    ("seller:overview", {}, (LOGIN, 403, 302, 200, 403)),  # A is still applying: sent to the application
    ("seller:documents", {}, (LOGIN, 403, 200, 200, 403)),
    ("seller:penalties", {}, (LOGIN, 403, 200, 200, 403)),
    # A's document: only A's staff and platform staff; everyone else learns nothing (404)
    ("seller:document", {"pk": "document"}, (403, 404, 200, 404, 200)),
    # review console
    ("review:queue", {}, (LOGIN, 403, 403, 403, 200)),
    ("review:application", {"pk": "application"}, (LOGIN, 403, 403, 403, 200)),
    ("review:brands", {}, (LOGIN, 403, 403, 403, 200)),
    ("review:merchants", {}, (LOGIN, 403, 403, 403, 200)),
    ("review:merchant", {"pk": "merchant"}, (LOGIN, 403, 403, 403, 200)),
    # public pages
    ("blacklist", {}, (200, 200, 200, 200, 200)),
    ("seller:join", {}, (200, 200, 302, 302, 200)),
]


def _url(world, name, kwargs):
    resolved = {k: (world[v].pk if isinstance(v, str) and v in world else v) for k, v in kwargs.items()}
    return reverse(name, kwargs=resolved)


def _check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302 and reverse("login") in response["Location"]
    else:
        assert response.status_code == expected, response.content[:300]


@pytest.mark.parametrize("who_index, who", list(enumerate(WHO)))
@pytest.mark.parametrize("name, kwargs, expected", PAGES, ids=[f"{p[0]}{p[1] or ''}" for p in PAGES])
def test_pages(client, world, who_index, who, name, kwargs, expected):
    response = client_for(client, world, who).get(_url(world, name, kwargs))
    _check(response, expected[who_index])


def test_a_store_that_joined_before_online_applications_sees_its_approval(client, world):
    client.force_login(world["users"]["merchant_b"])
    merchant = world["users"]["merchant_b"].merchant
    page = client.get(reverse("seller:application")).content.decode()
    # The page shows the platform's local date (Asia/Shanghai), a day ahead of UTC after 16:00 UTC.
    assert f"{timezone.localtime(merchant.approved_at):%Y-%m-%d}" in page


POSTS = [
    ("seller:application_submit", {}, (LOGIN, 403, 302, 404, 403)),
    ("seller:brand_authorization_delete", {"pk": "authorization"}, (LOGIN, 403, 302, 404, 403)),
    ("seller:document_delete", {"pk": "document"}, (LOGIN, 403, 302, 404, 403)),
    (
        "review:application_decide",
        {"pk": "application", "action": "request-info"},
        (LOGIN, 403, 403, 403, 302),
    ),
    ("review:merchant_action", {"pk": "merchant", "action": "suspend"}, (LOGIN, 403, 403, 403, 302)),
]


@pytest.mark.parametrize("who_index, who", list(enumerate(WHO)))
@pytest.mark.parametrize("name, kwargs, expected", POSTS, ids=[p[0] for p in POSTS])
def test_actions(client, world, who_index, who, name, kwargs, expected):
    response = client_for(client, world, who).post(_url(world, name, kwargs), {"reasons": "Because."})
    _check(response, expected[who_index])


def test_no_one_but_a_reaches_a_documents_file_and_it_is_shown_inline(client, world):
    client.force_login(world["users"]["merchant_a"])
    response = client.get(reverse("seller:document", args=[world["document"].pk]))
    assert response["Content-Type"] in ("application/pdf", "image/jpeg")
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)


# Anonymous callers get 401 with `WWW-Authenticate` (they may log in); logged-in callers without the
# right role get 403.
API = [
    ("get", "/api/v1/seller/application/", (401, 403, 200, 404, 403)),
    ("patch", "/api/v1/seller/application/", (401, 403, 200, 404, 403)),
    ("post", "/api/v1/seller/application/submit/", (401, 403, 200, 404, 403)),
    ("get", "/api/v1/seller/brand-authorizations/", (401, 403, 200, 200, 403)),
    ("delete", "/api/v1/seller/brand-authorizations/{authorization}/", (401, 403, 204, 404, 403)),
    ("get", "/api/v1/seller/documents/", (401, 403, 200, 200, 403)),
    ("get", "/api/v1/seller/documents/{document}/", (401, 403, 200, 404, 403)),
    ("get", "/api/v1/review/applications/", (401, 403, 403, 403, 200)),
    ("get", "/api/v1/review/applications/{application}/", (401, 403, 403, 403, 200)),
    ("post", "/api/v1/review/applications/{application}/request-info/", (401, 403, 403, 403, 409)),
    ("get", "/api/v1/review/brand-authorizations/", (401, 403, 403, 403, 200)),
    ("post", "/api/v1/review/merchants/{merchant}/suspend/", (401, 403, 403, 403, 404)),  # A is not open yet
    ("get", "/api/v1/review/merchants/{merchant}/", (401, 403, 403, 403, 404)),
]


@pytest.mark.parametrize("who_index, who", list(enumerate(WHO)))
@pytest.mark.parametrize("method, path, expected", API, ids=[f"{m} {p}" for m, p, _e in API])
def test_api(client, world, who_index, who, method, path, expected):
    path = path.format(**{k: world[k].pk for k in ("authorization", "document", "application", "merchant")})
    body = {"legal_name": "Sakura Trading K.K."} if method == "patch" else {"reasons": "Because."}
    response = getattr(client_for(client, world, who), method)(path, body, content_type="application/json")
    assert response.status_code == expected[who_index], response.content[:300]
    if response.status_code == 401:  # not logged in: say how to authenticate
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["code"] == "not_authenticated"


def test_api_refuses_with_a_code_and_a_message(client, world):
    client.force_login(world["users"]["merchant_a"])
    response = client.patch("/api/v1/seller/application/", {"country": "CN"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "mainland_company_refused"
    upload = client.post("/api/v1/seller/documents/", {"kind": "other", "file": pdf("x.pdf", b"not a pdf")})
    assert upload.status_code == 400 and upload.json()["code"] == "invalid_document"
    assert BrandAuthorization.objects.count() == 1


def test_staff_decide_through_the_api(client, world):
    from merchants import services

    user, application = world["users"]["merchant_a"], world["application"]
    services.merchant_application_submit(application=application, actor=user)
    client.force_login(world["users"]["staff"])
    empty = client.post(
        f"/api/v1/review/applications/{application.pk}/reject/", {}, content_type="application/json"
    )
    assert empty.status_code == 400 and empty.json()["code"] == "reason_required"
    approved = client.post(
        f"/api/v1/review/applications/{application.pk}/approve/",
        {"reasons": "Fine."},
        content_type="application/json",
    )
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    merchant = world["merchant"]
    suspended = client.post(
        f"/api/v1/review/merchants/{merchant.pk}/suspend/",
        {"reasons": "Audit"},
        content_type="application/json",
    )
    assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"
