"""The applicant's side of the seller dashboard: a brand request and its document are one step (a refused
document writes nothing), the sidebar shows where the application really stands, and the selling pages
(products, bulk import, orders) stay closed, with the next step, until the store is approved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from marketplace.models import Brand
from merchants import services
from merchants.errors import InvalidDocument
from merchants.models import BrandAuthorization, MerchantApplication, QualificationDocument
from tests.factories import MerchantMemberFactory

from .helpers import applicant, complete_application, pdf

pytestmark = pytest.mark.django_db

NOT_A_DOCUMENT = b"MZ\x90\x00 this is a windows program"


@pytest.fixture
def drafting():
    """A signed-in applicant with a fresh draft."""
    user = applicant()
    application = services.merchant_application_start(user=user)
    user.refresh_from_db()
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client, user, application


def _new_brand_form(document):
    return {
        "new_brand_name": "Hinoki Labs",
        "new_brand_country": "JP",
        "kind": "owner",
        "document": document,
    }


# --- a: the brand request and its document in one transaction --------------------------------------


def test_a_refused_document_on_the_page_writes_no_brand_and_the_brand_can_be_added_again(drafting):
    client, _user, application = drafting
    url = reverse("seller:application_step", args=["brands"])
    response = client.post(url, _new_brand_form(SimpleUploadedFile("letter.pdf", NOT_A_DOCUMENT)))
    assert response.status_code == 400  # a refused form answers 400 (issue 10)
    assert "only PDF, JPEG and PNG" in response.content.decode()
    assert not BrandAuthorization.objects.exists()
    assert not Brand.objects.filter(name="Hinoki Labs").exists()  # the proposed brand is not left behind
    assert not QualificationDocument.objects.exists()

    # Trying again with the right file works: nothing says the brand is "already waiting".
    response = client.post(url, _new_brand_form(pdf("trademark.pdf")))
    assert response.status_code == 302
    authorization = BrandAuthorization.objects.get()
    assert authorization.brand.name == "Hinoki Labs" and authorization.application == application
    assert authorization.documents.get().kind == QualificationDocument.Kind.TRADEMARK_CERTIFICATE


def test_the_service_refuses_before_writing_anything(drafting):
    _client, user, application = drafting
    with pytest.raises(InvalidDocument):
        services.brand_authorization_request(
            merchant=application.merchant,
            actor=user,
            kind="owner",
            new_brand_name="Hinoki Labs",
            new_brand_country="JP",
            document=SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n truncated"),
        )
    assert not BrandAuthorization.objects.exists() and not Brand.objects.filter(name="Hinoki Labs").exists()


def test_a_failure_after_the_authorization_is_written_rolls_it_back(drafting, monkeypatch):
    """Whatever fails in the document step (not only the content check) undoes the brand request."""
    _client, user, application = drafting

    def broken_upload(**kwargs):
        raise InvalidDocument("the storage is full")

    monkeypatch.setattr(services, "qualification_document_upload", broken_upload)
    with pytest.raises(InvalidDocument):
        services.brand_authorization_request(
            merchant=application.merchant,
            actor=user,
            kind="owner",
            new_brand_name="Hinoki Labs",
            new_brand_country="JP",
            document=pdf(),
        )
    assert not BrandAuthorization.objects.exists() and not Brand.objects.filter(name="Hinoki Labs").exists()


def test_an_approved_store_asking_for_a_brand_with_a_bad_document_writes_nothing(client):
    member = MerchantMemberFactory()
    client.force_login(member.user)
    response = client.post(
        reverse("seller:documents"),
        {"action": "brand", **_new_brand_form(SimpleUploadedFile("a.pdf", NOT_A_DOCUMENT))},
    )
    assert response.status_code == 200
    assert not BrandAuthorization.objects.filter(merchant=member.merchant, brand__name="Hinoki Labs").exists()


# --- b: the sidebar shows the application's real state -----------------------------------------------


def _badge(client):
    html = client.get(reverse("seller:application")).content.decode()
    start = html.index("data-seller-standing=")
    return html[start : html.index("</span>", start)]


def test_the_sidebar_says_draft_while_the_application_is_a_draft(drafting):
    client, user, application = drafting
    badge = _badge(client)
    assert 'data-seller-standing="draft"' in badge and "not yet submitted" in badge
    assert "Pending review" not in badge


def test_the_sidebar_follows_the_application_through_review():
    user, application = complete_application()
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    services.merchant_application_submit(application=application, actor=user)
    assert "waiting for review" in _badge(client)
    from tests.factories import StaffFactory

    services.merchant_application_request_info(
        application=application, reviewer=StaffFactory(), reasons="Please add the trademark certificate."
    )
    assert "More information requested" in _badge(client)


def test_an_approved_store_shows_approved(client):
    member = MerchantMemberFactory()
    client.force_login(member.user)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("seller:penalties")).content.decode()
    assert 'data-seller-standing="approved"' in html


# --- c: selling pages stay closed until the store is approved ----------------------------------------

SELLING_PAGES = [
    ("seller:products", []),
    ("seller:product_create", []),
    ("seller:product_import", []),
    ("seller:import_template", []),
    ("seller_orders:list", []),
]


@pytest.mark.parametrize("name, args", SELLING_PAGES)
def test_a_draft_applicant_gets_the_next_step_instead_of_a_selling_page(drafting, name, args):
    client, _user, _application = drafting
    response = client.get(reverse(name, args=args))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your store is not open yet" in html
    assert 'data-not-approved="draft"' in html and "submit it for review" in html
    assert reverse("seller:application") in html


@pytest.mark.parametrize("name, args", SELLING_PAGES)
def test_a_submitted_applicant_is_told_to_wait(name, args):
    user, application = complete_application()
    services.merchant_application_submit(application=application, actor=user)
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse(name, args=args))
    assert response.status_code == 403
    assert 'data-not-approved="submitted"' in response.content.decode()


def test_an_applicant_cannot_post_an_import_or_a_product(drafting):
    client, _user, application = drafting
    response = client.post(
        reverse("seller:product_import"), {"file": SimpleUploadedFile("p.csv", b"sku,price,stock\nA,1,1\n")}
    )
    assert response.status_code == 403
    assert not application.merchant.product_imports.exists()
    response = client.post(reverse("seller:product_create"), {"name_en": "Anything"})
    assert response.status_code == 403


def test_pages_of_someone_elses_objects_are_closed_too(drafting):
    client, _user, _application = drafting
    for name in ("seller:product_edit", "seller:import_detail", "seller:import_status"):
        assert client.get(reverse(name, args=[1])).status_code == 403


@pytest.mark.parametrize("name, args", SELLING_PAGES)
def test_an_approved_store_opens_every_selling_page(client, name, args):
    member = MerchantMemberFactory()
    client.force_login(member.user)
    assert client.get(reverse(name, args=args)).status_code == 200


def test_the_application_pages_stay_open_to_applicants(drafting):
    client, _user, application = drafting
    assert application.state == MerchantApplication.State.DRAFT
    assert client.get(reverse("seller:application")).status_code == 200
    assert client.get(reverse("seller:application_step", args=["brands"])).status_code == 200
