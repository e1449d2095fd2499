"""Dashboard, review and public merchant pages cost a fixed number of queries, whatever they list."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from merchants import services
from tests.factories import (
    BrandAuthorizationFactory,
    BrandFactory,
    MerchantFactory,
    MerchantMemberFactory,
    StaffFactory,
)

from .helpers import applicant, complete_application, pdf

pytestmark = pytest.mark.django_db
_numbers = itertools.count()


def count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def submitted(n):
    applications = []
    for _ in range(n):
        name = f"a{next(_numbers)}"
        user, application = complete_application(applicant(name), registration_number=name)
        services.merchant_application_submit(application=application, actor=user)
        applications.append(application)
    return applications


def test_review_queue_and_merchant_list(client):
    staff = StaffFactory()
    client.force_login(staff)
    submitted(1)
    MerchantFactory()
    few = count(client, reverse("review:queue")), count(client, reverse("review:merchants"))
    submitted(4)
    for _ in range(5):
        MerchantFactory()
    many = count(client, reverse("review:queue")), count(client, reverse("review:merchants"))
    assert few == many


def test_application_pages_with_more_brands_and_documents(client):
    user, application = complete_application()
    staff = StaffFactory()
    review_url = reverse("review:application", args=[application.pk])
    client.force_login(user)
    own_few = count(client, reverse("seller:application"))
    client.force_login(staff)
    review_few = count(client, review_url)
    for _ in range(3):
        authorization = services.brand_authorization_add(
            merchant=application.merchant, actor=user, kind="owner", brand=BrandFactory()
        )
        services.qualification_document_upload(
            merchant=application.merchant,
            actor=user,
            kind="trademark_certificate",
            uploaded_file=pdf(),
            brand_authorization=authorization,
        )
    client.force_login(user)
    assert count(client, reverse("seller:application")) == own_few
    client.force_login(staff)
    assert count(client, review_url) == review_few


def test_blacklist_page(client):
    staff = StaffFactory()
    services.merchant_blacklist(merchant=MerchantFactory(), actor=staff, reason="fraud", note="x")
    few = count(client, reverse("blacklist"))
    for _ in range(4):
        services.merchant_blacklist(merchant=MerchantFactory(), actor=staff, reason="counterfeit", note="y")
    assert count(client, reverse("blacklist")) == few


def test_documents_page(client):
    member = MerchantMemberFactory()
    client.force_login(member.user)
    BrandAuthorizationFactory(merchant=member.merchant)
    few = count(client, reverse("seller:documents"))
    for _ in range(3):
        BrandAuthorizationFactory(merchant=member.merchant)
    assert count(client, reverse("seller:documents")) == few
