"""Two staff of one store create the same mode's shipping template at once, on PostgreSQL: one
template, and the other request is told it exists (409), never a server error."""

import threading

import pytest
from django.db import connection, connections

from logistics.errors import ShippingTemplateExists
from logistics.models import ShippingTemplate
from logistics.services import templates as services
from tests.factories import MerchantMemberFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writers"
    ),
]
RACERS = 6


def test_racing_creates_make_one_template():
    first = MerchantMemberFactory()
    users = [first.user] + [MerchantMemberFactory(merchant=first.merchant).user for _ in range(RACERS - 1)]
    barrier = threading.Barrier(RACERS)
    made, told, errors = [], [], []

    def create(user):
        try:
            barrier.wait(timeout=30)
            services.shipping_template_create(
                user=user,
                shipping_mode="bonded",
                name=f"by {user.username}",
                first_weight_grams=1000,
                first_fee="8.00",
                additional_step_grams=1000,
                additional_fee="4.00",
                regions=[{"provinces": ["新疆"], "first_fee": "20", "additional_fee": "10"}],
            )
            made.append(user.pk)
        except ShippingTemplateExists:
            told.append(user.pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(made) == 1 and len(told) == RACERS - 1
    template = ShippingTemplate.objects.get(merchant=first.merchant)
    assert template.regions.count() == 1
