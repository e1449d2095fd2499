"""Search synonyms: a keyword finds products named with any term of its staff-kept group, in English and
Chinese, on the storefront and in the API, at the same query cost as a search without synonyms."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace import selectors
from marketplace.models import SearchSynonym
from tests.factories import ProductFactory, StaffFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def _rendered_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def catalog(rates):
    return {
        "sun": ProductFactory(name_zh="新艳阳水动力护肤乳 SPF50+", name_en="Protector Lotion SPF50+"),
        "formula": ProductFactory(name_zh="Step 婴幼儿配方 800g", name_en="Step Infant Formula 800g"),
        "cream": ProductFactory(name_zh="珂润浸润面霜 40g", name_en="Curél Intensive Moisture Cream 40g"),
        "nappies": ProductFactory(name_zh="妙而舒纸尿裤 L", name_en="Merries Tape L"),
        "kettle": ProductFactory(name_zh="电热水壶", name_en="Electric Kettle"),
    }


def found(client, query, **headers):
    response = client.get("/search/", {"q": query}, **(headers or EN))
    assert response.status_code == 200
    return {p.pk for p in response.context["products"]}


@pytest.mark.parametrize("query", ["sunscreen", "Sunblock", "sun cream", "SPF", "防晒", "防晒霜"])
def test_every_sun_care_word_finds_the_spf_lotion(client, catalog, query):
    assert found(client, query) == {catalog["sun"].pk}


@pytest.mark.parametrize("query", ["baby formula", "infant formula", "奶粉", "婴儿奶粉", "Baby Formula"])
def test_formula_words_in_both_languages(client, catalog, query):
    assert found(client, query, **ZH) == {catalog["formula"].pk}


@pytest.mark.parametrize("query", ["moisturiser", "moisturizer", "面霜", "乳液"])
def test_moisturiser_words(client, catalog, query):
    # "乳液" (lotion) is in the group too: the SPF lotion's Chinese name has 护肤乳, not 乳液.
    assert catalog["cream"].pk in found(client, query)


def test_nappies_finds_diapers_named_in_chinese_only(client, catalog):
    assert found(client, "nappies") == {catalog["nappies"].pk}
    assert found(client, "尿不湿", **ZH) == {catalog["nappies"].pk}


def test_a_synonym_phrase_and_a_plain_word_must_both_match(client, catalog, rates):
    other_size = ProductFactory(name_zh="Step 婴幼儿配方 400g", name_en="Step Infant Formula 400g")
    assert found(client, "baby formula 400g") == {other_size.pk}


def test_a_word_without_synonyms_searches_as_before(client, catalog):
    assert found(client, "kettle") == {catalog["kettle"].pk}
    assert found(client, "sunscreenx") == set()


def test_the_api_search_uses_the_synonyms(client, catalog):
    ids = {row["id"] for row in client.get("/api/v1/products/", {"q": "sunscreen"}).json()["results"]}
    assert ids == {catalog["sun"].pk}
    ids = {row["id"] for row in client.get("/api/v1/products/", {"q": "奶粉"}).json()["results"]}
    assert ids == {catalog["formula"].pk}


def test_staff_add_a_group_in_the_console_and_search_follows_at_once(client, catalog):
    assert found(client, "teakettle") == set()  # also caches the synonyms of this catalogue version
    admin = client.__class__()
    admin.force_login(StaffFactory(is_superuser=True))
    response = admin.post(
        "/staff/marketplace/searchsynonym/add/", {"terms": "teakettle，kettle、 电热水壶", "note": "Kettles"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    group = SearchSynonym.objects.get(note="Kettles")
    assert group.terms == "teakettle, kettle, 电热水壶"  # Chinese commas accepted, stored normalised
    assert found(client, "teakettle") == {catalog["kettle"].pk}
    group.delete()
    assert found(client, "teakettle") == set()


def test_the_console_refuses_a_group_of_one_term(client, db):
    admin = client.__class__()
    admin.force_login(StaffFactory(is_superuser=True))
    admin.cookies["django_language"] = "en"
    response = admin.post("/staff/marketplace/searchsynonym/add/", {"terms": "sunscreen, "})
    assert response.status_code == 200 and "at least two terms" in response.content.decode()
    assert not SearchSynonym.objects.filter(terms="sunscreen").exists()


def test_the_seeded_groups_cover_both_languages(db):
    table = selectors.search_synonyms()
    for english, chinese in [("sunscreen", "防晒"), ("baby formula", "奶粉"), ("moisturiser", "面霜")]:
        assert chinese in table[english] and english in table[chinese.casefold()]
    assert len(SearchSynonym.objects.all()) >= 15


def _queries(client, query):
    with CaptureQueriesContext(connection) as captured:
        client.get("/search/", {"q": query}, **EN)
    return len(captured.captured_queries)


def test_synonyms_cost_no_extra_query(client, catalog):
    client.get("/search/", {"q": "warm-up"}, **EN)  # fills the caches every search shares
    # Each first search of a new word: the word with seven synonyms costs what a word without any does.
    assert _queries(client, "sunscreen") == _queries(client, "lotion")
    assert _queries(client, "baby formula 800g") == _queries(client, "electric kettle")
