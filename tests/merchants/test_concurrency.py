"""Review decisions racing each other on PostgreSQL: row locks make exactly one win."""

import threading

import pytest
from django.db import connection, connections

from merchants import services
from merchants.errors import MerchantError
from merchants.models import Merchant, MerchantApplication, ReviewDecision
from tests.factories import StaffFactory

from .helpers import applicant, complete_application

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are what is tested: PostgreSQL only"
    ),
]


def race(*actions):
    """Run the actions at the same moment in threads; return what each returned or raised."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            results[index] = action()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_reviewers_deciding_at_once_make_one_decision():
    user, application = complete_application()
    services.merchant_application_submit(application=application, actor=user)
    one, two = StaffFactory(), StaffFactory()
    results = race(
        lambda: services.merchant_application_approve(application=application, reviewer=one),
        lambda: services.merchant_application_reject(application=application, reviewer=two, reasons="No."),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], MerchantError), results
    assert ReviewDecision.objects.filter(application=application).count() == 1
    state = MerchantApplication.objects.get(pk=application.pk).state
    assert state in ("approved", "rejected")


def test_the_same_company_cannot_be_approved_twice_at_once():
    first_user, first = complete_application(applicant("first"))
    second_user, second = complete_application(applicant("second"))  # same registration number
    for user, app in ((first_user, first), (second_user, second)):
        services.merchant_application_submit(application=app, actor=user)
    one, two = StaffFactory(), StaffFactory()
    results = race(
        lambda: services.merchant_application_approve(application=first, reviewer=one),
        lambda: services.merchant_application_approve(application=second, reviewer=two),
    )
    assert sum(isinstance(r, Exception) for r in results) == 1, results
    assert Merchant.objects.filter(status=Merchant.Status.APPROVED).count() == 1
