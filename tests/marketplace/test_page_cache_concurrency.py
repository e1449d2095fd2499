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


def test_stock_alone_leaves_the_counter_every_other_change_moves_it(rates):
    product = ProductFactory(stock=10)
    before = counter()
    ProductVariant.objects.filter(product=product).update(stock=F("stock") - 1)
    assert counter() == before
    ProductVariant.objects.filter(product=product).update(weight_grams=900)
    assert counter() == before + 1
    ProductVariant.objects.filter(product=product).update(weight_grams=900, stock=3)  # no real change
    assert counter() == before + 1


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
