import pytest

from tests.factories import MerchantMemberFactory, ProductFactory, UserFactory, paid_order


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def store(db):
    """An approved store with one member (`store.staff`)."""
    member = MerchantMemberFactory(user__username="store-a-staff")
    member.merchant.staff = member.user
    return member.merchant


@pytest.fixture
def other_store(db):
    member = MerchantMemberFactory(user__username="store-b-staff")
    member.merchant.staff = member.user
    return member.merchant


@pytest.fixture
def product(rates, store):
    return ProductFactory(merchant=store)


@pytest.fixture
def shopper(db):
    return UserFactory(username="shopper-a")


@pytest.fixture
def other_shopper(db):
    return UserFactory(username="shopper-b")


@pytest.fixture
def order(rates, store, shopper):
    return paid_order(merchant=store, user=shopper)


@pytest.fixture(autouse=True)
def _in_english(client):
    """Messages are read in English (the Chinese catalogue is filled later): the services' errors
    outside a request, and the pages (the shop's default language is Chinese)."""
    from django.utils import translation

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
