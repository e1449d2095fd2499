import io

import pytest
from django.utils import translation
from PIL import Image

from marketplace.models import User
from merchants.models import Merchant
from tests.factories import (
    BrandAuthorizationFactory,
    BrandFactory,
    CategoryFactory,
    MerchantMemberFactory,
    TaxCategoryFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _private_media_and_english(settings, tmp_path):
    """Private files in the test's folder; messages in English (pages too, by the language cookie)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    with translation.override("en"):
        yield


@pytest.fixture
def member(db, rates):
    """A member of an approved USD store that may sell one brand."""
    return MerchantMemberFactory(merchant__settlement_currency="USD")


@pytest.fixture
def merchant(member):
    return member.merchant


@pytest.fixture
def seller(client, member):
    client.force_login(member.user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def brand(merchant):
    brand = BrandFactory(slug="sakura", name="Sakura")
    BrandAuthorizationFactory(merchant=merchant, brand=brand)
    return brand


@pytest.fixture
def category(db):
    parent = CategoryFactory(slug="beauty")
    return CategoryFactory(slug="skincare", parent=parent)


@pytest.fixture
def tax_category(db):
    return TaxCategoryFactory()


@pytest.fixture
def other_member(db):
    return MerchantMemberFactory()


@pytest.fixture
def consumer(db):
    return UserFactory(role=User.Role.CONSUMER)


@pytest.fixture
def pending_merchant(merchant):
    merchant.status = Merchant.Status.PENDING
    merchant.save()
    return merchant


def image_bytes(fmt="PNG", size=(20, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()
