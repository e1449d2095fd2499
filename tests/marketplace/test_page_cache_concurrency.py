"""The change counter under concurrent writers on PostgreSQL: every committed write statement counts
once, rolled-back ones don't, and writers never deadlock on the counter's rows."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.db.models import F

from marketplace import page_cache
from marketplace.models import Product, ProductVariant
from tests.factories import ProductFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the counter's triggers are PostgreSQL's"),
]


def counter() -> int:
    return page_cache.versions()[0]


def test_stock_alone_leaves_the_counter_every_other_change_moves_it_once(rates):
    product = ProductFactory(stock=10, prices=["10.00", "12.00", "15.00"])
    before = counter()
    ProductVariant.objects.filter(product=product).update(stock=F("stock") - 1)
    assert counter() == before
    ProductVariant.objects.filter(product=product).update(weight_grams=900)  # three rows, one statement
    assert counter() == before + 1
    ProductVariant.objects.filter(product=product).update(weight_grams=900, stock=3)  # no real change
    assert counter() == before + 1


def test_a_writer_never_waits_for_another_writers_counter_row(rates):
    """One transaction holds its counter row until it ends; another writer takes a free row at once
    (a lock timeout would fail it otherwise), so the counter adds no lock cycle to theirs."""
    first, second = ProductFactory(), ProductFactory()
    before = counter()
    holding, done = threading.Event(), threading.Event()
    errors = []

    def long_writer():
        try:
            with transaction.atomic():
                ProductVariant.objects.filter(product=first).update(weight_grams=777)
                holding.set()
                done.wait(10)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=long_writer)
    thread.start()
    try:
        assert holding.wait(10)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '1s'")
            Product.objects.filter(pk=second.pk).update(name_en="Renamed meanwhile")
    finally:
        done.set()
        thread.join(10)
    assert errors == []
    assert counter() == before + 2


def test_a_product_page_never_keeps_stock_that_changed_while_it_rendered(client, rates, monkeypatch):
    """A checkout commits (another connection) while the page renders: the page and its key come
    from one snapshot, so the stored page matches its key, and a cancellation later shows stock."""
    from marketplace import selectors

    product = ProductFactory(prices=["10.00"], stock=1)
    variant = product.variants.get()
    real = selectors.product_detail
    raced = []

    def with_a_checkout_meanwhile(pk):
        if not raced:
            raced.append(True)
            buyer = threading.Thread(
                target=lambda: (
                    ProductVariant.objects.filter(pk=variant.pk).update(stock=F("stock") - 1),
                    connections.close_all(),
                )
            )
            buyer.start()
            buyer.join(10)
        return real(pk)

    monkeypatch.setattr(selectors, "product_detail", with_a_checkout_meanwhile)
    page = f"/product/{product.pk}/"
    client.get(page, HTTP_ACCEPT_LANGUAGE="en")
    assert ProductVariant.objects.get(pk=variant.pk).stock == 0
    assert "disabled data-add-button" in client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    ProductVariant.objects.filter(pk=variant.pk).update(stock=F("stock") + 1)  # the order is cancelled
    assert "disabled data-add-button" not in client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_concurrent_writers_each_count_and_rolled_back_writes_do_not(rates):
    products = [ProductFactory() for _ in range(4)]
    before = counter()
    barrier = threading.Barrier(8)
    errors = []

    def writer(index):
        try:
            barrier.wait()
            for step in range(10):
                with transaction.atomic():
                    Product.objects.filter(pk=products[index % 4].pk).update(sales_count=F("sales_count") + 1)
                    ProductVariant.objects.filter(product=products[(index + 1) % 4]).update(
                        stock=F("stock") - 1
                    )
                if step % 5 == 4:  # and one write thrown away
                    try:
                        with transaction.atomic():
                            Product.objects.filter(pk=products[index % 4].pk).update(name_en="never")
                            raise RuntimeError
                    except RuntimeError:
                        pass
        except Exception as exc:  # noqa: BLE001 - a deadlock or lock error is what the test looks for
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert counter() == before + 8 * 10  # one per committed product update; stock and rollbacks: none
    assert Product.objects.filter(name_en="never").count() == 0
